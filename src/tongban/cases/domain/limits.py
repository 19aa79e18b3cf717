"""Every time limit of a case and of a bundle case, as the law counts them (pure; no Django).

行政许可法 and domain.md §2:
- Art. 32: a submitted application is accepted, refused or sent for correction within 5 working days; if the
  office does not tell the applicant in time what to correct, the application counts as accepted from the day
  the materials were received (its clock runs from then).
- Art. 42: decide within the limit (the guide's statutory and promised days, in its unit); one extension by
  the head, decided before the limit runs out. Joint handling (a bundle): 45 working days at most, +15 with
  the approval of the government's head.
- Art. 44: the result is issued within 10 working days of the decision, or the guide's shorter 送达时限.
- Art. 45: special steps stop the clock (the guide says which, catalogue.rules.stops_clock), each within its
  own maximum; a return for correction stops it where the implementation's rule says so.
- Art. 82: working days; other laws count calendar days (a unit of its own, ``workcal.Unit``).

``compute_case`` / ``compute_bundle`` turn the facts of one case into all its deadlines and the one clock in
force (``Clock``); the services store what they return. ``view`` is how every surface (pages, queues, the
board, the progress page, the API, notices) shows the clock in force: one colour, one label, one wording for
a deadline that reaches a year the calendar does not know yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Protocol, TypeVar

from tongban.bundles.limits import JOINT_EXTENSION_DAYS, JOINT_HANDLING_DAYS
from tongban.workdays.workcal import (
    UNIT_LABELS,
    Suspension,
    Unit,
    UnknownCalendarYear,
    WorkingCalendar,
    add_days,
    days_between,
    due_date,
    due_soon_limit,
)

T = TypeVar("T")

ACCEPTANCE_DAYS = 5  # Art. 32
RESULT_DAYS = 10  # Art. 44
EXTENSION_DAYS = 10  # Art. 42 (1)
BUNDLE_DAYS = JOINT_HANDLING_DAYS  # Art. 42 (2)
BUNDLE_EXTENSION_DAYS = JOINT_EXTENSION_DAYS
DUE_SOON_DAYS = 2

# Case states (cases.domain.workflow.CaseStatus values) by the clock that runs in them.
HANDLING_STATES = frozenset({"in_progress", "returned", "suspended"})


class Clock(StrEnum):
    """Which time limit is running now."""

    NONE = ""  # no clock (a draft, the applicant's correction, waiting for a prerequisite, ended)
    ACCEPTANCE = "acceptance"  # Art. 32: to accept, refuse or ask for correction
    HANDLING = "handling"  # Art. 42: to decide
    PAUSED = "paused"  # the handling clock stopped (a special step or a return whose days do not count)
    RESULT = "result"  # Art. 44: to issue the result


CLOCK_LABELS = {
    Clock.NONE: "未计时",
    Clock.ACCEPTANCE: "受理期限",
    Clock.HANDLING: "办结期限",
    Clock.PAUSED: "计时暂停",
    Clock.RESULT: "出件期限",
}


def unknown_text(year: int) -> str:
    """The one wording of a deadline that reaches a year whose holidays are not published yet."""
    return f"待定（{year}年节假日安排未发布）"


def result_days(delivery_days: int) -> int:
    """Art. 44: 10 working days, or the guide's shorter 送达时限 (0: the guide sets none)."""
    return min(delivery_days, RESULT_DAYS) if delivery_days > 0 else RESULT_DAYS


@dataclass(frozen=True)
class Stop:
    """A suspension of the handling clock: a special step (with its own maximum) or a return for correction."""

    start: dt.date
    end: dt.date | None
    counted: bool  # its days count toward the limit (the clock keeps running)
    special: bool = False
    max_days: int = 0  # a special step's maximum, in working days

    def as_suspension(self) -> Suspension:
        return Suspension(self.start, self.end, self.counted)


