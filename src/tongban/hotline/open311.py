"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): the services are the classification tree's
leaves, a service request is a work order. JSON and XML by the path's extension, errors as the specification's
list of {code, description}; jurisdiction_id may be omitted (one jurisdiction) and must be ours if given;
POST needs an api_key an administrator issued (admin › Open311 客户端).

The list and the single request show only requests that came in through Open311 and no personal data (no
caller, no text beyond the title, no reply): a request's reporter follows it by its id."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.etree import ElementTree as ET

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from tongban.core import clock
from tongban.core.errors import DomainError

from . import services
from .domain.flow import FINISHED, TYPE_LABELS, Channel, OrderType, Status, status_label
from .models import Category, Open311Client, WorkOrder

SPEC = "http://wiki.open311.org/GeoReport_v2"
MAX_REQUESTS = 1000
DEFAULT_SPAN = dt.timedelta(days=90)
FORMATS = {"json", "xml"}


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status, self.description = status, description


def jurisdiction() -> str:
    return str(getattr(settings, "TONGBAN_OPEN311_JURISDICTION", "") or "tongban")


# ---- rendering ------------------------------------------------------------------------------------------


def _xml_value(parent: ET.Element, name: str, value: Any) -> None:
    node = ET.SubElement(parent, name)
    if isinstance(value, list):
        child_name = {"attributes": "attribute", "values": "value"}.get(name, "item")
        for item in value:
            _xml_dict(ET.SubElement(node, child_name), item)
    elif isinstance(value, bool):
        node.text = "true" if value else "false"
    elif value is not None:
        node.text = str(value)


def _xml_dict(node: ET.Element, row: dict[str, Any]) -> None:
    for key, value in row.items():
        _xml_value(node, key, value)


def _render(fmt: str, root: str, item: str | None, data: Any, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        top = ET.Element(root)
        if item is None:
            _xml_dict(top, data)
        else:
            for row in data:
                _xml_dict(ET.SubElement(top, item), row)
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="unicode").encode()
        return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _errors(fmt: str, exc: Open311Error) -> HttpResponse:
    return _render(
        fmt if fmt in FORMATS else "json",
        "errors",
        "error",
        [{"code": exc.status, "description": exc.description}],
        exc.status,
    )


