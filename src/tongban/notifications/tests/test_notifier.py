import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from tongban.notifications.models import LocalSmsMessage
from tongban.notifications.registry import Message, get_notifier
from tongban.notifications.services import notify
from tongban.outbox.models import Message as OutboxMessage
from tongban.outbox.testing import deliver_outbox

pytestmark = pytest.mark.django_db

NOTICE = Message("13800000000", "张三", "受理通知", "您的申请已受理", "N1", "accepted")


def test_the_local_sms_gateway_keeps_one_row_per_outbox_message():
    message_id = str(uuid.uuid4())
    gateway = get_notifier("local_sms")
    ref = gateway.send(NOTICE, message_id)
    row = LocalSmsMessage.objects.get()
    assert ref == f"local-sms-{row.pk}" and row.kind == "accepted" and str(row.outbox_id) == message_id
    # Delivered again (at least once): counted, not sent twice.
    assert gateway.send(NOTICE, message_id) == ref
    row.refresh_from_db()
    assert LocalSmsMessage.objects.count() == 1 and row.duplicates == 1


def test_notify_goes_through_the_outbox_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queued = notify(Message("13800000000", "张三", "办结通知", "已办结"))
    assert queued.topic == "notify" and queued.payload["subject"] == "办结通知"
    row = LocalSmsMessage.objects.get()
    assert row.outbox_id == queued.pk and row.body == "已办结"
    assert OutboxMessage.objects.get(pk=queued.pk).status == "delivered"


def test_a_rolled_back_action_notifies_nobody():
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(NOTICE)
        raise RuntimeError("the action fails after its notice was queued")
    assert not OutboxMessage.objects.exists()
    deliver_outbox()
    assert not LocalSmsMessage.objects.exists()


def test_a_failing_notifier_does_not_fail_the_action_and_is_retried(monkeypatch, django_capture_on_commit_callbacks):
    from tongban.notifications.contrib.local_sms.notifier import LocalSmsGateway

    def gateway_down(self, message, message_id):
        raise ConnectionError("短信网关无响应")

    monkeypatch.setattr(LocalSmsGateway, "send", gateway_down)
    with django_capture_on_commit_callbacks(execute=True):
        queued = notify(NOTICE)  # no exception reaches the caller
    queued.refresh_from_db()
    assert queued.status == "pending" and queued.attempts == 1 and "短信网关无响应" in queued.last_error
    monkeypatch.undo()
    OutboxMessage.objects.filter(pk=queued.pk).update(next_attempt_at=queued.created_at)
    deliver_outbox()
    assert LocalSmsMessage.objects.get().outbox_id == queued.pk


def test_an_unknown_notifier_is_named(settings):
    settings.TONGBAN_NOTIFIER = "local_outbox"
    with pytest.raises(ImproperlyConfigured, match="local_sms"):
        get_notifier()
    with pytest.raises(ImproperlyConfigured, match="未找到通知接口"):
        get_notifier("os.path")
