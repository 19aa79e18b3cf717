"""The pure rules: the bad-rating table and its guards, who may rate and handle, the figures."""

from __future__ import annotations

import pytest

from tongban.core.actor import AccountKind, Actor, Role
from tongban.evaluation.domain import policy
from tongban.evaluation.domain.figures import Counts, figures_of, percent
from tongban.evaluation.domain.policy import ServiceFacts
from tongban.evaluation.domain.scale import LEVELS, Channel, Level, is_bad, parse_level
from tongban.evaluation.domain.workflow import (
    TABLE,
    Blocked,
    RectificationAction,
    RectificationFacts,
    RectificationStatus,
    Step,
    available,
    blocked_by,
    next_status,
)

S, A = RectificationStatus, RectificationAction
NOTE = Step(note="已当面致歉并调整窗口排班", allowed_days=(5, 15))


def code_of(refusal: Blocked | policy.Denial | None) -> str:
    assert refusal is not None
    return refusal.code


def facts(status: RectificationStatus, named: bool = True, appealed: bool = False) -> RectificationFacts:
    return RectificationFacts(status=status, named=named, appealed_before=appealed)


def test_five_levels_best_first_and_only_the_two_lowest_are_bad():
    assert [int(level) for level in LEVELS] == [5, 4, 3, 2, 1]
    assert [is_bad(level) for level in LEVELS] == [False, False, False, True, True]
    assert parse_level("3") is Level.BASICALLY_SATISFIED
    assert parse_level("6") is None and parse_level("x") is None and parse_level(None) is None


@pytest.mark.parametrize(
    ("path", "end"),
    [
        ([A.RECTIFY_AT_ONCE, A.CALL_BACK], S.CLOSED),
        ([A.SET_DEADLINE, A.COMPLETE, A.CALL_UNANSWERED, A.CALL_BACK], S.CLOSED),
        ([A.EXPLAIN, A.CALL_BACK], S.CLOSED),
        ([A.APPEAL, A.UPHOLD_APPEAL], S.EXCLUDED),
        ([A.APPEAL, A.DISMISS_APPEAL, A.RECTIFY_AT_ONCE], S.RECTIFIED),
    ],
)
def test_paths_through_the_table(path, end):
    status = S.PENDING
    appealed = False
    for action in path:
        step = Step(note="说明", days=5, allowed_days=(5, 15), satisfaction_after=4)
        assert blocked_by(facts(status, appealed=appealed), action, step) is None, (status, action)
        status = next_status(facts(status), action)
        appealed = appealed or action is A.APPEAL
    assert status is end


def test_everything_not_in_the_table_is_refused():
    for status in S:
        for action in A:
            refused = blocked_by(facts(status), action, Step(note="x", days=5, allowed_days=(5,), satisfaction_after=3))
            if (status, action) not in TABLE:
                assert refused is not None and refused.code == "not_allowed"
    assert not available(facts(S.EXCLUDED)) and not available(facts(S.CLOSED))


def test_guards():
    assert code_of(blocked_by(facts(S.PENDING), A.RECTIFY_AT_ONCE, Step())) == "note_required"
    assert (
        code_of(blocked_by(facts(S.PENDING), A.SET_DEADLINE, Step(note="计划", days=7, allowed_days=(5, 15))))
        == "bad_deadline"
    )
    assert blocked_by(facts(S.PENDING), A.SET_DEADLINE, Step(note="计划", days=15, allowed_days=(5, 15))) is None
    # a named rating is closed only by a call-back that reached the applicant, with the satisfaction afterwards
    assert code_of(blocked_by(facts(S.RECTIFIED), A.CLOSE, NOTE)) == "callback_required"
    assert code_of(blocked_by(facts(S.RECTIFIED), A.CALL_BACK, NOTE)) == "satisfaction_required"
    assert code_of(blocked_by(facts(S.RECTIFIED, named=False), A.CALL_BACK, NOTE)) == "anonymous"
    assert blocked_by(facts(S.RECTIFIED, named=False), A.CLOSE, Step()) is None
    # one appeal per rating
    assert code_of(blocked_by(facts(S.PENDING, appealed=True), A.APPEAL, NOTE)) == "appealed_before"
    assert A.APPEAL not in available(facts(S.PENDING, appealed=True))
    assert A.CALL_BACK not in available(facts(S.EXPLAINED, named=False))


