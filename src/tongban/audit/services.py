from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from tongban.core import clock, net

from . import chain
from .chain import GENESIS, entry_hash, first_broken
from .models import AuditCheckpoint, AuditEntry, AuditHead


def record(
    action: str, obj_type: str, obj_id: Any, *, actor: Any = None, detail: dict | None = None, ip: str = ""
) -> AuditEntry:
    """Append one entry to the chain, in the caller's transaction.

    The hot path of every case transition and every view of personal data, so it is three statements of SQL
    written once here (two on PostgreSQL: the entry and the new head in one), not ORM queries built each time:
    lock the head row, insert the entry chained to it, move the head. No savepoint inside a caller's
    transaction: an entry that fails takes the caller's write down with it, as it must — a transition is never
    committed unaudited.
    """
    user_id = actor.pk if getattr(actor, "pk", None) else None
    entry = AuditEntry(
        at=clock.now(),
        actor_id=user_id,
        actor_label=str(actor.get_username()) if user_id else "系统",
        action=action,
        object_type=obj_type,
        object_id=str(obj_id),
        detail=detail or {},
        ip=ip,
    )
    with transaction.atomic(savepoint=False):
        entry.prev_hash = _locked_head()
        entry.hash = entry_hash(entry.prev_hash, entry.chained_fields())
        entry.pk = _insert(entry)
    entry._state.adding = False
    return entry


def _sql() -> dict[str, str]:
    q = connection.ops.quote_name
    entry, head = q(AuditEntry._meta.db_table), q(AuditHead._meta.db_table)
    columns = ", ".join(q(c) for c in _COLUMNS)
    detail = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    values = ", ".join(detail if c == "detail" else "%s" for c in _COLUMNS)
    insert = f"INSERT INTO {entry} ({columns}) VALUES ({values}) RETURNING {q('id')}"
    move = f"UPDATE {head} SET {q('last_hash')} = %s WHERE {q('id')} = 1"
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return {
        "lock": f"SELECT {q('last_hash')} FROM {head} WHERE {q('id')} = 1{lock}",
        "insert": insert,
        "move": move,
        # PostgreSQL: the entry and the new head in one round trip.
        "both": f"WITH e AS ({insert}), h AS ({move}) SELECT {q('id')} FROM e",
    }


_COLUMNS = ("at", "actor_id", "actor_label", "action", "object_type", "object_id", "detail", "ip", "prev_hash", "hash")
_statements: dict[str, dict[str, str]] = {}


def _statement(name: str) -> str:
    vendor = connection.vendor
    if vendor not in _statements:
        _statements[vendor] = _sql()
    return _statements[vendor][name]


def _locked_head() -> str:
    with connection.cursor() as cursor:
        cursor.execute(_statement("lock"))
        row = cursor.fetchone()
    if row is None:  # the chain's first entry
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})
        return head.last_hash
    return str(row[0])


def _insert(entry: AuditEntry) -> int:
    ops = connection.ops
    values = [
        ops.adapt_datetimefield_value(entry.at),
        entry.actor_id,
        entry.actor_label,
        entry.action,
        entry.object_type,
        entry.object_id,
        json.dumps(entry.detail, ensure_ascii=False),
        entry.ip,
        entry.prev_hash,
        entry.hash,
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_statement("both"), [*values, entry.hash])
            return int(cursor.fetchone()[0])
        cursor.execute(_statement("insert"), values)
        pk = int(cursor.fetchone()[0])
        cursor.execute(_statement("move"), [entry.hash])
        return pk


def client_ip(request: Any) -> str:
    """The real client address (behind the configured trusted proxies only: core/net.py)."""
    return net.client_ip(request)


# ---- checkpoints: the chain anchored outside the database ------------------------------------------------

ANCHOR_FILE = "latest-checkpoint.json"
ANCHOR_LOG = "checkpoints.jsonl"


def _keys() -> list[str]:
    keys = list(getattr(settings, "TONGBAN_AUDIT_KEYS", []))
    if not keys:
        raise ImproperlyConfigured("未配置审计检查点签名密钥（TONGBAN_AUDIT_KEY）")
    return keys