@dataclass(frozen=True)
class CaseClockInput:
    status: str
    unit: str = Unit.WORKING.value
    received_on: dt.date | None = None  # the day the application (or its resubmission) was received
    accepted_on: dt.date | None = None
    promised_days: int = 0
    statutory_days: int = 0
    extension_days: int = 0
    stops: tuple[Stop, ...] = ()
    decided_on: dt.date | None = None
    result_days: int = RESULT_DAYS
    # 统一出件 (a bundle's results go out together): the day its last item was decided, from which this decided
    # item's result clock runs; ``result_waits`` while another item of its bundle is still open.
    result_from: dt.date | None = None
    result_waits: bool = False


@dataclass(frozen=True)
class CaseDeadlines:
    """Every deadline of a case (None where it has none or the calendar cannot say), and the clock in force."""

    clock: Clock = Clock.NONE
    clock_due: dt.date | None = None  # the running clock's due date; None while paused, unknown or stopped
    acceptance_due: dt.date | None = None
    promised_due: dt.date | None = None
    statutory_due: dt.date | None = None
    result_due: dt.date | None = None
    special_due: dt.date | None = None  # the open special step's maximum runs out on this day
    paused_left: int | None = None  # days the limit had left when the clock stopped
    unknown_year: int | None = None  # a year the calendar must know before the clock in force can be counted


def _open_stop(stops: Sequence[Stop]) -> Stop | None:
    return next((s for s in reversed(stops) if s.end is None), None)


def acceptance_due(cal: WorkingCalendar, received_on: dt.date) -> dt.date:
    return add_days(cal, received_on, ACCEPTANCE_DAYS)


def compute_case(cal: WorkingCalendar, f: CaseClockInput, today: dt.date) -> CaseDeadlines:
    """Every deadline of a case in its present state. A state with no handling left keeps its handling dates
    as they were (the caller keeps them: they are the record)."""
    unknown: list[int] = []

    def counted(compute: Callable[[], T]) -> T | None:
        try:
            return compute()
        except UnknownCalendarYear as exc:
            unknown.append(exc.year)
            return None

    out = CaseDeadlines()
    if f.received_on is not None:
        received = f.received_on
        out = replace(out, acceptance_due=counted(lambda: acceptance_due(cal, received)))
    if f.status == "submitted":
        return replace(out, clock=Clock.ACCEPTANCE, clock_due=out.acceptance_due, unknown_year=_first(unknown))
    if f.status == "decided" and f.decided_on is not None:
        if f.result_waits:  # no result deadline until the bundle's last item is decided
            return replace(out, unknown_year=_first(unknown))
        decided = max(f.decided_on, f.result_from or f.decided_on)
        result_due = counted(lambda: add_days(cal, decided, f.result_days))
        return replace(
            out, clock=Clock.RESULT, result_due=result_due, clock_due=result_due, unknown_year=_first(unknown)
        )
    if f.status not in HANDLING_STATES or f.accepted_on is None:
        return out
    accepted, unit = f.accepted_on, Unit(f.unit)
    stops = [s.as_suspension() for s in f.stops]

    def due(days: int, upto: dt.date = today, of: Sequence[Suspension] = stops) -> dt.date:
        return due_date(cal, accepted, days, extension_days=f.extension_days, suspensions=of, today=upto, unit=unit)

    out = replace(out, promised_due=counted(lambda: due(f.promised_days)))
    out = replace(out, statutory_due=counted(lambda: due(f.statutory_days)))
    stop = _open_stop(f.stops)
    if stop is not None and stop.special and stop.max_days:
        start, most = stop.start, stop.max_days
        out = replace(out, special_due=counted(lambda: add_days(cal, start, most)))
    if stop is None or stop.counted:
        return replace(out, clock=Clock.HANDLING, clock_due=out.promised_due, unknown_year=_first(unknown))
    # Paused: what the limit had left the day it stopped (the due date as of that day, this stop not yet
    # counted); it stays the same while the clock stands still.
    begun = stop.start
    before = [s if s.end is not None else Suspension(s.start, s.start, s.counted) for s in stops]
    unknown.clear()  # what the paused clock needs is what it had left, not where the moving dates land
    left = counted(lambda: days_between(cal, begun, due(f.promised_days, begun, before), unit))
    return replace(out, clock=Clock.PAUSED, paused_left=left, unknown_year=_first(unknown))