def _actor(role: Role | None = None, kind: AccountKind = AccountKind.STAFF, **kw) -> Actor:
    return Actor(user_id=kw.pop("user_id", 1), kind=kind, role=role, **kw)


CITIZEN = _actor(kind=AccountKind.CITIZEN, user_id=7)
FINISHED = ServiceFacts(case_status="closed", applicant_user_id=7, division_path="/33/3306/330681/")


def test_only_the_applicant_rates_a_finished_case_once():
    assert policy.rating_denial(CITIZEN, Channel.ONLINE, FINISHED) is None
    other = _actor(kind=AccountKind.CITIZEN, user_id=8)
    assert code_of(policy.rating_denial(other, Channel.ONLINE, FINISHED)) == "not_applicant"
    running = ServiceFacts(case_status="in_progress", applicant_user_id=7)
    assert code_of(policy.rating_denial(CITIZEN, Channel.ONLINE, running)) == "not_finished"
    refused = ServiceFacts(case_status="refused", applicant_user_id=7)
    assert policy.rating_denial(CITIZEN, Channel.ONLINE, refused) is None
    rated = ServiceFacts(case_status="closed", applicant_user_id=7, already_rated=True)
    assert code_of(policy.rating_denial(CITIZEN, Channel.ONLINE, rated)) == "already_rated"
    # on site only through the clerk's screen
    assert code_of(policy.rating_denial(CITIZEN, Channel.ON_SITE, FINISHED)) == "token_required"
    assert policy.rating_denial(CITIZEN, Channel.ON_SITE, FINISHED, by_token=True) is None


def test_supervision_rating_within_the_jurisdiction():
    here = _actor(Role.SUPERVISOR, division_path="/33/3306/330681/")
    there = _actor(Role.SUPERVISOR, division_path="/33/3304/330482/")
    assert policy.rating_denial(here, Channel.SUPERVISION, FINISHED) is None
    assert code_of(policy.rating_denial(there, Channel.SUPERVISION, FINISHED)) == "not_supervisor"


def test_who_handles_a_bad_rating():
    path = "/33/3306/330681/"
    approver = _actor(Role.APPROVER, department_id=3)
    head = _actor(Role.DEPARTMENT_HEAD, department_id=3)
    elsewhere = _actor(Role.APPROVER, department_id=4)
    supervisor = _actor(Role.SUPERVISOR, division_path="/33/3306/")
    assert policy.rectification_denial(approver, 3, path, A.SET_DEADLINE) is None
    assert policy.rectification_denial(elsewhere, 3, path, A.SET_DEADLINE)
    assert policy.rectification_denial(approver, 3, path, A.APPEAL)  # the head appeals
    assert policy.rectification_denial(head, 3, path, A.APPEAL) is None
    assert policy.rectification_denial(head, 3, path, A.UPHOLD_APPEAL)  # nobody decides their own appeal
    assert policy.rectification_denial(supervisor, 3, path, A.UPHOLD_APPEAL) is None
    assert policy.rectification_denial(supervisor, 3, path, A.CALL_BACK)
    assert policy.may_see_rectifications(supervisor, 3, path) and not policy.may_see_rectifications(elsewhere, 3, path)
    assert not policy.may_see_rectifications(CITIZEN, 3, path)


def test_figures():
    f = figures_of(Counts(per_level={5: 6, 4: 2, 3: 1, 2: 1, 1: 0}, rectified=1, named_bad=1, called_back=0))
    assert f.total == 10 and f.bad == 1
    assert f.satisfaction_rate == 90.0 and f.rectification_rate == 100.0 and f.callback_rate == 0.0
    empty = figures_of(Counts())
    assert empty.total == 0 and empty.satisfaction_rate is None and percent(empty.satisfaction_rate) == "—"
    assert percent(figures_of(Counts(per_level={5: 2, 1: 1})).satisfaction_rate) == "66.7%"
