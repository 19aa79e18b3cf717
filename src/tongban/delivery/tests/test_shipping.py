"""Results by post through the local courier: ship on issue, track, advance to 已签收, cancel rules, reship."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from tongban.audit.models import AuditEntry
from tongban.cases import services as s
from tongban.cases.models import Case, CaseEvent
from tongban.core.errors import ConflictError, DomainError
from tongban.delivery import s10, selectors, services
from tongban.delivery.contrib.local_courier import courier as local
from tongban.delivery.models import Shipment, ShipmentEvent
from tongban.delivery.registry import CourierError, get_courier
from tongban.notifications.models import LocalSmsMessage
from tongban.outbox.models import Message
from tongban.outbox.testing import deliver_outbox

from .conftest import ADDRESS

pytestmark = pytest.mark.django_db


def clerk(w):
    return s.Ctx(w.clerk, "window", w.window)


def posted(w, case, *, book: bool = True, **kwargs):
    """Issue by post; with book, the worker's part too: the outbox delivers the booking and its notices."""
    closed = s.issue_result(clerk(w), case, "post", case.revision, **{"address": ADDRESS, **kwargs})
    if book:
        deliver_outbox()
    return closed


def test_issuing_by_post_hands_the_result_to_the_courier_and_closes_the_case(
    w, decided, django_capture_on_commit_callbacks
):
    case = decided()
    closed = posted(w, case, book=False)
    assert closed.status == "closed" and closed.result_delivery == "post" and closed.closed_at
    # The parcel is registered with the case's transition; the courier is called after commit (outbox).
    shipment = Shipment.objects.get(case=closed)
    assert shipment.status == "pending" and shipment.status_label == "待揽收" and not shipment.tracking_number
    assert shipment.booked_at is None and not shipment.events.exists()
    booking = Message.objects.get(topic="courier.book")
    assert booking.payload == {"shipment": shipment.pk, "again": False} and booking.status == "pending"
    event = CaseEvent.objects.get(case=closed, action="issue_result")
    assert event.data["shipment"] == shipment.pk and event.data["delivery"] == "post" and not event.data["tracking"]
    assert event.data["address"] == ADDRESS
    assert selectors.parcel_text(event.data) == "待揽收"

    with django_capture_on_commit_callbacks(execute=True):
        deliver_outbox()
    shipment.refresh_from_db()
    assert shipment.courier == "local_courier" and s10.is_valid(shipment.tracking_number) and shipment.booked_at
    assert shipment.tracking_number.startswith("LC") and shipment.tracking_number.endswith("CN")
    assert shipment.status == "collected" and shipment.created_by == w.clerk
    assert shipment.recipient_name == "王五" and shipment.recipient_phone == "13900000000"
    assert shipment.recipient_address == ADDRESS and shipment.sender_address == w.centre.address
    assert shipment.contents == w.version.result_name
    scans = list(shipment.events.all())
    assert [(e.status, e.place) for e in scans] == [("collected", w.centre.name)]
    assert selectors.parcel_text(event.data) == f"local_courier运单号 {shipment.tracking_number}"
    closing = LocalSmsMessage.objects.get(case_number=closed.number, kind="closed")
    assert "将交寄快递" in closing.body and ADDRESS in closing.body
    shipped = LocalSmsMessage.objects.get(case_number=closed.number, kind="shipped")
    assert shipment.tracking_number in shipped.body and "已交寄" in shipped.body
    assert AuditEntry.objects.filter(action="delivery.ship", object_id=closed.number).exists()
    assert AuditEntry.objects.filter(action="delivery.booked", object_id=closed.number).exists()
    assert selectors.current_shipment(closed) == shipment
    # No visit: nobody came to the window for it.
    assert not closed.visits.filter(purpose="窗口领取结果").exists()


