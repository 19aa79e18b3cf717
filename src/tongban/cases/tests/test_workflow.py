import pytest

from tongban.cases.domain.workflow import (
    STATUS_LABELS,
    TERMINAL,
    TRANSITIONS,
    CaseAction,
    CaseStatus,
    CaseTransitionError,
    allowed_actions,
    next_status,
)


def test_every_state_and_action_is_labelled():
    assert set(STATUS_LABELS) == set(CaseStatus)
    assert {a for _, a in TRANSITIONS} <= set(CaseAction)


def test_terminal_states_have_no_way_out_but_visits():
    for status in TERMINAL:
        assert set(allowed_actions(status)) <= {CaseAction.RECORD_VISIT}


def test_happy_path():
    status = CaseStatus.DRAFT
    for action in ["submit", "accept", "complete_step", "suspend", "resume", "grant", "issue_result"]:
        status = next_status(status, action)
    assert status is CaseStatus.CLOSED


def test_refused_transition_names_both_in_chinese():
    with pytest.raises(CaseTransitionError, match=r"已办结.*准予"):
        next_status("closed", "grant")


def test_every_non_terminal_state_can_reach_a_terminal_state():
    graph: dict[CaseStatus, set[CaseStatus]] = {}
    for (s, _), t in TRANSITIONS.items():
        graph.setdefault(s, set()).add(t)
    for start in set(CaseStatus) - TERMINAL:
        seen, frontier = {start}, [start]
        while frontier:
            for nxt in graph.get(frontier.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        assert seen & TERMINAL, start
