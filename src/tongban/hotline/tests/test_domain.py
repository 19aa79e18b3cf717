"""The hotline's pure domain: the state table and its guards, the policy, deadlines, duplicate fingerprints and
the indicators (no database)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tongban.hotline.domain import deadlines, similarity
from tongban.hotline.domain.flow import (
    TRANSITIONS,
    Action,
    FlowError,
    OrderFacts,
    Request,
    Status,
    allowed_actions,
    guard,
    next_status,
)
from tongban.hotline.domain.indicators import Counts, indicators, percent
from tongban.hotline.domain.policy import Duty, HotlineActor, denial, possible_actions, sees_caller_contact
from tongban.workdays.workcal import WorkingCalendar

A, S = Action, Status
TZ = ZoneInfo("Asia/Shanghai")


def test_the_whole_flow_from_receipt_to_rating_follows_the_table() -> None:
    status = S.RECEIVED
    for action in (A.DISPATCH, A.ACCEPT, A.REPLY, A.SUPERVISE, A.CLOSE, A.VISIT, A.RATE):
        with pytest.raises(FlowError):
            next_status(S.RATED, action)
        status = next_status(status, action) if action is not A.SUPERVISE else status
    assert status is S.RATED
    assert allowed_actions(S.RATED) == [] and allowed_actions(S.MERGED) == []


def test_return_and_reassignment_go_through_the_dispatch_centre() -> None:
    assert next_status(S.HANDLING, A.REQUEST_RETURN) is S.RETURN_REQUESTED
    assert next_status(S.RETURN_REQUESTED, A.APPROVE_RETURN) is S.RECEIVED
    assert next_status(S.RETURN_REQUESTED, A.REJECT_RETURN) is S.HANDLING
    assert all(TRANSITIONS[(s, A.REASSIGN)] is S.DISPATCHED for s in (S.DISPATCHED, S.HANDLING, S.RETURN_REQUESTED))
    with pytest.raises(FlowError) as exc:
        next_status(S.CLOSED, A.REASSIGN)
    assert exc.value.code == "invalid_transition" and "已办结" in exc.value.message


def test_guards_ask_for_what_each_step_needs() -> None:
    facts = OrderFacts(status=S.HANDLING, order_type="complaint", department_id=3, order_id=10)
    with pytest.raises(FlowError, match="办理结果"):
        guard(facts, A.REPLY, Request(text="  "))
    guard(facts, A.REPLY, Request(text="已处理"))
    with pytest.raises(FlowError, match="另一个"):
        guard(facts, A.REASSIGN, Request(department_id=3))
    with pytest.raises(FlowError, match="当场解答"):
        guard(OrderFacts(status=S.RECEIVED, order_type="complaint"), A.ANSWER_AT_ONCE, Request(text="答"))
    guard(OrderFacts(status=S.RECEIVED, order_type="enquiry"), A.ANSWER_AT_ONCE, Request(text="答"))
    received = OrderFacts(status=S.RECEIVED, order_type="complaint", order_id=10)
    with pytest.raises(FlowError, match="它自己"):
        guard(received, A.MERGE, Request(target_id=10, target_status=S.HANDLING))
    with pytest.raises(FlowError, match="已并单"):
        guard(received, A.MERGE, Request(target_id=11, target_status=S.MERGED))
    with pytest.raises(FlowError, match="满意程度"):
        guard(OrderFacts(status=S.VISITED, order_type="complaint"), A.RATE, Request(satisfaction="great"))


def test_the_policy_gives_each_duty_its_own_steps() -> None:
    operator = HotlineActor(user_id=1, duty=Duty.OPERATOR, staff=True)
    dispatcher = HotlineActor(user_id=2, duty=Duty.DISPATCHER, staff=True)
    handler = HotlineActor(user_id=3, department_id=7, staff=True)
    other_department = HotlineActor(user_id=4, department_id=8, staff=True)
    citizen = HotlineActor(user_id=5)
    replied = OrderFacts(status=S.REPLIED, order_type="complaint", department_id=7, creator_id=5)
    assert possible_actions(dispatcher, replied) == [A.SUPERVISE, A.REDO, A.CLOSE]
    assert possible_actions(operator, replied) == []
    assert denial(handler, replied, A.CLOSE) is not None
    assert denial(other_department, replied, A.SUPERVISE).code == "not_found"  # type: ignore[union-attr]
    handling = OrderFacts(status=S.HANDLING, order_type="complaint", department_id=7, creator_id=5)
    assert possible_actions(handler, handling) == [A.REQUEST_RETURN, A.REPLY]
    assert possible_actions(citizen, handling) == []
    assert denial(citizen, handling, A.REPLY).code == "forbidden"  # type: ignore[union-attr]
    # The caller's phone: the centre always, the department unless confidential, never another department.
    assert sees_caller_contact(operator, handling, confidential=True)
    assert sees_caller_contact(handler, handling, confidential=False)
    assert not sees_caller_contact(handler, handling, confidential=True)
    assert not sees_caller_contact(other_department, handling, confidential=False)


def _calendar() -> WorkingCalendar:
    # 2026-12-05/06 a weekend; nothing else special.
    return WorkingCalendar(known_years=frozenset({2026, 2027}))


def test_deadlines_by_type_category_and_emergency() -> None:
    start = dt.datetime(2026, 12, 4, 15, 30, tzinfo=TZ)  # a Friday
    cal = _calendar()
    ordinary = deadlines.limit_for("complaint", False, None, {})
    assert deadlines.due_at(start, ordinary, cal) == dt.datetime(2026, 12, 15, 15, 30, tzinfo=TZ)  # 7 working days
    water = deadlines.Limit(24, deadlines.LimitUnit.HOURS)
    assert deadlines.limit_for("help", False, water, {}) == water
    assert deadlines.due_at(start, water, cal) == dt.datetime(
        2026, 12, 5, 15, 30, tzinfo=TZ
    )  # the clock, weekend or not
    urgent = deadlines.limit_for("help", True, water, {})
    assert deadlines.due_at(start, urgent, cal) == dt.datetime(2026, 12, 4, 17, 30, tzinfo=TZ)
    configured = {"complaint": deadlines.Limit(5, deadlines.LimitUnit.WORKING_DAYS)}
    assert str(deadlines.limit_for("complaint", False, None, configured)) == "5个工作日"


def test_similar_texts_share_band_keys_and_different_ones_rarely_do() -> None:
    a = "暨阳街道某工地每天晚上十一点后还在施工，噪音很大，影响休息"
    b = "暨阳街道某工地每天晚上十一点以后还在施工，噪音太大，影响休息！"
    c = "在本地一家家电商店买的冰箱有质量问题，商家拒绝退货"
    sa, sb, sc = similarity.signature(a), similarity.signature(b), similarity.signature(c)
    assert set(similarity.band_keys(sa)) & set(similarity.band_keys(sb))
    assert not set(similarity.band_keys(sa)) & set(similarity.band_keys(sc))
    assert similarity.estimate(sa, sb) > 0.5 > similarity.estimate(sa, sc)
    assert similarity.signature("  ，。 ") == [] and similarity.band_keys([]) == []


def test_ranking_weighs_text_caller_and_place() -> None:
    text = "小区停水一整天没有通知"
    ranked = similarity.rank(
        text,
        "13900000000",
        "p1",
        [
            similarity.Candidate(1, "小区停水一整天没有任何通知", "", ""),
            similarity.Candidate(2, "小区停水", "13900000000", "p1"),
            similarity.Candidate(3, "电梯坏了", "13900000000", "p1"),  # same caller and place, another matter
        ],
    )
    assert [s.order_id for s in ranked] == [2, 1]
    assert ranked[0].same_caller and ranked[0].same_place


def test_indicators_are_none_without_anything_to_count() -> None:
    ind = indicators(
        Counts(
            received=10,
            dispatched=8,
            responded=6,
            finished=5,
            rated=4,
            satisfied=3,
            merged=2,
            enquiries=4,
            answered_at_once=3,
        )
    )
    assert (ind.response_rate, ind.finish_rate, ind.satisfaction_rate, ind.repeat_rate, ind.answered_at_once_rate) == (
        0.75,
        0.625,
        0.75,
        0.2,
        0.75,
    )
    assert indicators(Counts()).finish_rate is None and percent(None) == "—" and percent(0.5) == "50.0%"