def test_a_booking_delivered_twice_books_and_tells_once(w, decided):
    closed = posted(w, decided())
    shipment = Shipment.objects.get(case=closed)
    booking = Message.objects.get(topic="courier.book")
    services.book(shipment.pk)  # the outbox redelivers (a worker died before marking it delivered)
    again = Shipment.objects.get(pk=shipment.pk)
    assert again.tracking_number == shipment.tracking_number and again.booked_at == shipment.booked_at
    assert again.events.count() == 1
    assert LocalSmsMessage.objects.filter(case_number=closed.number, kind="shipped").count() == 1
    assert booking.status == "delivered"
    assert Message.objects.filter(topic="notify", payload__kind="shipped").count() == 1


def test_a_courier_that_refuses_the_booking_cancels_the_parcel(w, decided, monkeypatch):
    def refuse(self, request):
        raise CourierError("address_unknown", "收件地址不在投递范围")

    monkeypatch.setattr(local.LocalCourier, "create_shipment", refuse)
    closed = posted(w, decided())
    shipment = Shipment.objects.get(case=closed)
    assert shipment.status == "cancelled" and "收件地址不在投递范围" in shipment.cancel_reason
    assert Message.objects.get(topic="courier.book").status == "delivered"  # a refusal is final: no retry
    told = LocalSmsMessage.objects.get(case_number=closed.number, kind="shipment_cancelled")
    assert "未能交寄" in told.body
    monkeypatch.undo()
    again = services.ship_result(closed, ADDRESS, w.clerk)  # staff post it again
    deliver_outbox()
    again.refresh_from_db()
    assert again.tracking_number and again.status == "collected"
    assert "重新交寄" in LocalSmsMessage.objects.get(case_number=closed.number, kind="shipped").body


def test_a_courier_that_is_down_is_retried_by_the_outbox(w, decided, monkeypatch):
    def down(self, request):
        raise ConnectionError("快递接口连接超时")

    monkeypatch.setattr(local.LocalCourier, "create_shipment", down)
    closed = posted(w, decided())
    booking = Message.objects.get(topic="courier.book")
    assert booking.status == "pending" and booking.attempts == 1 and "连接超时" in booking.last_error
    shipment = Shipment.objects.get(case=closed)
    assert shipment.status == "pending" and not shipment.tracking_number
    monkeypatch.undo()
    Message.objects.filter(pk=booking.pk).update(next_attempt_at=timezone.now())  # its retry is due
    deliver_outbox()
    assert Shipment.objects.get(pk=shipment.pk).status == "collected"
    assert Message.objects.get(pk=booking.pk).status == "delivered"


def test_a_parcel_cancelled_before_its_booking_is_never_booked(w, decided):
    closed = posted(w, decided(), book=False)
    shipment = Shipment.objects.get(case=closed)
    cancelled = services.cancel_shipment(shipment, w.clerk, "申请人改为窗口领取")
    assert cancelled.status == "cancelled" and not cancelled.tracking_number
    deliver_outbox()
    shipment.refresh_from_db()
    assert shipment.status == "cancelled" and not shipment.tracking_number and shipment.booked_at is None
    assert "您的邮件已取消寄递" in LocalSmsMessage.objects.get(kind="shipment_cancelled").body


def test_the_address_comes_from_the_form_mailing_address_first(w, decided):
    case = decided(address="浙江省诸暨市浣东街道户籍地址1号", mailing_address="浙江省诸暨市陶朱街道邮寄路8号")
    closed = s.issue_result(clerk(w), case, "post", case.revision)
    assert Shipment.objects.get(case=closed).recipient_address == "浙江省诸暨市陶朱街道邮寄路8号"
    other = decided(address="浙江省诸暨市浣东街道户籍地址1号")
    closed = s.issue_result(clerk(w), other, "post", other.revision)
    assert Shipment.objects.get(case=closed).recipient_address == "浙江省诸暨市浣东街道户籍地址1号"


