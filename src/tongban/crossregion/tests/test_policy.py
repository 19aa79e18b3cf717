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


def test_corrections_results_and_withdrawal_belong_to_the_applicant_side_of_the_receiving_node():
    from tongban.crossregion.domain.policy import may_answer_correction, may_get_results, may_withdraw

    online = XCaseFacts("receiving", 1, None, mode="online", status="correction")
    proxy = XCaseFacts("receiving", 1, CENTRE, mode="proxy", status="correction")
    assert may_answer_correction(citizen(1), online, visible=True)
    assert not may_answer_correction(citizen(1), proxy, visible=True)  # taken at a window: answered there
    assert may_answer_correction(staff(Role.WINDOW_CLERK), proxy, visible=True)
    assert not may_answer_correction(staff(Role.WINDOW_CLERK), proxy, visible=False)
    assert not may_answer_correction(
        staff(Role.WINDOW_CLERK), XCaseFacts("deciding", 1, CENTRE, "proxy", "correction"), visible=True
    )
    for rule in (may_get_results, may_withdraw):
        assert rule(citizen(1), proxy) and rule(staff(Role.WINDOW_CLERK), proxy)
        assert not rule(citizen(2), proxy) and not rule(staff(Role.WINDOW_CLERK, OTHER_CENTRE), proxy)
        assert not rule(staff(Role.SYSTEM_ADMIN, centre=None), proxy) and not rule(Actor(), proxy)
