"""Asking for shared data through the one service: the matrix of issue 10 (role/department × resource × with
and without a case × with and without consent → exactly the fields the catalogue allows), every access on
record and on the audit chain, refusals included; consent withdrawn stops use; bulk and rate limits."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest

from tongban.audit.models import AuditEntry
from tongban.core import clock
from tongban.core.models import AppendOnlyError

from ..models import AccessRecord
from ..selectors import accesses_to
from ..services import consent as consents
from ..services.access import ask
from .factories import BASIC, ENTITY, SharingWorld, sharing_world

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
THURSDAY_MORNING = dt.datetime(2026, 12, 3, 10, 0, tzinfo=SHANGHAI)
SATURDAY_NIGHT = dt.datetime(2026, 12, 5, 22, 0, tzinfo=SHANGHAI)

ASKED = {
    "population": [*BASIC, "ethnicity"],
    "legal_entity": [*ENTITY, "registered_capital"],
    "credit": ["standing", "list_name"],
    "social_insurance": ["employer", "months_paid"],
}
HANDLERS = ("clerk", "approver", "head")  # the case's centre's clerk, 公安's approver and head
OUTSIDERS = ("other_approver", "supervisor")  # 人社's approver; the county's supervisor


def expected(who: str, provider: str, with_case: bool, with_consent: bool) -> set[str] | str:
    """The catalogue of factories.catalogue, written out by hand: the fields given, or the refusal's code."""
    handles = who in HANDLERS
    if with_case and not handles:
        return "not_handling"
    if provider == "legal_entity":  # 无条件共享; a case is of a person, not of this enterprise
        if with_case:
            return "not_handling"
        return {*ENTITY, "registered_capital"} if who == "approver" else set(ENTITY)  # a rule of 公安's only
    if provider == "social_insurance" and who not in ("approver", "other_approver"):
        return "not_in_catalogue"
    if provider in ("population", "credit") and who == "supervisor":
        return "not_in_catalogue"
    if not with_case:
        return "case_required"
    if provider == "population":
        return {*BASIC, "ethnicity"} if with_consent else set(BASIC)
    if provider == "credit":
        return {"standing", "list_name"}
    return {"employer", "months_paid"} if with_consent else "consent_required"


@pytest.fixture
def sw() -> SharingWorld:
    return sharing_world()


def test_the_matrix_gives_exactly_the_allowed_fields_and_every_access_appears_to_its_subject(sw: SharingWorld) -> None:
    people = {name: getattr(sw.w, name) for name in (*HANDLERS, *OUTSIDERS)}
    asked = 0
    for with_consent in (False, True):
        if with_consent:
            for res in sw.resources.values():
                consents.give(
                    subject_code=sw.subject,
                    subject_name="王五",
                    resource=res,
                    fields=ASKED[res.provider],
                    purpose="办理新生儿入户",
                    controllers="诸暨市公安局",
                    collected="window",
                )
        for (name, user), provider, with_case in itertools.product(people.items(), ASKED, (False, True)):
            subject = sw.uscc if provider == "legal_entity" else sw.subject
            answer = ask(
                user,
                user.actor,
                resource_code=sw.resources[provider].code,
                subject_code=subject,
                fields=ASKED[provider],
                purpose="核对申请信息",
                case_number=sw.case.number if with_case else "",
                item_code=sw.case.implementation.code,
            )
            asked += 1
            want = expected(name, provider, with_case, with_consent)
            case = (name, provider, with_case, with_consent)
            if isinstance(want, str):
                assert answer.refused and answer.decision.refusal == want and answer.values == {}, case
                assert answer.record.outcome == "refused" and answer.record.fields_given == [], case
            else:
                assert not answer.refused and set(answer.values) == want, (case, answer.decision)
                assert set(answer.record.fields_given) == want, case
    assert AccessRecord.objects.count() == asked
    assert AuditEntry.objects.filter(action="sharing.access").count() == asked
    # The subject sees every access to their data, refusals too, with the case it was for.
    seen = list(accesses_to(sw.w.other_citizen))
    assert len(seen) == AccessRecord.objects.exclude(subject_code=sw.uscc).count() > 0
    assert {r.case_number for r in seen} == {"", sw.case.number}


def test_a_request_outside_the_catalogue_is_refused_and_recorded_and_the_record_is_never_edited(
    sw: SharingWorld,
) -> None:
    def snoop() -> AccessRecord:
        return ask(
            sw.w.supervisor,
            sw.w.supervisor.actor,
            resource_code="population-basic",
            subject_code=sw.subject,
            fields=["name", "address"],
            purpose="随便看看",
        ).record

    with clock.moved_to(SATURDAY_NIGHT):
        assert snoop().flags == ["no_case", "off_hours"]
    AccessRecord.objects.all()._raw_delete(AccessRecord.objects.db)  # start again: only the working-time one
    with clock.moved_to(THURSDAY_MORNING):
        record = snoop()
    assert record.outcome == "refused" and record.fields_given == []
    assert record.refusal == "not_in_catalogue" and record.user == sw.w.supervisor and record.flags == ["no_case"]
    assert len(record.request_hash) == 64 and record.response_hash == ""
    entry = AuditEntry.objects.filter(action="sharing.access").latest("id")
    assert entry.object_id == str(record.pk) and entry.detail["request_hash"] == record.request_hash
    record.purpose = "改过"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()


def test_a_withdrawn_consent_stops_further_use(sw: SharingWorld) -> None:
    consent = consents.give(
        subject_code=sw.subject,
        subject_name="王五",
        resource=sw.resources["population"],
        fields=["ethnicity"],
        purpose="办理新生儿入户",
        controllers="诸暨市公安局",
        collected="online_form",
        subject=sw.w.other_citizen,
    )

    def ethnicity() -> dict[str, str]:
        return ask(
            sw.w.approver,
            sw.w.approver.actor,
            resource_code="population-basic",
            subject_code=sw.subject,
            fields=["ethnicity"],
            purpose="核对民族",
            case_number=sw.case.number,
        ).values

    assert ethnicity() == {"ethnicity": "汉族"}
    assert AccessRecord.objects.get().consent == consent
    consents.withdraw(sw.w.other_citizen, consent.pk)
    assert ethnicity() == {}
    assert AccessRecord.objects.order_by("id").last().refusal == "consent_required"  # type: ignore[union-attr]


def test_bulk_look_ups_without_a_case_are_refused_and_requests_are_rate_limited(sw: SharingWorld, settings) -> None:
    clerk = sw.w.clerk

    def by_code(code: str) -> str:
        answer = ask(
            clerk, clerk.actor, resource_code="legal-entity-basic", subject_code=code, fields=["name"], purpose="核对"
        )
        return answer.decision.refusal or "given"

    outcomes = [by_code(f"91330681MA{i:07d}X") for i in range(7)]
    assert outcomes[:5] == ["given"] * 5 and outcomes[5:] == ["bulk_without_case"] * 2
    assert all("bulk" in r.flags for r in AccessRecord.objects.filter(refusal="bulk_without_case"))
    settings.TONGBAN_SHARING_RATE_LIMIT = 3
    approver = sw.w.approver
    results = [
        ask(
            approver,
            approver.actor,
            resource_code="credit-standing",
            subject_code=sw.subject,
            fields=["standing"],
            purpose="信用核查",
            case_number=sw.case.number,
        ).decision.refusal
        for _ in range(4)
    ]
    assert results == [None, None, None, "rate_limited"]
