"""Time limits in working days: fixed at acceptance from the pinned guide version, recomputed from the working
calendar whenever a suspension, a return or an extension moves them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from tongban.workdays import workcal
from tongban.workdays.selectors import current_calendar

from ..domain import steps
from ..domain.bundle_workflow import BundlePhase
from ..domain.workflow import CaseStatus
from ..facts import back_office_of, version_of
from ..models import BundleCase, Case, Suspension
from .context import today

# Cases whose time limit is still running or paused; a decided case's due dates are its record.
TIMED = (CaseStatus.IN_PROGRESS, CaseStatus.RETURNED, CaseStatus.SUSPENDED)


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


def bundle_deadlines(bundle_case: BundleCase, accepted_on: dt.date | None = None) -> None:
    """From its acceptance (today unless given): a bundle's own promised and statutory limits."""
    bundle_case.accepted_on = accepted_on or today()
    try:
        cal = current_calendar()
        bundle_case.promised_due = workcal.due_date(cal, bundle_case.accepted_on, bundle_case.promised_days)
        bundle_case.statutory_due = workcal.due_date(cal, bundle_case.accepted_on, bundle_case.statutory_days)
        bundle_case.calendar_unknown = False
    except workcal.UnknownCalendarYear:
        bundle_case.calendar_unknown = True


def recompute_open_deadlines() -> int:
    """Recompute the due dates of every case whose clock runs or is paused, and of every bundle case in
    progress; returns how many changed.
    One short transaction per case, with its row locked, so a transition never interleaves with it."""
    changed = 0
    open_ids = (
        Case.objects.filter(status__in=[s.value for s in TIMED], accepted_on__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in open_ids.iterator():
        with transaction.atomic():
            case = Case.objects.select_for_update(of=("self",)).filter(pk=pk).first()
            if case is None or case.status not in TIMED:
                continue
            before = (case.promised_due, case.statutory_due, case.calendar_unknown)
            recompute_deadlines(case)
            after = (case.promised_due, case.statutory_due, case.calendar_unknown)
            if after != before:
                # Derived dates only: no revision bump, so staff working on the case meet no conflict.
                Case.objects.filter(pk=pk).update(
                    promised_due=case.promised_due,
                    statutory_due=case.statutory_due,
                    calendar_unknown=case.calendar_unknown,
                )
                changed += 1
    for pk in BundleCase.objects.filter(phase=BundlePhase.IN_PROGRESS, accepted_on__isnull=False).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            bundle_case = BundleCase.objects.select_for_update(of=("self",)).get(pk=pk)
            before = (bundle_case.promised_due, bundle_case.statutory_due, bundle_case.calendar_unknown)
            accepted_on = bundle_case.accepted_on
            bundle_deadlines(bundle_case, accepted_on)
            if (bundle_case.promised_due, bundle_case.statutory_due, bundle_case.calendar_unknown) != before:
                BundleCase.objects.filter(pk=pk).update(
                    promised_due=bundle_case.promised_due,
                    statutory_due=bundle_case.statutory_due,
                    calendar_unknown=bundle_case.calendar_unknown,
                )
                changed += 1
    return changed
