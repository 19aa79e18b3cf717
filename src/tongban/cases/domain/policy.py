"""Who may see a case or a bundle case, see its personal data unmasked, and do what to it now (pure; no Django).

This is the one place these questions are answered. Pages, templates, notice PDFs, receipts, material
downloads, the API, the admin and the bundle pages ask it; the services enforce the very same functions
before they act, so no page shows a button that then fails and no API allows what a page hides.

The rules (written down for people in docs/privacy.md):
- Visibility follows the actor's scope: applicants (and a proxy, 代办人, with an account) their own cases; a
  window clerk the cases received at their service centre; approvers and department heads the cases their
  department decides; supervisors the cases decided in their jurisdiction (division subtree); the system
  administrator every case. A draft is no application yet: only its author sees it. Bundle cases: the same,
  where "their department" means a department deciding one of the bundle's items, and a supervisor's
  jurisdiction covers the receiving division and every item's division.
- Personal data in full (resident ID, phone, the form, uploaded files, query codes) only for those who need it
  to do the work: the applicant themself and the staff handling the case (the receiving centre's window
  clerks; the deciding department's approvers and heads). Supervisors and the system administrator see every
  case they oversee masked: oversight of time limits and of the platform needs no identity. A proxy sees
  the applicant's data masked. Every unmasked view is written to the audit log by the surface showing it.
- Actions: the state table and its guards (domain.workflow, domain.bundle_workflow) ∩ what the actor's role
  may do ∩ the actor's scope. A bundle's items are submitted, accepted, refused, sent for correction and
  issued through the bundle (``Actor.via_bundle``, set only by the bundle services after this module allowed
  the bundle action); back-office review and decisions stay on each item.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tongban.core.actor import Actor, Role

from . import bundle_workflow as bw
from . import workflow as wf
from .bundle_workflow import BundleAction, BundleFacts, BundlePhase
from .workflow import ACTION_LABELS, CaseAction, CaseFacts, CaseStatus

A, R = CaseAction, Role
S = CaseStatus
BA, BP = BundleAction, BundlePhase


# ---- scope ----------------------------------------------------------------------------------------------


class ScopeKind(StrEnum):
    NOTHING = "nothing"
    OWN = "own"  # the applicant's (or proxy's) own
    CENTRE = "centre"  # received at the actor's service centre
    DEPARTMENT = "department"  # decided by the actor's department
    JURISDICTION = "jurisdiction"  # decided within the actor's division subtree
    EVERYTHING = "everything"


@dataclass(frozen=True)
class Scope:
    """Which cases an actor may see, as data: the selectors turn it into a query, ``in_scope`` tests one case."""

    kind: ScopeKind
    user_id: int | None = None
    centre_id: int | None = None
    department_id: int | None = None
    division_path: str = ""


NOTHING = Scope(ScopeKind.NOTHING)
HANDLING_ROLES = frozenset({R.WINDOW_CLERK, R.APPROVER, R.DEPARTMENT_HEAD})
OVERSIGHT_ROLES = frozenset({R.SUPERVISOR, R.SYSTEM_ADMIN})


def scope_of(actor: Actor) -> Scope:
    if actor.system:
        return Scope(ScopeKind.EVERYTHING)
    if not actor.authenticated:
        return NOTHING
    if actor.applicant:
        return Scope(ScopeKind.OWN, user_id=actor.user_id)
    if actor.system_admin:
        return Scope(ScopeKind.EVERYTHING)
    role = actor.staff_role
    if role is R.WINDOW_CLERK and actor.centre_id:
        return Scope(ScopeKind.CENTRE, centre_id=actor.centre_id)
    if role in (R.APPROVER, R.DEPARTMENT_HEAD) and actor.department_id:
        return Scope(ScopeKind.DEPARTMENT, department_id=actor.department_id)
    if role is R.SUPERVISOR and actor.division_path:
        return Scope(ScopeKind.JURISDICTION, division_path=actor.division_path)
    return NOTHING


def in_scope(scope: Scope, facts: CaseFacts) -> bool:
    kind = scope.kind
    if kind is ScopeKind.EVERYTHING:
        return True
    if kind is ScopeKind.OWN:
        return scope.user_id is not None and scope.user_id in (facts.applicant_id, facts.agent_id)
    if kind is ScopeKind.CENTRE:
        return facts.receiving_centre_id == scope.centre_id
    if kind is ScopeKind.DEPARTMENT:
        return facts.deciding_department_id == scope.department_id
    if kind is ScopeKind.JURISDICTION:
        return facts.deciding_division_path.startswith(scope.division_path)
    return False


# ---- seeing a case --------------------------------------------------------------------------------------


def is_own(actor: Actor, facts: CaseFacts) -> bool:
    """The applicant themself (not a proxy)."""
    return actor.applicant and facts.applicant_id is not None and facts.applicant_id == actor.user_id


def is_proxy(actor: Actor, facts: CaseFacts) -> bool:
    return (
        actor.applicant and facts.agent_id is not None and facts.agent_id == actor.user_id and not is_own(actor, facts)
    )


def may_see_case(actor: Actor, facts: CaseFacts) -> bool:
    if facts.status == S.DRAFT:
        return is_own(actor, facts)  # a draft is no application yet
    return in_scope(scope_of(actor), facts)


def may_see_personal(actor: Actor, facts: CaseFacts) -> bool:
    """Resident ID, phone, the form, uploaded files and the query code, in full."""
    if actor.system or not may_see_case(actor, facts):
        return False
    if actor.applicant:
        return is_own(actor, facts)
    return actor.staff_role in HANDLING_ROLES


def handles(actor: Actor, facts: CaseFacts) -> bool:
    """Staff handling this open case now (its centre's clerks, its deciding department's approvers and head):
    who may ask other departments' data for it (a licence look-up, 免证办)."""
    return actor.staff_role in HANDLING_ROLES and facts.status in wf.OPEN and may_see_personal(actor, facts)


