"""Overdue 容缺 promises: a material accepted as "supply later" and still missing after its promised date
raises a flag on its case, listed for the staff who can see the case; the applicant is told once per material.

The reminder is recorded on the material (CaseMaterial.overdue_notified_at) rather than as a CaseEvent: it is
a fact about one material, not a transition of the case, so it neither bumps the case's revision (staff
working on the case get no spurious conflict) nor needs a new workflow action; a conditional UPDATE makes
"once per material" hold even when two runs overlap. Each reminder is also in the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from tongban.audit.services import record as audit
from tongban.core import clock
from tongban.notifications.registry import Message
from tongban.notifications.services import notify

from . import services
from .domain.workflow import TERMINAL
from .models import Case, CaseMaterial
from .selectors import visible_cases


@dataclass(frozen=True)
class DeferralFlag:
    material: CaseMaterial
    case: Case
    due: dt.date
    days_overdue: int  # calendar days since the promised date

    @property
    def notified(self) -> bool:
        return self.material.overdue_notified_at is not None


def _overdue(today: dt.date):
    return (
        services.overdue_deferrals(today)
        .exclude(case__status__in=[s.value for s in TERMINAL])
        .select_related("case", "case__version", "case__deciding_department")
        .order_by("deferred_due", "case_id", "id")
    )


def deferral_flags(user: Any = None, today: dt.date | None = None) -> list[DeferralFlag]:
    """Every overdue deferred material of a case the user can see (user None: the platform itself, all)."""
    today = today or services.today()
    qs = _overdue(today)
    if user is not None:
        qs = qs.filter(case__in=visible_cases(user).values("pk"))
    return [DeferralFlag(m, m.case, m.deferred_due, (today - m.deferred_due).days) for m in qs]


def flagged_case_ids(user: Any = None, today: dt.date | None = None) -> set[int]:
    return {f.case.pk for f in deferral_flags(user, today)}


SENT, ALREADY, NO_PHONE = "sent", "already", "no_phone"
OUTCOME_LABELS = {SENT: "已提醒申请人", ALREADY: "此前已提醒", NO_PHONE: "无联系电话，未能提醒"}


def notify_overdue(flag: DeferralFlag) -> str:
    """Tell the applicant once per material: SENT now, ALREADY told before, or NO_PHONE to tell them on."""
    case, material = flag.case, flag.material
    if not case.applicant_phone:
        return NO_PHONE  # not marked: once a phone is on the case, the next run tells them
    now = clock.now()
    with transaction.atomic():
        claimed = CaseMaterial.objects.filter(
            pk=material.pk, state=CaseMaterial.State.DEFERRED, overdue_notified_at__isnull=True
        ).update(overdue_notified_at=now)
        if not claimed:
            return ALREADY
        material.overdue_notified_at = now
        audit(
            "case.deferral_overdue",
            "case",
            case.number,
            detail={"material": material.name, "due": flag.due.isoformat(), "days_overdue": flag.days_overdue},
        )
        due = flag.due
        notify(
            Message(
                case.applicant_phone,
                case.applicant_name,
                "容缺材料逾期未补交",
                f"【{case.number}】您承诺于{due.year}年{due.month}月{due.day}日前补交的“{material.name}”"
                f"已逾期{flag.days_overdue}天，请尽快补交；逾期不补交的，可能影响办件的办理。",
                case.number,
                "deferral_overdue",
            )
        )
    return SENT


def flag_overdue_deferrals(today: dt.date | None = None) -> list[tuple[DeferralFlag, str]]:
    """Every overdue deferral with what happened to its reminder this run (each material told only once)."""
    return [(f, ALREADY if f.notified else notify_overdue(f)) for f in deferral_flags(None, today)]
