"""Chinese working days and statutory deadlines (pure; no Django).

行政许可法 Art. 82: limits count working days, excluding statutory holidays; make-up working days (调休) on
weekends count. The calendar knows only the years whose schedule has been published (the State Council
publishes each year's in November or December). Asking about any other year raises ``UnknownCalendarYear``
— an explicit condition that administrators see and fix by adding the year — never a silent guess.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

ONE_DAY = dt.timedelta(days=1)


class UnknownCalendarYear(LookupError):
    def __init__(self, year: int):
        self.year = year
        super().__init__(f"{year}年的节假日安排尚未录入工作日历，无法计算工作日，请管理员补录该年度安排。")


class DayKind(StrEnum):
    HOLIDAY = "holiday"  # statutory holiday (or a rest day inside a holiday period): not a working day
    WORKDAY = "workday"  # make-up working day on a weekend (调休上班)


@dataclass(frozen=True)
class WorkingCalendar:
    """Known years plus their exceptions to the Monday–Friday rule."""

    known_years: frozenset[int]
    holidays: frozenset[dt.date] = frozenset()
    makeup_workdays: frozenset[dt.date] = frozenset()
    names: Mapping[dt.date, str] = field(default_factory=dict)

    @classmethod
    def build(
        cls, years: Iterable[int], days: Mapping[dt.date, DayKind | str], names: Mapping[dt.date, str] | None = None
    ) -> WorkingCalendar:
        return cls(
            known_years=frozenset(years),
            holidays=frozenset(d for d, k in days.items() if DayKind(k) is DayKind.HOLIDAY),
            makeup_workdays=frozenset(d for d, k in days.items() if DayKind(k) is DayKind.WORKDAY),
            names=dict(names or {}),
        )

    def merged(self, other: WorkingCalendar) -> WorkingCalendar:
        """``other`` (the administrators' table) added to this one day by day: each day it lists replaces this
        calendar's kind of that day, every other day of a year both know stays as it was (an administrator who
        corrects one day of a year the package knows changes that day only), and its years become known."""
        listed = other.holidays | other.makeup_workdays
        return WorkingCalendar(
            known_years=self.known_years | other.known_years,
            holidays=frozenset((self.holidays - listed) | other.holidays),
            makeup_workdays=frozenset((self.makeup_workdays - listed) | other.makeup_workdays),
            names={**{d: n for d, n in self.names.items() if d not in listed}, **other.names},
        )

    def knows(self, day: dt.date) -> bool:
        return day.year in self.known_years

    def is_working_day(self, day: dt.date) -> bool:
        if day.year not in self.known_years:
            raise UnknownCalendarYear(day.year)
        if day in self.makeup_workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date on which ``days`` working days after ``start`` have elapsed (start itself not counted).

        ``days == 0`` means the same day (即办). The result is always a working day when days > 0.
        """
        if days < 0:
            raise ValueError("days must be ≥ 0")
        current, left = start, days
        while left:
            current += ONE_DAY
            if self.is_working_day(current):
                left -= 1
        return current

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        count, current = 0, start
        while current < end:
            current += ONE_DAY
            if self.is_working_day(current):
                count += 1
        return count

    def next_working_day(self, day: dt.date) -> dt.date:
        current = day + ONE_DAY
        while not self.is_working_day(current):
            current += ONE_DAY
        return current


def from_chinesecalendar() -> WorkingCalendar:
    """The calendar the PyPI package ``chinesecalendar`` ships (2004 to its last published year)."""
    import chinese_calendar

    days: dict[dt.date, DayKind] = {d: DayKind.HOLIDAY for d in chinese_calendar.holidays}
    days.update({d: DayKind.WORKDAY for d in chinese_calendar.workdays})
    names = {**chinese_calendar.holidays, **chinese_calendar.workdays}
    years = {d.year for d in chinese_calendar.holidays}
    return WorkingCalendar.build(years, days, {d: str(n) for d, n in names.items()})


# ---- deadlines ------------------------------------------------------------------------------------------


class Unit(StrEnum):
    """How a time limit is counted. 行政许可法 Art. 82 counts working days; other laws count calendar days
    (居民身份证法 Art. 12: 60 days), a unit of its own."""

    WORKING = "working"  # 工作日
    CALENDAR = "calendar"  # 自然日


UNIT_LABELS = {Unit.WORKING: "个工作日", Unit.CALENDAR: "日"}


def add_days(cal: WorkingCalendar, start: dt.date, days: int, unit: Unit | str = Unit.WORKING) -> dt.date:
    """The last day of a period of ``days`` counted from ``start`` (start itself not counted).

    Calendar days: ``start + days``; a period whose last day is a rest day (statutory holiday or weekend) ends
    on the next working day (民法典 Art. 203, the general rule of periods), so the calendar is asked about that
    last day too.
    """
    if Unit(unit) is Unit.WORKING:
        return cal.add_working_days(start, days)
    if days < 0:
        raise ValueError("days must be ≥ 0")
    end = start + dt.timedelta(days=days)
    if days == 0:
        return end
    while not cal.is_working_day(end):
        end += ONE_DAY
    return end


def days_between(cal: WorkingCalendar, start: dt.date, end: dt.date, unit: Unit | str = Unit.WORKING) -> int:
    """Days of ``unit`` in (start, end]; negative when end is before start."""
    if Unit(unit) is Unit.WORKING:
        return cal.working_days_between(start, end)
    return (end - start).days


@dataclass(frozen=True)
class Suspension:
    start: dt.date
    end: dt.date | None  # None while still suspended
    counted: bool = False  # its days count toward the limit: the clock keeps running


def _stopped_dates(cal: WorkingCalendar, stops: Iterable[Suspension], today: dt.date, unit: Unit) -> set[dt.date]:
    """The days in (start, end] of each uncounted suspension (open ones up to today) that the unit counts."""
    days: set[dt.date] = set()
    for s in stops:
        if s.counted:
            continue
        current, end = s.start, s.end or today
        while current < end:
            current += ONE_DAY
            if unit is Unit.CALENDAR or cal.is_working_day(current):
                days.add(current)
    return days


def suspended_days(
    cal: WorkingCalendar, suspensions: Iterable[Suspension], today: dt.date, unit: Unit | str = Unit.WORKING
) -> int:
    """Days the clock stood still. Overlapping suspensions (a bundle's items stopped at once) count each day
    once."""
    return len(_stopped_dates(cal, suspensions, today, Unit(unit)))


def due_date(
    cal: WorkingCalendar,
    accepted_on: dt.date,
    limit_days: int,
    *,
    extension_days: int = 0,
    suspensions: Iterable[Suspension] = (),
    today: dt.date | None = None,
    unit: Unit | str = Unit.WORKING,
) -> dt.date:
    """Accepted on ``accepted_on`` with ``limit_days`` (in ``unit``), plus extensions, plus stopped time."""
    stopped = suspended_days(cal, suspensions, today or accepted_on, unit)
    return add_days(cal, accepted_on, limit_days + extension_days + stopped, unit)


def due_soon_limit(cal: WorkingCalendar, today: dt.date, days: int = 2) -> dt.date | None:
    """The last date that is still "due soon" (``days`` working days from today). Where the calendar runs out
    first it is the last day the calendar knows: a date it cannot count is never guessed to be near or far.
    None when the calendar does not know today."""
    if not cal.knows(today):
        return None
    current, left = today, days
    while left:
        following = current + ONE_DAY
        if not cal.knows(following):
            return current
        current = following
        if cal.is_working_day(current):
            left -= 1
    return current
