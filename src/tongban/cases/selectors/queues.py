"""Reads of cases: work queues, the supervision board, timelines, public progress.

Queues stay fast at millions of cases: each bucket is a filter on the indexed (department or division,
status, clock_due) columns, divisions are resolved to a list of codes first (no LIKE join), and rows
come with what the list shows in one query (no N+1).
"""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import F, Q, QuerySet

from tongban.core import clock
from tongban.core.actor import Actor, actor_of
from tongban.jurisdictions.models import Division

from ..domain import policy
from ..domain.limits import Clock
from ..domain.workflow import CaseStatus
from ..facts import case_facts, version_of
from ..models import BundleCase, BundleCaseEvent, Case, CaseEvent, CaseMaterial
from .deadlines import DEADLINE_COLUMNS, deadline_of, due_soon_limit, promised_text
from .scope import visible_cases

S = CaseStatus
OPEN_STATUSES = [
    S.SUBMITTED.value,
    S.CORRECTION.value,
    S.IN_PROGRESS.value,
    S.RETURNED.value,
    S.SUSPENDED.value,
    S.DECIDED.value,
]


class Bucket(StrEnum):
    TO_ACCEPT = "to_accept"
    TO_REVIEW = "to_review"
    TO_DECIDE = "to_decide"
    SUSPENDED = "suspended"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    SPECIAL_OVERDUE = "special_overdue"
    CALENDAR_UNKNOWN = "calendar_unknown"
    RESULT_DESK = "result_desk"


BUCKET_LABELS = {
    Bucket.TO_ACCEPT: "待受理",
    Bucket.TO_REVIEW: "待审查",
    Bucket.TO_DECIDE: "待决定",
    Bucket.SUSPENDED: "特殊环节",
    Bucket.DUE_SOON: "即将到期",
    Bucket.OVERDUE: "已超期",
    Bucket.SPECIAL_OVERDUE: "特殊环节超期",
    Bucket.CALENDAR_UNKNOWN: "期限待定",
    Bucket.RESULT_DESK: "待出件",
}


def bucket_filter(bucket: Bucket, today: dt.date) -> Q:
    """Each bucket reads the clock in force (``clock_due``: to accept, to decide or to issue; empty while the
    clock is paused or cannot be counted), so a paused case is never due soon or overdue."""
    if bucket is Bucket.TO_ACCEPT:
        return Q(status__in=[S.SUBMITTED.value])
    if bucket is Bucket.TO_REVIEW:
        return Q(status=S.IN_PROGRESS.value, awaiting_decision=False)
    if bucket is Bucket.TO_DECIDE:
        return Q(status=S.IN_PROGRESS.value, awaiting_decision=True)
    if bucket is Bucket.SUSPENDED:
        return Q(status__in=[S.SUSPENDED.value, S.RETURNED.value])
    if bucket is Bucket.DUE_SOON:
        limit = due_soon_limit(today)
        if limit is None:  # the calendar does not know today: nothing is guessed to be due soon
            return Q(pk__in=[])
        return Q(clock_due__gte=today, clock_due__lte=limit)
    if bucket is Bucket.OVERDUE:
        return Q(clock_due__lt=today)
    if bucket is Bucket.SPECIAL_OVERDUE:
        return Q(status=S.SUSPENDED.value, special_due__lt=today)
    if bucket is Bucket.CALENDAR_UNKNOWN:
        return Q(status__in=OPEN_STATUSES, calendar_unknown=True)
    if bucket is Bucket.RESULT_DESK:
        return Q(status=S.DECIDED.value)
    raise ValueError(bucket)


