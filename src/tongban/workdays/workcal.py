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
        """``other`` (e.g. the administrators' table) overrides this one for the years it knows."""
        keep_h = {d for d in self.holidays if d.year not in other.known_years}
        keep_w = {d for d in self.makeup_workdays if d.year not in other.known_years}
        return WorkingCalendar(
            known_years=self.known_years | other.known_years,
            holidays=frozenset(keep_h | other.holidays),
            makeup_workdays=frozenset(keep_w | other.makeup_workdays),
            names={**{d: n for d, n in self.names.items() if d.year not in other.known_years}, **other.names},
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


class DeadlineState(StrEnum):
    ON_TIME = "green"
    DUE_SOON = "yellow"  # two working days or fewer remain
    OVERDUE = "red"
    UNKNOWN = "unknown"  # the calendar does not know a year the deadline needs


@dataclass(frozen=True)
class Suspension:
    start: dt.date
    end: dt.date | None  # None while still suspended
    counted: bool = False  # 特殊环节 flagged 计算在法定办结时限内: the clock keeps running


def suspended_working_days(cal: WorkingCalendar, suspensions: Iterable[Suspension], today: dt.date) -> int:
    """Working days the clock stood still: (start, end] of each uncounted suspension (open ones up to today)."""
    total = 0
    for s in suspensions:
        if s.counted:
            continue
        end = s.end or today
        if end > s.start:
            total += cal.working_days_between(s.start, end)
    return total


def due_date(
    cal: WorkingCalendar,
    accepted_on: dt.date,
    limit_days: int,
    *,
    extension_days: int = 0,
    suspensions: Iterable[Suspension] = (),
    today: dt.date | None = None,
) -> dt.date:
    """Accepted on ``accepted_on`` with ``limit_days`` working days, plus extensions, plus stopped time."""
    stopped = suspended_working_days(cal, suspensions, today or accepted_on)
    return cal.add_working_days(accepted_on, limit_days + extension_days + stopped)


def deadline_state(
    cal: WorkingCalendar, due: dt.date, today: dt.date, *, suspended: bool = False, due_soon_days: int = 2
) -> tuple[DeadlineState, int]:
    """The colour of a deadline and the working days left (negative when overdue)."""
    try:
        left = cal.working_days_between(today, due)
    except UnknownCalendarYear:
        return DeadlineState.UNKNOWN, 0
    if suspended:
        return DeadlineState.ON_TIME, left
    if left < 0:
        return DeadlineState.OVERDUE, left
    if left <= due_soon_days:
        return DeadlineState.DUE_SOON, left
    return DeadlineState.ON_TIME, left