def sees_names_in_lists(actor: Actor) -> bool:
    """Lists (queues, boards) show whose case a row is by name to applicants (their own) and to the staff
    handling the cases listed (the list is already scoped to them); supervisors see names masked."""
    return actor.applicant or actor.staff_role in HANDLING_ROLES


def sees_internals(actor: Actor, facts: CaseFacts) -> bool:
    """Staff names on the timeline, supervision notices: for staff who may see the case, never applicants."""
    return actor.staff and may_see_case(actor, facts)


# ---- acting on a case -----------------------------------------------------------------------------------

APPLICANT_ACTIONS = frozenset({A.SAVE_DRAFT, A.SUBMIT, A.RESUBMIT, A.SUPPLY_CORRECTION, A.SUPPLY_DEFERRED, A.WITHDRAW})
# A proxy brings what is missing; applying, drafting and withdrawing stay the applicant's.
PROXY_ACTIONS = frozenset({A.RESUBMIT, A.SUPPLY_CORRECTION, A.SUPPLY_DEFERRED})
ROLE_ACTIONS: dict[Role, frozenset[CaseAction]] = {
    R.WINDOW_CLERK: frozenset({
        A.ACCEPT, A.ACCEPT_DEFERRED, A.ACCEPT_WAITING, A.REQUEST_CORRECTION, A.REFUSE, A.RESUBMIT,
        A.SUPPLY_DEFERRED, A.SUPPLY_CORRECTION, A.ISSUE_RESULT, A.RECORD_VISIT,
    }),
    R.APPROVER: frozenset({
        A.COMPLETE_STEP, A.RETURN_FOR_CORRECTION, A.SUSPEND, A.RESUME, A.GRANT, A.DENY,
    }),
    R.DEPARTMENT_HEAD: frozenset({
        A.COMPLETE_STEP, A.RETURN_FOR_CORRECTION, A.SUSPEND, A.RESUME, A.GRANT, A.DENY, A.EXTEND,
    }),
    R.SUPERVISOR: frozenset({A.SUPERVISE}),
}  # fmt: skip
# Front-desk actions on a bundle's item go through its bundle (its phase, deadlines and unified result desk).
BUNDLE_DESK_ACTIONS = frozenset(
    {A.SUBMIT, A.ACCEPT, A.ACCEPT_DEFERRED, A.ACCEPT_WAITING, A.REFUSE, A.REQUEST_CORRECTION, A.RESUBMIT,
     A.ISSUE_RESULT}
)  # fmt: skip
# What the bundle itself does to its items, whichever department decides them: ending an item whose
# prerequisite failed (the window's refusal at acceptance) and recording a joint step's outcome on every item
# involved (an approver of one of the departments).
BUNDLE_FLOW_ACTIONS: dict[CaseAction, frozenset[Role]] = {
    A.TERMINATE: frozenset({R.WINDOW_CLERK}),
    A.RECORD_JOINT_STEP: frozenset({R.APPROVER, R.DEPARTMENT_HEAD}),
}
# What only the platform does by itself: a dependent item starts on its prerequisite's grant, or ends.
SYSTEM_ACTIONS = frozenset({A.START, A.HOLD_START, A.TERMINATE, A.RECORD_JOINT_STEP})
# What the platform does for a case another node received (跨域通办): the correction that node's window took
# from the applicant and forwarded is resubmitted here as it arrives; a withdrawal made there withdraws it here.
NODE_ACTIONS = frozenset({A.RESUBMIT, A.WITHDRAW})
# On such a case the applicant is at the other node: what they bring or do reaches this node only through the
# platform acting for that node. Nobody here takes these (a local resubmission would move the case on while
# the cross-region copy still waits for the correction, and jam the receiving node's later messages).
RECEIVING_NODE_ONLY = frozenset({A.RESUBMIT, A.WITHDRAW, A.RECORD_VISIT})


