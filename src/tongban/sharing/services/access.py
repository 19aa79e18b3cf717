"""Asking for shared data: the one entry point. Every request, given or refused, becomes one AccessRecord and
one entry on the audit chain, in one transaction, before any value leaves this function."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tongban.audit.services import record as audit
from tongban.cases.domain.policy import handles, may_take_applications
from tongban.cases.facts import case_facts
from tongban.cases.models import Case
from tongban.catalogue.models import ItemImplementation
from tongban.core import clock, ratelimit
from tongban.core.actor import Actor
from tongban.core.errors import DomainError
from tongban.workdays.selectors import current_calendar
from tongban.workdays.workcal import UnknownCalendarYear

from .. import providers, selectors
from ..domain import rules
from ..models import AccessRecord, Consent, DataResource

WORKING_HOURS = (dt.time(8, 30), dt.time(17, 30))
RATE_PERIOD_SECONDS = 60.0


@dataclass
class Answer:
    record: AccessRecord
    decision: rules.Decision
    values: dict[str, str] = field(default_factory=dict)

    @property
    def refused(self) -> bool:
        return not self.decision.allowed

    @property
    def found(self) -> bool:
        return self.record.outcome == AccessRecord.Outcome.GIVEN


def digest(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def working_time(at: dt.datetime) -> bool:
    local = timezone.localtime(at)
    try:
        workday = current_calendar().is_working_day(local.date())
    except UnknownCalendarYear:
        workday = local.weekday() < 5
    return workday and WORKING_HOURS[0] <= local.time() < WORKING_HOURS[1]


def resource_spec(resource: DataResource) -> rules.Resource:
    return rules.Resource(
        code=resource.code,
        sharing_type=resource.kind,
        fields=frozenset(resource.fields.values_list("key", flat=True)),
        rules=tuple(
            rules.Rule(
                role=r.role,
                fields=frozenset(r.fields),
                item_code=r.item.code if r.item is not None else "",
                department_id=r.department_id,
                needs_case=r.needs_case,
                needs_consent=r.needs_consent,
            )
            for r in resource.rules.select_related("item")
        ),
    )


def consent_in_force(subject_code: str, resource: DataResource, item_code: str) -> Consent | None:
    found = Consent.objects.filter(subject_code=subject_code, resource=resource, withdrawn_at__isnull=True)
    for consent in found.order_by("-given_at", "-id"):
        if not consent.item_code or consent.item_code == item_code:
            return consent
    return None


def _case_facts(actor: Actor, case_number: str, subject_code: str) -> tuple[str, bool]:
    """(the case's item code, whether the requester handles the case and the subject is one of its parties)."""
    case = Case.objects.select_related("implementation").filter(number=case_number).first()
    if case is None:
        return "", False
    party = subject_code in {case.applicant_id_number, case.agent_id_number}
    return case.implementation.code, party and handles(actor, case_facts(case))


def takes_item_at_window(user: Any, actor: Actor, item_code: str) -> bool:
    """An application being taken at the window: the clerk's centre serves the item (as 一窗受理 lists them)."""
    centre = getattr(user, "service_centre", None)
    if not may_take_applications(actor) or centre is None:
        return False
    return ItemImplementation.objects.filter(code=item_code, department__in=centre.departments.all()).exists()


def _workplace(user: Any) -> str:
    """Where the requester works, as the data subject reads it: their department, or a clerk's service centre."""
    place = getattr(user, "department", None) or getattr(user, "service_centre", None)
    return str(getattr(place, "name", "") or "")[:100]


def _recent_subjects(user: Any, at: dt.datetime) -> int:
    since = at - dt.timedelta(hours=1)
    rows = AccessRecord.objects.filter(user=user, at__gte=since, case_number="", intake_key="")
    return rows.values("subject_code").distinct().count()


def ask(
    user: Any,
    actor: Actor,
    *,
    resource_code: str,
    subject_code: str,
    fields: list[str] | tuple[str, ...] | frozenset[str],
    purpose: str,
    case_number: str = "",
    item_code: str = "",
    intake_key: str = "",
    subjects: int = 1,
    ip: str = "",
) -> Answer:
    """Ask ``resource_code`` for ``fields`` of ``subject_code``. The catalogue's rules decide (domain.rules);
    whether the requester handles the case is the case core's policy. Refusals are recorded as accesses too.
    ``intake_key``: an application the clerk is taking now at the window (it becomes a case on submission)."""
    resource = DataResource.objects.filter(code=resource_code, active=True).select_related("department").first()
    if resource is None:
        raise DomainError("unknown_resource", "共享目录中没有该数据资源", "resource", status=404)
    if not actor.staff:
        raise DomainError("forbidden", "只有工作人员可以调取共享数据", None, status=403)
    subject_code = (subject_code or "").strip().upper()
    case_number = (case_number or "").strip()
    at = clock.now()
    has_case, handling = False, False
    if case_number:
        has_case = True
        item_code, handling = _case_facts(actor, case_number, subject_code)
    elif intake_key:
        has_case = True
        handling = takes_item_at_window(user, actor, item_code)
    consent = consent_in_force(subject_code, resource, item_code)
    limit = settings.TONGBAN_SHARING_RATE_LIMIT
    request = rules.Ask(
        role=str(actor.staff_role or ""),
        department_id=actor.department_id,
        item_code=item_code,
        purpose=purpose or "",
        fields=frozenset(fields),
        subjects=max(1, subjects),
        has_case=has_case,
        handles_case=handling,
        consent=consent is not None,
        recent_subjects=0 if has_case else _recent_subjects(user, at),
        rate_exceeded=ratelimit.hit(f"sharing:{user.pk}", limit, RATE_PERIOD_SECONDS),
    )
    decision = rules.decide(resource_spec(resource), request, working_time=working_time(at))
    values: dict[str, str] | None = None
    if decision.allowed:
        values = providers.provider(resource.provider).fetch(subject_code, decision.given)
    record = _record(
        user,
        request,
        decision,
        resource,
        subject_code=subject_code,
        case_number=case_number,
        item_code=item_code,
        intake_key=intake_key,
        values=values,
        consent=consent,
        ip=ip,
        at=at,
    )
    return Answer(record, decision, values or {})


def _record(
    user: Any,
    request: rules.Ask,
    decision: rules.Decision,
    resource: DataResource,
    *,
    subject_code: str,
    case_number: str,
    item_code: str,
    intake_key: str,
    values: dict[str, str] | None,
    consent: Consent | None,
    ip: str,
    at: dt.datetime,
) -> AccessRecord:
    """The access, given or refused, as one append-only record and one audit entry, in one transaction."""
    outcome = AccessRecord.Outcome.REFUSED
    if decision.allowed:
        outcome = AccessRecord.Outcome.GIVEN if values is not None else AccessRecord.Outcome.NOT_FOUND
    asked = sorted(request.fields)
    request_payload = {
        "resource": resource.code,
        "subject": subject_code,
        "fields": asked,
        "purpose": request.purpose,
        "case": case_number,
        "item": item_code,
        "user": user.pk,
        "at": at.isoformat(),
    }
    with transaction.atomic():
        record = AccessRecord(
            at=at,
            user=user,
            user_label=(getattr(user, "real_name", "") or user.get_username())[:100],
            role=request.role,
            department=getattr(user, "department", None),
            department_name=_workplace(user),
            purpose=request.purpose[:200],
            item_code=item_code[:60],
            case_number=case_number[:40],
            intake_key=intake_key[:80],
            subject_code=subject_code[:18],
            resource_code=resource.code,
            provider=resource.provider,
            fields_asked=asked,
            fields_given=sorted(values) if values else [],
            request_hash=digest(request_payload),
            response_hash=digest(values) if values is not None else "",
            outcome=outcome.value,
            refusal=decision.refusal.value if decision.refusal else "",
            flags=sorted(f.value for f in decision.flags),
            consent=consent,
            ip=ip[:45],
        )
        record.save()
        audit(
            "sharing.access",
            "sharing_access",
            record.pk,
            actor=user,
            ip=ip,
            detail={
                "resource": resource.code,
                "subject": subject_code,
                "case": case_number,
                "outcome": outcome.value,
                "refusal": record.refusal,
                "request_hash": record.request_hash,
                "response_hash": record.response_hash,
            },
        )
    return record


OWN_ROLE = "subject"  # the data subject reading their own data (an applicant filling their form)


def own(user: Any, *, resource_code: str, fields: list[str], purpose: str, item_code: str = "", ip: str = "") -> Answer:
    """The data subject reads their own record (the online form fills from it): any field of a shared
    resource, none of one not shared; on their record like every other access."""
    resource = DataResource.objects.filter(code=resource_code, active=True).first()
    subject_code = selectors.subject_code_of(user)
    if resource is None or not subject_code:
        raise DomainError("unknown_resource", "共享目录中没有该数据资源", "resource", status=404)
    at = clock.now()
    spec = resource_spec(resource)
    request = rules.Ask(OWN_ROLE, None, item_code, purpose, frozenset(fields) & spec.fields, has_case=True)
    if resource.kind is rules.SharingType.NOT_SHARED:
        decision = rules.Decision(refusal=rules.Refusal.NOT_SHARED)
    elif not request.fields:
        decision = rules.Decision(refusal=rules.Refusal.NO_FIELDS)
    else:
        decision = rules.Decision(given=request.fields)
    values = providers.provider(resource.provider).fetch(subject_code, decision.given) if decision.allowed else None
    record = _record(
        user,
        request,
        decision,
        resource,
        subject_code=subject_code,
        case_number="",
        item_code=item_code,
        intake_key="",
        values=values,
        consent=None,
        ip=ip,
        at=at,
    )
    return Answer(record, decision, values or {})
