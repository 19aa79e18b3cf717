from __future__ import annotations

from tongban.outbox.models import Message as OutboxMessage
from tongban.outbox.services import enqueue

from .registry import Message

TOPIC = "notify"


def notify(message: Message) -> OutboxMessage:
    """Put the notice in the outbox, in the caller's transaction: a rolled-back action tells nobody anything,
    and a notifier that fails after the commit is retried by the outbox instead of failing the action."""
    return enqueue(TOPIC, message.as_payload())
