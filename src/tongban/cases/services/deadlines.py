"""Time limits in working days: fixed at acceptance from the pinned guide version, recomputed from the working
calendar whenever a suspension, a return or an extension moves them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from tongban.workdays import workcal
from tongban.workdays.selectors import current_calendar

from ..domain import steps
from ..facts import back_office_of, version_of
from ..models import BundleCase, Case, Suspension
from .context import today


def recompute_deadlines(
    case: Case, day: dt.date | None = None, suspensions: Iterable[Suspension] | None = None
) -> None:
    if case.accepted_on is None:
        return
    cal = current_calendar()
    stops = [
        workcal.Suspension(s.started_on, s.ended_on, s.counted)
        for s in (case.suspensions.all() if suspensions is None else suspensions)
    ]
    on = day or today()
    try:
        case.promised_due = workcal.due_date(
            cal, case.accepted_on, case.promised_days, extension_days=case.extension_days, suspensions=stops, today=on
        )
        case.statutory_due = workcal.due_date(
            cal, case.accepted_on, case.statutory_days, extension_days=case.extension_days, suspensions=stops, today=on
        )
        case.calendar_unknown = False
    except workcal.UnknownCalendarYear:
        case.calendar_unknown = True


def start_clock(case: Case) -> None:
    """Fix time limits and due dates from the pinned version, counting from today (受理 or a dependant's start)."""
    version = version_of(case)
    case.accepted_on = today()
    case.accepted_at = timezone.now()
    case.statutory_days = version.statutory_days
    case.promised_days = version.promised_days
    case.current_step = 0
    case.awaiting_decision = steps.awaiting_decision_after(back_office_of(case), 0)
    recompute_deadlines(case, suspensions=())  # never accepted before, so nothing has stopped its clock yet


def bundle_deadlines(bundle_case: BundleCase) -> None:
    bundle_case.accepted_on = today()
    try:
        cal = current_calendar()
        bundle_case.promised_due = workcal.due_date(cal, bundle_case.accepted_on, bundle_case.promised_days)
        bundle_case.statutory_due = workcal.due_date(cal, bundle_case.accepted_on, bundle_case.statutory_days)
        bundle_case.calendar_unknown = False
    except workcal.UnknownCalendarYear:
        bundle_case.calendar_unknown = True
