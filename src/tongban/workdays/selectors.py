"""The working calendar in force: chinesecalendar's years, overridden and extended by the administrators' table."""

from __future__ import annotations

import datetime as dt
import threading
import time
from functools import cache
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max

from .models import CalendarDay, CalendarYear
from .workcal import WorkingCalendar, from_chinesecalendar

# The outbox topic an administrator's calendar edit enqueues (workdays/admin.py); the cases app handles it by
# recomputing open cases' deadlines (cases/tasks.py), so workdays imports nothing of cases.
CALENDAR_CHANGED_TOPIC = "workdays.calendar_changed"

_lock = threading.Lock()
# (table stamp, calendar, monotonic time the stamp was last read)
_cached: tuple[tuple, WorkingCalendar, float] | None = None
_generation = 0  # moved by forget_calendar: a calendar read before it is not kept after it


@cache
def _package_calendar() -> WorkingCalendar:
    return from_chinesecalendar()


def _table_stamp() -> tuple:
    years = CalendarYear.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    days = CalendarDay.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return years["n"], years["last"], days["n"], days["last"]


def forget_calendar(**_: Any) -> None:
    """An administrator changed the table in this process: read it again on the next call."""
    global _cached, _generation
    _generation += 1
    _cached = None


def calendar_changed(**_: Any) -> None:
    """post_save/post_delete: forget now, and again once committed (another thread may read the old rows
    in between)."""
    forget_calendar()
    transaction.on_commit(forget_calendar)


def current_calendar() -> WorkingCalendar:
    """Cheap to call per request: the table's stamp (two aggregates) is read at most once per
    TONGBAN_CALENDAR_RECHECK_SECONDS per process, and the calendar rebuilt only when the stamp moved. A change
    made in this process is seen at once (post_save/post_delete signals); one made in another worker within
    that many seconds (bench/cases.py: the two aggregates cost ~0.5 ms of every deadline computation)."""
    global _cached
    recheck = float(getattr(settings, "TONGBAN_CALENDAR_RECHECK_SECONDS", 1.0))
    now = time.monotonic()
    generation = _generation
    cached = _cached
    if cached and now - cached[2] < recheck:
        return cached[1]
    stamp = _table_stamp()
    if cached and cached[0] == stamp:
        if generation == _generation:
            _cached = (stamp, cached[1], now)
        return cached[1]
    with _lock:
        years = list(CalendarYear.objects.values_list("year", flat=True))
        rows = list(CalendarDay.objects.all())
        table = WorkingCalendar.build(years, {d.date: d.kind for d in rows}, {d.date: d.name for d in rows})
        calendar = _package_calendar().merged(table)
        if generation == _generation:
            _cached = (stamp, calendar, now)
        return calendar


def missing_years(today: dt.date | None = None) -> list[int]:
    """Years deadlines may soon reach that the calendar does not know: this year, and next year from November."""
    today = today or dt.date.today()
    wanted = [today.year] + ([today.year + 1] if today.month >= 11 else [])
    known = current_calendar().known_years
    return [y for y in wanted if y not in known]
