"""The one place that computes and stores the deadlines of a case and of a bundle case (the arithmetic is
domain/limits.py): after every transition that moves a clock (called by the entry point, services/perform.py),
and for every open case when the working calendar changes (tasks.py, through the outbox) or a day passes.
Every surface reads what this stores and shows it through limits.view (selectors.deadline_of)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from tongban.core import clock
from tongban.workdays.selectors import current_calendar

from ..domain import limits, steps
from ..domain.bundle_workflow import ITEM_ENDED as ENDED
from ..domain.bundle_workflow import BundleAction, BundlePhase, ResultMode
from ..domain.workflow import CaseAction, CaseStatus
from ..facts import back_office_of, version_of
from ..models import BundleCase, Case, Suspension
from .context import today

S = CaseStatus
# Cases with a clock to keep (the 5 days to accept, the limit to decide, paused or not, the days to issue).
TIMED = (S.SUBMITTED, S.IN_PROGRESS, S.RETURNED, S.SUSPENDED, S.DECIDED)
HANDLING = (S.IN_PROGRESS, S.RETURNED, S.SUSPENDED)
# Its clock has just started: nothing can have stopped it yet (no need to read its suspensions).
CLOCK_STARTS = frozenset({CaseAction.ACCEPT, CaseAction.ACCEPT_DEFERRED, CaseAction.START})
# Moves a clock without changing the state (a bundle's acceptance may leave it in progress or ready at once).
RECLOCK = frozenset({CaseAction.EXTEND})
BUNDLE_RECLOCK = frozenset({BundleAction.EXTEND, BundleAction.ACCEPT, BundleAction.ISSUE_RESULTS})
CASE_FIELDS = (
    "received_on", "acceptance_due", "promised_due", "statutory_due", "result_due", "special_due", "clock",
    "clock_due", "paused_left", "unknown_year", "calendar_unknown",
)  # fmt: skip
BUNDLE_FIELDS = (
    "acceptance_due", "promised_due", "statutory_due", "clock", "clock_due", "paused_left", "unknown_year",
    "calendar_unknown",
)  # fmt: skip


def stops_of(suspensions: Iterable[Suspension]) -> tuple[limits.Stop, ...]:
    ordered = sorted(suspensions, key=lambda s: (s.started_on, s.pk or 0))
    return tuple(
        limits.Stop(s.started_on, s.ended_on, s.counted, s.kind == Suspension.Kind.SPECIAL, s.max_days) for s in ordered
    )


def decided_on(case: Case) -> dt.date | None:
    return case.decided_on or (timezone.localdate(case.decided_at) if case.decided_at else None)


def result_start(case: Case) -> tuple[dt.date | None, bool]:
    """For a decided item of a bundle whose results go out together (统一出件): the day its bundle's last item
    was decided, and whether another item is still open (then it has no result deadline yet). Otherwise its
    own decision counts: (None, False)."""
    if case.bundle_case_id is None:
        return None, False
    mode = BundleCase.objects.filter(pk=case.bundle_case_id).values_list("result_mode", flat=True).first()
    if mode != ResultMode.TOGETHER:
        return None, False
    siblings = Case.objects.filter(bundle_case_id=case.bundle_case_id).exclude(pk=case.pk)
    rows = [(case.status, decided_on(case))]
    rows += [(st, on) for st, on in siblings.values_list("status", "decided_on")]
    still_open = any(st not in ENDED and st != S.DECIDED for st, _ in rows)
    start = limits.together_from((on for st, on in rows if st == S.DECIDED), still_open)
    return start, start is None


def refresh(case: Case, suspensions: Iterable[Suspension] | None = None, day: dt.date | None = None) -> None:
    """Every deadline of the case in its present state, set on the row (the caller saves it). A decided or
    closed case keeps its handling dates: they are the record of how it was handled."""
    status = S(case.status)
    if status in HANDLING and suspensions is None:
        suspensions = case.suspensions.all()
    result_from, result_waits = result_start(case) if status is S.DECIDED else (None, False)
    facts = limits.CaseClockInput(
        status=status.value,
        unit=case.limit_unit,
        received_on=case.received_on,
        accepted_on=case.accepted_on,
        promised_days=case.promised_days,
        statutory_days=case.statutory_days,
        extension_days=case.extension_days,
        stops=stops_of(suspensions or ()) if status in HANDLING else (),
        decided_on=decided_on(case),
        result_days=limits.result_days(version_of(case).delivery_days) if status is S.DECIDED else limits.RESULT_DAYS,
        result_from=result_from,
        result_waits=result_waits,
    )
    found = limits.compute_case(current_calendar(), facts, day or today())
    if case.received_on is not None:
        case.acceptance_due = found.acceptance_due
    if status in HANDLING:
        case.promised_due, case.statutory_due = found.promised_due, found.statutory_due
    if status is S.DECIDED:
        case.result_due = found.result_due  # None while a bundle's results wait for its other items
    case.special_due = found.special_due
    case.clock, case.clock_due, case.paused_left = found.clock.value, found.clock_due, found.paused_left
    case.unknown_year = found.unknown_year
    case.calendar_unknown = found.unknown_year is not None


def after_transition(case: Case, before: str, action: CaseAction) -> None:
    """Called by the entry point once an action's effect has run: an application arriving (or coming back
    after correction) starts its 5 days to be accepted; any change of state or extension moves the clocks."""
    if case.status == S.SUBMITTED and before != S.SUBMITTED:
        case.received_on = today()
    if case.status != before or action in RECLOCK:
        refresh(case, () if action in CLOCK_STARTS else None)


def start_clock(case: Case, *, at_desk: bool = False) -> dt.date | None:
    """Fix the time limits from the pinned version (in its unit), counting from today (受理 or a dependant's
    start). ``at_desk``: accepted at the front desk, where an application not told in time what to correct
    counts as accepted from the day it was received (行政许可法 Art. 32); returns that day if so."""
    version = version_of(case)
    deemed = limits.deemed_accepted_on(case.received_on, case.acceptance_due, today()) if at_desk else None
    case.accepted_on, case.deemed_accepted = deemed or today(), deemed is not None
    case.accepted_at = clock.now()
    case.statutory_days = version.statutory_days
    case.promised_days = version.promised_days
    case.limit_unit = version.limit_unit
    case.current_step = 0
    case.awaiting_decision = steps.awaiting_decision_after(back_office_of(case), 0)
    return deemed


# ---- bundle cases ------------------------------------------------------------------------------------


def refresh_bundle(bundle_case: BundleCase, day: dt.date | None = None) -> None:
    """A bundle's deadlines from its own limits and its items' suspensions, extensions and decisions, set on
    the row (the caller saves it, or uses ``save_bundle_deadlines``)."""
    phase = BundlePhase(bundle_case.phase)
    children: list[Case] = []
    stops: dict[int, list[Suspension]] = {}
    if phase in (BundlePhase.IN_PROGRESS, BundlePhase.READY) and bundle_case.pk:
        children = list(
            Case.objects.filter(bundle_case=bundle_case).only(
                "id", "status", "extension_days", "version_id", "decided_on", "decided_at"
            )
        )
        for s in Suspension.objects.filter(case__bundle_case=bundle_case):
            stops.setdefault(s.case_id, []).append(s)
    facts = limits.BundleClockInput(
        phase=phase.value,
        received_on=bundle_case.received_on,
        accepted_on=bundle_case.accepted_on,
        promised_days=bundle_case.promised_days,
        statutory_days=bundle_case.statutory_days,
        extension_days=bundle_case.extension_days,
        child_stops=tuple(stops_of(rows) for rows in stops.values()),
        child_extension_days=tuple(c.extension_days for c in children),
        child_decisions=tuple(
            (on, limits.result_days(version_of(c).delivery_days))
            for c in children
            if c.status == S.DECIDED and (on := decided_on(c)) is not None
        ),
        result_mode=bundle_case.result_mode,
    )
    found = limits.compute_bundle(current_calendar(), facts, day or today())
    bundle_case.acceptance_due = found.acceptance_due
    if phase is BundlePhase.IN_PROGRESS:
        bundle_case.promised_due, bundle_case.statutory_due = found.promised_due, found.statutory_due
    bundle_case.clock, bundle_case.clock_due = found.clock.value, found.clock_due
    bundle_case.paused_left, bundle_case.unknown_year = found.paused_left, found.unknown_year
    bundle_case.calendar_unknown = found.unknown_year is not None


def save_bundle_deadlines(bundle_case: BundleCase, day: dt.date | None = None) -> bool:
    """Refresh a bundle case's deadlines and write the ones that moved (its row is locked by the caller);
    derived dates only, so no revision bump. True if any moved."""
    before = [getattr(bundle_case, f) for f in BUNDLE_FIELDS]
    refresh_bundle(bundle_case, day)
    changed = {
        f: getattr(bundle_case, f)
        for f, old in zip(BUNDLE_FIELDS, before, strict=True)
        if getattr(bundle_case, f) != old
    }
    if changed:
        BundleCase.objects.filter(pk=bundle_case.pk).update(**changed)
    return bool(changed)


def save_item_result_clocks(bundle_case: BundleCase, day: dt.date | None = None) -> int:
    """The result clocks of a bundle's decided items, which depend on one another under 统一出件 (counted from
    the last decision, none while an item is open): recomputed after each change of the bundle or one of its
    items, the bundle locked by the caller (every item's change locks its bundle first). Returns how many moved."""
    moved = 0
    for case in Case.objects.filter(bundle_case=bundle_case, status=S.DECIDED.value):
        before = [getattr(case, f) for f in CASE_FIELDS]
        refresh(case, day=day)
        changed = {f: getattr(case, f) for f, old in zip(CASE_FIELDS, before, strict=True) if getattr(case, f) != old}
        if changed:
            Case.objects.filter(pk=case.pk).update(**changed)
            moved += 1
    return moved


def after_bundle_transition(bundle_case: BundleCase, before: str, action: BundleAction) -> None:
    """The bundle's entry point, after an action's effect: as ``after_transition`` for a bundle case."""
    if bundle_case.phase == BundlePhase.SUBMITTED and before != BundlePhase.SUBMITTED:
        bundle_case.received_on = today()
    if bundle_case.phase != before or action in BUNDLE_RECLOCK:
        refresh_bundle(bundle_case)


def open_bundle_clock(bundle_case: BundleCase) -> None:
    """A bundle accepted today: its joint-handling clock starts (45 working days at most), from the day it was
    received if it was not accepted or sent for correction within 5 working days (Art. 32)."""
    deemed = limits.deemed_accepted_on(bundle_case.received_on, bundle_case.acceptance_due, today())
    bundle_case.accepted_on = deemed or today()
    bundle_case.statutory_days = limits.bundle_limit(bundle_case.statutory_days)


# ---- every open case, when the calendar changes or a day passes -------------------------------------------


def recompute_open_deadlines(day: dt.date | None = None) -> int:
    """Recompute the deadlines of every case with a clock (to accept, to decide, paused, to issue) and of every
    open bundle case; returns how many changed. One short transaction per row, locked, so a transition never
    interleaves with it; derived dates only, so no revision bump and no conflict for staff at work on it."""
    changed = 0
    open_ids = Case.objects.filter(status__in=[s.value for s in TIMED]).order_by("pk").values_list("pk", flat=True)
    for pk in open_ids.iterator():
        with transaction.atomic():
            case = Case.objects.select_for_update(of=("self",)).filter(pk=pk).first()
            if case is None or case.status not in TIMED:
                continue
            before = [getattr(case, f) for f in CASE_FIELDS]
            refresh(case, day=day)
            moved = {f: getattr(case, f) for f, old in zip(CASE_FIELDS, before, strict=True) if getattr(case, f) != old}
            if moved:
                Case.objects.filter(pk=pk).update(**moved)
                changed += 1
    open_phases = [BundlePhase.SUBMITTED, BundlePhase.IN_PROGRESS, BundlePhase.READY]
    for pk in BundleCase.objects.filter(phase__in=open_phases).order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            bundle_case = BundleCase.objects.select_for_update(of=("self",)).get(pk=pk)
            changed += save_bundle_deadlines(bundle_case, day)
    return changed
