"""When a work order is due (pure; no Django): by type and category, hours on the clock, days in working days.

An emergency (紧急) is due in hours on the clock (default 2); a category may set its own limit (water, power,
gas and heat: 24 hours; a complex category: 15 working days); otherwise the type's limit applies (default 7
working days). Every figure is configurable: the admin's 办理时限规则 replace these defaults.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from tongban.workdays.workcal import Unit, WorkingCalendar, add_days


class LimitUnit(StrEnum):
    HOURS = "hours"  # 小时（自然时间）
    WORKING_DAYS = "working_days"  # 工作日


UNIT_LABELS = {LimitUnit.HOURS: "小时", LimitUnit.WORKING_DAYS: "个工作日"}

URGENT = "urgent"  # the key of the emergency rule beside the order types


@dataclass(frozen=True)
class Limit:
    value: int
    unit: str

    def __str__(self) -> str:
        return f"{self.value}{UNIT_LABELS[LimitUnit(self.unit)]}"


DEFAULT_RULES: dict[str, Limit] = {
    URGENT: Limit(2, LimitUnit.HOURS),
    "enquiry": Limit(7, LimitUnit.WORKING_DAYS),
    "help": Limit(7, LimitUnit.WORKING_DAYS),
    "complaint": Limit(7, LimitUnit.WORKING_DAYS),
    "report": Limit(7, LimitUnit.WORKING_DAYS),
    "suggestion": Limit(7, LimitUnit.WORKING_DAYS),
}


def limit_for(order_type: str, urgent: bool, category_limit: Limit | None, rules: dict[str, Limit]) -> Limit:
    """The limit in force: emergency first, then the category's own, then the type's."""
    table = {**DEFAULT_RULES, **rules}
    if urgent:
        return table[URGENT]
    if category_limit is not None:
        return category_limit
    return table[order_type]


def due_at(start: dt.datetime, limit: Limit, calendar: WorkingCalendar) -> dt.datetime:
    """Hours run on the clock; working days end at the same time of day on the last working day."""
    if LimitUnit(limit.unit) is LimitUnit.HOURS:
        return start + dt.timedelta(hours=limit.value)
    day = add_days(calendar, start.date(), limit.value, Unit.WORKING)
    return start.replace(year=day.year, month=day.month, day=day.day)


def overdue(deadline: dt.datetime | None, finished_at: dt.datetime | None, now: dt.datetime) -> bool:
    if deadline is None:
        return False
    return (finished_at or now) > deadline