def test_post_without_an_address_is_refused_in_chinese_and_nothing_changes(w, decided):
    case = decided()
    with pytest.raises(DomainError, match="收件地址") as caught:
        s.issue_result(clerk(w), case, "post", case.revision)
    assert caught.value.field == "address"
    with pytest.raises(DomainError, match="6至200个字"):
        posted(w, case, address="诸暨")
    with pytest.raises(DomainError, match="自动生成"):
        posted(w, case, tracking="SF123")
    assert Case.objects.get(pk=case.pk).status == "decided" and not Shipment.objects.exists()


def test_a_refused_booking_rolls_the_whole_issue_back(w, decided):
    case = decided()
    Case.objects.filter(pk=case.pk).update(applicant_phone="12345")
    case.refresh_from_db()
    with pytest.raises(DomainError, match="联系电话格式不正确"):
        posted(w, case)
    case.refresh_from_db()
    assert case.status == "decided" and not case.result_delivery
    assert not Shipment.objects.exists() and not CaseEvent.objects.filter(case=case, action="issue_result").exists()


def test_items_without_postal_delivery_refuse_post(w, decided):
    type(w.version).objects.filter(pk=w.version.pk).update(delivery_methods=["window"], courier=False)
    case = decided()
    with pytest.raises(DomainError, match="未提供邮寄送达"):
        posted(w, case)


def test_a_denial_is_posted_as_the_decision_letter(w, decided):
    closed = posted(w, decided(grant=False))
    assert Shipment.objects.get(case=closed).contents == "不予办理决定书"


def test_track_and_advance_to_signed_for(w, decided, django_capture_on_commit_callbacks):
    closed = posted(w, decided())
    shipment = Shipment.objects.get(case=closed)
    courier = local.local_courier()
    assert [e.status for e in courier.track(shipment.tracking_number)] == ["collected"]
    expected = ["in_transit", "out_for_delivery", "delivered"]
    for status in expected:
        with django_capture_on_commit_callbacks(execute=True):
            assert courier.advance(shipment.tracking_number) == status
            shipment = services.refresh(shipment)
        assert shipment.status == status
    scans = courier.track(shipment.tracking_number)
    assert [e.status for e in scans] == ["collected", *expected]
    assert scans[1].place == "诸暨市邮件处理中心" and scans[2].place == "浙江省诸暨市投递部"
    assert scans[-1].signer == "王五" and scans[-1].note == "本人签收"
    assert shipment.signed_by == "王五" and shipment.signed_at == scans[-1].at
    assert shipment.events.count() == 4  # refresh copied nothing twice
    delivered = LocalSmsMessage.objects.filter(case_number=closed.number, kind="delivered")
    assert delivered.count() == 1 and "王五签收" in delivered.get().body
    services.refresh(shipment)
    assert delivered.count() == 1
    with pytest.raises(CourierError, match="已签收，不能再推进"):
        courier.advance(shipment.tracking_number)
    with pytest.raises(CourierError, match="不存在"):
        courier.track("LC999999990CN")


def test_someone_else_may_sign(w, decided):
    shipment = Shipment.objects.get(case=posted(w, decided()))
    courier = local.local_courier()
    for _ in range(2):
        courier.advance(shipment.tracking_number)
    courier.advance(shipment.tracking_number, signer="小区快递驿站")
    shipment = services.refresh(shipment)
    assert shipment.signed_by == "小区快递驿站"
    assert shipment.events.order_by("-at", "-id")[0].note == "他人代收（小区快递驿站）"


