"""The worker's licence work: re-signing status lists after changes (outbox topic), keeping them fresh, and
ending licences whose validity ran out."""

from __future__ import annotations

from tongban import outbox
from tongban.outbox.models import Message

from .services import perform, status


@outbox.register(status.TOPIC)
def resign_status_list(message: Message) -> None:
    status.publish(int(message.payload["list"]))


@outbox.periodic("licences.status_lists", seconds=3600, label="重新签名证照状态列表（到期前）")
def refresh_status_lists() -> int:
    return status.republish_all()


@outbox.periodic("licences.expire", seconds=86400, label="有效期届满的电子证照置为过期")
def expire_licences() -> int:
    return perform.expire_due()
