import pytest

from tongban.notifications.models import OutboxMessage
from tongban.notifications.registry import Message, get_notifier
from tongban.notifications.services import notify

pytestmark = pytest.mark.django_db


def test_local_outbox_persists_messages():
    ref = get_notifier("local_outbox").send(
        Message("13800000000", "张三", "受理通知", "您的申请已受理", "N1", "accepted")
    )
    row = OutboxMessage.objects.get()
    assert ref == f"outbox-{row.pk}" and row.kind == "accepted"


def test_notify_waits_for_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(Message("13800000000", "张三", "办结通知", "已办结"))
    assert OutboxMessage.objects.count() == 1
