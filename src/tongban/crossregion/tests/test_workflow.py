"""The cross-region state table, its sides and guards, and the joint case's legs (pure, fast)."""

import pytest

from tongban.crossregion.domain.workflow import (
    ISSUE_TO_WINDOW,
    JointPhase,
    Leg,
    Mode,
    Side,
    XAction,
    XFacts,
    XStatus,
    XTransitionError,
    allowed_actions,
    check_dependencies,
    joint_phase,
    legs_to_end,
    legs_to_start,
    next_status,
)

A, S = XAction, XStatus
RECV, DEC = Side.RECEIVING, Side.DECIDING


def facts(status: str, side: Side = RECV, mode: Mode = Mode.PROXY, **kw) -> XFacts:
    return XFacts(status=status, mode=mode, side=side, **kw)


def blocked(f: XFacts, action: XAction, **kw) -> str:
    with pytest.raises(XTransitionError) as exc:
        next_status(f, action, **kw)
    return exc.value.blocked.code


def test_the_proxy_path_on_both_sides():
    # The receiving window takes and forwards; the deciding node's actions arrive there as reports.
    assert next_status(facts(""), A.TAKE) is S.TAKEN
    assert next_status(facts(S.TAKEN), A.FORWARD) is S.FORWARDED
    assert next_status(facts(S.FORWARDED), A.REQUEST_CORRECTION, remote=True) is S.CORRECTION
    assert next_status(facts(S.CORRECTION), A.RESUBMIT) is S.FORWARDED
    assert next_status(facts(S.FORWARDED), A.ACCEPT, remote=True) is S.ACCEPTED
    assert next_status(facts(S.ACCEPTED), A.GRANT, remote=True) is S.DECIDED
    decided = facts(S.DECIDED, decision="granted")
    assert next_status(decided, A.ISSUE_RESULT, delivery=ISSUE_TO_WINDOW, remote=True) is S.RESULT_SENT
    assert next_status(facts(S.RESULT_SENT), A.HAND_OVER) is S.CLOSED
    # The deciding side does the same rows the other way round.
    assert next_status(facts(S.FORWARDED, DEC), A.ACCEPT) is S.ACCEPTED
    assert next_status(facts(S.CORRECTION, DEC), A.RESUBMIT, remote=True) is S.FORWARDED


def test_a_side_never_does_what_belongs_to_the_other():
    assert blocked(facts(S.FORWARDED, RECV), A.ACCEPT) == "wrong_side"  # the window cannot accept for A
    assert blocked(facts(S.TAKEN, DEC), A.FORWARD) == "wrong_side"
    assert blocked(facts(S.FORWARDED, DEC), A.ACCEPT, remote=True) == "wrong_side"  # a peer cannot accept for A


def test_state_and_guards():
    assert blocked(facts(S.TAKEN), A.RESUBMIT) == "state"
    assert blocked(facts(S.TAKEN, materials_scanned=False), A.FORWARD) == "materials_unscanned"
    assert blocked(facts(S.TAKEN, identity_checked=False), A.FORWARD) == "identity_unchecked"
    assert blocked(facts(S.WAITING, mode=Mode.JOINT, prerequisites_granted=False), A.FORWARD) == "prerequisite_open"
    assert blocked(facts(S.DECIDED, DEC), A.ISSUE_RESULT, delivery="pigeon") == "delivery"
    online = facts(S.DECIDED, DEC, Mode.ONLINE, decision="granted")
    assert blocked(online, A.ISSUE_RESULT, delivery=ISSUE_TO_WINDOW) == "delivery"
    assert next_status(online, A.ISSUE_RESULT, delivery="electronic") is S.CLOSED
    # A denial goes out as a notice and ends the case, wherever it was to be picked up.
    assert next_status(facts(S.DECIDED, DEC, decision="denied"), A.ISSUE_RESULT, delivery=ISSUE_TO_WINDOW) is S.CLOSED


def test_buttons_are_this_sides_actions_only():
    assert allowed_actions(facts(S.TAKEN)) == [A.FORWARD, A.WITHDRAW]
    assert allowed_actions(facts(S.TAKEN, materials_scanned=False)) == [A.WITHDRAW]
    assert allowed_actions(facts(S.FORWARDED)) == [A.WITHDRAW]  # waiting for the deciding node
    assert allowed_actions(facts(S.RESULT_SENT)) == [A.HAND_OVER]
    assert set(allowed_actions(facts(S.FORWARDED, DEC))) == {A.ACCEPT, A.REFUSE, A.REQUEST_CORRECTION}


