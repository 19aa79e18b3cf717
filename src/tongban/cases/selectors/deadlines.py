"""How every surface shows a deadline: the case page, the queues, the boards, "my cases", the progress page, the
API and the notices all call these (and templates the ``deadline`` tag of templatetags/case_deadlines.py), so
they show one colour, one label and one wording for the same stored deadlines (services/deadlines.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tongban.core import clock
from tongban.workdays import workcal
from tongban.workdays.selectors import current_calendar
from tongban.workdays.workcal import UNIT_LABELS, Unit, WorkingCalendar

from ..domain import limits
from ..domain.limits import DeadlineView

# The columns ``deadline_of`` reads: lists that load a few columns of each row load these too.
DEADLINE_COLUMNS = ("limit_unit", "clock", "clock_due", "paused_left", "unknown_year", "special_due")


def deadline_of(case: Any, cal: WorkingCalendar | None = None, day: dt.date | None = None) -> DeadlineView:
    """The clock in force of a case as people read it (lists pass one calendar and day for every row)."""
    return limits.view(
        case,
        cal or current_calendar(),
        day or clock.today(),
        unit=getattr(case, "limit_unit", Unit.WORKING.value) or Unit.WORKING.value,
        special_due=getattr(case, "special_due", None) if case.status == "suspended" else None,
    )


def bundle_deadline_of(
    bundle_case: Any, cal: WorkingCalendar | None = None, day: dt.date | None = None
) -> DeadlineView:
    return limits.view(bundle_case, cal or current_calendar(), day or clock.today())


def due_text(due: dt.date | None, record: Any, blank: str = "—") -> str:
    """A stored due date of a case or bundle case, or the one wording of a year not yet in the calendar."""
    return limits.due_text(due, getattr(record, "unknown_year", None) if due is None else None, blank)


def handling_due_text(due: dt.date | None, case: Any, blank: str = "—") -> str:
    """承诺/法定办结 of an accepted case. The stored year names only what the clock in force needs: once the case
    is decided (or its clock paused), a handling date the calendar could not count is kept as none with no
    year. It is then named by the first year from acceptance on whose holidays the calendar does not know."""
    if due is not None or getattr(case, "unknown_year", None) is not None or not getattr(case, "accepted_on", None):
        return due_text(due, case, blank)
    known, start = current_calendar().known_years, case.accepted_on.year
    year = next((y for y in range(start, start + 2) if y not in known), None)
    return limits.unknown_text(year) if year is not None else blank


def unit_label(case: Any) -> str:
    return UNIT_LABELS[Unit(getattr(case, "limit_unit", "") or Unit.WORKING.value)]


def due_soon_limit(today: dt.date) -> dt.date | None:
    """The last date that is still "due soon" (two working days ahead); never guessed past what the calendar
    knows (None: it does not know today)."""
    return workcal.due_soon_limit(current_calendar(), today, limits.DUE_SOON_DAYS)


def promised_text(case: Any, view: DeadlineView) -> str:
    """The promised date of an accepted case where one line shows it (the progress page, notices)."""
    if view.clock is limits.Clock.PAUSED:
        return view.label
    return handling_due_text(case.promised_due, case, "待定")


def deemed_accepted(case: Any) -> bool:
    """Accepted after the 5 working days without a correction notice in time: its clock runs from the day the
    application was received (行政许可法 Art. 32), before the day it was accepted."""
    return bool(getattr(case, "deemed_accepted", False))


def deadline_rows(case: Any, view: DeadlineView) -> list[tuple[str, str]]:
    """The time limits of a case as its page lists them (label, text), from the same stored dates and view."""
    unit = unit_label(case)
    rows: list[tuple[str, str]] = []
    if case.received_on:
        rows.append(("收件日期", limits.cn_date(case.received_on)))
    if case.status == "submitted":
        rows.append(("受理期限", f"{due_text(case.acceptance_due, case)}（收件后{limits.ACCEPTANCE_DAYS}个工作日内）"))
    if case.accepted_on:
        deemed = "（逾期未作出受理决定，依法自收件之日起视为受理）" if deemed_accepted(case) else ""
        rows.append(("受理日期", limits.cn_date(case.accepted_on) + deemed))
        extended = f"，含延期 {case.extension_days}{unit}" if case.extension_days else ""
        promised = promised_text(case, view)
        if view.clock is not limits.Clock.PAUSED:
            promised += f"（{case.promised_days}{unit}{extended}）"
        rows.append(("承诺办结", promised))
        statutory = handling_due_text(case.statutory_due, case)
        rows.append(("法定办结", f"{statutory}（{case.statutory_days}{unit}{extended}）"))
    if case.status == "decided" and getattr(case, "bundle_case_id", None) and not case.clock:
        rows.append(("出件期限", TOGETHER_WAITS))
    elif case.status in ("decided", "closed") and (case.result_due or case.status == "decided"):
        rows.append(("出件期限", f"{due_text(case.result_due, case)}（决定后出件送达）"))
    return rows


# A decided item of a bundle whose results go out together while another item is still open (services.deadlines).
TOGETHER_WAITS = "统一出件：待本一件事其他事项作出决定后，自最后一个决定之日起计算"
