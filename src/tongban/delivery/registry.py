"""Courier plugins (快递送达). A deployment names its courier (EMS 政务专递, a provincial logistics platform …) in
TONGBAN_COURIER; each plugin lives in its own folder under contrib/<name>/courier.py and registers itself here.

Adapters speak one small vocabulary: a shipment request in, a tracking number out; tracking as a list of
scans with a status from ``ShipmentStatus`` (each adapter maps its provider's codes onto these); cancel.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from tongban.core.errors import DomainError


class ShipmentStatus(StrEnum):
    PENDING = "pending"  # registered on the platform, the courier's booking still to come (outbox)
    COLLECTED = "collected"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


STATUS_LABELS = {
    ShipmentStatus.PENDING: "待揽收",
    ShipmentStatus.COLLECTED: "已揽收",
    ShipmentStatus.IN_TRANSIT: "运输中",
    ShipmentStatus.OUT_FOR_DELIVERY: "派送中",
    ShipmentStatus.DELIVERED: "已签收",
    ShipmentStatus.CANCELLED: "已取消",
}
# The order a parcel goes through; cancelled and delivered are final.
PROGRESSION = (
    ShipmentStatus.COLLECTED,
    ShipmentStatus.IN_TRANSIT,
    ShipmentStatus.OUT_FOR_DELIVERY,
    ShipmentStatus.DELIVERED,
)
FINAL = frozenset({ShipmentStatus.DELIVERED, ShipmentStatus.CANCELLED})


def status_label(value: str) -> str:
    try:
        return STATUS_LABELS[ShipmentStatus(value)]
    except ValueError:
        return value


@dataclass(frozen=True)
class Party:
    name: str
    phone: str
    address: str


@dataclass(frozen=True)
class ShipmentRequest:
    sender: Party
    recipient: Party
    case_number: str
    contents: str
    # The platform's own order number: couriers deduplicate on it, so a retried booking never ships twice.
    order_ref: str


@dataclass(frozen=True)
class TrackingEvent:
    status: ShipmentStatus
    at: dt.datetime
    place: str
    signer: str = ""  # who signed, on the delivered scan
    note: str = ""


class CourierError(DomainError):
    """The courier refused or failed; the message is shown to staff as is (Chinese)."""

    def __init__(self, code: str, message: str, field: str | None = None):
        super().__init__(code, message, field, status=409)


class Courier(Protocol):
    name: str
    label: str

    def create_shipment(self, request: ShipmentRequest) -> str:
        """Book the pickup of one parcel; return its tracking number. Raise CourierError on refusal."""

    def track(self, tracking: str) -> list[TrackingEvent]:
        """Every scan of the parcel so far, oldest first. Raise CourierError for an unknown number."""

    def cancel(self, tracking: str, reason: str) -> None:
        """Cancel or intercept the parcel. Raise CourierError when it can no longer be stopped."""


_registry: dict[str, type] = {}
_NAME = re.compile(r"[a-z][a-z0-9_]*")


def register(name: str):
    def wrap(cls: type) -> type:
        _registry[name] = cls
        return cls

    return wrap


def courier_name() -> str:
    from django.conf import settings

    return getattr(settings, "TONGBAN_COURIER", "") or "local_courier"


def get_courier(name: str | None = None) -> Courier:
    name = name or courier_name()
    if name not in _registry:
        if not _NAME.fullmatch(name):
            raise CourierError("unknown_courier", f"快递接口名称“{name}”无效，请检查 TONGBAN_COURIER 配置")
        module = f"tongban.delivery.contrib.{name}"
        try:
            importlib.import_module(f"{module}.courier")
        except ModuleNotFoundError as exc:
            if exc.name not in (module, f"{module}.courier"):
                raise  # the plugin exists but something it imports is missing: show the real cause
            raise CourierError("unknown_courier", f"未找到快递接口“{name}”，请检查 TONGBAN_COURIER 配置") from exc
        if name not in _registry:
            raise CourierError("unknown_courier", f"快递接口“{name}”未注册")
    return _registry[name]()