def test_joint_legs_start_in_turn_and_a_failure_ends_those_after_it():
    out = Leg("out", S.FORWARDED)
    into = Leg("in", S.WAITING, depends_on=("out",))
    last = Leg("card", S.WAITING, depends_on=("in",))
    assert legs_to_start([out, into, last]) == []
    out_granted = Leg("out", S.CLOSED, "granted")
    assert legs_to_start([out_granted, into, last]) == ["in"]
    assert joint_phase([out_granted, into, last]) is JointPhase.RUNNING
    out_denied = Leg("out", S.CLOSED, "denied")
    assert sorted(legs_to_end([out_denied, into, last])) == ["card", "in"]
    assert joint_phase([out_denied, into, last]) is JointPhase.FAILED
    done = [out_granted, Leg("in", S.CLOSED, "granted", ("out",)), Leg("card", S.CLOSED, "granted", ("in",))]
    assert joint_phase(done) is JointPhase.DONE
    # Granted, but a result still waits at the window for the applicant: not yet 联办完成.
    at_window = [*done[:2], Leg("card", S.RESULT_SENT, "granted", ("in",))]
    assert joint_phase(at_window) is JointPhase.RUNNING


def test_joint_dependencies_name_legs_and_never_go_round():
    check_dependencies({"a": (), "b": ("a",), "c": ("a", "b")})
    with pytest.raises(ValueError, match="不存在"):
        check_dependencies({"a": ("z",)})
    with pytest.raises(ValueError, match="循环"):
        check_dependencies({"a": ("b",), "b": ("a",)})


def test_offers_follow_the_guides_scope_and_depth():
    from tongban.crossregion.domain.offers import ItemFacts, offer_of

    assert offer_of(ItemFacts("c1", "无犯罪记录证明", "national", 4)) == {
        "item_code": "c1",
        "name": "无犯罪记录证明",
        "scope": "cross_province",
        "modes": ["online", "proxy"],
    }
    move = offer_of(ItemFacts("c2", "工作调动户口迁移", "province", 3, joint_handling=True))
    pension = offer_of(ItemFacts("c3", "企业职工基本养老保险关系转移接续", "national", 4, joint_handling=True))
    assert move is not None and move["modes"] == ["proxy", "joint"]
    assert pension is not None and pension["modes"] == ["online", "proxy", "joint"]
    # The guide's flag decides, not the name: a household move whose guide does not say so is no leg.
    unflagged = offer_of(ItemFacts("c5", "夫妻投靠户口迁移", "national", 3))
    assert unflagged is not None and "joint" not in unflagged["modes"]
    assert offer_of(ItemFacts("c4", "个体工商户登记", "city", 4)) is None


def test_a_joint_leg_that_waits_for_nothing_opens_taken_not_waiting_and_starts_at_once():
    from tongban.crossregion.domain.workflow import Leg, Side, XFacts, legs_to_start, next_status

    opening = XFacts(status="", mode=Mode.JOINT, side=Side.RECEIVING)
    assert next_status(opening, A.OPEN_LEG) == S.TAKEN
    assert next_status(XFacts(status="", mode=Mode.JOINT, side=Side.RECEIVING, waits=True), A.OPEN_LEG) == S.WAITING
    first, second = Leg("out", S.TAKEN), Leg("in", S.WAITING, depends_on=("out",))
    assert legs_to_start([first, second]) == ["out"]


def test_the_applicant_withdraws_until_the_decision_and_only_from_the_receiving_side():
    for before in (S.TAKEN, S.WAITING, S.FORWARDED, S.CORRECTION, S.ACCEPTED):
        assert next_status(facts(before), A.WITHDRAW) is S.WITHDRAWN
        assert next_status(facts(before, DEC), A.WITHDRAW, remote=True) is S.WITHDRAWN
    for after_decision in (S.DECIDED, S.RESULT_SENT, S.CLOSED, S.REFUSED, S.TERMINATED, S.WITHDRAWN):
        assert blocked(facts(after_decision), A.WITHDRAW) == "state"
    assert blocked(facts(S.ACCEPTED, DEC), A.WITHDRAW) == "wrong_side"  # the deciding node cannot withdraw for them
    assert A.WITHDRAW in allowed_actions(facts(S.ACCEPTED))
    assert A.WITHDRAW not in allowed_actions(facts(S.DECIDED, decision="granted"))
    assert A.WITHDRAW not in allowed_actions(facts(S.ACCEPTED, DEC))


def test_a_joint_matter_withdrawn_is_withdrawn_whatever_its_other_legs_did():
    legs = [Leg("out", S.CLOSED, "granted"), Leg("in", S.WITHDRAWN, "", ("out",))]
    assert joint_phase(legs) is JointPhase.WITHDRAWN
    assert legs_to_start(legs) == [] and legs_to_end(legs) == []


def test_a_correction_lists_material_lines_apart_from_form_fields_and_notes():
    from tongban.crossregion.domain.corrections import material_lines, missing_materials

    items = ["居民身份证（申请人）复印件不清晰", "申请表“开具用途”栏需更正", "请说明用途", "授权委托书"]
    names = ["居民身份证（申请人）", "授权委托书", ""]
    lines = material_lines(items, names, ["申请表“开具用途”栏需更正"])
    assert lines == ["居民身份证（申请人）复印件不清晰", "授权委托书"]
    assert missing_materials(lines, ["授权委托书"]) == ["居民身份证（申请人）复印件不清晰"]
