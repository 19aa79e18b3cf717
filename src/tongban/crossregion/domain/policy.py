"""Who may see a cross-region case and a joint case (pure; no Django). The deciding side's copy is seen by
whoever the case core's one policy lets see its local case: the caller answers that (lazily)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tongban.core.actor import Actor

from .workflow import Side

WINDOW_CLERK = "window_clerk"


@dataclass(frozen=True)
class XCaseFacts:
    side: str
    applicant_id: int | None
    receiving_centre_id: int | None


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
