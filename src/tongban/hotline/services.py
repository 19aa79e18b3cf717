"""Every write of the hotline, each in one transaction: receiving an order (受理) from any channel, and the one
entry point ``perform`` for every later step (lock, policy, state table and guards, effect, event, audit entry,
notice through the outbox, idempotency key)."""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from tongban.audit.services import record as audit
from tongban.core import clock
from tongban.core.errors import ConflictError, DomainError
from tongban.jurisdictions.models import Department, Division
from tongban.notifications.registry import Message
from tongban.notifications.services import notify
from tongban.workdays.selectors import current_calendar

from . import telephony
from .domain import deadlines, similarity
from .domain.flow import (
    ACTION_LABELS,
    SATISFACTION_LABELS,
    TYPE_LABELS,
    Action,
    Channel,
    FlowError,
    OrderFacts,
    OrderType,
    Request,
    Status,
    next_status,
)
from .domain.policy import HotlineActor, denial
from .models import Call, Category, DeadlineRule, DuplicateKey, Open311Client, WorkOrder, WorkOrderEvent

A = Action
_PHONE = re.compile(r"^[0-9+\-]{3,20}$")


def actor_of(user: Any) -> HotlineActor:
    """What the hotline's policy knows of a user: the hotline duty, the department of a department's staff."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return HotlineActor(user_id=None)
    seat = getattr(user, "hotline_seat", None) if _has_seat(user) else None
    staff = getattr(user, "kind", "") == "staff"
    return HotlineActor(
        user_id=user.pk,
        duty=seat.duty if seat else "",
        department_id=user.department_id if staff else None,
        staff=staff,
    )


def _has_seat(user: Any) -> bool:
    try:
        user.hotline_seat  # noqa: B018  (the reverse one-to-one raises when there is none)
    except Exception:
        return False
    return True


def facts_of(order: WorkOrder) -> OrderFacts:
    return OrderFacts(
        status=order.status,
        order_type=order.order_type,
        department_id=order.department_id,
        creator_id=order.creator_id,
        merged_into_id=order.merged_into_id,
        order_id=order.pk,
    )


def as_domain_error(exc: FlowError) -> DomainError:
    status = {"not_found": 404, "forbidden": 403, "invalid_transition": 409, "stale": 409}.get(exc.code, 400)
    return DomainError(exc.code, exc.message, exc.field, status=status)


# ---- deadlines ---------------------------------------------------------------------------------------------


def limit_of(order_type: str, urgent: bool, category: Category | None) -> deadlines.Limit:
    rules = {r.key: deadlines.Limit(r.value, r.unit) for r in DeadlineRule.objects.all()}
    return deadlines.limit_for(order_type, urgent, category.effective_limit() if category else None, rules)


# ---- receiving an order -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewOrder:
    order_type: str
    title: str
    content: str
    channel: str = Channel.PHONE
    category_code: str = ""
    caller_name: str = ""
    caller_phone: str = ""
    call_id: str = ""
    division_code: str = ""
    address: str = ""
    lat: Decimal | None = None
    long: Decimal | None = None
    urgent: bool = False
    confidential: bool | None = None  # None: the type's default (a 举报 is kept confidential)
    external_token: str = ""


def _clean(new: NewOrder) -> tuple[Category | None, Division | None]:
    if new.order_type not in set(OrderType):
        raise DomainError("invalid_type", "诉求类型只能是咨询、求助、投诉、举报或建议。", "order_type")
    if new.channel not in set(Channel):
        raise DomainError("invalid_channel", "来源渠道无效。", "channel")
    if not new.content.strip():
        raise DomainError("content_required", "请填写诉求内容。", "content")
    if len(new.content) > 4000:
        raise DomainError("content_too_long", "诉求内容不能超过4000字。", "content")
    if len(new.title) > 100:
        raise DomainError("title_too_long", "诉求标题不能超过100字。", "title")
    if new.caller_phone and not _PHONE.match(new.caller_phone):
        raise DomainError("invalid_phone", "联系电话只能由数字组成（可含+和-）。", "caller_phone")
    if new.channel == Channel.PHONE and not new.caller_phone:
        raise DomainError("phone_required", "电话来件须记录来电号码。", "caller_phone")
    if len(new.caller_name) > 50 or len(new.address) > 200 or len(new.call_id) > 64:
        raise DomainError("too_long", "诉求人姓名、地址或通话记录号过长。", "address")
    category = None
    if new.category_code:
        category = Category.objects.filter(code=new.category_code, active=True).first()
        if category is None:
            raise DomainError("unknown_category", f"没有代码为“{new.category_code}”的诉求分类。", "category")
    division = None
    if new.division_code:
        division = Division.objects.filter(code=new.division_code.strip().ljust(12, "0")).first()
        if division is None:
            raise DomainError("unknown_division", f"没有代码为“{new.division_code}”的行政区划。", "division")
    return category, division


def receive(user: Any, new: NewOrder, *, key: str | None = None) -> WorkOrder:
    """受理: a new order from a call, the web, the API or Open311; its deadline, its duplicate fingerprint and
    an SMS with its number to the caller (through the outbox)."""
    category, division = _clean(new)
    with transaction.atomic():
        if key:
            seen = WorkOrderEvent.objects.filter(idempotency_key=key).select_related("order").first()
            if seen is not None:
                return seen.order
        now = clock.now()
        limit = limit_of(new.order_type, new.urgent, category)
        sig = similarity.signature(f"{new.title} {new.content}")
        order = WorkOrder.objects.create(
            number=f"T{uuid.uuid4().hex[:18]}",
            order_type=new.order_type,
            channel=new.channel,
            category=category,
            title=(new.title.strip() or new.content.strip())[:100],
            content=new.content.strip(),
            urgent=new.urgent,
            confidential=new.order_type == OrderType.REPORT if new.confidential is None else new.confidential,
            caller_name=new.caller_name.strip(),
            caller_phone=new.caller_phone.strip(),
            call_id=new.call_id.strip(),
            creator=user if getattr(user, "pk", None) else None,
            division=division,
            address=new.address.strip(),
            lat=new.lat,
            long=new.long,
            created_at=now,
            deadline=deadlines.due_at(now, limit, current_calendar()),
            limit_text=str(limit),
            external_token=new.external_token,
        )
        order.number = f"{now:%Y%m%d}{order.pk:07d}"
        order.save(update_fields=["number"])
        DuplicateKey.objects.bulk_create([DuplicateKey(key=k, order=order) for k in similarity.band_keys(sig)])
        if new.call_id:
            Call.objects.filter(call_id=new.call_id, order__isnull=True).update(order=order)
        _event(order, "receive", "", Status.RECEIVED, user, text="", key=key, detail={"channel": new.channel})
        if order.caller_phone:
            notify(
                Message(
                    recipient_phone=order.caller_phone,
                    recipient_name=order.caller_name,
                    subject="12345热线已受理",
                    body=f"您反映的{TYPE_LABELS[OrderType(order.order_type)]}已受理，工单号{order.number}，"
                    f"我们将在{order.limit_text}内答复。",
                    case_number=order.number,
                    kind="hotline_received",
                )
            )
    return order


def _event(
    order: WorkOrder,
    action: str,
    from_status: str,
    to_status: str,
    user: Any,
    *,
    text: str = "",
    department: Department | None = None,
    key: str | None = None,
    detail: dict | None = None,
) -> WorkOrderEvent:
    actor = user if getattr(user, "pk", None) else None
    event = WorkOrderEvent.objects.create(
        order=order,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        department=department,
        text=text,
        detail=detail or {},
        at=clock.now(),
        idempotency_key=key or None,
    )
    audit(
        f"hotline.{action}",
        "WorkOrder",
        order.number,
        actor=actor,
        detail={"from": from_status, "to": to_status, **(detail or {})},
    )
    return event


# ---- the one entry point -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """What an action brings: a department (dispatch, reassign), a text, a satisfaction level, a target order
    (merge)."""

    department_id: int | None = None
    text: str = ""
    satisfaction: str = ""
    target_number: str = ""


def perform(
    user: Any, number: str, action: str, step: Step = Step(), *, revision: int | None = None, key: str | None = None
) -> WorkOrder:
    """Perform ``action`` on the order: the one way any order changes after it was received."""
    try:
        act = Action(action)
    except ValueError:
        raise DomainError("invalid_action", f"未知的操作：{action}", "action") from None
    with transaction.atomic():
        if key:
            seen = WorkOrderEvent.objects.filter(idempotency_key=key).select_related("order").first()
            if seen is not None:
                if seen.order.number != number:
                    raise ConflictError("key_reused", "该幂等键已用于另一张工单。", "key")
                return seen.order
        order = WorkOrder.objects.select_for_update().filter(number=number).first()
        if order is None:
            raise DomainError("not_found", "没有找到这张工单。", status=404)
        actor = actor_of(user)
        target = None
        if act is A.MERGE and step.target_number:
            target = WorkOrder.objects.filter(number=step.target_number).first()
            if target is None:
                raise DomainError("unknown_target", f"没有工单号为“{step.target_number}”的工单。", "target")
        department = None
        if step.department_id is not None:
            department = Department.objects.filter(pk=step.department_id).first()
            if department is None:
                raise DomainError("unknown_department", "没有这个承办部门。", "department")
        req = Request(
            department_id=step.department_id,
            text=step.text,
            satisfaction=step.satisfaction,
            target_id=target.pk if target else None,
            target_status=target.status if target else "",
        )
        refused = denial(actor, facts_of(order), act, req)
        if refused is not None:
            raise as_domain_error(refused)
        if revision is not None and revision != order.revision:
            raise ConflictError("stale", "工单已被他人更新，请刷新后再试。", "revision")
        before = order.status
        order.status = next_status(before, act)
        order.revision += 1
        detail = _apply(order, act, step, department, target)
        order.save()
        _event(
            order,
            act,
            before,
            order.status,
            user,
            text=step.text.strip(),
            department=department,
            key=key,
            detail=detail,
        )
    return order


def _apply(
    order: WorkOrder, act: Action, step: Step, department: Department | None, target: WorkOrder | None
) -> dict[str, Any]:
    now = clock.now()
    detail: dict[str, Any] = {}
    if act in (A.DISPATCH, A.REASSIGN):
        detail["from_department"] = order.department.name if order.department_id and order.department else ""
        order.department = department
        order.dispatched_at, order.accepted_at = now, None
        detail["department"] = department.name if department else ""
    elif act is A.ACCEPT:
        order.accepted_at = now
    elif act is A.APPROVE_RETURN:
        order.department, order.dispatched_at, order.accepted_at = None, None, None
    elif act is A.REPLY:
        order.answer, order.replied_at = step.text.strip(), now
    elif act is A.SUPERVISE:
        order.supervisions += 1
    elif act is A.CLOSE:
        order.closed_at = now
        _tell_caller(order, "12345热线工单已办结", f"您的工单{order.number}已办结。办理结果：{order.answer[:200]}")
    elif act is A.ANSWER_AT_ONCE:
        order.answer, order.answered_at_once, order.closed_at = step.text.strip(), True, now
        order.replied_at = now
    elif act is A.RATE:
        order.satisfaction = step.satisfaction
        detail["satisfaction"] = SATISFACTION_LABELS[step.satisfaction]  # type: ignore[index]
    elif act is A.MERGE and target is not None:
        order.merged_into, order.closed_at = target, now
        detail["into"] = target.number
        _tell_caller(
            order, "12345热线工单已并单", f"您反映的问题与工单{target.number}相同，已合并办理，结果将一并告知。"
        )
    return detail


def _tell_caller(order: WorkOrder, subject: str, body: str) -> None:
    if order.caller_phone:
        notify(
            Message(
                recipient_phone=order.caller_phone,
                recipient_name=order.caller_name,
                subject=subject,
                body=body,
                case_number=order.number,
                kind=f"hotline_{order.status}",
            )
        )


def action_label(action: str) -> str:
    return ACTION_LABELS[Action(action)]


# ---- Open311 clients ------------------------------------------------------------------------------------------


def key_digest(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def register_open311_client(name: str, api_key: str) -> Open311Client:
    try:
        with transaction.atomic():
            return Open311Client.objects.create(name=name, key_digest=key_digest(api_key))
    except IntegrityError:
        return Open311Client.objects.get(key_digest=key_digest(api_key))


# ---- calls (telephony) -------------------------------------------------------------------------------------


def record_incoming_call(user: Any, number: str, call_id: str = "") -> Call:
    """A call the call-centre system reports: kept with its id, so the order taken on it names the call."""
    number = number.strip()
    if not _PHONE.match(number):
        raise DomainError("invalid_phone", "来电号码只能由数字组成（可含+和-）。", "number")
    call_id = call_id.strip() or telephony.adapter().new_call_id()
    with transaction.atomic():
        call, _ = Call.objects.get_or_create(
            call_id=call_id,
            defaults={
                "direction": Call.Direction.INBOUND,
                "number": number,
                "operator": user,
                "started_at": clock.now(),
            },
        )
    return call


def call_back(user: Any, number: str) -> Call:
    """回访: dial the caller through the call-centre system; the call is recorded on the order."""
    with transaction.atomic():
        order = WorkOrder.objects.select_for_update().filter(number=number).first()
        actor = actor_of(user)
        if order is None or not actor.centre:
            raise DomainError("not_found", "没有找到这张工单。", status=404)
        if not order.caller_phone:
            raise DomainError("no_phone", "这张工单没有联系电话，无法回拨。", "caller_phone")
        call_id = telephony.adapter().dial(order.caller_phone, user.get_username())
        call = Call.objects.create(
            call_id=call_id,
            direction=Call.Direction.OUTBOUND,
            number=order.caller_phone,
            operator=user,
            order=order,
            started_at=clock.now(),
        )
        audit("hotline.call_back", "WorkOrder", order.number, actor=user, detail={"call_id": call_id})
    return call
