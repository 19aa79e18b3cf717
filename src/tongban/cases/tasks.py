"""The cases' periodic work, done by the worker (tongban worker): reminders of overdue 容缺 promises, and
deadlines recomputed after the working calendar changed (at once through the outbox when an administrator
edits the calendar, and daily as a safety net)."""

from __future__ import annotations

from tongban import outbox
from tongban.outbox.models import Message
from tongban.workdays.selectors import CALENDAR_CHANGED_TOPIC

from . import deferrals
from .services.deadlines import recompute_open_deadlines


@outbox.periodic("cases.deferral_reminders", seconds=3600, label="提醒逾期未补交容缺材料的申请人")
def remind_overdue_deferrals() -> int:
    return sum(1 for _, outcome in deferrals.flag_overdue_deferrals() if outcome == deferrals.SENT)


@outbox.periodic("cases.deadlines", seconds=86400, label="按工作日历重算在办办件的办结期限", first_delay=3600)
def recompute_deadlines_daily() -> int:
    return recompute_open_deadlines()


@outbox.register(CALENDAR_CHANGED_TOPIC)
def calendar_changed(message: Message) -> None:
    recompute_open_deadlines()  # idempotent: a redelivery recomputes the same dates
