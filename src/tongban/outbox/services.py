"""Every write to the outbox: enqueue a message in the caller's transaction, deliver it, retry it, resend it.

Delivery semantics (docs/adr/0006-task-queue-and-outbox.md): at least once. A message is claimed with a lease
(one conditional UPDATE, so two workers never hold it at once), its handler runs outside any transaction of
ours, then it is marked delivered. A worker that dies between the handler and that mark leaves the message to
be delivered again once the lease ends: receivers deduplicate on the message id.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
import uuid
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Message
from .registry import handler_for, retries_forever

logger = logging.getLogger(__name__)
St = Message.Status

DELIVERED, RETRY, DEAD, SKIPPED = "delivered", "retry", "dead", "skipped"


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def max_attempts() -> int:
    return int(_setting("TONGBAN_OUTBOX_MAX_ATTEMPTS", 10))


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=_setting("TONGBAN_OUTBOX_LEASE_SECONDS", 300))


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the attempts-th failed attempt: base, 2 × base, 4 × base … never more than the cap."""
    base = _setting("TONGBAN_OUTBOX_RETRY_BASE_SECONDS", 30)
    cap = _setting("TONGBAN_OUTBOX_RETRY_CAP_SECONDS", 3600)
    return dt.timedelta(seconds=min(cap, base * 2 ** max(attempts - 1, 0)))


def enqueue(topic: str, payload: dict[str, Any]) -> Message:
    """Write the message inside the caller's transaction (a rolled-back change sends nothing) and, once that
    commits, ask the task queue to deliver it. A queue that cannot be reached then costs only latency: the
    periodic sweeper delivers whatever is left."""
    if handler_for(topic) is None:
        raise ImproperlyConfigured(f"发件箱主题“{topic}”没有注册处理程序（@outbox.register）")
    message = Message.objects.create(topic=topic, payload=payload)
    transaction.on_commit(partial(request_delivery, message.pk), robust=True)
    return message


def request_delivery(message_id: uuid.UUID, run_after: dt.datetime | None = None) -> None:
    """Enqueue the delivery task; never raises (the person's request has already succeeded)."""
    from .tasks import deliver_message

    try:
        task = deliver_message
        if run_after is not None:
            if not task.get_backend().supports_defer:
                return  # the sweeper delivers it once due
            task = task.using(run_after=run_after)
        task.enqueue(str(message_id))
    except Exception:
        logger.exception("发件箱：消息 %s 未能排入任务队列，将由定时补发投递", message_id)


def _claimable(now: dt.datetime) -> Q:
    return Q(status=St.PENDING, next_attempt_at__lte=now) & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))


def deliver(message_id: uuid.UUID | str) -> str:
    """Claim the message, run its handler, record the outcome: DELIVERED, RETRY (scheduled with backoff),
    DEAD (the last attempt failed) or SKIPPED (not due, already delivered or held by another worker)."""
    now = timezone.now()
    token = uuid.uuid4().hex
    # One conditional UPDATE claims it: of two workers racing for the same message, exactly one matches.
    # The attempt is counted here, so a message whose handler kills the worker still reaches the limit.
    claimed = Message.objects.filter(_claimable(now), pk=message_id).update(
        claimed_until=now + lease(), claimed_by=token, attempts=F("attempts") + 1
    )
    if not claimed:
        return SKIPPED
    message = Message.objects.get(pk=message_id)
    handler = handler_for(message.topic)
    try:
        if handler is None:
            raise LookupError(f"发件箱主题“{message.topic}”没有注册处理程序")
        handler(message)
    except Exception as exc:
        return _failed(message, token, exc)
    held = Message.objects.filter(pk=message.pk, claimed_by=token).update(
        status=St.DELIVERED, delivered_at=timezone.now(), claimed_until=None, last_error=""
    )
    if not held:  # our lease ran out and another worker took it over: it delivers again, the receiver dedupes
        logger.warning("发件箱：消息 %s 的占用已过期，已由其他进程接手", message.pk)
    return DELIVERED


def _failed(message: Message, token: str, exc: Exception) -> str:
    dead = message.attempts >= max_attempts() and not retries_forever(message.topic)
    next_at = timezone.now() + backoff(message.attempts)
    error = "".join(traceback.format_exception(exc))[-4000:]
    Message.objects.filter(pk=message.pk, claimed_by=token).update(
        status=St.DEAD if dead else St.PENDING,
        next_attempt_at=message.next_attempt_at if dead else next_at,
        last_error=error,
        claimed_until=None,
    )
    logger.warning(
        "发件箱：消息 %s（%s）第 %d 次投递失败%s：%s",
        message.pk,
        message.topic,
        message.attempts,
        "，已转为死信" if dead else f"，{next_at:%H:%M:%S} 重试",
        exc,
    )
    if dead:
        return DEAD
    request_delivery(message.pk, run_after=next_at)
    return RETRY


def deliver_due(limit: int = 500) -> int:
    """The sweeper: deliver pending messages that are due and held by nobody (their task was lost, their
    worker died, or their retry is due). Returns how many deliveries it attempted."""
    due = list(
        Message.objects.filter(_claimable(timezone.now()))
        .order_by("next_attempt_at", "created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in due if deliver(pk) != SKIPPED)


def resend(messages: Iterable[Message]) -> int:
    """Give dead or pending messages a fresh set of attempts, due now, and enqueue their delivery.
    A message a worker holds right now keeps its lease: resending never delivers it twice at once."""
    ids = [m.pk for m in messages]
    with transaction.atomic():
        rows = list(
            Message.objects.select_for_update()
            .filter(pk__in=ids, status__in=[St.PENDING, St.DEAD])
            .values_list("pk", flat=True)
        )
        Message.objects.filter(pk__in=rows).update(status=St.PENDING, attempts=0, next_attempt_at=timezone.now())
        for pk in rows:
            transaction.on_commit(partial(request_delivery, pk), robust=True)
    return len(rows)


def prune_delivered(before: dt.datetime) -> int:
    """Delivered messages are needed by nobody once old (receivers keep their own dedupe keys)."""
    return Message.objects.filter(status=St.DELIVERED, delivered_at__lt=before).delete()[0]
