"""The one policy (pure: no database): who sees a case, who sees it unmasked, what each may do now."""

from dataclasses import dataclass, replace

import pytest

from tongban.cases.domain import policy
from tongban.cases.domain.workflow import CaseAction as A
from tongban.core.actor import ANONYMOUS, SYSTEM, AccountKind, Actor, Role

CENTRE, DEPT, OTHER_DEPT = 10, 100, 200
HERE, ELSEWHERE = "/33/3306/330681/", "/33/3301/330102/"


@dataclass(frozen=True)
class Facts:
    status: str = "in_progress"
    applicant_id: int | None = 1
    agent_id: int | None = None
    receiving_centre_id: int | None = CENTRE
    deciding_department_id: int | None = DEPT
    deciding_division_path: str = HERE + "330681001000/"
    in_bundle: bool = False
    awaiting_decision: bool = False
    current_step_name: str = "审核"
    extended: bool = False
    deferred_outstanding: bool = False
    deferrable_left: bool = True
    special_steps_declared: bool = True
    handling_deadline_passed: str = ""
    acceptance_deadline_passed: str = ""
    missing_required: tuple[str, ...] = ()
    missing_deferrable: tuple[str, ...] = ()
    correction_items: tuple[str, ...] = ()
    waiting_missing_required: tuple[str, ...] = ()
    waiting_missing_deferrable: tuple[str, ...] = ()
    received_by_node: bool = False


def refusal(denied: policy.Denied | None) -> tuple[int, str] | None:
    """(status, code) of a refusal; None when allowed."""
    return (denied.status, denied.code) if denied is not None else None


def citizen(uid: int = 1) -> Actor:
    return Actor(user_id=uid, username=f"c{uid}", kind=AccountKind.CITIZEN)


def staff(role: Role, **kw: object) -> Actor:
    defaults = {"user_id": 50, "username": "s", "kind": AccountKind.STAFF, "role": role, "division_path": HERE}
    return Actor(**{**defaults, **kw})  # type: ignore[arg-type]


CLERK = staff(Role.WINDOW_CLERK, centre_id=CENTRE)
OTHER_CLERK = staff(Role.WINDOW_CLERK, centre_id=CENTRE + 1)
APPROVER = staff(Role.APPROVER, department_id=DEPT)
OTHER_APPROVER = staff(Role.APPROVER, department_id=OTHER_DEPT)
HEAD = staff(Role.DEPARTMENT_HEAD, department_id=DEPT)
SUPERVISOR = staff(Role.SUPERVISOR)
FAR_SUPERVISOR = staff(Role.SUPERVISOR, division_path=ELSEWHERE)
SYSADMIN = staff(Role.SYSTEM_ADMIN, division_path="")
CATALOGUE_ADMIN = staff(Role.CATALOGUE_ADMIN)


@pytest.mark.parametrize(
    ("actor", "sees", "unmasked"),
    [
        (citizen(1), True, True),
        (citizen(2), False, False),
        (CLERK, True, True),
        (OTHER_CLERK, False, False),
        (APPROVER, True, True),
        (HEAD, True, True),
        (OTHER_APPROVER, False, False),
        (SUPERVISOR, True, False),
        (FAR_SUPERVISOR, False, False),
        (SYSADMIN, True, False),
        (CATALOGUE_ADMIN, False, False),
        (ANONYMOUS, False, False),
    ],
)
def test_who_sees_a_case_and_who_sees_it_unmasked(actor, sees, unmasked):
    assert policy.may_see_case(actor, Facts()) is sees
    assert policy.may_see_personal(actor, Facts()) is unmasked


def test_a_draft_is_its_authors_alone():
    draft = Facts(status="draft")
    assert policy.may_see_case(citizen(1), draft)
    for actor in (CLERK, APPROVER, SUPERVISOR, SYSADMIN, citizen(2)):
        assert not policy.may_see_case(actor, draft)


def test_a_proxy_follows_the_case_masked_and_brings_what_is_missing():
    returned = Facts(status="returned", agent_id=7)
    proxy = citizen(7)
    assert policy.may_see_case(proxy, returned)
    assert not policy.may_see_personal(proxy, returned)
    assert policy.case_actions(proxy, returned) == {A.SUPPLY_CORRECTION}
    assert refusal(policy.case_denial(proxy, replace(returned, status="in_progress"), A.WITHDRAW)) == (403, "forbidden")
    assert not policy.may_see_case(proxy, replace(returned, status="draft"))


