"""Who may see a joint case and a cross-region case (domain/policy.py; pure, no database)."""

from __future__ import annotations

from tongban.core.actor import AccountKind, Actor, Role
from tongban.crossregion.domain.policy import JointFacts, XCaseFacts, may_see_joint, may_see_xcase

CENTRE, OTHER_CENTRE = 7, 8


def staff(role: Role, centre: int | None = CENTRE, user_id: int = 10) -> Actor:
    return Actor(user_id=user_id, kind=AccountKind.STAFF, role=role, centre_id=centre)


def citizen(user_id: int) -> Actor:
    return Actor(user_id=user_id, kind=AccountKind.CITIZEN)


JOINT = JointFacts(applicant_id=1, accepting_centre_id=CENTRE)


def test_a_joint_case_is_seen_by_its_centres_window_its_applicant_and_system_admins_only():
    assert may_see_joint(staff(Role.WINDOW_CLERK), JOINT)
    assert may_see_joint(citizen(1), JOINT)
    assert may_see_joint(staff(Role.SYSTEM_ADMIN, centre=None), JOINT)
    assert not may_see_joint(staff(Role.WINDOW_CLERK, OTHER_CENTRE), JOINT)
    assert not may_see_joint(staff(Role.APPROVER), JOINT)  # the centre's back office has its own cases
    assert not may_see_joint(citizen(2), JOINT)
    assert not may_see_joint(Actor(), JOINT)
    # An applicant without an account here (taken at the window) is matched by no citizen.
    assert not may_see_joint(citizen(2), JointFacts(applicant_id=None, accepting_centre_id=CENTRE))


def test_a_cross_region_case_receiving_side_by_the_window_and_applicant_deciding_side_by_the_case_core():
    receiving = XCaseFacts("receiving", applicant_id=1, receiving_centre_id=CENTRE)
    never = lambda: False  # noqa: E731  (the receiving side never asks the case core)
    assert may_see_xcase(staff(Role.WINDOW_CLERK), receiving, local_case_visible=never)
    assert may_see_xcase(citizen(1), receiving, local_case_visible=never)
    assert not may_see_xcase(citizen(2), receiving, local_case_visible=never)
    assert not may_see_xcase(staff(Role.WINDOW_CLERK, OTHER_CENTRE), receiving, local_case_visible=never)
    deciding = XCaseFacts("deciding", applicant_id=None, receiving_centre_id=None)
    assert may_see_xcase(staff(Role.APPROVER), deciding, local_case_visible=lambda: True)
    assert not may_see_xcase(staff(Role.WINDOW_CLERK), deciding, local_case_visible=lambda: False)
    assert may_see_xcase(staff(Role.SYSTEM_ADMIN, centre=None), deciding, local_case_visible=lambda: False)