def _first(years: list[int]) -> int | None:
    return min(years) if years else None


def deemed_accepted_on(received_on: dt.date | None, due: dt.date | None, today: dt.date) -> dt.date | None:
    """Art. 32 (4): accepted after the 5 working days without a correction notice in time, the application
    counts as accepted from the day it was received. None: accepted in time (its clock starts today)."""
    if received_on is None or due is None or today <= due:
        return None
    return received_on


# ---- bundle cases (joint handling) ---------------------------------------------------------------------


@dataclass(frozen=True)
class BundleClockInput:
    phase: str
    received_on: dt.date | None = None
    accepted_on: dt.date | None = None
    promised_days: int = 0
    statutory_days: int = BUNDLE_DAYS
    extension_days: int = 0  # Art. 42 (2), approved by the government's head
    child_stops: tuple[tuple[Stop, ...], ...] = ()
    child_extension_days: tuple[int, ...] = ()
    # The items decided and waiting at the result desk: (the day each was decided, its days to issue).
    child_decisions: tuple[tuple[dt.date, int], ...] = ()
    result_mode: str = "together"  # 统一出件 or "separate" (逐项出件)


@dataclass(frozen=True)
class BundleDeadlines:
    clock: Clock = Clock.NONE
    clock_due: dt.date | None = None
    acceptance_due: dt.date | None = None
    promised_due: dt.date | None = None
    statutory_due: dt.date | None = None
    paused_left: int | None = None
    unknown_year: int | None = None


def bundle_limit(statutory_days: int) -> int:
    """A bundle's own limit, never beyond the law's 45 working days for joint handling."""
    return min(statutory_days, BUNDLE_DAYS) if statutory_days > 0 else BUNDLE_DAYS


def together_from(decisions: Iterable[dt.date | None], still_open: bool) -> dt.date | None:
    """统一出件: the day a bundle's results can go out together, the last of its items' decisions — from which
    Art. 44's days to issue are counted; None while any item is still open (no result deadline yet)."""
    days = [d for d in decisions if d is not None]
    return None if still_open or not days else max(days)


def bundle_result_due(
    cal: WorkingCalendar, decisions: Sequence[tuple[dt.date, int]], *, together: bool
) -> dt.date | None:
    """Art. 44 for a bundle whose open items are all decided: together, counted from the last decision with the
    shortest days to issue among them; item by item, the earliest of the items' own result deadlines."""
    if not decisions:
        return None
    if together:
        return add_days(cal, max(d for d, _ in decisions), min(n for _, n in decisions))
    return min(add_days(cal, d, n) for d, n in decisions)