def test_actions_are_the_table_and_the_role_and_the_guards():
    assert policy.case_actions(APPROVER, Facts()) == {A.COMPLETE_STEP, A.RETURN_FOR_CORRECTION, A.SUSPEND}
    deciding = Facts(awaiting_decision=True)
    assert policy.case_actions(APPROVER, deciding) == {A.GRANT, A.DENY, A.RETURN_FOR_CORRECTION, A.SUSPEND}
    assert A.EXTEND in policy.case_actions(HEAD, deciding)
    assert A.EXTEND not in policy.case_actions(HEAD, replace(deciding, extended=True))
    assert A.SUSPEND not in policy.case_actions(APPROVER, replace(deciding, special_steps_declared=False))
    assert policy.case_actions(SUPERVISOR, Facts()) == {A.SUPERVISE}
    assert policy.case_actions(SYSADMIN, Facts()) == frozenset()
    assert policy.case_actions(OTHER_APPROVER, Facts()) == frozenset()


def test_the_front_desk():
    submitted = Facts(status="submitted")
    assert policy.case_actions(CLERK, submitted) == {
        A.ACCEPT, A.ACCEPT_DEFERRED, A.REQUEST_CORRECTION, A.REFUSE, A.RECORD_VISIT,
    }  # fmt: skip
    assert A.ACCEPT_DEFERRED not in policy.case_actions(CLERK, replace(submitted, deferrable_left=False))
    assert policy.case_actions(citizen(1), submitted) == {A.WITHDRAW}
    assert policy.case_actions(citizen(1), Facts(status="draft")) == {A.SAVE_DRAFT, A.SUBMIT, A.WITHDRAW}


def test_why_not_says_403_for_not_yours_and_409_for_not_now():
    denied = policy.case_denial(SUPERVISOR, Facts(), A.GRANT)
    assert denied is not None and denied.status == 403
    denied = policy.case_denial(APPROVER, Facts(), A.GRANT)
    assert denied is not None and (denied.status, denied.code) == (409, "steps_pending") and "审核" in denied.message
    denied = policy.case_denial(APPROVER, Facts(status="closed"), A.COMPLETE_STEP)
    assert denied is not None and (denied.status, denied.code) == (409, "transition_not_allowed")
    assert policy.case_denial(APPROVER, Facts(), A.COMPLETE_STEP) is None


def test_a_bundles_item_takes_its_front_desk_actions_through_the_bundle():
    item = Facts(status="submitted", in_bundle=True)
    denied = policy.case_denial(CLERK, item, A.ACCEPT)
    assert denied is not None and denied.code == "bundle_item"
    assert policy.case_denial(CLERK.through_bundle(), item, A.ACCEPT) is None
    assert A.ACCEPT_WAITING in policy.case_actions(CLERK.through_bundle(), item)
    assert A.ACCEPT_WAITING not in policy.case_actions(CLERK.through_bundle(), replace(item, in_bundle=False))
    # Back-office work stays on the item.
    assert A.COMPLETE_STEP in policy.case_actions(APPROVER, replace(item, status="in_progress"))
    # The joint step's outcome reaches every item involved, whichever department decides it.
    running = replace(item, status="in_progress")
    assert policy.case_denial(OTHER_APPROVER.through_bundle(), running, A.RECORD_JOINT_STEP) is None
    assert policy.case_denial(OTHER_APPROVER, running, A.RECORD_JOINT_STEP) is not None


def test_the_platform_starts_and_ends_items_but_sees_no_personal_data():
    waiting = Facts(status="waiting", in_bundle=True)
    assert policy.case_denial(SYSTEM, waiting, A.START) is None
    assert refusal(policy.case_denial(SYSTEM, waiting, A.WITHDRAW)) == (403, "forbidden")
    assert not policy.may_see_personal(SYSTEM, waiting)