@dataclass(frozen=True)
class Denied:
    """Why not: 403 (not the actor's to do, whatever the state) or 409 (not possible now)."""

    status: int
    code: str
    message: str


def _forbidden(action: CaseAction) -> Denied:
    return Denied(403, "forbidden", f"您无权对该办件执行“{ACTION_LABELS[action]}”")


def _permitted(actor: Actor, facts: CaseFacts, action: CaseAction) -> Denied | None:
    """Whether the action is the actor's to do on this case at all (role, scope, bundle), state aside."""
    if actor.system:
        if action in SYSTEM_ACTIONS or (action in NODE_ACTIONS and facts.received_by_node):
            return None
        return _forbidden(action)
    if facts.received_by_node and action in RECEIVING_NODE_ONLY:
        return Denied(
            403, "receiving_node", f"申请人在收件地办理：“{ACTION_LABELS[action]}”由收件地窗口办理后经跨域消息转来"
        )
    if action is A.ATTACH_MATERIAL:  # uploading is one rule, whatever the upload does
        return material_denial(actor, facts)
    if facts.in_bundle and action in BUNDLE_DESK_ACTIONS and not actor.via_bundle:
        return Denied(403, "bundle_item", f"该事项属于一件事，“{ACTION_LABELS[action]}”请在一件事办件中办理")
    if actor.via_bundle and facts.in_bundle and action in BUNDLE_FLOW_ACTIONS:
        return None if actor.staff_role in BUNDLE_FLOW_ACTIONS[action] else _forbidden(action)
    if not may_see_case(actor, facts):
        return _forbidden(action)
    if actor.applicant:
        if is_own(actor, facts):
            return None if action in APPLICANT_ACTIONS else _forbidden(action)
        return None if action in PROXY_ACTIONS else _forbidden(action)
    role = actor.staff_role
    if role is None or action not in ROLE_ACTIONS.get(role, frozenset()):
        return _forbidden(action)
    return None


def case_denial(actor: Actor, facts: CaseFacts, action: CaseAction) -> Denied | None:
    """None if ``actor`` may perform ``action`` on the case now; else why not. Services raise on it; pages and
    the API list ``case_actions``, which is this function over every action of the table."""
    denied = _permitted(actor, facts, action)
    if denied is not None:
        return denied
    blocked = wf.blocked_by(facts, action)
    return Denied(409, blocked.code, blocked.message) if blocked else None


def case_actions(actor: Actor, facts: CaseFacts) -> frozenset[CaseAction]:
    """The buttons: every action of the table the actor may perform now (uploading has its own place on the
    pages and the API, asked of ``material_denial``)."""
    return frozenset(
        a
        for a in wf.allowed_actions(facts.status)
        if a is not A.ATTACH_MATERIAL and case_denial(actor, facts, a) is None
    )


# Uploading a file is no transition: who may add material, and when.
APPLICANT_UPLOAD_STATES = frozenset({S.DRAFT, S.CORRECTION, S.RETURNED})
# A bundle's waiting item: the desk brings what it lacks beside its prerequisite's result (then it can start).
CLERK_UPLOAD_STATES = frozenset({S.SUBMITTED, S.CORRECTION, S.RETURNED, S.WAITING})
# Accepted already: a file changes only as the correction the office asked for names it.
ACCEPTED_UPLOAD_STATES = frozenset({S.RETURNED})


def correction_asks_for(name: str, items: tuple[str, ...]) -> bool:
    """Whether a correction list names the material (an item is its name, or mentions it: "结婚证（需清晰）")."""
    name = name.strip()
    return bool(name) and any(name in item for item in items)


