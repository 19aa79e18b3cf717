"""Reads of the sharing app: the subject's accesses and consents, the supervisors' flagged accesses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from tongban.accounts.masking import mask_name
from tongban.core import clock

from .domain.rules import FLAG_LABELS, REFUSAL_MESSAGES, Flag, Refusal
from .models import AccessRecord, Consent, DataResource, IntakeLink
from .providers import infos

# An application being taken at the window becomes a case within this time, or its look-ups are flagged.
INTAKE_GRACE = dt.timedelta(hours=1)
NOT_TAKEN = "收件未成件"


def subject_code_of(user: Any) -> str:
    """The code shared data is kept under for an account: the resident ID, or the enterprise's USCC."""
    return str(getattr(user, "id_number", "") or getattr(user, "uscc", "") or "")


def field_labels() -> dict[tuple[str, str], str]:
    return {(info.key, k): label for info in infos().values() for k, label in info.fields}


@dataclass(frozen=True)
class AccessLine:
    record: AccessRecord
    case_number: str
    resource_name: str
    fields: list[str]
    flags: list[str]
    refusal: str

    @property
    def who(self) -> str:
        """The staff member as the data subject sees them: masked, as other staff names shown to the public."""
        return mask_name(self.record.user_label)


def lines(records: list[AccessRecord]) -> list[AccessLine]:
    """Records as people read them: a window intake shows the case it became; fields by their names."""
    labels = field_labels()
    order = {key: i for i, key in enumerate(labels)}  # the provider's order of its fields
    names = dict(DataResource.objects.values_list("code", "name"))
    keys = {r.intake_key for r in records if r.intake_key and not r.case_number}
    cases = dict(IntakeLink.objects.filter(intake_key__in=keys).values_list("intake_key", "case_number"))
    out = []
    for r in records:
        shown = sorted(r.fields_given or r.fields_asked, key=lambda k: order.get((r.provider, k), len(order)))
        flags = [FLAG_LABELS[Flag(f)] for f in r.flags if f in Flag._value2member_map_]
        if r.intake_key and r.intake_key not in cases:
            flags.append(NOT_TAKEN)
        out.append(
            AccessLine(
                record=r,
                case_number=r.case_number or cases.get(r.intake_key, ""),
                resource_name=names.get(r.resource_code, r.resource_code),
                fields=[labels.get((r.provider, k), k) for k in shown],
                flags=flags,
                refusal=REFUSAL_MESSAGES[Refusal(r.refusal)] if r.refusal in Refusal._value2member_map_ else "",
            )
        )
    return out


def accesses_to(user: Any, limit: int = 200) -> QuerySet[AccessRecord]:
    """谁查看了我的数据: every access to the account's data (given, not found or refused), newest first."""
    code = subject_code_of(user)
    if not code:
        return AccessRecord.objects.none()
    return AccessRecord.objects.filter(subject_code=code).order_by("-at", "-id")[:limit]


def consents_of(user: Any) -> QuerySet[Consent]:
    code = subject_code_of(user)
    if not code:
        return Consent.objects.none()
    return Consent.objects.filter(subject_code=code).select_related("resource").order_by("-given_at", "-id")


def flagged(limit: int = 200, now: dt.datetime | None = None) -> QuerySet[AccessRecord]:
    """Accesses a supervisor should look at: without a case, outside working hours, in bulk, refused, or for an
    application at the window that was never taken (an intake an hour old with no case)."""
    now = now or clock.now()
    taken = IntakeLink.objects.filter(intake_key=OuterRef("intake_key"))
    abandoned = Q(intake_key__gt="", at__lt=now - INTAKE_GRACE) & ~Exists(taken)
    return AccessRecord.objects.filter(~Q(flags=[]) | Q(outcome=AccessRecord.Outcome.REFUSED) | abandoned).order_by(
        "-at", "-id"
    )[:limit]


@dataclass(frozen=True)
class MonthFigures:
    accesses: int
    refused: int
    flagged: int
    materials_replaced: int  # 减材料: materials applicants did not bring because shared data stood for them


def month_figures(now: dt.datetime | None = None) -> MonthFigures:
    """This calendar month's look-ups (refused, flagged) and the materials shared data replaced (减材料)."""
    now = now or clock.now()
    start = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    month = AccessRecord.objects.filter(at__gte=start)
    replaced = IntakeLink.objects.filter(at__gte=start).values_list("materials_replaced", flat=True)
    return MonthFigures(
        accesses=month.count(),
        refused=month.filter(outcome=AccessRecord.Outcome.REFUSED).count(),
        flagged=month.exclude(flags=[]).count(),
        materials_replaced=sum(len(m or []) for m in replaced),
    )