def test_a_case_another_node_received_takes_the_applicants_side_only_from_that_node():
    """跨域通办: the applicant is at the receiving node; the deciding node's window must not resubmit, withdraw,
    record a visit or upload for them (the cross-region copy would stay behind and jam later messages)."""
    correction = Facts(status="correction", received_by_node=True)
    for actor in (CLERK, citizen(1)):
        assert refusal(policy.case_denial(actor, correction, A.RESUBMIT)) == (403, "receiving_node")
        assert refusal(policy.case_denial(actor, correction, A.WITHDRAW)) == (403, "receiving_node")
        assert refusal(policy.material_denial(actor, correction)) == (403, "receiving_node")
        assert A.RESUBMIT not in policy.case_actions(actor, correction)
    visit = Facts(status="submitted", received_by_node=True)
    assert refusal(policy.case_denial(CLERK, visit, A.RECORD_VISIT)) == (403, "receiving_node")
    assert policy.case_denial(CLERK, visit, A.ACCEPT) is None  # deciding stays here
    # The platform acting for the receiving node does both.
    assert policy.case_denial(SYSTEM, correction, A.RESUBMIT) is None
    assert policy.case_denial(SYSTEM, Facts(status="in_progress", received_by_node=True), A.WITHDRAW) is None
    # A case received here keeps its window's resubmission.
    assert policy.case_denial(CLERK, Facts(status="correction"), A.RESUBMIT) is None


def test_uploads_follow_the_state():
    assert policy.material_denial(citizen(1), Facts(status="draft")) is None
    assert policy.material_denial(citizen(1), Facts(status="returned")) is None
    denied = policy.material_denial(citizen(1), Facts(status="in_progress"))
    assert denied is not None and denied.status == 409  # nothing is swapped after acceptance
    assert policy.material_denial(CLERK, Facts(status="submitted")) is None
    assert refusal(policy.material_denial(APPROVER, Facts(status="submitted"))) == (403, "forbidden")
    assert refusal(policy.material_denial(SUPERVISOR, Facts(status="returned"))) == (403, "forbidden")
    assert refusal(policy.material_denial(CLERK, Facts(status="submitted", in_bundle=True))) == (403, "bundle_item")


def test_after_acceptance_only_what_the_correction_names_may_be_replaced():
    returned = Facts(status="returned", correction_items=("结婚证（复印件不清晰）", "请补充说明"))
    assert policy.material_denial(citizen(1), returned, "结婚证") is None
    denied = policy.material_denial(citizen(1), returned, "居民身份证")
    assert denied is not None and denied.status == 409 and denied.code == "not_requested"
    assert "结婚证（复印件不清晰）" in denied.message and "居民身份证" in denied.message
    assert refusal(policy.material_denial(CLERK, returned, "居民身份证")) == (409, "not_requested")
    assert refusal(policy.material_denial(citizen(1), Facts(status="returned"), "结婚证")) == (409, "not_requested")
    # Before acceptance the correction is re-checked at resubmission: any material of the item may change.
    assert policy.material_denial(citizen(1), Facts(status="correction"), "居民身份证") is None
    # The entry point asks the same rule for the upload itself, and no button lists it.
    assert policy.case_denial(citizen(1), returned, A.ATTACH_MATERIAL) is None
    assert (refusal(policy.case_denial(citizen(1), Facts(status="in_progress"), A.ATTACH_MATERIAL)) or (0,))[0] == 409
    assert (refusal(policy.case_denial(SUPERVISOR, returned, A.ATTACH_MATERIAL)) or (0,))[0] == 403
    assert A.ATTACH_MATERIAL not in policy.case_actions(citizen(1), returned)


def test_every_action_of_the_table_is_covered_by_a_role_the_applicant_or_the_platform():
    from tongban.cases.domain.workflow import TRANSITIONS

    covered = policy.APPLICANT_ACTIONS | policy.SYSTEM_ACTIONS | set(policy.BUNDLE_FLOW_ACTIONS)
    covered |= {A.ATTACH_MATERIAL}  # material_denial's, for whoever it lets upload
    for actions in policy.ROLE_ACTIONS.values():
        covered |= actions
    assert {a for (_, a) in TRANSITIONS} <= covered


