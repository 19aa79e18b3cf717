"""Reads of 好差评: the published figures per department, item, centre, window and clerk (no personal data),
a case's rating, and the bad ratings a person may handle. Pages and the API call the same functions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Count, Q, QuerySet

from tongban.accounts.masking import mask_name
from tongban.core.actor import Actor, Role
from tongban.jurisdictions.models import Division

from .domain.figures import Counts, Figures, figures_of
from .domain.policy import OFFICE_ROLES
from .domain.scale import LEVELS, Level
from .domain.workflow import HANDLED, RectificationStatus
from .models import Dimension, Evaluation, Rectification


class GroupBy(StrEnum):
    DEPARTMENT = "department"
    ITEM = "item"
    CENTRE = "centre"
    WINDOW = "window"
    CLERK = "clerk"


GROUP_LABELS = {
    GroupBy.DEPARTMENT: "部门",
    GroupBy.ITEM: "事项",
    GroupBy.CENTRE: "服务中心",
    GroupBy.WINDOW: "窗口",
    GroupBy.CLERK: "工作人员",
}

# The columns each grouping reads (the first is its key), and how a row is named without personal data: a clerk
# by staff number and masked name.
_COLUMNS: dict[GroupBy, tuple[str, ...]] = {
    GroupBy.DEPARTMENT: ("department_id", "department__name"),
    GroupBy.ITEM: ("implementation_id", "implementation__entry__name", "department__name"),
    GroupBy.CENTRE: ("centre_id", "centre__name"),
    GroupBy.WINDOW: ("window_id", "window__centre__name", "window__number", "window__name"),
    GroupBy.CLERK: ("clerk_id", "clerk__real_name", "clerk__department__name"),
}


def staff_number(user_id: int) -> str:
    return f"{user_id:06d}"


def _name(group: GroupBy, row: dict[str, Any]) -> str:
    cols = _COLUMNS[group]
    if group is GroupBy.ITEM:
        return f"{row[cols[1]]}（{row[cols[2]]}）"
    if group is GroupBy.WINDOW:
        return f"{row[cols[1]]} {row[cols[2]]}号窗口 {row[cols[3]]}"
    if group is GroupBy.CLERK:
        return f"工号{staff_number(row[cols[0]])} {mask_name(row[cols[1]] or '')}（{row[cols[2]] or ''}）"
    return str(row[cols[1]])


@dataclass(frozen=True)
class Row:
    key: int
    name: str
    figures: Figures


@dataclass(frozen=True)
class Period:
    """The days whose ratings count (either end open)."""

    start: dt.date | None = None
    end: dt.date | None = None


ALL_TIME = Period()


def counted(division: Division | None = None, period: Period = ALL_TIME) -> QuerySet[Evaluation]:
    """Ratings that count: not excluded after an upheld appeal, in the region's subtree if one is named, made
    within the period (local days)."""
    qs = Evaluation.objects.filter(excluded=False)
    if division is not None:
        qs = qs.filter(division__path__startswith=division.path)
    if period.start is not None:
        qs = qs.filter(created_at__date__gte=period.start)
    if period.end is not None:
        qs = qs.filter(created_at__date__lte=period.end)
    return qs


def _aggregates() -> dict[str, Any]:
    bad = Q(level__lte=int(Level.DISSATISFIED))
    out: dict[str, Any] = {f"l{int(level)}": Count("id", filter=Q(level=int(level))) for level in LEVELS}
    out["rectified"] = Count("id", filter=bad & Q(rectification__status__in=[s.value for s in HANDLED]))
    out["named_bad"] = Count("id", filter=bad & Q(anonymous=False))
    out["called_back"] = Count("id", filter=bad & Q(anonymous=False, rectification__called_back=True))
    return out


def _counts(row: dict[str, Any]) -> Counts:
    return Counts(
        per_level={int(level): row[f"l{int(level)}"] for level in LEVELS},
        rectified=row["rectified"],
        named_bad=row["named_bad"],
        called_back=row["called_back"],
    )


def figures(group: GroupBy, division: Division | None = None, period: Period = ALL_TIME) -> list[Row]:
    """One row per department (item, centre, window, clerk) with ratings, most rated first."""
    cols = _COLUMNS[group]
    rows = counted(division, period).filter(**{f"{cols[0]}__isnull": False}).values(*cols).annotate(**_aggregates())
    out = [Row(key=r[cols[0]], name=_name(group, r), figures=figures_of(_counts(r))) for r in rows]
    return sorted(out, key=lambda r: (-r.figures.total, r.name))


def overall(division: Division | None = None, period: Period = ALL_TIME) -> Figures:
    return figures_of(_counts(counted(division, period).aggregate(**_aggregates())))


def rating_of_case(case_id: int) -> Evaluation | None:
    return Evaluation.objects.filter(service_key=f"online:{case_id}").first()


def dimensions() -> list[Dimension]:
    return list(Dimension.objects.filter(active=True))


def rectifications_for(actor: Actor) -> QuerySet[Rectification]:
    """The bad ratings the person may see: their department's (office), their jurisdiction's (supervisor)."""
    qs = Rectification.objects.select_related("evaluation", "evaluation__case", "department", "division").order_by(
        "status", "due_on", "-created_at"
    )
    if actor.system_admin:
        return qs
    if actor.has_role(*OFFICE_ROLES) and actor.department_id is not None:
        return qs.filter(department_id=actor.department_id)
    paths = actor.division_paths() or ()
    if actor.has_role(Role.SUPERVISOR) and paths:
        return qs.filter(division__path__startswith=paths[0])
    return qs.none()


OPEN_STATES = [
    RectificationStatus.PENDING.value,
    RectificationStatus.RECTIFYING.value,
    RectificationStatus.APPEALED.value,
]
