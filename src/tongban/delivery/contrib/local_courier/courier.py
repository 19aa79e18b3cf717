"""LOCAL stand-in courier (本地模拟快递): behaves like a parcel service without being one.

It books a parcel against the platform's Shipment row (found by the order reference, as couriers do with a
merchant's order number), gives it an S10 tracking number (LC########?CN, like EMS), and records its scans as
ShipmentEvent rows: 已揽收 at the handing-over desk, then 运输中 → 派送中 → 已签收 (with the signer) when moved on
by ``advance`` (``tongban delivery advance``) or by elapsed time (``advance_due``, ``--by-time``). Its own view
of a parcel is its latest scan; the platform's Shipment.status follows through services.refresh.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tongban.delivery import s10
from tongban.delivery.models import Shipment, ShipmentEvent
from tongban.delivery.registry import (
    FINAL,
    PROGRESSION,
    CourierError,
    ShipmentRequest,
    ShipmentStatus,
    TrackingEvent,
    get_courier,
    register,
    status_label,
)

NAME = "local_courier"
SERVICE_LETTERS = "LC"
St = ShipmentStatus
# Cancellation stops a parcel only until it is out for delivery (after that only the recipient can refuse it).
CANCELLABLE = frozenset({St.COLLECTED, St.IN_TRANSIT})
_LOCALITY = re.compile(r"^(.{2,20}?(?:市|县|区|旗))")


def _now() -> dt.datetime:
    return timezone.now()


def step_duration() -> dt.timedelta:
    """How long each state lasts when parcels move by time (TONGBAN_LOCAL_COURIER_STEP_HOURS, default 24)."""
    return dt.timedelta(hours=float(getattr(settings, "TONGBAN_LOCAL_COURIER_STEP_HOURS", 24)))


def locality(address: str) -> str:
    """The city or county an address starts with: "浙江省诸暨市暨阳街道…" → "浙江省诸暨市"."""
    m = _LOCALITY.match(address.strip())
    return m.group(1) if m else address.strip()[:20]


def _place(shipment: Shipment, status: ShipmentStatus) -> str:
    if status is St.COLLECTED:
        return shipment.sender_name
    if status is St.IN_TRANSIT:
        return f"{locality(shipment.sender_address)}邮件处理中心"
    if status is St.OUT_FOR_DELIVERY:
        return f"{locality(shipment.recipient_address)}投递部"
    if status is St.DELIVERED:
        return shipment.recipient_address
    return locality(shipment.sender_address)


def _state(shipment: Shipment) -> ShipmentStatus:
    last = shipment.events.order_by("-at", "-id").first()
    return St(last.status) if last else St.COLLECTED


@register(NAME)
class LocalCourier:
    name = NAME
    label = "本地模拟快递（非真实寄递）"

    def _parcel(self, tracking: str, *, lock: bool = False) -> Shipment:
        qs = Shipment.objects.filter(courier=self.name, tracking_number=(tracking or "").strip().upper())
        shipment = (qs.select_for_update() if lock else qs).first()
        if shipment is None:
            raise CourierError("unknown_tracking", f"运单号“{tracking}”不存在", "tracking")
        return shipment

    @transaction.atomic
    def create_shipment(self, request: ShipmentRequest) -> str:
        shipment = Shipment.objects.select_for_update().filter(courier=self.name, order_ref=request.order_ref).first()
        if shipment is None:
            raise CourierError(
                "unknown_order", f"寄件订单“{request.order_ref}”不存在，本地模拟快递只接收平台登记的邮件"
            )
        if shipment.tracking_number:  # the same order booked again: the same parcel
            return shipment.tracking_number
        for party, who in ((request.sender, "寄件"), (request.recipient, "收件")):
            if not party.name.strip() or not party.address.strip():
                raise CourierError("incomplete_address", f"{who}人姓名和地址不能为空")
        if not request.recipient.phone.strip():
            raise CourierError("incomplete_address", "收件人联系电话不能为空")
        tracking = s10.make(SERVICE_LETTERS, (shipment.pk - 1) % (10**8 - 1) + 1)
        Shipment.objects.filter(pk=shipment.pk).update(tracking_number=tracking)
        shipment.tracking_number = tracking
        ShipmentEvent.objects.create(
            shipment=shipment,
            status=St.COLLECTED.value,
            at=_now(),
            place=_place(shipment, St.COLLECTED),
            note=f"已收寄：{request.contents}",
        )
        return tracking

    def track(self, tracking: str) -> list[TrackingEvent]:
        shipment = self._parcel(tracking)
        return [
            TrackingEvent(St(e.status), e.at, e.place, e.signer, e.note) for e in shipment.events.order_by("at", "id")
        ]

    @transaction.atomic
    def cancel(self, tracking: str, reason: str) -> None:
        shipment = self._parcel(tracking, lock=True)
        state = _state(shipment)
        if state not in CANCELLABLE:
            if state is St.OUT_FOR_DELIVERY:
                raise CourierError("not_cancellable", "邮件已在派送中，不能取消；如需拒收请联系收件人")
            raise CourierError("not_cancellable", f"邮件{status_label(state)}，不能取消")
        ShipmentEvent.objects.create(
            shipment=shipment,
            status=St.CANCELLED.value,
            at=_now(),
            place=locality(shipment.sender_address),
            note=f"寄件取消：{reason}"[:200],
        )

    # ---- the stand-in's own controls (what a real courier's network does by itself) -------------------

    @transaction.atomic
    def advance(self, tracking: str, *, at: dt.datetime | None = None, signer: str = "") -> ShipmentStatus:
        """Move the parcel one state on; on delivery, someone signs (the recipient unless told otherwise)."""
        shipment = self._parcel(tracking, lock=True)
        state = _state(shipment)
        if state in FINAL:
            raise CourierError("final", f"邮件{status_label(state)}，不能再推进")
        nxt = PROGRESSION[PROGRESSION.index(state) + 1]
        self._scan(shipment, nxt, at or _now(), signer)
        return nxt

    @staticmethod
    def _scan(shipment: Shipment, status: ShipmentStatus, at: dt.datetime, signer: str = "") -> None:
        note = ""
        if status is St.DELIVERED:
            signer = (signer or shipment.recipient_name).strip()
            note = "本人签收" if signer == shipment.recipient_name else f"他人代收（{signer}）"
        ShipmentEvent.objects.create(
            shipment=shipment,
            status=status.value,
            at=at,
            place=_place(shipment, status),
            signer=signer if status is St.DELIVERED else "",
            note=note,
        )

    def advance_due(self, now: dt.datetime | None = None) -> list[Shipment]:
        """Every open parcel moves on as far as the time since its last scan allows (one state per step)."""
        now = now or _now()
        step = step_duration()
        moved = []
        open_parcels = (
            Shipment.objects.filter(courier=self.name)
            .exclude(tracking_number="")
            .exclude(status__in=[s.value for s in FINAL])
            .order_by("id")
        )
        for shipment in open_parcels:
            with transaction.atomic():
                shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
                last = shipment.events.order_by("-at", "-id").first()
                if last is None:
                    continue
                state, at, changed = St(last.status), last.at, False
                while state not in FINAL and at + step <= now:
                    state, at = PROGRESSION[PROGRESSION.index(state) + 1], at + step
                    self._scan(shipment, state, at)
                    changed = True
            if changed:
                moved.append(shipment)
        return moved


def local_courier() -> LocalCourier:
    """The registered local courier as itself: besides the Courier protocol it moves parcels on by hand and by
    elapsed time (``advance``, ``advance_due``), which a real courier's network does on its own."""
    courier = get_courier(NAME)
    if not isinstance(courier, LocalCourier):
        raise CourierError("unknown_courier", f"快递接口“{NAME}”不是本地模拟快递，不能手动推进邮件")
    return courier
