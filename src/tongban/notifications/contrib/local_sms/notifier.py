"""Local stand-in for an SMS gateway (本地短信网关): persists every message to LocalSmsMessage, readable in the
admin, once per outbox message id however often it is delivered."""

from __future__ import annotations

from django.db.models import F

from tongban.notifications.models import LocalSmsMessage
from tongban.notifications.registry import Message, register


@register("local_sms")
class LocalSmsGateway:
    name = "local_sms"

    def send(self, message: Message, message_id: str) -> str:
        row, created = LocalSmsMessage.objects.get_or_create(
            outbox_id=message_id,
            defaults={
                "recipient_phone": message.recipient_phone,
                "recipient_name": message.recipient_name,
                "subject": message.subject,
                "body": message.body,
                "case_number": message.case_number,
                "kind": message.kind,
            },
        )
        if not created:  # a redelivery: the gateway already has it
            LocalSmsMessage.objects.filter(pk=row.pk).update(duplicates=F("duplicates") + 1)
        return f"local-sms-{row.pk}"