def test_cancel_rules(w, decided, django_capture_on_commit_callbacks):
    courier = local.local_courier()
    # Collected: may be cancelled, with a reason, by the result desk.
    shipment = Shipment.objects.get(case=posted(w, decided()))
    with pytest.raises(DomainError, match="说明原因"):
        services.cancel_shipment(shipment, w.clerk, " ")
    with pytest.raises(DomainError, match="无权") as caught:
        services.cancel_shipment(shipment, w.approver, "地址有误")
    assert caught.value.status == 403
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = services.cancel_shipment(shipment, w.clerk, "申请人改为窗口领取")
    assert (
        cancelled.status == "cancelled" and cancelled.cancel_reason == "申请人改为窗口领取" and cancelled.cancelled_at
    )
    assert [e.status for e in courier.track(shipment.tracking_number)] == ["collected", "cancelled"]
    assert LocalSmsMessage.objects.filter(kind="shipment_cancelled", case_number=shipment.case.number).exists()
    assert AuditEntry.objects.filter(action="delivery.cancel").count() == 1
    with pytest.raises(ConflictError, match="已取消"):
        services.cancel_shipment(cancelled, w.clerk, "再取消")
    with pytest.raises(CourierError, match="已取消，不能再推进"):
        courier.advance(shipment.tracking_number)
    # In transit: still possible.
    second = Shipment.objects.get(case=posted(w, decided()))
    courier.advance(second.tracking_number)
    assert services.cancel_shipment(services.refresh(second), w.clerk, "地址有误").status == "cancelled"
    # Out for delivery: too late.
    third = Shipment.objects.get(case=posted(w, decided()))
    courier.advance(third.tracking_number)
    courier.advance(third.tracking_number)
    third = services.refresh(third)
    with pytest.raises(CourierError, match="派送中，不能取消"):
        services.cancel_shipment(third, w.clerk, "地址有误")
    assert Shipment.objects.get(pk=third.pk).status == "out_for_delivery"
    courier.advance(third.tracking_number)
    with pytest.raises(ConflictError, match="已签收，不能取消"):
        services.cancel_shipment(services.refresh(third), w.clerk, "地址有误")


def test_ship_again_only_after_a_cancellation(w, decided):
    case = decided()
    with pytest.raises(ConflictError, match="出件办结"):
        services.ship_result(case, ADDRESS, w.clerk)
    closed = posted(w, case)
    first = Shipment.objects.get(case=closed)
    with pytest.raises(ConflictError, match="已交寄"):
        services.ship_result(closed, ADDRESS, w.clerk)
    services.cancel_shipment(first, w.clerk, "地址写错了")
    second = services.ship_result(closed, "浙江省诸暨市暨阳街道新地址9号", w.clerk)
    deliver_outbox()
    second.refresh_from_db()
    assert second.order_ref == f"{closed.number}-P2" and second.tracking_number != first.tracking_number
    assert selectors.current_shipment(closed) == second
    assert [sh.pk for sh in selectors.shipments_for_case(closed)] == [second.pk, first.pk]
    window_case = s.issue_result(clerk(w), (c := decided()), "window", c.revision)
    with pytest.raises(ConflictError, match="已邮寄出件"):
        services.ship_result(window_case, ADDRESS, w.clerk)


def test_the_courier_deduplicates_on_the_order_reference(w, decided):
    shipment = Shipment.objects.get(case=posted(w, decided()))
    from tongban.delivery.registry import Party, ShipmentRequest

    request = ShipmentRequest(
        Party("中心", "", "地址"),
        Party("王五", "13900000000", ADDRESS),
        shipment.case.number,
        "结果",
        shipment.order_ref,
    )
    assert get_courier().create_shipment(request) == shipment.tracking_number
    assert ShipmentEvent.objects.filter(shipment=shipment).count() == 1
    with pytest.raises(CourierError, match="只接收平台登记的邮件"):
        get_courier().create_shipment(dataclasses.replace(request, order_ref="no-such-order"))


def test_parcels_move_on_by_time(w, decided, monkeypatch, settings):
    settings.TONGBAN_LOCAL_COURIER_STEP_HOURS = 24
    shipment = Shipment.objects.get(case=posted(w, decided()))
    start = shipment.events.get().at
    courier = local.local_courier()
    assert courier.advance_due(start + dt.timedelta(hours=23)) == []
    assert [m.pk for m in courier.advance_due(start + dt.timedelta(hours=25))] == [shipment.pk]
    assert services.refresh(shipment).status == "in_transit"
    courier.advance_due(start + dt.timedelta(days=10))
    shipment = services.refresh(shipment)
    assert shipment.status == "delivered"
    assert [e.at - start for e in shipment.events.order_by("at")] == [dt.timedelta(hours=24 * i) for i in range(4)]


