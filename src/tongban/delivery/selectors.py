"""Reads of shipments: what a case page shows, what staff may list."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from tongban.cases.models import Case
from tongban.cases.selectors import visible_cases

from .models import Shipment, ShipmentEvent
from .registry import FINAL, CourierError, get_courier


def shipments_for_case(case: Case) -> list[Shipment]:
    """The case's parcels, newest first, each with its scans (oldest first) in one extra query."""
    events = Prefetch("events", queryset=ShipmentEvent.objects.order_by("at", "id"))
    return list(Shipment.objects.filter(case=case).prefetch_related(events).order_by("-created_at", "-id"))


def current_shipment(case: Case) -> Shipment | None:
    """The parcel that carries (or carried) the result: the latest one not cancelled, else the latest."""
    rows = shipments_for_case(case)
    return next((s for s in rows if s.status != "cancelled"), rows[0] if rows else None)


def visible_shipments(user: Any) -> QuerySet[Shipment]:
    """Shipments of the cases the user may see (the same scope as the cases themselves)."""
    return Shipment.objects.filter(case__in=visible_cases(user).values("pk")).select_related("case")


def open_shipments(courier: str | None = None) -> QuerySet[Shipment]:
    qs = Shipment.objects.exclude(status__in=[s.value for s in FINAL]).exclude(tracking_number="")
    return qs.filter(courier=courier) if courier else qs


def courier_label(name: str) -> str:
    try:
        return get_courier(name).label
    except (CourierError, ImportError):  # a courier no longer configured still labels its old parcels by name
        return name


def parcel_text(event_data: dict[str, Any]) -> str:
    """What a case's result-issue event says of its parcel: the tracking number once the courier gave it,
    else the parcel's state (待揽收 while the booking is on its way, 已取消 if it was refused)."""
    if event_data.get("tracking"):  # events from before bookings went through the outbox carry the number
        return f"{event_data.get('courier') or '快递'}运单号 {event_data['tracking']}"
    shipment = Shipment.objects.filter(pk=event_data.get("shipment") or 0).first()
    if shipment is None:
        return ""
    if shipment.tracking_number:
        return f"{shipment.courier}运单号 {shipment.tracking_number}"
    return shipment.status_label