def _utc(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat()


def _as_checkpoint(row: AuditCheckpoint) -> chain.Checkpoint:
    return chain.Checkpoint(
        row.number, _utc(row.at), row.entry_id, row.entry_hash, row.count, row.prev_signature, row.key_id, row.signature
    )


def anchor_dir() -> Path:
    return Path(settings.TONGBAN_AUDIT_ANCHOR_DIR)


def checkpoint() -> AuditCheckpoint | None:
    """Sign how far the chain has come (None when nothing was appended since the last checkpoint). Holds the
    head's lock, so no entry slips in between; the latest checkpoint is written to the anchor directory,
    outside the database, once this commits."""
    key = _keys()[0]
    with transaction.atomic():
        _locked_head()
        last = AuditEntry.objects.order_by("-id").values_list("id", "hash").first()
        previous = AuditCheckpoint.objects.order_by("-number").first()
        if last is None or (previous is not None and previous.entry_id == last[0]):
            return None
        entry_id, last_hash = last
        since = previous.entry_id if previous is not None else 0
        count = (previous.count if previous is not None else 0) + AuditEntry.objects.filter(id__gt=since).count()
        row = AuditCheckpoint(
            number=(previous.number if previous is not None else 0) + 1,
            at=timezone.now(),  # real time: when the chain was anchored, whatever a replay's clock says
            entry_id=entry_id,
            entry_hash=last_hash,
            count=count,
            prev_signature=previous.signature if previous is not None else "",
            key_id=chain.key_id(key),
        )
        row.signature = chain.sign(key, _as_checkpoint(row).fields())
        row.save()
        transaction.on_commit(lambda: write_anchor(row))
    return row


def write_anchor(row: AuditCheckpoint) -> None:
    """The checkpoint outside the database: the latest in one file (replaced atomically), all in a log."""
    folder = anchor_dir()
    folder.mkdir(parents=True, exist_ok=True)
    record = {**asdict(_as_checkpoint(row))}
    line = json.dumps(record, ensure_ascii=False, sort_keys=True)
    with (folder / ANCHOR_LOG).open("a", encoding="utf-8") as log:
        log.write(line + "\n")
    temporary = folder / f".{ANCHOR_FILE}.{os.getpid()}"
    temporary.write_text(line, encoding="utf-8")
    os.replace(temporary, folder / ANCHOR_FILE)


def read_anchor() -> chain.Checkpoint | None:
    path = anchor_dir() / ANCHOR_FILE
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        return chain.Checkpoint(**record)
    except FileNotFoundError:
        return None
    except (ValueError, TypeError) as exc:
        raise AnchorUnreadable(str(path)) from exc


class AnchorUnreadable(Exception):
    pass


@dataclass
class Report:
    """What ``tongban audit verify`` found: entries and checkpoints checked, problems (Chinese), notes."""

    checked: int = 0
    checkpoints: int = 0
    first_broken: int | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def examine() -> Report:
    """Every check at once: the hash chain, the head, every signed checkpoint, and the anchor kept outside."""
    report = Report()
    keys = _keys()
    rows = [_as_checkpoint(c) for c in AuditCheckpoint.objects.order_by("number")]
    try:
        anchor = read_anchor()
    except AnchorUnreadable as exc:
        anchor = None
        report.problems.append(f"检查点副本文件无法读取（{exc}）：文件被改动")
    wanted = {c.entry_id for c in rows} | ({anchor.entry_id} if anchor else set())
    seen: dict[int, tuple[str, int]] = {}
    last = GENESIS

    def entries():
        nonlocal last
        for e in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
            report.checked += 1
            last = e.hash
            if e.id in wanted:
                seen[e.id] = (e.hash, report.checked)
            yield e.id, e.prev_hash, e.hash, e.chained_fields()

    report.first_broken = first_broken(entries())
    if report.first_broken is not None:
        report.problems.append(f"哈希链在第{report.first_broken}条记录处断裂：记录被修改、删除或重排")
    else:
        head = AuditHead.objects.filter(pk=1).first()
        if head is None and report.checked:
            report.problems.append("链头记录缺失：最后的记录可能连同链头一起被删除")
        elif head is not None and head.last_hash != last:
            report.problems.append("链尾与记录的最新哈希不符：最后的记录被删除")
    report.checkpoints = len(rows)
    report.problems += chain.sequence_problems(rows)
    for row in rows:
        report.problems += chain.checkpoint_problems(row, keys, seen, "")
    if anchor is not None:
        stored = {c.number: c for c in rows}.get(anchor.number)
        problems = chain.checkpoint_problems(anchor, keys, seen, "数据库外保存的")
        if not problems and (stored is None or stored.signature != anchor.signature):
            problems.append(f"数据库外保存的第{anchor.number}号检查点在数据库中已不存在或被替换：检查点被删除")
        report.problems += problems
    elif rows:
        report.notes.append(f"未找到数据库外的检查点副本（{anchor_dir() / ANCHOR_FILE}），仅按数据库中的检查点校验")
    if report.checked and not rows and anchor is None:
        report.notes.append("尚未生成检查点：运行 tongban audit checkpoint，或由后台任务定期生成")
    return report


def verify() -> tuple[int, int | None]:
    """(entries checked, None when everything agrees; else the id of the first tampered entry, or -1 when the
    chain itself holds but the head, a checkpoint or the anchor outside the database disagrees)."""
    report = examine()
    if report.intact:
        return report.checked, None
    return report.checked, report.first_broken if report.first_broken is not None else -1