def test_the_delivery_command(w, decided, capsys, monkeypatch):
    one = Shipment.objects.get(case=posted(w, decided()))
    two = Shipment.objects.get(case=posted(w, decided()))
    call_command("delivery", "advance")
    out = capsys.readouterr().out
    assert f"{one.tracking_number}  {one.case.number}  已揽收 → 运输中" in out and "共推进 2 件邮件" in out
    call_command("delivery", "advance", "--tracking", one.tracking_number.lower())
    call_command("delivery", "advance", "--tracking", one.tracking_number, "--signer", "门卫李师傅")
    out = capsys.readouterr().out
    assert "派送中 → 已签收（签收人：门卫李师傅）" in out
    call_command("delivery", "track", one.tracking_number)
    out = capsys.readouterr().out
    assert "当前：已签收" in out and "签收人：门卫李师傅" in out and out.count("\n  ") == 4
    call_command("delivery", "advance")  # only the open one moves
    assert "共推进 1 件邮件" in capsys.readouterr().out
    assert Shipment.objects.get(pk=two.pk).status == "out_for_delivery"
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="派送中，不能取消"):
        call_command("delivery", "cancel", two.tracking_number, "--reason", "地址有误", "--user", "clerk")
    with pytest.raises(CommandError, match="不存在"):
        call_command("delivery", "track", "LC000000000CN")
    with pytest.raises(CommandError, match="已签收，不能再推进"):
        call_command("delivery", "advance", "--tracking", one.tracking_number)
    three = Shipment.objects.get(case=posted(w, decided()))
    with pytest.raises(CommandError, match="--user"):
        call_command("delivery", "cancel", three.tracking_number, "--reason", "地址有误")
    call_command("delivery", "cancel", three.tracking_number, "--reason", "地址有误", "--user", "clerk")
    assert Shipment.objects.get(pk=three.pk).status == "cancelled"
    later = timezone.now() + dt.timedelta(days=30)
    monkeypatch.setattr(local, "_now", lambda: later)
    call_command("delivery", "advance", "--by-time")
    assert "按时间推进了 1 件邮件" in capsys.readouterr().out
    assert Shipment.objects.get(pk=two.pk).status == "delivered"


def test_shipments_are_scoped_like_their_cases(w, decided):
    shipment = Shipment.objects.get(case=posted(w, decided()))
    assert list(selectors.visible_shipments(w.approver)) == [shipment]
    assert list(selectors.visible_shipments(w.clerk)) == [shipment]
    assert not selectors.visible_shipments(w.other_approver).exists()
    assert list(selectors.visible_shipments(w.other_citizen)) == [shipment]  # the applicant's own
    assert not selectors.visible_shipments(w.applicant).exists()


def test_the_periodic_tracking_job_moves_and_refreshes_open_parcels(w, decided, monkeypatch, settings):
    from tongban.delivery import tasks

    settings.TONGBAN_LOCAL_COURIER_STEP_HOURS = 24
    shipment = Shipment.objects.get(case=posted(w, decided()))
    waiting = Shipment.objects.get(case=posted(w, decided(), book=False))  # not booked yet: nothing to track
    assert tasks.follow_open_parcels() == {"moved": 0, "refreshed": 1, "failed": 0}
    later = timezone.now() + dt.timedelta(hours=49)
    monkeypatch.setattr(local, "_now", lambda: later)
    assert tasks.follow_open_parcels() == {"moved": 1, "refreshed": 1, "failed": 0}
    assert Shipment.objects.get(pk=shipment.pk).status == "out_for_delivery"
    assert Shipment.objects.get(pk=waiting.pk).status == "pending"
