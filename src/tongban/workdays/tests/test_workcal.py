"""Working days across real holidays and make-up days, with property-based checks."""

from __future__ import annotations

import datetime as dt
from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongban.workdays.workcal import (
    DayKind,
    Suspension,
    Unit,
    UnknownCalendarYear,
    WorkingCalendar,
    add_days,
    days_between,
    due_date,
    due_soon_limit,
    from_chinesecalendar,
    suspended_days,
)

D = dt.date


@cache
def cal() -> WorkingCalendar:
    return from_chinesecalendar()


def test_national_day_2026_and_its_makeup_days():
    c = cal()
    assert not c.is_working_day(D(2026, 10, 1))
    assert not c.is_working_day(D(2026, 10, 7))
    assert c.is_working_day(D(2026, 10, 10))  # Saturday make-up working day
    assert not c.is_working_day(D(2026, 10, 11))  # an ordinary Sunday


def test_deadline_across_national_day_counts_makeup_saturday():
    # Accepted Tue 2026-09-29. Day 1 is 9-30; 10-1…10-7 are holidays; days 2-4 are 10-8, 10-9 and the
    # make-up Saturday 10-10; then 16 ordinary weekdays from 10-12 end on Mon 11-02.
    c = cal()
    assert c.add_working_days(D(2026, 9, 29), 4) == D(2026, 10, 10)
    assert c.add_working_days(D(2026, 9, 29), 20) == D(2026, 11, 2)
    assert c.working_days_between(D(2026, 9, 29), D(2026, 11, 2)) == 20


def test_unknown_year_is_explicit():
    with pytest.raises(UnknownCalendarYear, match="2027年"):
        cal().add_working_days(D(2026, 12, 20), 20)


def test_administrator_years_extend_and_override():
    extra = WorkingCalendar.build([2027], {D(2027, 1, 1): DayKind.HOLIDAY})
    merged = cal().merged(extra)
    assert not merged.is_working_day(D(2027, 1, 1))
    assert merged.is_working_day(D(2027, 1, 4))
    assert not merged.is_working_day(D(2026, 10, 1))


def test_suspension_and_extension_move_the_deadline():
    c = cal()
    base = due_date(c, D(2026, 3, 2), 20)
    assert base == D(2026, 3, 30)
    expert = Suspension(D(2026, 3, 5), D(2026, 3, 12))  # 5 working days of expert review
    assert due_date(c, D(2026, 3, 2), 20, suspensions=[expert]) == c.add_working_days(base, 5)
    counted = Suspension(D(2026, 3, 5), D(2026, 3, 12), counted=True)
    assert due_date(c, D(2026, 3, 2), 20, suspensions=[counted]) == base
    assert due_date(c, D(2026, 3, 2), 20, extension_days=10) == c.add_working_days(base, 10)


dates = st.dates(min_value=D(2005, 1, 1), max_value=D(2026, 6, 30))


@given(dates, st.integers(min_value=0, max_value=60))
def test_add_then_count_round_trips(start, n):
    c = cal()
    end = c.add_working_days(start, n)
    assert c.working_days_between(start, end) == n
    if n:
        assert c.is_working_day(end)


@given(dates, st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=40))
def test_adding_is_additive_and_monotonic(start, a, b):
    c = cal()
    assert c.add_working_days(c.add_working_days(start, a), b) == c.add_working_days(start, a + b)
    assert c.add_working_days(start, a) <= c.add_working_days(start, a + b)


@given(dates, st.integers(min_value=1, max_value=40))
def test_calendar_days_at_least_working_days(start, n):
    c = cal()
    assert (c.add_working_days(start, n) - start).days >= n


def test_one_day_an_administrator_enters_for_a_known_year_changes_that_day_only():
    """The table used to make its years wholly its own: one row for 2026 silently dropped the package's
    National Day, Spring Festival … of 2026."""
    one_day = WorkingCalendar.build([2026], {D(2026, 6, 1): DayKind.HOLIDAY}, {D(2026, 6, 1): "临时假日"})
    merged = cal().merged(one_day)
    assert not merged.is_working_day(D(2026, 6, 1))
    assert not merged.is_working_day(D(2026, 10, 1)) and merged.is_working_day(D(2026, 10, 10))
    changed = [d for d in (D(2026, 1, 1) + dt.timedelta(n) for n in range(365))
               if merged.is_working_day(d) != cal().is_working_day(d)]  # fmt: skip
    assert changed == [D(2026, 6, 1)]
    # A make-up Saturday may be given back as a rest day, a holiday made a working day: per day as well.
    back = cal().merged(WorkingCalendar.build([2026], {D(2026, 10, 10): DayKind.HOLIDAY, D(2026, 10, 7): "workday"}))
    assert not back.is_working_day(D(2026, 10, 10)) and back.is_working_day(D(2026, 10, 7))


def test_calendar_days_end_on_the_next_working_day_when_the_last_day_is_a_rest_day():
    c = cal()
    assert add_days(c, D(2026, 8, 3), 60, Unit.CALENDAR) == D(2026, 10, 8)  # 10-2 falls in National Day
    assert add_days(c, D(2026, 8, 4), 60, Unit.CALENDAR) == D(2026, 10, 8)
    assert add_days(c, D(2026, 3, 2), 60, Unit.CALENDAR) == D(2026, 5, 6)  # 5-1 … 5-5 off
    assert add_days(c, D(2026, 3, 2), 20, Unit.WORKING) == c.add_working_days(D(2026, 3, 2), 20)
    assert days_between(c, D(2026, 9, 29), D(2026, 10, 12), Unit.CALENDAR) == 13
    stops = [Suspension(D(2026, 3, 5), D(2026, 3, 12))]
    assert due_date(c, D(2026, 3, 2), 60, suspensions=stops, unit=Unit.CALENDAR) == D(2026, 5, 8)


def test_overlapping_stops_count_each_day_once():
    c = cal()
    a, b = Suspension(D(2026, 3, 2), D(2026, 3, 6)), Suspension(D(2026, 3, 4), D(2026, 3, 10))
    assert suspended_days(c, [a, b], D(2026, 3, 31)) == c.working_days_between(D(2026, 3, 2), D(2026, 3, 10))


def test_due_soon_is_never_guessed_past_the_known_calendar():
    c = cal()
    assert due_soon_limit(c, D(2026, 9, 29)) == D(2026, 10, 8)  # 9-30 and 10-8: two working days
    assert due_soon_limit(c, D(2026, 12, 31)) == D(2026, 12, 31)
    assert due_soon_limit(c, D(2027, 1, 4)) is None


@given(dates, st.integers(min_value=1, max_value=90))
def test_a_calendar_day_period_ends_on_the_first_working_day_from_its_last_day(start, n):
    c = cal()
    end = add_days(c, start, n, Unit.CALENDAR)
    last = start + dt.timedelta(days=n)
    assert end >= last and c.is_working_day(end)
    assert all(not c.is_working_day(last + dt.timedelta(days=k)) for k in range((end - last).days))
