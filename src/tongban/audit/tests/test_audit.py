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
    last = AuditEntry.objects.order_by("-id").first()
    AuditEntry.objects.filter(pk=last.pk)._raw_delete(AuditEntry.objects.db)
    assert verify()[1] == -1


def test_entries_cannot_be_edited_through_the_model():
    entry = record("case.view", "case", "1")
    entry.action = "x"
    with pytest.raises(Exception, match="只能追加"):
        entry.save()
