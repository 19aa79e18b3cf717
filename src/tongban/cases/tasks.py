"""The cases' periodic work, done by the worker (tongban worker): reminders of overdue 容缺 promises, and
deadlines recomputed after the working calendar changed (at once through the outbox when an administrator
edits the calendar, and daily as a safety net)."""

from __future__ import annotations

from django.db import transaction

from tongban import outbox
from tongban.outbox.models import Message
from tongban.workdays.selectors import CALENDAR_CHANGED_TOPIC

from . import deferrals, services
from .models import Case
from .workflow import CaseStatus

# Cases whose time limit is still running or paused; a decided case's due dates are its record.
TIMED = (CaseStatus.IN_PROGRESS, CaseStatus.RETURNED, CaseStatus.SUSPENDED)


@outbox.periodic("cases.deferral_reminders", seconds=3600, label="提醒逾期未补交容缺材料的申请人")
def remind_overdue_deferrals() -> int:
    return sum(1 for _, outcome in deferrals.flag_overdue_deferrals() if outcome == deferrals.SENT)


@outbox.periodic("cases.deadlines", seconds=86400, label="按工作日历重算在办办件的办结期限", first_delay=3600)
def recompute_deadlines_daily() -> int:
    return recompute_open_deadlines()


@outbox.register(CALENDAR_CHANGED_TOPIC)
def calendar_changed(message: Message) -> None:
    recompute_open_deadlines()  # idempotent: a redelivery recomputes the same dates


def recompute_open_deadlines() -> int:
    """Recompute the due dates of every case whose clock runs or is paused; returns how many changed.
    One short transaction per case, with its row locked, so a transition never interleaves with it."""
    changed = 0
    open_ids = (
        Case.objects.filter(status__in=[s.value for s in TIMED], accepted_on__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in open_ids.iterator():
        with transaction.atomic():
            case = Case.objects.select_for_update(of=("self",)).filter(pk=pk).first()
            if case is None or case.status not in TIMED:
                continue
            before = (case.promised_due, case.statutory_due, case.calendar_unknown)
            services.recompute_deadlines(case)
            after = (case.promised_due, case.statutory_due, case.calendar_unknown)
            if after != before:
                # Derived dates only: no revision bump, so staff working on the case meet no conflict.
                Case.objects.filter(pk=pk).update(
                    promised_due=case.promised_due,
                    statutory_due=case.statutory_due,
                    calendar_unknown=case.calendar_unknown,
                )
                changed += 1
    return changed