def compute_bundle(cal: WorkingCalendar, f: BundleClockInput, today: dt.date) -> BundleDeadlines:
    """A bundle's deadlines: its clock stops whenever one of its items stands still (the days any item's
    uncounted special step or return covers count once), its statutory limit is 45 working days at most plus
    its own extension, and its promised date follows its items' extensions, never beyond the statutory one."""
    unknown: list[int] = []
    out = BundleDeadlines()
    try:
        if f.received_on is not None:
            out = replace(out, acceptance_due=acceptance_due(cal, f.received_on))
    except UnknownCalendarYear as exc:
        unknown.append(exc.year)
    if f.phase == "submitted":
        return replace(out, clock=Clock.ACCEPTANCE, clock_due=out.acceptance_due, unknown_year=_first(unknown))
    if f.phase == "ready":
        try:
            due = bundle_result_due(cal, f.child_decisions, together=f.result_mode != "separate")
        except UnknownCalendarYear as exc:
            return replace(out, clock=Clock.RESULT, unknown_year=_first([*unknown, exc.year]))
        return replace(out, clock=Clock.RESULT if due else Clock.NONE, clock_due=due, unknown_year=_first(unknown))
    if f.phase != "in_progress" or f.accepted_on is None:
        return out
    accepted = f.accepted_on
    stops = [s.as_suspension() for stops in f.child_stops for s in stops]
    limit = bundle_limit(f.statutory_days) + f.extension_days
    promised = f.promised_days + f.extension_days + max(f.child_extension_days, default=0)

    def promised_date(of: list[Suspension], upto: dt.date) -> dt.date:
        """The promised date, capped by the statutory one. Where only the statutory date falls in a year the
        calendar does not know yet, the promised date stands: it is the earlier anyway."""
        own = due_date(cal, accepted, promised, suspensions=of, today=upto)
        try:
            return min(own, due_date(cal, accepted, limit, suspensions=of, today=upto))
        except UnknownCalendarYear:
            return own

    try:
        statutory_due: dt.date | None = due_date(cal, accepted, limit, suspensions=stops, today=today)
    except UnknownCalendarYear as exc:
        statutory_due = None
        unknown.append(exc.year)
    try:
        promised_due = promised_date(stops, today)
    except UnknownCalendarYear as exc:
        return replace(
            out, clock=Clock.HANDLING, statutory_due=statutory_due, unknown_year=_first([*unknown, exc.year])
        )
    out = replace(out, promised_due=promised_due, statutory_due=statutory_due)
    open_stops = [s for s in stops if s.end is None and not s.counted]
    if open_stops:
        begun = min(s.start for s in open_stops)
        before = [s if s.end is not None else Suspension(s.start, s.start, s.counted) for s in stops]
        try:
            left: int | None = cal.working_days_between(begun, promised_date(before, begun))
        except UnknownCalendarYear as exc:
            left = None
            unknown.append(exc.year)
        return replace(out, clock=Clock.PAUSED, paused_left=left, unknown_year=_first(unknown))
    return replace(out, clock=Clock.HANDLING, clock_due=promised_due, unknown_year=_first(unknown))


# ---- how every surface shows the clock in force --------------------------------------------------------


class DeadlineRecord(Protocol):
    """What ``view`` reads of a case or bundle case: the stored result of ``compute_*``."""

    @property
    def clock(self) -> str: ...
    @property
    def clock_due(self) -> dt.date | None: ...
    @property
    def paused_left(self) -> int | None: ...
    @property
    def unknown_year(self) -> int | None: ...


class Colour(StrEnum):
    NONE = "none"
    GREEN = "green"
    YELLOW = "yellow"  # two working days or fewer remain
    RED = "red"
    PAUSED = "paused"
    UNKNOWN = "unknown"


BADGES = {
    Colour.NONE: "",
    Colour.GREEN: "badge-green",
    Colour.YELLOW: "badge-amber",
    Colour.RED: "badge-red",
    Colour.PAUSED: "",
    Colour.UNKNOWN: "badge-amber",
}


@dataclass(frozen=True)
class DeadlineView:
    """The clock in force as people read it: ``label`` for a badge, ``due_text`` where a date goes."""

    clock: Clock
    colour: Colour
    due: dt.date | None = None
    left: int | None = None  # days left in ``unit`` (negative: overdue)
    unit: str = Unit.WORKING.value
    label: str = ""
    due_text: str = ""
    unknown_year: int | None = None
    flags: tuple[str, ...] = field(default=())  # e.g. a special step past its maximum

    @property
    def running(self) -> bool:
        return self.clock is not Clock.NONE

    @property
    def badge(self) -> str:
        """The badge class pages use (core/static css)."""
        return BADGES[self.colour]

    @property
    def overdue(self) -> bool:
        return self.colour is Colour.RED


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _amount(days: int, unit: str) -> str:
    return f"{days} {UNIT_LABELS[Unit(unit)]}" if Unit(unit) is Unit.WORKING else f"{days} 日"