@dataclass(frozen=True)
class BundleFacts:
    phase: str = "submitted"
    applicant_id: int | None = 1
    receiving_centre_id: int | None = CENTRE
    receiving_division_path: str = HERE
    result_mode: str = "together"
    item_department_ids: frozenset[int] = frozenset({DEPT})
    item_division_paths: tuple[str, ...] = (HERE,)
    running_department_ids: frozenset[int] = frozenset()
    has_decided_item: bool = False
    has_withdrawable_item: bool = True
    unrecorded_joint_step_departments: frozenset[int] = frozenset()
    extended: bool = False
    deadline_passed: str = ""
    missing_for_acceptance: tuple[str, ...] = ()
    deferred_outstanding: tuple[str, ...] = ()


def test_bundle_cases_by_the_same_rules():
    from tongban.cases.domain.bundle_workflow import BundleAction as B

    bf = BundleFacts()
    assert policy.may_see_bundle(APPROVER, bf) and policy.may_see_bundle_personal(APPROVER, bf)
    assert not policy.may_see_bundle(OTHER_APPROVER, bf)
    assert policy.may_see_bundle(SUPERVISOR, bf) and not policy.may_see_bundle_personal(SUPERVISOR, bf)
    assert policy.may_see_bundle(SYSADMIN, bf) and not policy.may_see_bundle_personal(SYSADMIN, bf)
    assert policy.bundle_actions(CLERK, bf) == {B.ACCEPT, B.REQUEST_CORRECTION, B.ATTACH_MATERIAL, B.CHOOSE_RESULT_MODE}
    assert policy.bundle_actions(OTHER_CLERK, bf) == frozenset()
    assert policy.bundle_actions(citizen(1), bf) == {B.ATTACH_MATERIAL, B.CHOOSE_RESULT_MODE}
    assert policy.bundle_actions(citizen(1), replace(bf, phase="draft")) == {
        B.SAVE_DRAFT, B.SUBMIT, B.ATTACH_MATERIAL, B.CHOOSE_RESULT_MODE,
    }  # fmt: skip
    assert not policy.may_see_bundle(CLERK, replace(bf, phase="draft"))
    running = replace(bf, phase="in_progress", running_department_ids=frozenset({DEPT, OTHER_DEPT}))
    assert B.SCHEDULE_JOINT_STEP in policy.bundle_actions(APPROVER, running)
    assert B.WITHDRAW_ITEM in policy.bundle_actions(citizen(1), running)
    assert refusal(policy.bundle_denial(citizen(1), running, B.ISSUE_RESULTS)) == (403, "forbidden")
    assert refusal(policy.bundle_denial(CLERK, running, B.ISSUE_RESULTS)) == (409, "not_ready")


def test_acceptance_waits_for_every_material_and_deferral_only_for_deferrable_ones():
    complete = Facts(status="submitted")
    assert {A.ACCEPT, A.ACCEPT_DEFERRED} <= policy.case_actions(CLERK, complete)
    lacking_deferrable = replace(complete, missing_deferrable=("结婚证",))
    assert A.ACCEPT not in policy.case_actions(CLERK, lacking_deferrable)
    assert A.ACCEPT_DEFERRED in policy.case_actions(CLERK, lacking_deferrable)
    denied = policy.case_denial(CLERK, lacking_deferrable, A.ACCEPT)
    assert denied is not None and denied.status == 409 and denied.code == "materials_missing"
    assert "“结婚证”" in denied.message and "容缺受理" in denied.message
    lacking_required = replace(complete, missing_required=("申请表",))
    assert not {A.ACCEPT, A.ACCEPT_DEFERRED} & policy.case_actions(CLERK, lacking_required)
    assert A.REQUEST_CORRECTION in policy.case_actions(CLERK, lacking_required)
    denied = policy.case_denial(CLERK, lacking_required, A.ACCEPT_DEFERRED)
    assert denied is not None and "“申请表”" in denied.message and "补正" in denied.message


def test_the_result_desk_receives_deferred_materials():
    decided = Facts(status="decided", deferred_outstanding=True)
    assert A.SUPPLY_DEFERRED in policy.case_actions(CLERK, decided)
    assert A.SUPPLY_DEFERRED not in policy.case_actions(CLERK, replace(decided, deferred_outstanding=False))