def material_denial(actor: Actor, facts: CaseFacts, name: str | None = None) -> Denied | None:
    """Whether the actor may upload a material (``name``: that one) to the case now. After acceptance nothing
    is swapped except what a return for correction names; without a name, whether any upload is possible."""
    status = S(facts.status)
    if not may_see_case(actor, facts) or actor.system:
        return Denied(403, "forbidden", "您无权为该办件上传材料")
    if facts.received_by_node:
        return Denied(403, "receiving_node", "申请人在收件地办理：材料由收件地窗口收取后经跨域消息转来")
    if facts.in_bundle and status in (S.SUBMITTED, S.CORRECTION):
        return Denied(403, "bundle_item", "该事项属于一件事，申请材料请在一件事办件中上传")
    if actor.applicant and (is_own(actor, facts) or is_proxy(actor, facts)):
        allowed = APPLICANT_UPLOAD_STATES if is_own(actor, facts) else APPLICANT_UPLOAD_STATES - {S.DRAFT}
    elif actor.staff_role is R.WINDOW_CLERK:
        allowed = CLERK_UPLOAD_STATES
    else:
        return Denied(403, "forbidden", "您无权为该办件上传材料")
    if status not in allowed:
        return Denied(409, "case_closed", "该办件当前不能再提交材料")
    if status in ACCEPTED_UPLOAD_STATES and name is not None and not correction_asks_for(name, facts.correction_items):
        listed = "、".join(facts.correction_items) or "无"
        return Denied(
            409,
            "not_requested",
            f"办件已受理，只能更换退回补正通知所列的材料（{listed}），“{name}”不在其中",
        )
    return None


def may_handle_parcels(actor: Actor, facts: CaseFacts) -> bool:
    """Posting a result again after its parcel was cancelled, or cancelling a parcel: the result desk of the
    centre that received the case (a bundle's items too: parcels are no front-desk decision)."""
    return actor.has_role(R.WINDOW_CLERK) and may_see_case(actor, facts)


def may_answer_supervision(actor: Actor, department_id: int | None) -> bool:
    """A supervision notice is answered by the approvers and heads of the department it was sent to."""
    return (
        actor.has_role(R.APPROVER, R.DEPARTMENT_HEAD)
        and department_id is not None
        and actor.department_id == department_id
    )


# ---- the workplaces ---------------------------------------------------------------------------------------


def may_apply_online(actor: Actor) -> bool:
    return actor.applicant


def may_take_applications(actor: Actor) -> bool:
    """The general window (一窗受理): a window clerk bound to a service centre."""
    return actor.has_role(R.WINDOW_CLERK) and actor.centre_id is not None


def may_use_queues(actor: Actor) -> bool:
    return actor.has_role(R.WINDOW_CLERK, R.APPROVER, R.DEPARTMENT_HEAD, R.SYSTEM_ADMIN)


def may_use_board(actor: Actor) -> bool:
    """The supervision boards (cases and bundles) of a jurisdiction."""
    return actor.has_role(R.SUPERVISOR, R.SYSTEM_ADMIN) and bool(actor.division_path)


def may_search_cases(actor: Actor) -> bool:
    """Finding any case of the jurisdiction by number and listing its open cases, masked (督办查询)."""
    return may_use_board(actor)


def may_manage_catalogue(actor: Actor) -> bool:
    """The catalogue in the admin site (guides, versions, Excel import and export)."""
    return actor.catalogue_editor


def offers_online_application(actor: Actor) -> bool:
    """Whether pages offer 在线申请: to applicants, and to visitors not signed in yet (the link leads through
    sign-in). Staff apply for nobody online; a window clerk receives applications at the window."""
    return not actor.authenticated or may_apply_online(actor)


class Workspace(StrEnum):
    """Where an account works (工作台), where it lands after signing in."""

    MY_CASES = "my_cases"  # 我的办件
    WINDOW = "window"  # 一窗受理
    QUEUES = "queues"  # the back office's work queues
    BOARD = "board"  # the supervision board
    CATALOGUE = "catalogue"  # the catalogue in the admin site
    ADMIN = "admin"  # the admin site


def workspace_of(actor: Actor) -> Workspace | None:
    """Each role's own workspace; None for an account without one (a staff account with no role, or one
    not bound to what its role needs)."""
    if may_apply_online(actor):
        return Workspace.MY_CASES
    if actor.system_admin:
        return Workspace.ADMIN
    if may_take_applications(actor):
        return Workspace.WINDOW
    if actor.has_role(R.APPROVER, R.DEPARTMENT_HEAD) and may_use_queues(actor):
        return Workspace.QUEUES
    if may_use_board(actor):
        return Workspace.BOARD
    if may_manage_catalogue(actor):
        return Workspace.CATALOGUE
    return None


