"""API: 12345 work orders — receiving, reading, every later step, repeated-request suggestions, the knowledge
base and the indicators. Writes go through hotline.services (one entry point, which asks the policy), reads
through hotline.selectors, as the pages do. An order the caller may not see answers 404 whether or not it
exists; one they may see but not act on 403; not possible now 409. Bearer tokens: POST /auth/token.
(Open311 GeoReport v2 is served apart, at /hotline/open311/v2/, in the specification's own shapes.)"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Header, Query, Router, Schema, Status

from tongban.accounts.api_auth import api_user, bearer
from tongban.audit.services import client_ip
from tongban.core import clock
from tongban.core.api_errors import ERRORS, ErrorOut, NotFound
from tongban.core.errors import DomainError
from tongban.search.selectors import InvalidSearch

from . import selectors, services
from .domain.indicators import Indicators

TAG = "12345热线"
router = Router(auth=bearer)
AUTH_ERRORS: dict[int, Any] = {**ERRORS, 401: ErrorOut, 403: ErrorOut, 409: ErrorOut}

OrderTypeName = Literal["enquiry", "help", "complaint", "report", "suggestion"]
ActionName = Literal[
    "dispatch",
    "answer_at_once",
    "merge",
    "accept",
    "request_return",
    "approve_return",
    "reject_return",
    "reassign",
    "reply",
    "supervise",
    "redo",
    "close",
    "visit",
    "rate",
]


class OrderIn(Schema):
    order_type: OrderTypeName
    content: str
    title: str = ""
    category: str = ""
    caller_name: str = ""
    caller_phone: str = ""
    call_id: str = ""
    division: str = ""
    address: str = ""
    lat: Decimal | None = None
    long: Decimal | None = None
    urgent: bool = False
    confidential: bool | None = None


class OrderOut(Schema):
    number: str
    order_type: str
    channel: str
    status: str
    revision: int
    title: str
    content: str
    category: str | None
    department: str | None
    division: str | None
    address: str
    caller_name: str
    caller_phone: str
    deadline: dt.datetime | None
    limit: str
    answer: str
    answered_at_once: bool
    satisfaction: str
    merged_into: str | None
    actions: list[str]


class StepIn(Schema):
    revision: int | None = None
    department_id: int | None = None
    text: str = ""
    satisfaction: str = ""
    target: str = ""


class DuplicateOut(Schema):
    number: str
    title: str
    score: float
    text_similarity: float
    same_caller: bool
    same_place: bool


class KnowledgeOut(Schema):
    code: str
    name: str
    department: str
    answer: str
    faq: list[dict[str, str]]


class IndicatorsOut(Schema):
    department: str | None
    department_id: int | None
    received: int
    response_rate: float | None
    finish_rate: float | None
    satisfaction_rate: float | None
    repeat_rate: float | None
    answered_at_once_rate: float | None


def _out(order: Any) -> dict[str, Any]:
    return {
        "number": order.number,
        "order_type": order.order_type,
        "channel": order.channel,
        "status": order.status,
        "revision": order.revision,
        "title": order.title,
        "content": order.content,
        "category": order.category.code if order.category else None,
        "department": order.department.name if order.department else None,
        "division": order.division_id,
        "address": order.address,
        "caller_name": order.shown_name,
        "caller_phone": order.shown_phone,
        "deadline": order.deadline,
        "limit": order.limit_text,
        "answer": order.answer,
        "answered_at_once": order.answered_at_once,
        "satisfaction": order.satisfaction,
        "merged_into": order.merged_into.number if order.merged_into else None,
        "actions": [str(a) for a in order.actions],
    }


def _read(request: HttpRequest, number: str) -> dict[str, Any]:
    order = selectors.order_for(api_user(request), number, ip=client_ip(request))
    if order is None:
        raise NotFound("没有找到这张工单。", "number")
    return _out(order)


@router.post("/hotline/orders", response={201: OrderOut, **AUTH_ERRORS}, summary="受理一张工单")
def create_order(request: HttpRequest, body: OrderIn, idempotency_key: str | None = Header(None)) -> Any:
    user = api_user(request)
    new = services.NewOrder(
        order_type=body.order_type,
        title=body.title,
        content=body.content,
        channel="api",
        category_code=body.category,
        caller_name=body.caller_name,
        caller_phone=body.caller_phone,
        call_id=body.call_id,
        division_code=body.division,
        address=body.address,
        lat=body.lat,
        long=body.long,
        urgent=body.urgent,
        confidential=body.confidential,
    )
    order = services.receive(user, new, key=f"api:{user.pk}:{idempotency_key}" if idempotency_key else None)
    return Status(201, _read(request, order.number))


@router.get("/hotline/orders/{number}", response={200: OrderOut, **AUTH_ERRORS}, summary="一张工单")
def get_order(request: HttpRequest, number: str) -> Any:
    return _read(request, number)


@router.post("/hotline/orders/{number}/actions/{action}", response={200: OrderOut, **AUTH_ERRORS}, summary="办理一步")
def act(
    request: HttpRequest, number: str, action: ActionName, body: StepIn, idempotency_key: str | None = Header(None)
) -> Any:
    user = api_user(request)
    step = services.Step(
        department_id=body.department_id, text=body.text, satisfaction=body.satisfaction, target_number=body.target
    )
    services.perform(
        user,
        number,
        action,
        step,
        revision=body.revision,
        key=f"api:{user.pk}:{idempotency_key}" if idempotency_key else None,
    )
    return _read(request, number)


@router.get(
    "/hotline/orders/{number}/duplicates", response={200: list[DuplicateOut], **AUTH_ERRORS}, summary="疑似重复诉求"
)
def duplicates(request: HttpRequest, number: str) -> Any:
    order = selectors.order_for(api_user(request), number, ip=client_ip(request))
    if order is None or not services.actor_of(api_user(request)).centre:
        raise NotFound("没有找到这张工单。", "number")
    return [
        {
            "number": d.order.number,
            "title": d.order.title,
            "score": d.score,
            "text_similarity": d.text_similarity,
            "same_caller": d.same_caller,
            "same_place": d.same_place,
        }
        for d in selectors.duplicates_of(order)
    ]


@router.get("/hotline/knowledge", response={200: list[KnowledgeOut], **AUTH_ERRORS}, summary="知识库")
def knowledge(request: HttpRequest, q: str = Query(..., max_length=100), region: str | None = None) -> Any:
    try:
        answers = selectors.knowledge(q, region=region)
    except InvalidSearch as exc:
        raise DomainError(exc.code, exc.message, exc.field) from None
    return [
        {"code": a.code, "name": a.name, "department": a.department, "answer": a.answer, "faq": a.faq} for a in answers
    ]


def _indicators_row(department: Any, ind: Indicators) -> dict[str, Any]:
    return {
        "department": department.name if department else None,
        "department_id": department.pk if department else None,
        "received": ind.counts.received,
        "response_rate": ind.response_rate,
        "finish_rate": ind.finish_rate,
        "satisfaction_rate": ind.satisfaction_rate,
        "repeat_rate": ind.repeat_rate,
        "answered_at_once_rate": ind.answered_at_once_rate,
    }


@router.get("/hotline/indicators", response={200: list[IndicatorsOut], **ERRORS}, auth=None, summary="热线指标")
def indicators(request: HttpRequest, start: dt.date | None = None, end: dt.date | None = None) -> Any:
    """响应率、办结率、满意率、重复诉求率与咨询当场解答率：全部及各承办部门，按受理日期 [start, end]（默认近30天）。"""
    end_day = end or clock.today()
    start_day = start or end_day - dt.timedelta(days=30)
    if start_day > end_day:
        raise DomainError("invalid_period", "开始日期不能晚于结束日期。", "start")
    tz = clock.now().tzinfo
    rows = selectors.indicator_table(
        dt.datetime.combine(start_day, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end_day + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )
    return [_indicators_row(r.department, r.indicators) for r in rows]
