"""The outbox: nothing sent on rollback, delivered once, retried with backoff, dead-lettered, resent, leased."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tongban import outbox
from tongban.outbox import services
from tongban.outbox.models import Message
from tongban.outbox.testing import deliver_outbox

pytestmark = pytest.mark.django_db

RECORD, BROKEN = "test.record", "test.broken"
received: list[tuple[str, dict]] = []


@outbox.register(RECORD)
def record(message: Message) -> None:
    received.append((str(message.id), message.payload))


@outbox.register(BROKEN)
def broken(message: Message) -> None:
    raise ConnectionError(f"对方接口不可用（第 {message.attempts} 次）")


@pytest.fixture(autouse=True)
def _fresh():
    received.clear()


def test_a_rolled_back_change_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValueError), transaction.atomic():
        services.enqueue(RECORD, {"n": 1})
        raise ValueError("the person's change fails")
    assert not Message.objects.exists() and received == []


def test_a_committed_message_is_delivered_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = services.enqueue(RECORD, {"n": 1, "day": dt.date(2026, 10, 9)})
        assert received == []  # nothing before the commit
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert message.status == "delivered" and message.attempts == 1 and message.delivered_at
    assert received == [(str(message.pk), {"n": 1, "day": "2026-10-09"})]
    assert services.deliver(message.pk) == services.SKIPPED  # a second task, or the sweeper, finds it done
    assert deliver_outbox() == 0 and len(received) == 1


def test_unknown_topics_are_refused_when_enqueued():
    with pytest.raises(ImproperlyConfigured, match="没有注册处理程序"):
        services.enqueue("no.such.topic", {})


def test_failures_back_off_exponentially_then_go_dead(settings):
    settings.TONGBAN_OUTBOX_RETRY_BASE_SECONDS = 10
    settings.TONGBAN_OUTBOX_RETRY_CAP_SECONDS = 25
    settings.TONGBAN_OUTBOX_MAX_ATTEMPTS = 4
    message = services.enqueue(BROKEN, {})
    waits = []
    for _ in range(3):
        before = timezone.now()
        assert services.deliver(message.pk) == services.RETRY
        message.refresh_from_db()
        assert message.status == "pending" and message.claimed_until is None and "对方接口不可用" in message.last_error
        waits.append(round((message.next_attempt_at - before).total_seconds()))
        assert services.deliver(message.pk) == services.SKIPPED  # not due yet
        Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert waits == [10, 20, 25]  # base, 2 × base, then the cap
    assert services.deliver(message.pk) == services.DEAD
    message.refresh_from_db()
    assert message.status == "dead" and message.attempts == 4 and "第 4 次" in message.last_error
    assert services.deliver(message.pk) == services.SKIPPED and deliver_outbox() == 0


def test_resend_gives_a_dead_message_new_attempts(settings, django_capture_on_commit_callbacks):
    settings.TONGBAN_OUTBOX_MAX_ATTEMPTS = 1
    message = services.enqueue(RECORD, {"n": 2})
    Message.objects.filter(pk=message.pk).update(status="dead", attempts=1, last_error="旧错误")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.resend(Message.objects.filter(pk=message.pk)) == 1
    message.refresh_from_db()
    assert message.status == "delivered" and message.attempts == 1 and received == [(str(message.pk), {"n": 2})]
    assert services.resend([message]) == 0  # a delivered message is not sent again


def test_a_leased_message_is_never_delivered_twice_at_once():
    message = services.enqueue(RECORD, {"n": 3})
    inner = []

    @outbox.register("test.reentrant")
    def deliver_again_meanwhile(m: Message) -> None:
        inner.append(services.deliver(m.pk))  # a second worker tries while the first one holds it

    reentrant = services.enqueue("test.reentrant", {})
    assert services.deliver(reentrant.pk) == services.DELIVERED and inner == [services.SKIPPED]
    # A worker that died holding the message: nobody delivers it until its lease ends, then someone does.
    Message.objects.filter(pk=message.pk).update(claimed_until=timezone.now() + dt.timedelta(minutes=5))
    assert deliver_outbox() == 0 and received == []
    Message.objects.filter(pk=message.pk).update(claimed_until=timezone.now() - dt.timedelta(seconds=1))
    assert deliver_outbox() == 1 and received == [(str(message.pk), {"n": 3})]


def test_a_queue_that_cannot_be_reached_never_fails_the_request(monkeypatch, django_capture_on_commit_callbacks):
    from tongban.outbox import tasks

    def unreachable(*args, **kwargs):
        raise ConnectionError("任务队列不可用")

    monkeypatch.setattr(type(tasks.deliver_message), "enqueue", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        message = services.enqueue(RECORD, {"n": 4})
    message.refresh_from_db()
    assert message.status == "pending" and received == []
    monkeypatch.undo()
    assert tasks.sweep() == 1 and received == [(str(message.pk), {"n": 4})]  # the sweeper delivers it


def test_the_admin_lists_filters_and_resends(client, django_user_model, settings):
    settings.TONGBAN_OUTBOX_MAX_ATTEMPTS = 1
    root = django_user_model.objects.create_superuser("root", "root@example.cn", "Root-pass-2024")
    client.force_login(root)
    dead = services.enqueue(BROKEN, {"n": 5})
    services.deliver(dead.pk)
    url = reverse("admin:outbox_message_changelist")
    page = client.get(url, {"status": "dead", "topic": BROKEN}).content.decode()
    assert "发件箱消息" in page and "投递失败（死信）" in page and "对方接口不可用" in page
    detail = client.get(reverse("admin:outbox_message_change", args=[dead.pk])).content.decode()
    assert 'name="_save"' not in detail and "&quot;n&quot;: 5" in detail
    response = client.post(url, {"action": "resend", "_selected_action": [str(dead.pk)]}, follow=True)
    assert "已重新排入 1 条消息" in response.content.decode()
    dead.refresh_from_db()
    assert dead.status == "pending" and dead.attempts == 0 and dead.next_attempt_at <= timezone.now()
    assert client.get(reverse("admin:outbox_periodicjobstate_changelist")).status_code == 200
