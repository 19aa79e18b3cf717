"""Who may see a case and who may do what to it — one table, used by pages, API and services alike."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tongban.accounts.roles import AccountKind, Role

from .models import Case
from .workflow import CaseAction

A = CaseAction
APPLICANT_ACTIONS = frozenset({A.SAVE_DRAFT, A.SUBMIT, A.RESUBMIT, A.SUPPLY_CORRECTION, A.SUPPLY_DEFERRED, A.WITHDRAW})
ROLE_ACTIONS: dict[Role, frozenset[CaseAction]] = {
    Role.WINDOW_CLERK: frozenset(
        {
            A.ACCEPT,
            A.ACCEPT_DEFERRED,
            A.ACCEPT_WAITING,
            A.REQUEST_CORRECTION,
            A.REFUSE,
            A.RESUBMIT,
            A.SUPPLY_DEFERRED,
            A.SUPPLY_CORRECTION,
            A.ISSUE_RESULT,
            A.RECORD_VISIT,
        }
    ),
    Role.APPROVER: frozenset(
        {A.COMPLETE_STEP, A.RETURN_FOR_CORRECTION, A.SUSPEND, A.RESUME, A.GRANT, A.DENY, A.RECORD_JOINT_STEP}
    ),
    Role.DEPARTMENT_HEAD: frozenset(
        {A.COMPLETE_STEP, A.RETURN_FOR_CORRECTION, A.SUSPEND, A.RESUME, A.GRANT, A.DENY, A.EXTEND, A.RECORD_JOINT_STEP}
    ),
    Role.SUPERVISOR: frozenset({A.SUPERVISE}),
}
# A bundle's item (一件事 child case) is submitted, accepted, refused, sent back for correction and issued as
# part of its bundle, at the bundle's page or API; done on the single case, the bundle's phase, deadlines and
# unified result desk would be bypassed. Back-office work and withdrawal stay on the item itself.
BUNDLE_DESK_ACTIONS = frozenset(
    {
        A.SUBMIT,
        A.ACCEPT,
        A.ACCEPT_DEFERRED,
        A.ACCEPT_WAITING,
        A.REFUSE,
        A.REQUEST_CORRECTION,
        A.RESUBMIT,
        A.ISSUE_RESULT,
    }
)


def desk_actions_excluded(case: Case) -> frozenset[CaseAction]:
    """The actions that go through the case's bundle instead (none for a case on its own)."""
    return BUNDLE_DESK_ACTIONS if case.bundle_case_id else frozenset()


def _role(user: Any) -> Role | None:
    if not getattr(user, "is_authenticated", False) or getattr(user, "kind", "") != AccountKind.STAFF:
        return None
    return Role(user.role) if user.role else None


def visible_cases(user: Any, qs: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """Citizens their own; clerks their centre's; approvers and heads their department's; supervisors their
    jurisdiction's; system administrators all. Anyone else: nothing."""
    qs = Case.objects.all() if qs is None else qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    role = _role(user)
    if role is None:
        return qs.filter(applicant_id=user.pk)
    if role == Role.SYSTEM_ADMIN:
        return qs
    if role == Role.WINDOW_CLERK and user.service_centre_id:
        return qs.filter(receiving_centre_id=user.service_centre_id)
    if role in (Role.APPROVER, Role.DEPARTMENT_HEAD) and user.department_id:
        return qs.filter(deciding_department_id=user.department_id)
    if role == Role.SUPERVISOR and user.division_id:
        return qs.filter(Q(deciding_division__path__startswith=user.division.path))
    return qs.none()


HANDLING_ROLES = frozenset({Role.WINDOW_CLERK, Role.APPROVER, Role.DEPARTMENT_HEAD, Role.SYSTEM_ADMIN})


def may_hold_query_code(user: Any, case: Case) -> bool:
    """The query code opens the case's public progress: the applicant's, and printed for them (receipts,
    notices) by the staff handling the case — not by a supervisor, who sees the case masked. The caller has
    already checked that the case is visible to the user."""
    role = _role(user)
    if role is None:
        return getattr(user, "is_authenticated", False) and case.applicant_id == user.pk
    return role in HANDLING_ROLES


def can_view(user: Any, case: Case) -> bool:
    """visible_cases for one case. The scoped roles compare the case's own columns (no query: this runs on
    every action, on the row the action has just locked); jurisdictions need the division tree."""
    if not getattr(user, "is_authenticated", False):
        return False
    role = _role(user)
    if role is None:
        return case.applicant_id == user.pk
    if role == Role.SYSTEM_ADMIN:
        return True
    if role == Role.WINDOW_CLERK and user.service_centre_id:
        return case.receiving_centre_id == user.service_centre_id
    if role in (Role.APPROVER, Role.DEPARTMENT_HEAD) and user.department_id:
        return case.deciding_department_id == user.department_id
    if role == Role.SUPERVISOR and user.division_id:
        return visible_cases(user, Case.objects.filter(pk=case.pk)).exists()
    return False


def can_act(user: Any, case: Case, action: CaseAction | str, *, via_bundle: bool = False) -> bool:
    """``via_bundle``: the bundle services act on their items; anyone else is sent to the bundle."""
    action = CaseAction(action)
    if not getattr(user, "is_authenticated", False):
        return False
    if not via_bundle and action in desk_actions_excluded(case):
        return False
    role = _role(user)
    if role is None:
        return case.applicant_id == user.pk and action in APPLICANT_ACTIONS
    if action not in ROLE_ACTIONS.get(role, frozenset()):
        return False
    return can_view(user, case)
