"""Who may see a work order and do what with it (pure; no Django): the one policy of the hotline.

Duties: the call-taker (话务员) receives, answers on the spot, dispatches, merges and records the call-back;
the dispatch centre (派单/督办中心) also reviews 退单, reassigns, supervises, sends a reply back and closes; a
department's staff handle the orders dispatched to their department; the citizen who filed an order online
sees it and rates it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .flow import Action, FlowError, OrderFacts, Request, guard

A = Action


class Duty(StrEnum):
    OPERATOR = "operator"  # 话务员
    DISPATCHER = "dispatcher"  # 派单/督办中心


DUTY_LABELS = {Duty.OPERATOR: "话务员", Duty.DISPATCHER: "派单督办员"}


@dataclass(frozen=True)
class HotlineActor:
    user_id: int | None
    duty: str = ""  # a Duty, or "" for everyone else
    department_id: int | None = None  # a department's staff
    staff: bool = False

    @property
    def centre(self) -> bool:
        """Works at the hotline centre (call-taker or dispatcher)."""
        return self.duty in (Duty.OPERATOR, Duty.DISPATCHER)


OPERATOR_ACTIONS = frozenset({A.DISPATCH, A.ANSWER_AT_ONCE, A.MERGE, A.VISIT, A.RATE})
DISPATCHER_ACTIONS = OPERATOR_ACTIONS | {A.APPROVE_RETURN, A.REJECT_RETURN, A.REASSIGN, A.SUPERVISE, A.REDO, A.CLOSE}
DEPARTMENT_ACTIONS = frozenset({A.ACCEPT, A.REQUEST_RETURN, A.REPLY})


def handles(actor: HotlineActor, facts: OrderFacts) -> bool:
    return actor.staff and actor.department_id is not None and actor.department_id == facts.department_id


def may_see(actor: HotlineActor, facts: OrderFacts) -> bool:
    if actor.user_id is None:
        return False
    return actor.centre or handles(actor, facts) or (facts.creator_id == actor.user_id and not actor.staff)


def sees_caller_contact(actor: HotlineActor, facts: OrderFacts, confidential: bool) -> bool:
    """The caller's phone number in full: the centre always (it calls back); the handling department unless
    the caller asked for confidentiality (a 举报 is confidential by default); the caller themselves."""
    if actor.centre:
        return True
    if handles(actor, facts):
        return not confidential
    return facts.creator_id == actor.user_id and actor.user_id is not None


def denial(actor: HotlineActor, facts: OrderFacts, action: str, req: Request | None = None) -> FlowError | None:
    """Why ``actor`` may not perform ``action`` now, or None. Pages list exactly the actions this allows."""
    act = Action(action)
    if not may_see(actor, facts):
        return FlowError("not_found", "没有找到这张工单。")
    may = (
        (actor.duty == Duty.DISPATCHER and act in DISPATCHER_ACTIONS)
        or (actor.duty == Duty.OPERATOR and act in OPERATOR_ACTIONS)
        or (handles(actor, facts) and act in DEPARTMENT_ACTIONS)
    )
    if not may:
        return FlowError("forbidden", f"您没有权限对这张工单执行“{action_label(act)}”。")
    try:
        guard(facts, act, req)
    except FlowError as exc:
        return exc
    return None


def possible_actions(actor: HotlineActor, facts: OrderFacts) -> list[Action]:
    """The buttons a page shows: what the table allows now and the policy grants (inputs asked for later)."""
    from .flow import allowed_actions

    return [a for a in allowed_actions(facts.status) if denial(actor, facts, a) is None]


def action_label(action: Action) -> str:
    from .flow import ACTION_LABELS

    return ACTION_LABELS[action]
