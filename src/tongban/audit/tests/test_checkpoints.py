"""Signed checkpoints anchor the audit chain outside the rows it protects (issue 8). Replays what the chain
alone reported as "完整": the last five entries and the head deleted; every entry and the head deleted; a
row forged with every later hash recomputed. Tampering bypasses the models, as someone with database access
would; the key and the anchor file are outside the database."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tongban.audit import services
from tongban.audit.chain import GENESIS, entry_hash
from tongban.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from tongban.audit.services import checkpoint, examine, record, verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def anchored(settings, tmp_path, django_capture_on_commit_callbacks) -> Any:
    """Twenty entries and a checkpoint of them, its copy written outside the database."""
    settings.TONGBAN_AUDIT_ANCHOR_DIR = tmp_path
    for i in range(20):
        record("case.view", "case", f"330681-20261122-{i:06d}", detail={"fields": ["applicant_id_number"]})
    with django_capture_on_commit_callbacks(execute=True):
        made = checkpoint()
    assert made is not None and made.number == 1 and made.count == 20
    return tmp_path


def raw_delete(queryset: Any) -> None:
    queryset._raw_delete(queryset.db)


def detected(capsys: Any) -> str:
    with pytest.raises(CommandError) as refused:
        call_command("audit", "verify")
    assert "完整" not in capsys.readouterr().out
    return str(refused.value)


def test_an_untouched_chain_with_its_checkpoint_is_intact(anchored, capsys) -> None:
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "审计日志完整" in out and "20 条记录" in out and "1 个签名检查点" in out
    copy = json.loads((anchored / services.ANCHOR_FILE).read_text(encoding="utf-8"))
    assert copy["number"] == 1 and copy["count"] == 20 and copy["signature"]
    assert (anchored / services.ANCHOR_LOG).read_text(encoding="utf-8").count("\n") == 1


def test_the_last_five_entries_and_the_head_deleted(anchored, capsys) -> None:
    last = AuditEntry.objects.order_by("-id")[4].pk
    raw_delete(AuditEntry.objects.filter(pk__gte=last))
    raw_delete(AuditHead.objects.all())
    message = detected(capsys)
    assert "截断或删除" in message and verify() == (15, -1)


def test_every_entry_and_the_head_deleted(anchored, capsys) -> None:
    raw_delete(AuditEntry.objects.all())
    raw_delete(AuditHead.objects.all())
    assert "已不存在" in detected(capsys)
    # The checkpoints in the database deleted too: the copy outside still knows.
    raw_delete(AuditCheckpoint.objects.all())
    message = detected(capsys)
    assert "数据库外保存的第1号检查点" in message


def forge_and_recompute(position: int) -> None:
    """Change one entry and recompute every later hash and the head, as a forger with database access would."""
    entries = list(AuditEntry.objects.order_by("id"))
    entries[position].detail = {"fields": []}
    prev = entries[position - 1].hash if position else GENESIS
    for entry in entries[position:]:
        entry.prev_hash = prev
        entry.hash = entry_hash(prev, entry.chained_fields())
        AuditEntry.objects.filter(pk=entry.pk).update(detail=entry.detail, prev_hash=entry.prev_hash, hash=entry.hash)
        prev = entry.hash
    AuditHead.objects.filter(pk=1).update(last_hash=prev)


def test_a_forged_row_with_the_chain_recomputed(anchored, capsys) -> None:
    forge_and_recompute(7)
    assert "重新计算" in detected(capsys)


def test_a_forged_checkpoint_cannot_be_signed_without_the_key(anchored, capsys) -> None:
    forge_and_recompute(3)
    last = AuditEntry.objects.order_by("-id").first()
    assert last is not None
    AuditCheckpoint.objects.filter(number=1).update(entry_hash=last.hash)  # the forger "fixes" the checkpoint
    assert "签名无效" in detected(capsys)


def test_deleted_or_replaced_checkpoints_are_noticed(anchored, settings, capsys, django_capture_on_commit_callbacks):
    record("case.view", "case", "later")
    with django_capture_on_commit_callbacks(execute=True):
        made = checkpoint()
        assert made is not None and made.number == 2
    raw_delete(AuditCheckpoint.objects.filter(number=1))
    assert "编号不连续" in detected(capsys)


def test_a_tampered_copy_outside_is_noticed(anchored, capsys) -> None:
    path = anchored / services.ANCHOR_FILE
    copy = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**copy, "count": 3}), encoding="utf-8")
    assert "签名无效" in detected(capsys)
    path.write_text("not json", encoding="utf-8")
    assert "无法读取" in detected(capsys)


def test_checkpoints_follow_the_chain_and_keys_can_rotate(anchored, settings, django_capture_on_commit_callbacks):
    assert checkpoint() is None  # nothing new since the last one
    old_key = settings.TONGBAN_AUDIT_KEYS[0]
    settings.TONGBAN_AUDIT_KEYS = ["a-new-key-from-the-environment", old_key]
    record("case.view", "case", "after rotation")
    with django_capture_on_commit_callbacks(execute=True):
        second = checkpoint()
    assert second is not None and second.number == 2 and second.count == 21 and second.prev_signature
    assert examine().intact
    settings.TONGBAN_AUDIT_KEYS = ["a-new-key-from-the-environment"]  # the old key dropped too early
    assert any("无法校验" in p for p in examine().problems)


def test_a_checkpoint_on_demand_and_by_the_worker(settings, tmp_path, capsys, django_capture_on_commit_callbacks):
    from tongban.audit.tasks import take_checkpoint

    settings.TONGBAN_AUDIT_ANCHOR_DIR = tmp_path
    record("case.view", "case", "1")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("audit", "checkpoint")
    assert "第1号检查点" in capsys.readouterr().out
    assert take_checkpoint() == 0
    record("case.view", "case", "2")
    with django_capture_on_commit_callbacks(execute=True):
        assert take_checkpoint() == 1
    assert AuditCheckpoint.objects.count() == 2 and (tmp_path / services.ANCHOR_FILE).exists()
