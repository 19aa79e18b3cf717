"""The courier's work, done by the worker: bookings from the outbox ("courier.book") and, periodically, the
local courier's progress by elapsed time and every open parcel's tracking."""

from __future__ import annotations

import logging

from tongban import outbox
from tongban.core.errors import DomainError
from tongban.outbox.models import Message

from . import selectors, services
from .contrib.local_courier.courier import local_courier

logger = logging.getLogger(__name__)


@outbox.register(services.BOOK_TOPIC)
def book_shipment(message: Message) -> None:
    services.book(int(message.payload["shipment"]), again=bool(message.payload.get("again")))


@outbox.periodic("delivery.tracking", seconds=900, label="同步快递物流轨迹（本地模拟快递按时间推进）")
def follow_parcels() -> dict[str, int]:
    return follow_open_parcels()


def follow_open_parcels() -> dict[str, int]:
    """Move the local courier's parcels on by elapsed time, then bring every open parcel's scans up to date.
    One parcel's courier error is logged and the others go on."""
    moved = len(local_courier().advance_due())
    refreshed = failed = 0
    for shipment in selectors.open_shipments().order_by("id").iterator():
        try:
            services.refresh(shipment)
            refreshed += 1
        except DomainError as exc:
            failed += 1
            logger.warning("邮件 %s 物流同步失败：%s", shipment.tracking_number, exc.message)
    return {"moved": moved, "refreshed": refreshed, "failed": failed}
