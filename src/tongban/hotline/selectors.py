"""Reads of the hotline: queues, one order as its reader may see it, the caller's history, repeated-request
suggestions (through the duplicate index), the suggested department, the knowledge base and the indicators."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from tongban.accounts.masking import mask_name, mask_phone
from tongban.audit.services import record as audit
from tongban.catalogue.selectors import GuideNotFound, get_published_guide
from tongban.core import clock
from tongban.jurisdictions.models import Department, Division
from tongban.search import selectors as search

from .domain import similarity
from .domain.flow import FINISHED, SATISFIED_LEVELS, OrderType, Status
from .domain.indicators import Counts, Indicators, indicators
from .domain.policy import HotlineActor, may_see, possible_actions, sees_caller_contact
from .models import Call, Category, DuplicateKey, WorkOrder
from .services import actor_of, facts_of

RESPONSE_WINDOW = dt.timedelta(hours=24)  # a department responds (签收) within a day of dispatch
DUPLICATE_WINDOW = dt.timedelta(days=30)  # repeated requests are looked for among the last 30 days' orders
BAND_CANDIDATES = 100  # text candidates ranked exactly; the same caller's and place's orders come on top


def visible_orders(actor: HotlineActor) -> QuerySet[WorkOrder]:
    qs = WorkOrder.objects.select_related("category", "department", "division")
    if actor.user_id is None:
        return qs.none()
    if actor.centre:
        return qs
    if actor.staff and actor.department_id:
        return qs.filter(department_id=actor.department_id)
    if not actor.staff:
        return qs.filter(creator_id=actor.user_id)
    return qs.none()


def queue(user: Any, status: str = "", limit: int = 100) -> list[WorkOrder]:
    qs = visible_orders(actor_of(user))
    if status:
        qs = qs.filter(status=status)
    return list(qs[:limit])


def order_for(user: Any, number: str, *, ip: str = "") -> WorkOrder | None:
    """The order if ``user`` may see it (None otherwise: the same answer as for no such order); the caller's
    contact masked unless the policy shows it, and each showing of it audited."""
    order = (
        WorkOrder.objects.select_related("category", "department", "division", "merged_into")
        .filter(number=number)
        .first()
    )
    actor = actor_of(user)
    if order is None or not may_see(actor, facts_of(order)):
        return None
    shown = sees_caller_contact(actor, facts_of(order), order.confidential)
    order.shown_phone = order.caller_phone if shown else mask_phone(order.caller_phone)  # type: ignore[attr-defined]
    order.shown_name = order.caller_name if shown else mask_name(order.caller_name)  # type: ignore[attr-defined]
    if shown and order.caller_phone and (actor.staff or actor.user_id != order.creator_id):
        audit("hotline.view_contact", "WorkOrder", order.number, actor=user, ip=ip)
    order.actions = possible_actions(actor, facts_of(order))  # type: ignore[attr-defined]
    return order


def history(order: WorkOrder) -> list[Any]:
    return list(order.events.select_related("actor", "department").order_by("at", "id"))


def caller_history(phone: str, limit: int = 10) -> list[WorkOrder]:
    """The caller's earlier orders, newest first (the screen pop)."""
    if not phone:
        return []
    return list(WorkOrder.objects.filter(caller_phone=phone).select_related("department")[:limit])


# ---- repeated requests -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateSuggestion:
    order: WorkOrder
    score: float
    text_similarity: float
    same_caller: bool
    same_place: bool


def _place(division_id: str | None, address: str) -> str:
    return f"{division_id or ''}|{similarity.normalize(address)}" if address else ""


