"""Every write to shipments: hand a case's result to the courier, follow its tracking, cancel it.

``ship_result`` is called by cases.services.issue_result (delivery="post") inside the case's transition, so a
refused transition ships nothing; it may also be called alone to ship again after a cancelled parcel. It
registers the parcel and leaves the courier's booking to the outbox ("courier.book" → ``book``), after commit.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from tongban.accounts.validation import normalize_phone
from tongban.audit.services import record as audit
from tongban.cases.domain import policy
from tongban.cases.domain.workflow import CaseAction, CaseStatus
from tongban.cases.facts import case_facts
from tongban.cases.models import Case
from tongban.core.actor import actor_of
from tongban.core.errors import ConflictError, DomainError
from tongban.notifications.registry import Message
from tongban.notifications.services import notify
from tongban.outbox.services import enqueue

from .models import Shipment, ShipmentEvent
from .registry import (
    Courier,
    CourierError,
    Party,
    ShipmentRequest,
    ShipmentStatus,
    TrackingEvent,
    get_courier,
    status_label,
)

logger = logging.getLogger(__name__)
St = ShipmentStatus
BOOK_TOPIC = "courier.book"
ADDRESS_KEYS = ("mailing_address", "address")  # form fields that hold a postal address, most specific first
_PHONE = re.compile(r"1[3-9]\d{9}|0\d{9,11}")


def address_from_case(case: Case) -> str:
    """The address the applicant gave on the form (邮寄地址 first), else the one on their account."""
    for key in ADDRESS_KEYS:
        value = (case.form_data or {}).get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    applicant = case.applicant if case.applicant_id else None
    return (getattr(applicant, "address", "") or "").strip()


def _result_contents(case: Case) -> str:
    if case.decision == "denied":
        return "不予办理决定书"
    return case.version.result_name or "办理结果"


def _sender(case: Case, actor: Any) -> Party:
    centre = getattr(actor, "service_centre", None) or case.receiving_centre
    if centre is None:
        raise DomainError("no_sender", "无法确定寄件的服务中心：请由服务中心窗口人员办理邮寄", None)
    return Party(centre.name, centre.phone, centre.address)


def _tell(case: Case, subject: str, body: str, kind: str) -> None:
    if case.applicant_phone:
        notify(
            Message(case.applicant_phone, case.applicant_name, subject, f"【{case.number}】{body}", case.number, kind)
        )


@transaction.atomic
def ship_result(
    case: Case,
    address: str,
    actor: Any,
    *,
    phone: str = "",
    recipient_name: str = "",
    courier: Courier | None = None,
    closing: bool = False,
    via_bundle: bool = False,
) -> Shipment:
    """Register the parcel of the case's result (快递送达) and put its booking in the outbox.

    Everything a person can get wrong is checked here, in the caller's transaction, so they hear of it at once;
    the courier is called after the commit (``book``), never with the case locked. The shipment returned is
    待揽收 without a tracking number until the booking is done.

    ``closing``: called by issue_result while it closes the decided case (which then tells the applicant).
    Otherwise only a case already closed by post may be shipped again (after its parcel was cancelled).
    """
    locked = Case.objects.select_for_update(of=("self",)).select_related("version", "receiving_centre").get(pk=case.pk)
    if closing:
        if locked.status != CaseStatus.DECIDED or not locked.decision:
            raise ConflictError("not_decided", "办件尚未作出决定，没有可邮寄的结果", "delivery")
    elif locked.status == CaseStatus.DECIDED:
        raise ConflictError("issue_first", "请通过“出件办结”选择邮寄送达，办件将在交寄时办结", "delivery")
    elif locked.status != CaseStatus.CLOSED or locked.result_delivery != "post":
        raise ConflictError("not_posted", "只有已决定待出件或已邮寄出件的办件可以邮寄结果", "delivery")
    # Closing: the result desk's ISSUE_RESULT (through its bundle for an item); posting again a result already
    # issued is parcel handling.
    who = actor_of(actor).through_bundle() if via_bundle else actor_of(actor)
    allowed = (
        policy.case_denial(who, case_facts(locked), CaseAction.ISSUE_RESULT) is None
        if closing
        else policy.may_handle_parcels(who, case_facts(locked))
    )
    if not allowed:
        raise DomainError("forbidden", "您无权邮寄该办件的结果", None, status=403)
    if "post" not in (locked.version.delivery_methods or []):
        raise DomainError("post_not_offered", "该事项的办事指南未提供邮寄送达，请选择其他出件方式", "delivery")
    active = locked.shipments.exclude(status=St.CANCELLED.value).first()
    if active is not None:
        raise ConflictError(
            "already_shipped",
            f"该办件的结果已交寄（{_parcel_ref(active)}，{active.status_label}），如需重寄请先取消原邮件",
            "delivery",
        )
    address = (address or "").strip()
    if not address:
        raise DomainError("address_required", "邮寄送达须填写收件地址", "address")
    if len(address) < 6 or len(address) > 200:
        raise DomainError("bad_address", "收件地址应为6至200个字，写明省市县（区）、街道和门牌号", "address")
    phone = normalize_phone(phone or locked.applicant_phone)
    if not phone:
        raise DomainError("phone_required", "邮寄送达须有收件人联系电话", "phone")
    if not _PHONE.fullmatch(phone):
        raise DomainError("bad_phone", "收件人联系电话格式不正确（手机号码11位，固定电话含区号）", "phone")
    name = (recipient_name or locked.applicant_name).strip()
    sender = _sender(locked, actor)

    courier_name = courier.name if courier is not None else get_courier().name
    serial = locked.shipments.count() + 1
    # Deterministic per case: couriers deduplicate on it, so a booking delivered twice ships one parcel.
    shipment = Shipment.objects.create(
        case=locked,
        courier=courier_name,
        order_ref=f"{locked.number}-P{serial}",
        contents=_result_contents(locked),
        sender_name=sender.name,
        sender_phone=sender.phone,
        sender_address=sender.address,
        recipient_name=name,
        recipient_phone=phone,
        recipient_address=address,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit(
        "delivery.ship",
        "case",
        locked.number,
        actor=actor,
        detail={"courier": courier_name, "order_ref": shipment.order_ref},
    )
    enqueue(BOOK_TOPIC, {"shipment": shipment.pk, "again": not closing})
    return shipment


def _parcel_ref(shipment: Shipment) -> str:
    return f"运单号 {shipment.tracking_number}" if shipment.tracking_number else f"寄件订单 {shipment.order_ref}"


def _request(shipment: Shipment) -> ShipmentRequest:
    return ShipmentRequest(
        sender=Party(shipment.sender_name, shipment.sender_phone, shipment.sender_address),
        recipient=Party(shipment.recipient_name, shipment.recipient_phone, shipment.recipient_address),
        case_number=shipment.case.number,
        contents=shipment.contents,
        order_ref=shipment.order_ref,
    )


def book(shipment_id: int, *, again: bool = False, courier: Courier | None = None) -> Shipment:
    """The "courier.book" handler: book the parcel with its courier, store the tracking number and first scans,
    tell the applicant. Safe to run twice (the outbox delivers at least once): the courier deduplicates on
    order_ref, and booked_at, set under the row lock, lets only the first run store and tell.

    The courier is called outside any transaction: a slow courier holds no lock. A refusal (CourierError) is
    final: the parcel is cancelled with the courier's reason so staff can post it again; any other error is
    raised for the outbox to retry."""
    shipment = Shipment.objects.select_related("case").get(pk=shipment_id)
    if shipment.booked_at is not None or shipment.status == St.CANCELLED:
        return shipment
    courier = courier or get_courier(shipment.courier)
    try:
        tracking = courier.create_shipment(_request(shipment)).strip().upper()
    except CourierError as exc:
        return _booking_refused(shipment, exc.message)
    scans = courier.track(tracking)
    with transaction.atomic():
        locked = Shipment.objects.select_for_update(of=("self",)).select_related("case").get(pk=shipment_id)
        if locked.booked_at is not None:
            return locked  # another delivery of the same message stored it first
        locked.tracking_number, locked.booked_at = tracking, timezone.now()
        locked.save(update_fields=["tracking_number", "booked_at", "updated_at"])
        audit("delivery.booked", "case", locked.case.number, detail={"courier": courier.name, "tracking": tracking})
        cancelled_meanwhile = locked.status == St.CANCELLED  # by staff, while the courier was booking it
        if not cancelled_meanwhile:
            _apply_scans(locked, scans)
            verb = "重新交寄" if again else "交寄快递"
            _tell(
                locked.case,
                "办理结果已寄出",
                f"您的办理结果（{locked.contents}）已{verb}，运单号{tracking}，收件地址：{locked.recipient_address}。",
                "shipped",
            )
    if cancelled_meanwhile:
        try:
            courier.cancel(tracking, locked.cancel_reason or "寄件取消")
        except CourierError as exc:
            logger.warning("邮件 %s 已在平台取消，但快递接口未能撤单：%s", tracking, exc.message)
    return locked


@transaction.atomic
def _booking_refused(shipment: Shipment, reason: str) -> Shipment:
    locked = Shipment.objects.select_for_update(of=("self",)).select_related("case").get(pk=shipment.pk)
    if locked.booked_at is not None or locked.status == St.CANCELLED:
        return locked
    reason = f"快递接口拒绝下单：{reason}"[:200]
    now = timezone.now()
    ShipmentEvent.objects.create(shipment=locked, status=St.CANCELLED.value, at=now, note=reason)
    locked.status, locked.cancelled_at, locked.cancel_reason = St.CANCELLED.value, now, reason
    locked.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    audit(
        "delivery.booking_refused", "case", locked.case.number, detail={"order_ref": locked.order_ref, "reason": reason}
    )
    _tell(
        locked.case,
        "邮寄未能下单",
        f"您的办理结果未能交寄快递（{reason}）。工作人员将与您联系送达事宜。",
        "shipment_cancelled",
    )
    return locked


def _sync(shipment: Shipment, courier: Courier) -> bool:
    return _apply_scans(shipment, courier.track(shipment.tracking_number))


def _apply_scans(shipment: Shipment, scans: list[TrackingEvent]) -> bool:
    """Copy scans the platform has not stored yet and follow the latest status; True if the status changed."""
    stored = {(e.status, e.at, e.place) for e in shipment.events.all()}
    for scan in scans:
        if (scan.status.value, scan.at, scan.place) not in stored:
            ShipmentEvent.objects.create(
                shipment=shipment,
                status=scan.status.value,
                at=scan.at,
                place=scan.place,
                signer=scan.signer,
                note=scan.note[:200],
            )
    if not scans or scans[-1].status.value == shipment.status:
        return False
    last = scans[-1]
    shipment.status = last.status.value
    fields = ["status", "updated_at"]
    if last.status is St.DELIVERED:
        shipment.signed_by, shipment.signed_at = last.signer, last.at
        fields += ["signed_by", "signed_at"]
    shipment.save(update_fields=fields)
    return True


@transaction.atomic
def refresh(shipment: Shipment, courier: Courier | None = None) -> Shipment:
    """Bring the shipment's scans and status up to date with the courier; tell the applicant when signed for."""
    locked = Shipment.objects.select_for_update(of=("self",)).select_related("case").get(pk=shipment.pk)
    if locked.status == St.CANCELLED or not locked.tracking_number:
        return locked
    if _sync(locked, courier or get_courier(locked.courier)) and locked.status == St.DELIVERED:
        _tell(
            locked.case,
            "办理结果已签收",
            f"您的邮件（运单号{locked.tracking_number}）已由{locked.signed_by or '收件人'}签收。",
            "delivered",
        )
    return locked


