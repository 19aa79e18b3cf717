"""The working calendar in force: chinesecalendar's years, overridden and extended by the administrators' table."""

from __future__ import annotations

import datetime as dt
import threading
from functools import cache

from django.db.models import Count, Max

from .models import CalendarDay, CalendarYear
from .workcal import WorkingCalendar, from_chinesecalendar

_lock = threading.Lock()
_cached: tuple[tuple, WorkingCalendar] | None = None


@cache
def _package_calendar() -> WorkingCalendar:
    return from_chinesecalendar()


def _table_stamp() -> tuple:
    years = CalendarYear.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    days = CalendarDay.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return years["n"], years["last"], days["n"], days["last"]


def current_calendar() -> WorkingCalendar:
    """Cheap to call per request: rebuilt only when the administrators' table changes."""
    global _cached
    stamp = _table_stamp()
    cached = _cached
    if cached and cached[0] == stamp:
        return cached[1]
    with _lock:
        years = list(CalendarYear.objects.values_list("year", flat=True))
        rows = list(CalendarDay.objects.all())
        table = WorkingCalendar.build(years, {d.date: d.kind for d in rows}, {d.date: d.name for d in rows})
        calendar = _package_calendar().merged(table)
        _cached = (stamp, calendar)
        return calendar


def missing_years(today: dt.date | None = None) -> list[int]:
    """Years deadlines may soon reach that the calendar does not know: this year, and next year from November."""
    today = today or dt.date.today()
    wanted = [today.year] + ([today.year + 1] if today.month >= 11 else [])
    known = current_calendar().known_years
    return [y for y in wanted if y not in known]
