"""Local stand-in for an SMS gateway: persists every message to OutboxMessage (readable in the admin)."""

from __future__ import annotations

from tongban.notifications.models import OutboxMessage
from tongban.notifications.registry import Message, register


@register("local_outbox")
class LocalOutboxNotifier:
    name = "local_outbox"

    def send(self, message: Message) -> str:
        row = OutboxMessage.objects.create(
            recipient_phone=message.recipient_phone,
            recipient_name=message.recipient_name,
            subject=message.subject,
            body=message.body,
            case_number=message.case_number,
            kind=message.kind,
        )
        return f"outbox-{row.pk}"