def _endpoint(view):  # type: ignore[no-untyped-def]
    """Format check, jurisdiction check and the specification's error list for every method."""

    def wrapped(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        try:
            if fmt not in FORMATS:
                raise Open311Error(404, "Unsupported format: use .json or .xml")
            given = (request.POST if request.method == "POST" else request.GET).get("jurisdiction_id", "")
            if given and given != jurisdiction():
                raise Open311Error(404, f"jurisdiction_id not found: {given}")
            return view(request, *args, fmt=fmt, **kwargs)  # type: ignore[no-any-return]
        except Open311Error as exc:
            return _errors(fmt, exc)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# ---- services -------------------------------------------------------------------------------------------


def _leaves() -> list[Category]:
    cats = list(Category.objects.filter(active=True).select_related("parent"))
    parents = {c.parent_id for c in cats}
    return [c for c in cats if c.pk not in parents]


def _group(cat: Category) -> str:
    node = cat
    while node.parent is not None:
        node = node.parent
    return node.name


def _service(cat: Category) -> dict[str, Any]:
    return {
        "service_code": cat.code,
        "service_name": cat.name,
        "description": f"{cat.label}（办理时限：{cat.effective_limit() or '按诉求类型'}）",
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(w for w in cat.keywords.replace("，", " ").replace(",", " ").split() if w),
        "group": _group(cat),
    }


TYPE_ATTRIBUTE = {
    "variable": True,
    "code": "order_type",
    "datatype": "singlevaluelist",
    "required": False,
    "datatype_description": "诉求类型，默认为投诉",
    "order": 1,
    "description": "诉求类型",
    "values": [{"key": t.value, "name": label} for t, label in TYPE_LABELS.items()],
}


@_endpoint
def services_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method != "GET":
        raise Open311Error(405, "Method not allowed")
    return _render(fmt, "services", "service", [_service(c) for c in _leaves()])


@_endpoint
def service(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """A service definition: the one attribute every service asks for, the kind of request."""
    if request.method != "GET":
        raise Open311Error(405, "Method not allowed")
    if not any(c.code == code for c in _leaves()):
        raise Open311Error(404, f"service_code not found: {code}")
    return _render(fmt, "service_definition", None, {"service_code": code, "attributes": [TYPE_ATTRIBUTE]})


# ---- requests -------------------------------------------------------------------------------------------


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def _request_row(order: WorkOrder) -> dict[str, Any]:
    return {
        "service_request_id": order.number,
        "status": "closed" if order.status in FINISHED or order.status == Status.MERGED else "open",
        "status_notes": status_label(order.status),
        "service_name": order.category.name if order.category else "",
        "service_code": order.category.code if order.category else "",
        "description": order.title,
        "agency_responsible": order.department.name if order.department else "",
        "service_notice": f"办理时限：{order.limit_text}",
        "requested_datetime": _iso(order.created_at),
        "updated_datetime": _iso(
            order.closed_at or order.replied_at or order.accepted_at or order.dispatched_at or order.created_at
        ),
        "expected_datetime": _iso(order.deadline),
        "address": order.address,
        "address_id": None,
        "zipcode": None,
        "lat": float(order.lat) if order.lat is not None else None,
        "long": float(order.long) if order.long is not None else None,
        "media_url": None,
    }


def _public() -> Any:
    return WorkOrder.objects.filter(channel=Channel.OPEN311).select_related("category", "department")


def _date(value: str, name: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(400, f"{name} must be a W3C (ISO 8601) date-time") from None
    if moment.tzinfo is None:
        raise Open311Error(400, f"{name} must include a time zone")
    return moment


def _decimal(value: str, name: str, bound: int) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise Open311Error(400, f"{name} must be a number") from None
    if not number.is_finite() or abs(number) > bound:
        raise Open311Error(400, f"{name} is out of range")
    return number.quantize(Decimal("0.000001"))


@csrf_exempt
@_endpoint
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _post_request(request, fmt)
    if request.method != "GET":
        raise Open311Error(405, "Method not allowed")
    q = request.GET
    qs = _public()
    if q.get("service_request_id"):
        ids = [i.strip() for i in q["service_request_id"].split(",") if i.strip()][:MAX_REQUESTS]
        rows = {o.number: o for o in qs.filter(number__in=ids)}
        return _render(fmt, "service_requests", "request", [_request_row(rows[i]) for i in ids if i in rows])
    end = _date(q["end_date"], "end_date") if q.get("end_date") else clock.now()
    start = _date(q["start_date"], "start_date") if q.get("start_date") else end - DEFAULT_SPAN
    if end - start > DEFAULT_SPAN:
        raise Open311Error(400, "start_date and end_date may span at most 90 days")
    qs = qs.filter(created_at__gte=start, created_at__lte=end)
    if q.get("service_code"):
        qs = qs.filter(category__code__in=[c.strip() for c in q["service_code"].split(",")])
    if q.get("status"):
        wanted = {s.strip() for s in q["status"].split(",")}
        if not wanted <= {"open", "closed"}:
            raise Open311Error(400, "status must be open or closed")
        closed = [*FINISHED, Status.MERGED]
        if wanted == {"open"}:
            qs = qs.exclude(status__in=closed)
        elif wanted == {"closed"}:
            qs = qs.filter(status__in=closed)
    return _render(
        fmt, "service_requests", "request", [_request_row(o) for o in qs.order_by("-created_at")[:MAX_REQUESTS]]
    )


def _post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    p = request.POST
    api_key = p.get("api_key", "")
    if not api_key or not Open311Client.objects.filter(key_digest=services.key_digest(api_key), active=True).exists():
        raise Open311Error(403, "api_key is missing or not valid")
    code = p.get("service_code", "")
    if not code:
        raise Open311Error(400, "service_code is required")
    if not any(c.code == code for c in _leaves()):
        raise Open311Error(404, f"service_code not found: {code}")
    lat = _decimal(p["lat"], "lat", 90) if p.get("lat") else None
    long = _decimal(p["long"], "long", 180) if p.get("long") else None
    address = p.get("address_string", "").strip() or p.get("address_id", "").strip()
    if (lat is None or long is None) and not address:
        raise Open311Error(400, "a location is required: lat and long, address_string or address_id")
    description = p.get("description", "").strip()
    order_type = p.get("attribute[order_type]", "") or OrderType.COMPLAINT
    if order_type not in set(OrderType):
        raise Open311Error(400, "attribute[order_type] is not one of the listed values")
    name = " ".join(x for x in (p.get("last_name", "").strip(), p.get("first_name", "").strip()) if x)
    try:
        order = services.receive(
            None,
            services.NewOrder(
                order_type=order_type,
                title=description[:100] or code,
                content=description or Category.objects.get(code=code).name,
                channel=Channel.OPEN311,
                category_code=code,
                caller_name=name[:50],
                caller_phone=p.get("phone", "").strip()[:20],
                address=address[:200],
                lat=lat,
                long=long,
                external_token=p.get("device_id", "")[:64],
            ),
        )
    except DomainError as exc:
        raise Open311Error(400, exc.message) from None
    notice = f"已受理，办理时限：{order.limit_text}"
    return _render(
        fmt,
        "service_requests",
        "request",
        [{"service_request_id": order.number, "service_notice": notice, "account_id": None}],
    )


@_endpoint
def request(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    order = _public().filter(number=request_id).first()
    if order is None:
        raise Open311Error(404, f"service_request_id not found: {request_id}")
    return _render(fmt, "service_requests", "request", [_request_row(order)])


@_endpoint
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri("/hotline/open311/v2/")
    data = {
        "changeset": "2026-12-01T00:00:00+08:00",
        "contact": "12345热线",
        "key_service": "向平台管理员申请 api_key",
        "endpoints": [
            {
                "specification": SPEC,
                "url": base,
                "changeset": "2026-12-01T00:00:00+08:00",
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    if fmt == "xml":
        return _render(fmt, "discovery", None, {k: v for k, v in data.items() if k != "endpoints"})
    return _render(fmt, "discovery", None, data)