def duplicate_suggestions(
    text: str,
    caller: str = "",
    division_code: str = "",
    address: str = "",
    *,
    exclude_id: int | None = None,
    limit: int = 5,
) -> list[DuplicateSuggestion]:
    """Open or recent orders this request repeats, best first: candidates from the band index, the same
    caller and the same place (each an index look-up), ranked by estimated text similarity, caller and place."""
    sig = similarity.signature(text)
    keys = similarity.band_keys(sig)
    ids: set[int] = set()
    if keys:
        # The orders sharing most bands first: the more bands two texts share, the more alike they are.
        shared = (
            DuplicateKey.objects.filter(key__in=keys)
            .values("order_id")
            .annotate(bands=Count("id"))
            .order_by("-bands", "-order_id")
        )
        ids.update(row["order_id"] for row in shared[:BAND_CANDIDATES])
    if caller:
        ids.update(WorkOrder.objects.filter(caller_phone=caller).values_list("id", flat=True)[:200])
    division_code = division_code.ljust(12, "0") if division_code else ""
    if address and division_code:
        ids.update(
            WorkOrder.objects.filter(division_id=division_code, address=address).values_list("id", flat=True)[:200]
        )
    ids.discard(exclude_id)  # type: ignore[arg-type]
    if not ids:
        return []
    since = clock.now() - DUPLICATE_WINDOW
    rows = list(
        WorkOrder.objects.filter(pk__in=ids, created_at__gte=since, merged_into__isnull=True)
        .exclude(status=Status.MERGED)
        .values("id", "title", "content", "caller_phone", "division_id", "address")
    )
    place = _place(division_code, address)
    ranked = similarity.rank(
        text,
        caller,
        place,
        (
            similarity.Candidate(
                r["id"], f"{r['title']} {r['content']}", r["caller_phone"], _place(r["division_id"], r["address"])
            )
            for r in rows
        ),
        limit=limit,
    )
    orders = WorkOrder.objects.select_related("department").in_bulk([s.order_id for s in ranked])
    return [
        DuplicateSuggestion(orders[s.order_id], s.score, s.text_similarity, s.same_caller, s.same_place)
        for s in ranked
        if s.order_id in orders
    ]


def duplicates_of(order: WorkOrder, limit: int = 5) -> list[DuplicateSuggestion]:
    return duplicate_suggestions(
        f"{order.title} {order.content}",
        order.caller_phone,
        order.division_id or "",
        order.address,
        exclude_id=order.pk,
        limit=limit,
    )


# ---- routing -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RouteSuggestion:
    department: Department
    category: Category | None
    reasons: list[str]


def _county(division: Division | None) -> Division | None:
    """The county (or city) a township belongs to: departments sit there."""
    node = division
    while node is not None and node.level > Division.Level.COUNTY:
        node = node.parent
    return node


def category_from_text(text: str) -> Category | None:
    """The category whose keywords the text names most (ties: the more specific one)."""
    best: tuple[int, int, Category] | None = None
    for cat in Category.objects.filter(active=True).exclude(keywords=""):
        words = [w for w in cat.keywords.replace("，", " ").replace(",", " ").split() if w]
        hits = sum(1 for w in words if w in text)
        if hits and (best is None or (hits, len(cat.code)) > best[:2]):
            best = (hits, len(cat.code), cat)
    return best[2] if best else None


def suggest_department(order: WorkOrder) -> RouteSuggestion | None:
    """The department to dispatch to: the category's (or, without one, the category the text points to)
    department kind in the county of the order's place (else the operator's own county is asked for by the
    page). The operator confirms or chooses another."""
    reasons = []
    category = order.category
    if category is None:
        category = category_from_text(f"{order.title} {order.content}")
        if category is not None:
            reasons.append(f"诉求内容提到“{category.name}”相关的词")
    elif category is not None:
        reasons.append(f"诉求分类为“{category.label}”")
    kind = category.effective_department_kind() if category else ""
    if not kind:
        return None
    county = _county(order.division)
    qs = Department.objects.filter(kind=kind).select_related("division")
    department = qs.filter(division=county).first() if county else None
    if department is not None:
        reasons.append(f"发生地属于{county.name}")  # type: ignore[union-attr]
    else:
        department = qs.order_by("division__path").first()
    if department is None:
        return None
    return RouteSuggestion(department, category, reasons)