def test_a_waiting_item_holds_all_but_its_prerequisites_result_and_starts_only_so():
    item = Facts(status="submitted", in_bundle=True)
    desk = CLERK.through_bundle()
    lacking = replace(item, waiting_missing_required=("居民户口簿",))
    denied = policy.case_denial(desk, lacking, A.ACCEPT_WAITING)
    assert refusal(denied) == (409, "materials_missing") and denied is not None and "“居民户口簿”" in denied.message
    waiting = replace(item, status="waiting")
    assert policy.case_denial(SYSTEM, waiting, A.START) is None
    gaps = (
        replace(waiting, waiting_missing_required=("居民户口簿",)),
        replace(waiting, waiting_missing_deferrable=("接种登记表",)),
    )
    for gap in gaps:
        held_back = policy.case_denial(SYSTEM, gap, A.START)
        assert refusal(held_back) == (409, "materials_missing")
        assert policy.case_denial(SYSTEM, gap, A.HOLD_START) is None  # told, and it waits
    assert refusal(policy.case_denial(CLERK, waiting, A.HOLD_START)) == (403, "forbidden")  # the platform's alone
    assert policy.material_denial(CLERK, waiting) is None  # the desk may bring what it lacks
    assert refusal(policy.material_denial(citizen(1), waiting)) == (409, "case_closed")


def test_a_bundles_result_desk_receives_what_its_items_owe():
    from tongban.cases.domain.bundle_workflow import BundleAction as B

    owing = BundleFacts(phase="ready", deferred_outstanding=("预防接种证：儿童预防接种登记表",))
    assert B.SUPPLY_DEFERRED in policy.bundle_actions(CLERK, owing)
    assert refusal(policy.bundle_denial(citizen(1), owing, B.SUPPLY_DEFERRED)) == (403, "forbidden")
    assert refusal(policy.bundle_denial(OTHER_CLERK, owing, B.SUPPLY_DEFERRED)) == (403, "forbidden")
    paid = replace(owing, deferred_outstanding=())
    assert refusal(policy.bundle_denial(CLERK, paid, B.SUPPLY_DEFERRED)) == (409, "not_deferred")


# ---- workspaces ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "workspace"),
    [
        (citizen(1), policy.Workspace.MY_CASES),
        (Actor(user_id=9, username="e", kind=AccountKind.ENTERPRISE), policy.Workspace.MY_CASES),
        (CLERK, policy.Workspace.WINDOW),
        (staff(Role.WINDOW_CLERK), None),  # a clerk bound to no service centre has no window
        (APPROVER, policy.Workspace.QUEUES),
        (HEAD, policy.Workspace.QUEUES),
        (SUPERVISOR, policy.Workspace.BOARD),
        (staff(Role.SUPERVISOR, division_path=""), None),
        (staff(Role.CATALOGUE_ADMIN, admin_site=True), policy.Workspace.CATALOGUE),
        (CATALOGUE_ADMIN, None),  # without the admin site the role has nowhere to work
        (SYSADMIN, policy.Workspace.ADMIN),
        (Actor(user_id=7, username="root", superuser=True, admin_site=True), policy.Workspace.ADMIN),
        (ANONYMOUS, None),
        (SYSTEM, None),
    ],
)
def test_each_role_has_its_own_workspace(actor: Actor, workspace: policy.Workspace | None) -> None:
    assert policy.workspace_of(actor) == workspace


@pytest.mark.parametrize(
    ("actor", "offered"),
    [(ANONYMOUS, True), (citizen(1), True), (CLERK, False), (APPROVER, False), (SUPERVISOR, False), (SYSADMIN, False)],
)
def test_online_application_is_offered_to_applicants_and_visitors_only(actor: Actor, offered: bool) -> None:
    assert policy.offers_online_application(actor) is offered
    if offered and actor.authenticated:
        assert policy.may_apply_online(actor)


def test_only_the_jurisdictions_overseers_search_its_cases() -> None:
    assert policy.may_search_cases(SUPERVISOR) and policy.may_search_cases(staff(Role.SYSTEM_ADMIN))
    assert not any(policy.may_search_cases(a) for a in (citizen(1), CLERK, APPROVER, HEAD, CATALOGUE_ADMIN))