# ---- bundle cases -----------------------------------------------------------------------------------------


def bundle_in_scope(scope: Scope, facts: BundleFacts) -> bool:
    kind = scope.kind
    if kind is ScopeKind.EVERYTHING:
        return True
    if kind is ScopeKind.OWN:
        return scope.user_id is not None and facts.applicant_id == scope.user_id
    if kind is ScopeKind.CENTRE:
        return facts.receiving_centre_id == scope.centre_id
    if kind is ScopeKind.DEPARTMENT:
        return scope.department_id in facts.item_department_ids
    if kind is ScopeKind.JURISDICTION:
        path = scope.division_path
        return facts.receiving_division_path.startswith(path) or any(
            p.startswith(path) for p in facts.item_division_paths
        )
    return False


def is_own_bundle(actor: Actor, facts: BundleFacts) -> bool:
    return actor.applicant and facts.applicant_id is not None and facts.applicant_id == actor.user_id


def at_receiving_centre(actor: Actor, facts: BundleFacts) -> bool:
    return (
        actor.has_role(R.WINDOW_CLERK) and actor.centre_id is not None and actor.centre_id == facts.receiving_centre_id
    )


def may_see_bundle(actor: Actor, facts: BundleFacts) -> bool:
    if facts.phase == BP.DRAFT:
        return is_own_bundle(actor, facts)
    return bundle_in_scope(scope_of(actor), facts)


def may_see_bundle_personal(actor: Actor, facts: BundleFacts) -> bool:
    if actor.system or not may_see_bundle(actor, facts):
        return False
    if actor.applicant:
        return is_own_bundle(actor, facts)
    return actor.staff_role in HANDLING_ROLES


def _bundle_forbidden(action: BundleAction) -> Denied:
    return Denied(403, "forbidden", f"您无权对该一件事办件执行“{bw.ACTION_LABELS[action]}”")


def _bundle_permitted(actor: Actor, facts: BundleFacts, action: BundleAction) -> Denied | None:
    if actor.system:  # what follows from the items by itself
        return None if action in (BA.PROGRESS, BA.FORM_CORRECTED) else _bundle_forbidden(action)
    if not may_see_bundle(actor, facts):
        return _bundle_forbidden(action)
    own, desk = is_own_bundle(actor, facts), at_receiving_centre(actor, facts)
    phase = BP(facts.phase)
    if action in (BA.SAVE_DRAFT, BA.SUBMIT, BA.WITHDRAW_ITEM):
        allowed = own
    elif action is BA.ATTACH_MATERIAL:  # the table says when (before acceptance, or in correction)
        allowed = own or desk
    elif action in (BA.REQUEST_CORRECTION, BA.ACCEPT, BA.ISSUE_RESULTS, BA.SUPPLY_DEFERRED):
        allowed = desk
    elif action is BA.RESUBMIT:
        allowed = own or desk
    elif action is BA.CHOOSE_RESULT_MODE:
        allowed = own or (desk and phase is not BP.DRAFT)
    elif action is BA.SCHEDULE_JOINT_STEP:
        allowed = actor.has_role(R.APPROVER, R.DEPARTMENT_HEAD) and actor.department_id in facts.running_department_ids
    elif action is BA.EXTEND:
        # Recorded by the head of a department deciding one of its items, with who in the government approved.
        allowed = actor.has_role(R.DEPARTMENT_HEAD) and actor.department_id in facts.item_department_ids
    elif action is BA.RECORD_JOINT_OUTCOME:
        allowed = (
            actor.has_role(R.APPROVER, R.DEPARTMENT_HEAD)
            and actor.department_id in facts.unrecorded_joint_step_departments
        )
    else:
        allowed = False
    return None if allowed else _bundle_forbidden(action)


def bundle_denial(actor: Actor, facts: BundleFacts, action: BundleAction) -> Denied | None:
    denied = _bundle_permitted(actor, facts, action)
    if denied is not None:
        return denied
    blocked = bw.blocked_by(facts, action)
    return Denied(409, blocked.code, blocked.message) if blocked else None


def bundle_actions(actor: Actor, facts: BundleFacts) -> frozenset[BundleAction]:
    phase = BP(facts.phase)
    candidates = {a for (p, a) in bw.TRANSITIONS if p is phase and a is not BA.PROGRESS}
    return frozenset(a for a in candidates if bundle_denial(actor, facts, a) is None)