def _rows(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.select_related("implementation", "version", "deciding_department", "deciding_division").only(
        "id",
        "number",
        "status",
        "applicant_name",
        "applicant_id_number",
        "applicant_phone",
        "channel",
        "promised_due",
        "statutory_due",
        "calendar_unknown",
        *DEADLINE_COLUMNS,
        "accepted_on",
        "awaiting_decision",
        "current_step",
        "revision",
        "deferred",
        "submitted_at",
        "bundle_case",
        "version__name",
        "implementation__code",
        "deciding_department__name",
        "deciding_division__name",
    )


def queue(
    user: Any,
    bucket: Bucket,
    *,
    today: dt.date | None = None,
    limit: int = 50,
    offset: int = 0,
    total: int | None = None,
    cap: int | None = None,
) -> tuple[list[Case], int]:
    """A work queue for the user's scope (centre, department or jurisdiction), most urgent first.
    ``total``: the count already known (a page's tabs counted it); ``cap``: see count_up_to."""
    today = today or clock.today()
    qs = visible_cases(user).filter(bucket_filter(bucket, today))
    if total is None:
        total = count_up_to(qs, cap)
    rows = list(_rows(qs).order_by(F("clock_due").asc(nulls_last=True), "id")[offset : offset + limit])
    return rows, total


def applicant_cases(user: Any, *, drafts: bool = False, limit: int = 50, offset: int = 0) -> tuple[list[Case], int]:
    """The applicant's cases (我的办件: their own, and those they act in as a proxy), newest first; their own
    drafts apart. Staff have no 我的办件."""
    if not actor_of(user).applicant:
        return [], 0
    qs = visible_cases(user)
    qs = qs.filter(status=S.DRAFT.value) if drafts else qs.exclude(status=S.DRAFT.value)
    total = qs.count()
    return list(_rows(qs).order_by("-created_at", "-id")[offset : offset + limit]), total


# Pages count a bucket up to this many cases and show "more than" beyond: an exact count of a big bucket
# visits every matching row (after a day's updates the table too, bench/cases_volume.py) and a person needs
# no more than "over a thousand". The API counts exactly.
PAGE_COUNT_CAP = 1000


def count_up_to(qs: QuerySet[Case], cap: int | None) -> int:
    """Exact below ``cap``; ``cap + 1`` stands for "more than cap". ``cap=None``: exact."""
    if cap is None:
        return qs.count()
    # No ORDER BY and only the key in the subquery: PostgreSQL stops after cap + 1 index entries.
    return qs.order_by().values("pk")[: cap + 1].count()


def queue_counts(
    user: Any, buckets: list[Bucket], today: dt.date | None = None, cap: int | None = None
) -> dict[Bucket, int]:
    today = today or clock.today()
    base = visible_cases(user)
    return {b: count_up_to(base.filter(bucket_filter(b, today)), cap) for b in buckets}


def jurisdiction_codes(path: str) -> list[str]:
    return list(Division.objects.filter(path__startswith=path).values_list("code", flat=True))


def supervision_board(
    user: Any, bucket: Bucket, *, today: dt.date | None = None, limit: int = 50, offset: int = 0, cap: int | None = None
) -> tuple[list[Case], int]:
    """Every due-soon or overdue case of the supervisor's jurisdiction."""
    today = today or clock.today()
    actor = actor_of(user)
    if not policy.may_use_board(actor):
        return [], 0
    # Kept on the request's user: a board page asks for both tabs.
    kept: tuple[str, list[str]] | None = getattr(user, "_jurisdiction_codes", None)
    if kept is not None and kept[0] == actor.division_path:
        codes = kept[1]
    else:
        codes = jurisdiction_codes(actor.division_path)
        if not isinstance(user, Actor):
            user._jurisdiction_codes = (actor.division_path, codes)  # type: ignore[attr-defined]
    qs = Case.objects.filter(deciding_division_id__in=codes).filter(bucket_filter(bucket, today))
    total = count_up_to(qs, cap)
    if limit == 0:
        return [], total
    return list(_rows(qs).order_by(F("clock_due").asc(nulls_last=True), "id")[offset : offset + limit]), total


@dataclass(frozen=True)
class LicenceUseFigures:
    """免证办 in the supervisor's jurisdiction over a period (cases by submission day, decided there)."""

    start: dt.date
    end: dt.date
    cases_using_licences: int  # cases holding at least one material as an e-licence reference
    licence_materials_avoided: int  # such materials: each a paper or file the applicant did not hand over


def licence_use_figures(user: Any, start: dt.date, end: dt.date) -> LicenceUseFigures | None:
    """What e-licences saved in the jurisdiction from ``start`` to ``end`` (inclusive); None for a non-supervisor."""
    actor = actor_of(user)
    if not policy.may_use_board(actor):
        return None
    used = CaseMaterial.objects.filter(
        case__deciding_division_id__in=jurisdiction_codes(actor.division_path),
        case__submitted_at__date__gte=start,
        case__submitted_at__date__lte=end,
    ).exclude(licence_identifier="")
    return LicenceUseFigures(start, end, used.values("case_id").distinct().count(), used.count())


# How the supervisor's case search filters open cases by the clock in force (办件查询; the same buckets as the
# queues and the board, so a paused case is never overdue here either).
DUE_FILTERS = {
    "overdue": "已超期",
    "due_soon": "即将到期",
    "on_time": "时限内",
    "paused": "计时暂停",
    "special_overdue": "特殊环节超期",
    "calendar_unknown": "期限待定",
    "not_started": "未受理",
}


def due_filter(due: str, today: dt.date) -> Q:
    if due == "overdue":
        return bucket_filter(Bucket.OVERDUE, today)
    if due == "due_soon":
        return bucket_filter(Bucket.DUE_SOON, today)
    if due == "on_time":
        limit = due_soon_limit(today)
        return Q(clock_due__gt=limit) if limit is not None else Q(clock_due__gte=today)
    if due == "paused":
        return Q(clock=Clock.PAUSED.value)
    if due == "special_overdue":
        return bucket_filter(Bucket.SPECIAL_OVERDUE, today)
    if due == "calendar_unknown":
        return bucket_filter(Bucket.CALENDAR_UNKNOWN, today)
    if due == "not_started":
        return Q(status__in=[S.SUBMITTED.value, S.CORRECTION.value])
    raise ValueError(due)


def normalize_number(value: str | None) -> str:
    """A case number as people type it: full-width characters, spaces and lower case forgiven."""
    text = unicodedata.normalize("NFKC", value or "")
    return "".join(text.split()).upper()[:40]


def jurisdiction_cases(
    user: Any,
    *,
    status: str | None = None,
    due: str | None = None,
    department_id: int | None = None,
    today: dt.date | None = None,
    limit: int = 50,
    offset: int = 0,
    cap: int | None = None,
) -> tuple[list[Case], int]:
    """The open cases decided in the supervisor's jurisdiction, filtered by state, time limit and deciding
    department, most urgent first (policy.may_search_cases; rows are shown masked as the policy says)."""
    today = today or clock.today()
    actor = actor_of(user)
    if not policy.may_search_cases(actor):
        return [], 0
    qs = Case.objects.filter(deciding_division_id__in=jurisdiction_codes(actor.division_path), status__in=OPEN_STATUSES)
    if status:
        qs = qs.filter(status=status)
    if due:
        qs = qs.filter(due_filter(due, today))
    if department_id is not None:
        qs = qs.filter(deciding_department_id=department_id)
    total = count_up_to(qs, cap)
    rows = list(_rows(qs).order_by(F("clock_due").asc(nulls_last=True), "id")[offset : offset + limit])
    return rows, total


def timeline(case: Case) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case).select_related("actor", "window").order_by("at", "id"))


