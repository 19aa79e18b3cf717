"""Who may see a licence and who may do what to it: the one licence policy (pure; no Django).

- The holder (持证主体: the citizen by resident ID, the enterprise by credit code) sees their licence whole
  and may report it lost (挂失).
- Staff of the issuing department: approvers change, annotate, report lost, lift and cancel; the department
  head also revokes (吊销, a penalty) and annuls (撤销). Both see it whole.
- Whoever may see the personal data of the case it was issued for (cases' policy, asked by the selector)
  sees it whole: the handling staff.
- A system administrator sees it (the admin site); the platform itself only lets licences expire.
- Registering a licence an earlier system issued (存量证照归集): a system administrator for any issuer, the
  issuing department's approvers and head for their own department, the platform itself (demo data).
- Everyone else sees only the public verification page: status and a masked face.
"""

from __future__ import annotations

from dataclasses import dataclass

from tongban.core.actor import Actor, Role

from .workflow import ACTION_LABELS, LicenceAction, LicenceStatus, guard

A = LicenceAction

HOLDER_ACTIONS = frozenset({A.SUSPEND})
APPROVER_ACTIONS = frozenset({A.CHANGE, A.ANNOTATE, A.SUSPEND, A.RESUME, A.CANCEL})
HEAD_ACTIONS = APPROVER_ACTIONS | {A.REVOKE, A.ANNUL}
SYSTEM_ACTIONS = frozenset({A.EXPIRE, A.ISSUE})
STAFF_ACTIONS = (A.CHANGE, A.ANNOTATE, A.SUSPEND, A.RESUME, A.CANCEL, A.REVOKE, A.ANNUL)


@dataclass(frozen=True)
class LicenceFacts:
    status: LicenceStatus
    issuer_department_id: int
    is_holder: bool = False  # the actor's own resident ID or credit code is the holder's
    case_visible: bool = False  # the actor may see the personal data of the case it was issued for


@dataclass(frozen=True)
class Denied:
    code: str
    message: str
    status: int


def _issuer_staff(actor: Actor, facts: LicenceFacts) -> bool:
    return actor.staff and actor.department_id == facts.issuer_department_id


def may_view(actor: Actor, facts: LicenceFacts) -> bool:
    """May see the licence whole (its holder's identity and every field), not only the public check."""
    if actor.system:
        return True
    if not actor.authenticated:
        return False
    return facts.is_holder or actor.system_admin or _issuer_staff(actor, facts) or facts.case_visible


def may_register_existing(actor: Actor, issuer_department_id: int) -> bool:
    if actor.system or actor.system_admin:
        return True
    return (
        actor.staff
        and actor.department_id == issuer_department_id
        and actor.has_role(Role.APPROVER, Role.DEPARTMENT_HEAD)
    )


def allowed(actor: Actor, facts: LicenceFacts) -> frozenset[LicenceAction]:
    """The actions this actor's role allows on this licence (before the state table's say)."""
    if actor.system:
        return SYSTEM_ACTIONS
    if _issuer_staff(actor, facts):
        if actor.has_role(Role.DEPARTMENT_HEAD):
            return HEAD_ACTIONS
        if actor.has_role(Role.APPROVER):
            return APPROVER_ACTIONS
    if facts.is_holder and actor.applicant:
        return HOLDER_ACTIONS
    return frozenset()


def denial(actor: Actor, facts: LicenceFacts, action: LicenceAction, **guard_facts) -> Denied | None:
    """Why ``actor`` may not do ``action`` now: not theirs to see (404), not their role (403), or the table and
    its guards (409/400). None: they may."""
    if not may_view(actor, facts):
        return Denied("not_found", "未找到该证照，或您无权查看", 404)
    if action not in allowed(actor, facts):
        return Denied("forbidden", f"您无权对该证照执行“{ACTION_LABELS[action]}”", 403)
    refused = guard(facts.status, action, **guard_facts)
    if refused is not None:
        return Denied(refused.code, refused.message, refused.status)
    return None


def actions(actor: Actor, facts: LicenceFacts) -> list[LicenceAction]:
    """The buttons a licence page offers this actor now (the table ∩ the role), in a fixed order."""
    permitted = allowed(actor, facts)
    return [a for a in STAFF_ACTIONS if a in permitted and guard(facts.status, a, reason="-", changes={"-": 1}) is None]


# ---- using a licence: 亮证 and the look-up for a case ------------------------------------------------------


def may_show(actor: Actor, facts: LicenceFacts) -> bool:
    """Only the holder (a citizen or an enterprise signed in as itself) shows their licence by a code."""
    return actor.authenticated and actor.applicant and facts.is_holder


def may_redeem(actor: Actor) -> bool:
    """Any working staff member may redeem a code; the code itself may narrow it to one department."""
    return actor.authenticated and actor.staff and actor.active


def may_look_up(actor: Actor, handles_case: bool) -> bool:
    """Staff look a licence up only for a case they handle (cases' policy says whether they do)."""
    return actor.authenticated and actor.staff and handles_case