@transaction.atomic
def cancel_shipment(shipment: Shipment, actor: Any, reason: str, courier: Courier | None = None) -> Shipment:
    """Cancel a parcel not yet out for delivery (wrong address, applicant comes to the window instead)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("required", "取消邮寄须说明原因", "reason")
    locked = Shipment.objects.select_for_update(of=("self",)).select_related("case").get(pk=shipment.pk)
    if not policy.may_handle_parcels(actor_of(actor), case_facts(locked.case)):
        raise DomainError("forbidden", "您无权取消该邮件", None, status=403)
    if locked.status in (St.CANCELLED, St.DELIVERED):
        raise ConflictError("not_cancellable", f"邮件{status_label(locked.status)}，不能取消", "tracking")
    if locked.tracking_number:  # not booked yet: book() sees the cancellation and books nothing
        courier = courier or get_courier(locked.courier)
        courier.cancel(locked.tracking_number, reason)
        _sync(locked, courier)
    now = timezone.now()
    if locked.status != St.CANCELLED:  # a courier whose tracking does not show cancellations
        ShipmentEvent.objects.create(
            shipment=locked, status=St.CANCELLED.value, at=now, note=f"寄件取消：{reason}"[:200]
        )
    locked.status, locked.cancelled_at, locked.cancel_reason = St.CANCELLED.value, now, reason[:200]
    locked.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    audit(
        "delivery.cancel",
        "case",
        locked.case.number,
        actor=actor,
        detail={"tracking": locked.tracking_number, "order_ref": locked.order_ref, "reason": reason},
    )
    parcel = f"（运单号{locked.tracking_number}）" if locked.tracking_number else ""
    _tell(
        locked.case,
        "邮寄已取消",
        f"您的邮件{parcel}已取消寄递：{reason}。工作人员将与您联系送达事宜。",
        "shipment_cancelled",
    )
    return locked
