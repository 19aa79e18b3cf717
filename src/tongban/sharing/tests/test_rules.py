"""The pure rules of sharing (no database): which fields a request is given, and why one is refused."""

from __future__ import annotations

from dataclasses import replace

from ..domain import filling
from ..domain.rules import Ask, Flag, Refusal, Resource, Rule, SharingType, decide

BASIC = frozenset({"name", "gender", "address"})
PERSON = Resource(
    "population",
    SharingType.CONDITIONAL,
    frozenset({"name", "gender", "address", "ethnicity"}),
    (
        Rule("window_clerk", BASIC, needs_case=True),
        Rule("approver", BASIC | {"ethnicity"}, needs_case=True, needs_consent=True),
        Rule("approver", BASIC, item_code="ITEM-1", needs_case=True),
    ),
)
CLERK_ASK = Ask(
    "window_clerk", 1, "ITEM-1", "受理申请", frozenset({"name", "gender"}), has_case=True, handles_case=True
)


def test_the_fields_asked_that_a_rule_allows_are_given_the_others_withheld() -> None:
    decision = decide(PERSON, replace(CLERK_ASK, fields=frozenset({"name", "ethnicity"})))
    assert decision.allowed and decision.given == {"name"} and decision.withheld == {"ethnicity"}


def test_a_conditional_resource_needs_a_case_the_requester_handles() -> None:
    assert decide(PERSON, replace(CLERK_ASK, has_case=False, handles_case=False)).refusal is Refusal.CASE_REQUIRED
    assert decide(PERSON, replace(CLERK_ASK, handles_case=False)).refusal is Refusal.NOT_HANDLING


def test_consent_opens_only_the_rule_that_needs_it() -> None:
    approver = Ask("approver", 1, "ITEM-2", "审查", frozenset({"name", "ethnicity"}), has_case=True, handles_case=True)
    assert decide(PERSON, approver).refusal is Refusal.CONSENT_REQUIRED
    assert decide(PERSON, replace(approver, consent=True)).given == {"name", "ethnicity"}
    # For ITEM-1 a rule without consent gives the basic fields; ethnicity still needs the consent.
    item1 = replace(approver, item_code="ITEM-1")
    assert decide(PERSON, item1).given == {"name"}


def test_roles_and_departments_outside_the_rules_get_nothing() -> None:
    assert decide(PERSON, replace(CLERK_ASK, role="supervisor")).refusal is Refusal.NOT_IN_CATALOGUE
    scoped = Resource("x", SharingType.UNCONDITIONAL, BASIC, (Rule("approver", BASIC, department_id=7),))
    ask = Ask("approver", 8, "", "核对", BASIC)
    assert decide(scoped, ask).refusal is Refusal.NOT_IN_CATALOGUE
    assert decide(scoped, replace(ask, department_id=7)).given == BASIC


def test_not_shared_bulk_rate_and_purpose() -> None:
    closed = replace(PERSON, sharing_type=SharingType.NOT_SHARED)
    assert decide(closed, CLERK_ASK).refusal is Refusal.NOT_SHARED
    public = Resource("e", SharingType.UNCONDITIONAL, BASIC, (Rule("window_clerk", BASIC),))
    single = Ask("window_clerk", 1, "", "核对", BASIC)
    assert decide(public, single).allowed and decide(public, single).flags == {Flag.NO_CASE}
    assert decide(public, replace(single, subjects=20)).refusal is Refusal.BULK_WITHOUT_CASE
    assert decide(public, replace(single, recent_subjects=5)).refusal is Refusal.BULK_WITHOUT_CASE
    assert decide(public, replace(single, rate_exceeded=True)).refusal is Refusal.RATE_LIMITED
    assert decide(public, replace(single, purpose=" ")).refusal is Refusal.PURPOSE_REQUIRED
    assert decide(public, replace(single, fields=frozenset({"salary"}))).refusal is Refusal.NO_FIELDS


def test_access_outside_working_hours_is_flagged_not_refused() -> None:
    decision = decide(PERSON, CLERK_ASK, working_time=False)
    assert decision.allowed and decision.flags == {Flag.OFF_HOURS}


def test_form_keys_and_replaced_materials() -> None:
    assert filling.wanted("population", {"name", "gender", "residence_address"}) == {
        "name": "name",
        "gender": "gender",
        "address": "residence_address",
        "household_address": "",  # asked to check the household, shown without a field to fill
    }
    assert filling.wanted("legal_entity", {"enterprise_name", "registered_address"}) == {
        "name": "enterprise_name",
        "address": "registered_address",
        "legal_representative": "",
    }
    assert filling.replaced(["居民户口簿（原件）", "结婚证"], ["居民户口簿", "户口簿"]) == ["居民户口簿（原件）"]


def test_an_items_own_credit_measures_replace_the_general_ones() -> None:
    from ..domain.credit import Line, Measure, Standing, applicable

    lines = [
        Line(Standing.DISHONEST, Measure.NO_DEFERRAL),
        Line(Standing.DISHONEST, Measure.STRICT_REVIEW),
        Line(Standing.GOOD, Measure.DEFERRAL),
        Line(Standing.DISHONEST, Measure.NO_COMMITMENT, item_code="ITEM-1"),
    ]
    assert applicable(Standing.DISHONEST, "ITEM-2", lines) == [Measure.NO_DEFERRAL, Measure.STRICT_REVIEW]
    assert applicable(Standing.DISHONEST, "ITEM-1", lines) == [Measure.NO_COMMITMENT]
    assert applicable(Standing.GOOD, "ITEM-1", lines) == [Measure.DEFERRAL]
    assert applicable(Standing.NONE, "ITEM-1", lines) == []