def dispatch_departments(order: WorkOrder) -> QuerySet[Department]:
    county = _county(order.division)
    qs = Department.objects.select_related("division").order_by("division__path", "name")
    return qs.filter(division=county) if county else qs


# ---- knowledge base ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KnowledgeAnswer:
    code: str
    name: str
    department: str
    region: str
    answer: str
    faq: list[dict[str, str]]


def _faq_matches(q: str, faq: list[dict[str, str]]) -> list[dict[str, str]]:
    words = similarity.shingles(q)
    scored = [(len(words & similarity.shingles(f.get("q", ""))), f) for f in faq if isinstance(f, dict)]
    return [f for s, f in sorted(scored, key=lambda p: -p[0]) if s > 0][:3] or [f for f in faq if isinstance(f, dict)][
        :2
    ]


def knowledge(q: str, region: str | None = None, limit: int = 3) -> list[KnowledgeAnswer]:
    """Answers from the catalogue's own published guides and their FAQs, found in plain words by the platform's
    search. Raises search.InvalidSearch for an empty or overlong question."""
    hits = search.search(q, kind="item", limit=limit, fold=True, near=region)
    out = []
    for hit in hits:
        try:
            _impl, version = get_published_guide(hit["code"])
        except GuideNotFound:
            continue
        materials = "、".join(m.name for m in version.materials.all()[:6])
        conditions = (version.conditions or "").strip()[:120].rstrip("。；;.")
        limit_text = "即办" if version.promised_days == 0 else f"承诺{version.promised_days}个工作日办结"
        answer = (
            f"办理“{version.name}”：{conditions}"
            f"{'；' if conditions else ''}需要材料：{materials or '见办事指南'}；{limit_text}；"
            f"办理地点：{version.location}（{version.office_hours}）；咨询电话：{version.phone}。"
        )
        out.append(
            KnowledgeAnswer(
                hit["code"], version.name, hit["department"], hit["region"], answer, _faq_matches(q, version.faq or [])
            )
        )
    return out


# ---- indicators -------------------------------------------------------------------------------------------


def counts(start: dt.datetime, end: dt.datetime, department_id: int | None = None) -> Counts:
    """What the indicators count, for orders received in [start, end) (of one department: those it holds)."""
    qs = WorkOrder.objects.filter(created_at__gte=start, created_at__lt=end)
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    agg = qs.aggregate(
        received=Count("id"),
        dispatched=Count("id", filter=Q(dispatched_at__isnull=False)),
        responded=Count(
            "id", filter=Q(accepted_at__isnull=False, accepted_at__lte=F("dispatched_at") + RESPONSE_WINDOW)
        ),
        finished=Count("id", filter=Q(status__in=list(FINISHED))),
        rated=Count("id", filter=~Q(satisfaction="")),
        satisfied=Count("id", filter=Q(satisfaction__in=list(SATISFIED_LEVELS))),
        merged=Count("id", filter=Q(status=Status.MERGED)),
        enquiries=Count("id", filter=Q(order_type=OrderType.ENQUIRY)),
        answered_at_once=Count("id", filter=Q(order_type=OrderType.ENQUIRY, answered_at_once=True)),
    )
    return Counts(**{k: int(v or 0) for k, v in agg.items()})


@dataclass(frozen=True)
class DepartmentIndicators:
    department: Department | None  # None: the whole hotline
    indicators: Indicators


def indicator_table(start: dt.datetime, end: dt.datetime) -> list[DepartmentIndicators]:
    """The whole hotline first, then every department that held an order received in the period."""
    rows = [DepartmentIndicators(None, indicators(counts(start, end)))]
    held = Counter(
        WorkOrder.objects.filter(created_at__gte=start, created_at__lt=end, department__isnull=False).values_list(
            "department_id", flat=True
        )
    )
    for dept in Department.objects.filter(pk__in=held).order_by("name"):
        rows.append(DepartmentIndicators(dept, indicators(counts(start, end, dept.pk))))
    return rows


def recent_calls(user: Any, limit: int = 10) -> list[Call]:
    return list(Call.objects.filter(operator=user).select_related("order")[:limit])
