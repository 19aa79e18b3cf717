"""The courier registry and the S10 tracking numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tongban.cases import services as s
from tongban.cases.models import CaseEvent
from tongban.delivery import s10
from tongban.delivery.contrib.local_courier.courier import LocalCourier
from tongban.delivery.models import Shipment
from tongban.delivery.registry import (
    CourierError,
    ShipmentRequest,
    ShipmentStatus,
    TrackingEvent,
    get_courier,
    register,
)
from tongban.delivery.selectors import parcel_text
from tongban.outbox.testing import deliver_outbox

from .conftest import ADDRESS


def test_s10_check_digits():
    assert s10.is_valid("AA473124829GB")  # the UPU's own example
    assert not s10.is_valid("AA473124828GB")
    assert not s10.is_valid("AA47312482GB")
    assert s10.make("LC", 125) == "LC000001258CN" and s10.is_valid("LC000001258CN")
    assert s10.readable("LC000001258CN") == "LC 0000 0125 8 CN"
    for number in (1, 7, 99, 12345678, 99999999):
        assert s10.is_valid(s10.make("LC", number))
    with pytest.raises(ValueError):
        s10.make("LC", 0)


def test_default_courier_is_the_local_stand_in(settings):
    courier = get_courier()
    assert isinstance(courier, LocalCourier) and courier.name == "local_courier"
    assert "模拟" in courier.label
    settings.TONGBAN_COURIER = ""
    assert isinstance(get_courier(), LocalCourier)


def test_unknown_or_malformed_courier_names_are_refused(settings):
    settings.TONGBAN_COURIER = "sf_express"
    with pytest.raises(CourierError, match="未找到快递接口“sf_express”"):
        get_courier()
    with pytest.raises(CourierError, match="无效"):
        get_courier("os.path")


@register("test_parcel_co")
class FakeCourier:
    """A courier that keeps parcels in memory, as a second plugin would (tracking numbers of its own)."""

    name = "test_parcel_co"
    label = "测试快递"
    booked: dict[str, ShipmentRequest] = {}

    def create_shipment(self, request: ShipmentRequest) -> str:
        tracking = f"TP{len(self.booked) + 1:06d}"
        self.booked[tracking] = request
        return tracking

    def track(self, tracking: str) -> list[TrackingEvent]:
        at = timezone.make_aware(dt.datetime(2026, 9, 29, 10, 0))
        return [
            TrackingEvent(ShipmentStatus.COLLECTED, at, "诸暨揽投部"),
            TrackingEvent(ShipmentStatus.IN_TRANSIT, at + dt.timedelta(hours=5), "杭州处理中心"),
        ]

    def cancel(self, tracking: str, reason: str) -> None:
        raise CourierError("not_cancellable", "测试快递不支持取消")


@pytest.mark.django_db
def test_the_setting_picks_the_plugin_for_new_shipments(settings, w, decided):
    settings.TONGBAN_COURIER = "test_parcel_co"
    FakeCourier.booked.clear()
    case = decided()
    closed = s.issue_result(s.Ctx(w.clerk, "window", w.window), case, "post", case.revision, address=ADDRESS)
    deliver_outbox()  # the booking, after commit
    shipment = Shipment.objects.get(case=closed)
    assert shipment.courier == "test_parcel_co" and shipment.tracking_number == "TP000001"
    request = FakeCourier.booked["TP000001"]
    assert request.recipient.address == ADDRESS and request.recipient.phone == "13900000000"
    assert request.sender.name == w.centre.name and request.order_ref == f"{closed.number}-P1"
    # The courier's scans are copied onto the shipment and its status follows the latest one.
    assert shipment.status == "in_transit"
    assert [e.place for e in shipment.events.order_by("at")] == ["诸暨揽投部", "杭州处理中心"]
    event = CaseEvent.objects.get(case=closed, action="issue_result")
    assert event.data["courier"] == "test_parcel_co" and parcel_text(event.data) == "test_parcel_co运单号 TP000001"
