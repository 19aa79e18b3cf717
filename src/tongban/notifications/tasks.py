"""The "notify" topic: the outbox hands each notice to the configured notifier (TONGBAN_NOTIFIER)."""

from __future__ import annotations

from tongban import outbox
from tongban.outbox.models import Message as OutboxMessage

from .registry import Message, get_notifier
from .services import TOPIC


@outbox.register(TOPIC)
def send_notice(message: OutboxMessage) -> None:
    get_notifier().send(Message.from_payload(message.payload), str(message.id))