def view(
    record: DeadlineRecord,
    cal: WorkingCalendar,
    today: dt.date,
    *,
    unit: str = Unit.WORKING.value,
    special_due: dt.date | None = None,
) -> DeadlineView:
    """The clock in force of a case (``unit``: its handling limit's unit) or a bundle case, as every surface
    shows it. Colours: red once the due date has passed, yellow on the last two working days, never red while
    the clock is paused."""
    clock = Clock(record.clock or "")
    flags = ("特殊环节已超过最长期限",) if special_due is not None and special_due < today else ()
    if clock is Clock.NONE:
        return DeadlineView(clock, Colour.NONE)
    unit = unit if clock in (Clock.HANDLING, Clock.PAUSED) else Unit.WORKING.value
    known = record.paused_left if clock is Clock.PAUSED else record.clock_due
    if known is None and record.unknown_year is not None:  # the clock in force reaches an unknown year
        text = unknown_text(record.unknown_year)
        return DeadlineView(clock, Colour.UNKNOWN, unit=unit, label=text, due_text=text,
                            unknown_year=record.unknown_year, flags=flags)  # fmt: skip
    if clock is Clock.PAUSED:
        left = record.paused_left
        if left is None:
            label = "计时暂停"
        elif left >= 0:
            label = f"计时暂停（剩余 {_amount(left, unit)}）"
        else:
            label = f"计时暂停（暂停前已超期 {_amount(-left, unit)}）"
        return DeadlineView(clock, Colour.PAUSED, None, left, unit, label, "计时暂停，恢复后顺延", flags=flags)
    due = record.clock_due
    if due is None:
        return DeadlineView(clock, Colour.NONE, unit=unit)
    try:
        left = days_between(cal, today, due, unit)
        soon = due_soon_limit(cal, today, DUE_SOON_DAYS)
    except UnknownCalendarYear as exc:
        text = unknown_text(exc.year)
        return DeadlineView(clock, Colour.UNKNOWN, due, None, unit, text, text, exc.year, flags)
    if soon is None:
        text = unknown_text(today.year)
        return DeadlineView(clock, Colour.UNKNOWN, due, None, unit, text, text, today.year, flags)
    colour = Colour.RED if due < today else Colour.YELLOW if due <= soon else Colour.GREEN
    label = _label(clock, left, unit, past=due < today)
    return DeadlineView(clock, colour, due, left, unit, label, cn_date(due), flags=flags)


def _label(clock: Clock, left: int, unit: str, *, past: bool) -> str:
    """``past``: the due day is behind us even where no working day has passed since (a weekend or holiday
    after it): overdue, with no count of days, never "today"."""
    late = f" {_amount(-left, unit)}" if left < 0 else ""
    if clock is Clock.ACCEPTANCE:
        if past:
            return "逾期未受理（依法视为已受理）"
        return "今日须作出受理决定" if left == 0 else f"受理期限剩余 {_amount(left, unit)}"
    if clock is Clock.RESULT:
        if past:
            return f"出件已超期{late}"
        return "今日须出件" if left == 0 else f"出件期限剩余 {_amount(left, unit)}"
    if past:
        return f"已超期{late}"
    return "今日到期" if left == 0 else f"剩余 {_amount(left, unit)}"


def due_text(due: dt.date | None, unknown_year: int | None, blank: str = "—") -> str:
    """A stored due date as every surface writes it (a date, or the one wording of an unknown year)."""
    if due is not None:
        return cn_date(due)
    if unknown_year is not None:
        return unknown_text(unknown_year)
    return blank


def deadline_passed(cal: WorkingCalendar, due: dt.date | None, today: dt.date) -> bool:
    """Art. 42: a limit is extended only before it runs out (the due day itself is still within it)."""
    return due is not None and due < today


# ---- the one complete correction list (Art. 32) ---------------------------------------------------------


def added_items(earlier: Iterable[Iterable[str]], listed: Iterable[str]) -> list[str]:
    """What a correction request lists that no earlier request of the same application did: the list is one
    complete list (一次告知), so anything new needs a reason."""
    seen = {item.strip() for items in earlier for item in items}
    return [item for item in listed if item.strip() not in seen] if seen else []
