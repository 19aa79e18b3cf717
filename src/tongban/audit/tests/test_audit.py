import pytest
from django.core.management import CommandError, call_command

from tongban.audit.models import AuditEntry
from tongban.audit.services import record, verify

pytestmark = pytest.mark.django_db


def test_chain_verifies_and_detects_tampering(capsys):
    for i in range(5):
        record("case.view", "case", f"330681-20261122-{i:06d}", detail={"fields": ["applicant_id_number"]})
    assert verify() == (5, None)
    call_command("audit", "verify")
    assert "完整" in capsys.readouterr().out

    third = AuditEntry.objects.order_by("id")[2]
    # Tampering bypasses the model (as someone with database access would).
    AuditEntry.objects.filter(pk=third.pk).update(detail={"fields": []})
    assert verify() == (3, third.pk)  # stops at the first broken entry
    with pytest.raises(CommandError, match="篡改"):
        call_command("audit", "verify")


def test_removing_the_last_entry_is_detected():
    for i in range(3):
        record("case.view", "case", str(i))
    last = AuditEntry.objects.latest("id")
    AuditEntry.objects.filter(pk=last.pk)._raw_delete(AuditEntry.objects.db)
    assert verify()[1] == -1


def test_entries_cannot_be_edited_through_the_model():
    entry = record("case.view", "case", "1")
    entry.action = "x"
    with pytest.raises(Exception, match="只能追加"):
        entry.save()


def test_the_sql_of_the_hot_path_stores_what_the_model_reads(django_user_model):
    """record() writes with SQL of its own (audit/services.py): the row must read back as written, and chain."""
    clerk = django_user_model.objects.create_user("clerk", password="Tongban@2026", kind="staff", role="window_clerk")
    detail = {"fields": ["applicant_id_number"], "说明": "窗口查看", "n": 3, "nested": {"a": [1, None, True]}}
    written = record("case.view", "case", "330681-20261122-000001", actor=clerk, detail=detail, ip="10.0.0.8")
    stored = AuditEntry.objects.get(pk=written.pk)
    assert stored.detail == detail and stored.actor_id == clerk.pk and stored.actor_label == "clerk"
    assert stored.at == written.at and stored.hash == written.hash and stored.ip == "10.0.0.8"
    second = record("case.view", "case", "x")
    assert AuditEntry.objects.get(pk=second.pk).prev_hash == written.hash
    assert verify() == (2, None)