def correction_added(record: Case | BundleCase) -> dict[str, Any]:
    """While a case or bundle case waits for its correction: what the latest request added to the earlier
    lists and why (行政许可法 Art. 32: one complete list; shown to the applicant). {"items", "reason"}."""
    events: QuerySet[Any]
    if isinstance(record, BundleCase):
        if record.phase != "correction":
            return {}
        events = BundleCaseEvent.objects.filter(bundle_case=record, action="request_correction")
    else:
        if record.status != S.CORRECTION:
            return {}
        events = CaseEvent.objects.filter(case=record, action="request_correction")
    latest = events.order_by("-at", "-id").values_list("data", flat=True).first() or {}
    return {"items": latest["added"], "reason": latest.get("added_reason", "")} if latest.get("added") else {}


CASE_PAGE_JOINS = (
    "implementation",
    "implementation__entry",
    "deciding_department",
    "deciding_division",
    "receiving_centre",
)


def get_visible_case(user: Any, number: str) -> Case | None:
    """The case if the user may see it (policy.may_see_case: a draft only to its author), with what detail
    pages and the API show, its pinned version attached from the process's snapshot."""
    # With the receiving division and the applicant account too, PostgreSQL spent ~4 ms planning the
    # 8-table join on every action (bench/cases.py).
    case = visible_cases(user).select_related(*CASE_PAGE_JOINS).filter(number=number).first()
    if case is None or not policy.may_see_case(actor_of(user), case_facts(case)):
        return None
    version_of(case)
    return case


def public_progress(number: str, query_code: str) -> dict[str, Any] | None:
    """What anyone holding the number and query code may see: no personal data."""
    case = Case.objects.select_related("version", "deciding_department").filter(number=number).first()
    if (
        case is None
        or case.status == S.DRAFT
        or not query_code
        or not secrets.compare_digest(case.query_code.upper(), query_code.strip().upper())
    ):
        return None  # the same answer whether the number exists or not
    deadline = deadline_of(case)
    events = CaseEvent.objects.filter(case=case).order_by("at", "id").values("action", "to_status", "at", "step_name")
    return {
        "number": case.number,
        "item": case.version.name,
        "department": case.deciding_department.name,
        "status": case.status,
        "submitted_at": case.submitted_at,
        "accepted_on": case.accepted_on,
        "promised_due": case.promised_due,
        "promised_text": promised_text(case, deadline),
        "deadline": deadline,
        "decision": case.decision,
        "closed_at": case.closed_at,
        "events": [
            {"action": e["action"], "status": e["to_status"], "at": e["at"], "step": e["step_name"]} for e in events
        ],
    }


def deferred_outstanding(case_ids: list[int]) -> set[int]:
    """Which of these cases still wait for a material promised at 容缺受理 (the result desk warns of them)."""
    if not case_ids:
        return set()
    return set(
        CaseMaterial.objects.filter(case_id__in=case_ids, state=CaseMaterial.State.DEFERRED).values_list(
            "case_id", flat=True
        )
    )
