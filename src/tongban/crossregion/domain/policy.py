"""Who may see a cross-region case and a joint case (pure; no Django). The deciding side's copy is seen by
whoever the case core's one policy lets see its local case: the caller answers that (lazily)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tongban.core.actor import Actor

from .workflow import Mode, Side, XStatus

WINDOW_CLERK = "window_clerk"


@dataclass(frozen=True)
class XCaseFacts:
    side: str
    applicant_id: int | None
    receiving_centre_id: int | None
    mode: str = ""
    status: str = ""


@dataclass(frozen=True)
class JointFacts:
    applicant_id: int | None
    accepting_centre_id: int | None  # the centre of the clerk who took it


def _window_clerk_of(actor: Actor, centre_id: int | None) -> bool:
    role = actor.staff_role
    return role is not None and role.value == WINDOW_CLERK and centre_id is not None and actor.centre_id == centre_id


def may_see_joint(actor: Actor, joint: JointFacts) -> bool:
    """The accepting centre's window clerks, the applicant (their own), system administrators."""
    if not actor.authenticated:
        return False
    if actor.system_admin:
        return True
    if actor.applicant:
        return joint.applicant_id is not None and joint.applicant_id == actor.user_id
    return _window_clerk_of(actor, joint.accepting_centre_id)


def may_see_xcase(actor: Actor, xcase: XCaseFacts, *, local_case_visible: Callable[[], bool]) -> bool:
    """The receiving side: the applicant (their own, on the node where they applied) and the receiving centre's
    window clerks; the deciding side: whoever may see its local case; system administrators both."""
    if not actor.authenticated:
        return False
    if actor.system_admin:
        return True
    if xcase.side == Side.RECEIVING:
        if actor.applicant:
            return xcase.applicant_id is not None and xcase.applicant_id == actor.user_id
        return _window_clerk_of(actor, xcase.receiving_centre_id)
    return local_case_visible()


def _own(actor: Actor, xcase: XCaseFacts) -> bool:
    return xcase.applicant_id is not None and xcase.applicant_id == actor.user_id


def may_answer_correction(actor: Actor, xcase: XCaseFacts, *, visible: bool) -> bool:
    """Who answers a correction on the receiving side: the applicant of a 全程网办 case (online), the receiving
    centre's staff for a case it took (异地代收, 多地联办)."""
    if xcase.side != Side.RECEIVING or xcase.status != XStatus.CORRECTION or not visible:
        return False
    if actor.applicant:
        return xcase.mode == Mode.ONLINE
    return actor.staff_role is not None and xcase.receiving_centre_id == actor.centre_id


def may_get_results(actor: Actor, xcase: XCaseFacts) -> bool:
    """The result files (personal documents): the applicant, and the window clerks of the centre that took the
    case — not other staff, not administrators."""
    if xcase.side != Side.RECEIVING or not actor.authenticated:
        return False
    return _own(actor, xcase) or _window_clerk_of(actor, xcase.receiving_centre_id)


def may_withdraw(actor: Actor, xcase: XCaseFacts) -> bool:
    """The applicant (their own case) or, on the applicant's request, a window clerk of the receiving centre."""
    if not actor.authenticated or xcase.side != Side.RECEIVING:
        return False
    return _own(actor, xcase) or _window_clerk_of(actor, xcase.receiving_centre_id)
