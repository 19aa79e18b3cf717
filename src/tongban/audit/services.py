from __future__ import annotations

import json
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from tongban.core import net

from .chain import GENESIS, entry_hash, first_broken
from .models import AuditEntry, AuditHead


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
        at=timezone.now(),
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


def verify() -> tuple[int, int | None]:
    """(entries checked, id of the first tampered entry or None). Also notices a truncated tail."""
    rows = AuditEntry.objects.order_by("id").iterator(chunk_size=2000)
    checked = 0
    last = GENESIS

    def entries():
        nonlocal checked, last
        for e in rows:
            checked += 1
            last = e.hash
            yield e.id, e.prev_hash, e.hash, e.chained_fields()

    broken = first_broken(entries())
    if broken is None:
        head = AuditHead.objects.filter(pk=1).first()
        if head and head.last_hash != last:
            return checked, -1  # entries after the last one were removed
    return checked, broken
