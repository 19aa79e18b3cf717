"""The one table of case (办件) states and allowed transitions, with the guards beside it (pure; no Django).

Front desk (受理) → back office (the implementation's steps, e.g. 审核 → 审批) → decision → result desk
(统一出件) → closed. Every transition is named by an action and appends a CaseEvent; nothing else changes a
case's state. A guard is a condition on the case's own facts that the table alone cannot express (the
decision waits for the last review step; one extension only …); ``blocked_by`` is asked by the policy, so a
page shows a button exactly when the service would perform the action.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class CaseStatus(StrEnum):
    DRAFT = "draft"  # online application being filled in
    SUBMITTED = "submitted"  # awaiting acceptance (网上预审 or at the window)
    CORRECTION = "correction"  # 补正: the applicant must supply what the one complete list names
    REFUSED = "refused"  # 不予受理 (terminal)
    IN_PROGRESS = "in_progress"  # accepted; in the back office, at one of the implementation's steps
    RETURNED = "returned"  # returned to the applicant for correction during handling
    SUSPENDED = "suspended"  # clock-stopping special step (听证, 检测, 专家评审, 公示 …)
    DECIDED = "decided"  # granted or denied; waiting at the result desk
    CLOSED = "closed"  # 办结: result issued (terminal)
    WITHDRAWN = "withdrawn"  # the applicant withdrew (terminal)
    WAITING = "waiting"  # accepted in a bundle; waits for a prerequisite item's result (clock not started)
    TERMINATED = "terminated"  # a bundle item that cannot go on because its prerequisite failed (terminal)


class CaseAction(StrEnum):
    SAVE_DRAFT = "save_draft"
    SUBMIT = "submit"
    REQUEST_CORRECTION = "request_correction"
    RESUBMIT = "resubmit"
    REFUSE = "refuse"
    ACCEPT = "accept"
    ACCEPT_DEFERRED = "accept_deferred"  # 容缺受理
    SUPPLY_DEFERRED = "supply_deferred"  # a deferred material arrives (no state change)
    COMPLETE_STEP = "complete_step"  # one back-office step done, with its opinion
    RETURN_FOR_CORRECTION = "return_for_correction"
    SUPPLY_CORRECTION = "supply_correction"
    SUSPEND = "suspend"
    RESUME = "resume"
    EXTEND = "extend"  # +10 working days with the head's approval (no state change)
    GRANT = "grant"
    DENY = "deny"
    ISSUE_RESULT = "issue_result"
    WITHDRAW = "withdraw"
    SUPERVISE = "supervise"  # a supervision notice (no state change)
    RECORD_VISIT = "record_visit"  # an in-person trip (no state change)
    ACCEPT_WAITING = "accept_waiting"  # accepted as part of a bundle, waiting for a prerequisite
    START = "start"  # the prerequisite's result exists: the item starts, its result arrives as a material
    HOLD_START = "hold_start"  # the prerequisite's result exists, yet the item lacks another material
    TERMINATE = "terminate"  # the prerequisite was denied, refused or withdrawn
    RECORD_JOINT_STEP = "record_joint_step"  # outcome of a joint inspection/review/acceptance (no state change)
    ATTACH_MATERIAL = "attach_material"  # a file added to a submitted application, or replaced (no state change)


S, A = CaseStatus, CaseAction

STATUS_LABELS = {
    S.DRAFT: "草稿",
    S.SUBMITTED: "待受理",
    S.CORRECTION: "待补正",
    S.REFUSED: "不予受理",
    S.IN_PROGRESS: "办理中",
    S.RETURNED: "退回补正",
    S.SUSPENDED: "特殊环节（挂起）",
    S.DECIDED: "已决定待出件",
    S.CLOSED: "已办结",
    S.WITHDRAWN: "已撤回",
    S.WAITING: "等待前置事项",
    S.TERMINATED: "已终止",
}

ACTION_LABELS = {
    A.SAVE_DRAFT: "保存草稿",
    A.SUBMIT: "提交申请",
    A.REQUEST_CORRECTION: "一次性告知补正",
    A.RESUBMIT: "补正后重新提交",
    A.REFUSE: "不予受理",
    A.ACCEPT: "受理",
    A.ACCEPT_DEFERRED: "容缺受理",
    A.SUPPLY_DEFERRED: "补交容缺材料",
    A.COMPLETE_STEP: "完成办理环节",
    A.RETURN_FOR_CORRECTION: "退回补正",
    A.SUPPLY_CORRECTION: "提交补正材料",
    A.SUSPEND: "进入特殊环节",
    A.RESUME: "恢复办理",
    A.EXTEND: "延期",
    A.GRANT: "准予",
    A.DENY: "不予",
    A.ISSUE_RESULT: "出件办结",
    A.WITHDRAW: "撤回申请",
    A.SUPERVISE: "督办",
    A.RECORD_VISIT: "现场到访",
    A.ACCEPT_WAITING: "受理（等待前置事项）",
    A.START: "前置事项办结，自动启动",
    A.HOLD_START: "前置事项已准予，待补齐材料后启动",
    A.TERMINATE: "前置事项未通过，终止办理",
    A.RECORD_JOINT_STEP: "联合踏勘/评审/验收",
    A.ATTACH_MATERIAL: "上传申请材料",
}

TRANSITIONS: dict[tuple[CaseStatus, CaseAction], CaseStatus] = {
    (S.DRAFT, A.SAVE_DRAFT): S.DRAFT,
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, A.REQUEST_CORRECTION): S.CORRECTION,
    (S.CORRECTION, A.RESUBMIT): S.SUBMITTED,
    (S.SUBMITTED, A.REFUSE): S.REFUSED,
    (S.SUBMITTED, A.ACCEPT): S.IN_PROGRESS,
    (S.SUBMITTED, A.ACCEPT_DEFERRED): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.SUPPLY_DEFERRED): S.IN_PROGRESS,
    (S.SUSPENDED, A.SUPPLY_DEFERRED): S.SUSPENDED,
    (S.RETURNED, A.SUPPLY_DEFERRED): S.RETURNED,
    (S.DECIDED, A.SUPPLY_DEFERRED): S.DECIDED,  # the result desk receives what was promised (容缺)
    (S.WAITING, A.SUPPLY_DEFERRED): S.WAITING,  # a bundle's item promised it at the bundle's acceptance
    (S.IN_PROGRESS, A.COMPLETE_STEP): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.RETURN_FOR_CORRECTION): S.RETURNED,
    (S.RETURNED, A.SUPPLY_CORRECTION): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.SUSPEND): S.SUSPENDED,
    (S.SUSPENDED, A.RESUME): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.EXTEND): S.IN_PROGRESS,
    (S.SUSPENDED, A.EXTEND): S.SUSPENDED,
    (S.IN_PROGRESS, A.GRANT): S.DECIDED,
    (S.IN_PROGRESS, A.DENY): S.DECIDED,
    (S.DECIDED, A.ISSUE_RESULT): S.CLOSED,
    (S.SUBMITTED, A.ACCEPT_WAITING): S.WAITING,
    (S.WAITING, A.START): S.IN_PROGRESS,
    (S.WAITING, A.HOLD_START): S.WAITING,
    (S.WAITING, A.TERMINATE): S.TERMINATED,
    (S.SUBMITTED, A.TERMINATE): S.TERMINATED,
    (S.IN_PROGRESS, A.RECORD_JOINT_STEP): S.IN_PROGRESS,
    (S.SUSPENDED, A.RECORD_JOINT_STEP): S.SUSPENDED,
    **{
        (s, A.WITHDRAW): S.WITHDRAWN
        for s in (S.DRAFT, S.SUBMITTED, S.CORRECTION, S.IN_PROGRESS, S.RETURNED, S.SUSPENDED, S.WAITING)
    },
    **{
        (s, A.SUPERVISE): s
        for s in (S.SUBMITTED, S.CORRECTION, S.IN_PROGRESS, S.RETURNED, S.SUSPENDED, S.DECIDED, S.WAITING)
    },
    **{(s, A.RECORD_VISIT): s for s in S if s not in (S.DRAFT,)},
    # Who may replace which file when is the policy's material_denial; the table says it changes no state.
    **{(s, A.ATTACH_MATERIAL): s for s in (S.SUBMITTED, S.CORRECTION, S.RETURNED, S.WAITING)},
}

# Recorded without moving the case's revision: an upload is what the office waits for, not a change of the
# state someone decided on (a client that saw revision N uploads, then resubmits with N).
KEEPS_REVISION = frozenset({A.ATTACH_MATERIAL})

TERMINAL = frozenset({S.REFUSED, S.CLOSED, S.WITHDRAWN, S.TERMINATED})
# States in which the statutory clock runs (it starts at 受理; suspensions stop it unless counted).
CLOCK_RUNNING = frozenset({S.IN_PROGRESS, S.RETURNED})
OPEN = frozenset(set(S) - TERMINAL - {S.DRAFT})


class CaseTransitionError(Exception):
    def __init__(self, status: CaseStatus, action: CaseAction):
        self.status, self.action = status, action
        super().__init__(f"办件当前为“{STATUS_LABELS[status]}”，不能执行“{ACTION_LABELS[action]}”")


def next_status(status: str, action: str) -> CaseStatus:
    key = (CaseStatus(status), CaseAction(action))
    if key not in TRANSITIONS:
        raise CaseTransitionError(*key)
    return TRANSITIONS[key]


def allowed_actions(status: str) -> list[CaseAction]:
    return [a for (s, a) in TRANSITIONS if s == CaseStatus(status)]


# ---- guards -------------------------------------------------------------------------------------------


class CaseFacts(Protocol):
    """What the table, its guards and the policy read of a case. ``cases.facts`` builds it from a Case row
    (the expensive facts lazily); tests use a plain dataclass."""

    @property
    def status(self) -> str: ...
    @property
    def applicant_id(self) -> int | None: ...
    @property
    def agent_id(self) -> int | None: ...
    @property
    def receiving_centre_id(self) -> int | None: ...
    @property
    def deciding_department_id(self) -> int | None: ...
    @property
    def deciding_division_path(self) -> str: ...
    @property
    def in_bundle(self) -> bool: ...
    @property
    def awaiting_decision(self) -> bool: ...
    @property
    def current_step_name(self) -> str: ...
    @property
    def extended(self) -> bool: ...
    @property
    def deferred_outstanding(self) -> bool: ...
    @property
    def deferrable_left(self) -> bool: ...
    @property
    def special_steps_declared(self) -> bool: ...
    @property
    def handling_deadline_passed(self) -> str: ...  # the day the handling limit ran out ("" if it has not)
    @property
    def acceptance_deadline_passed(self) -> str: ...  # the day the 5 days to accept ran out ("" if not)
    @property
    def missing_required(self) -> tuple[str, ...]: ...  # 必要 materials neither received nor replaced
    @property
    def missing_deferrable(self) -> tuple[str, ...]: ...  # 容缺后补 materials neither received nor deferred
    @property
    def correction_items(self) -> tuple[str, ...]: ...
    # A bundle's item that waits for a prerequisite: what it lacks beside the result that will arrive as a material.
    @property
    def waiting_missing_required(self) -> tuple[str, ...]: ...  # 必要 materials neither received nor replaced
    @property
    def waiting_missing_deferrable(self) -> tuple[str, ...]: ...  # 容缺后补 ones neither received nor deferred
    @property
    def received_by_node(self) -> bool: ...  # received at another deployment's window or site (跨域通办)


@dataclass(frozen=True)
class Guard:
    code: str
    holds: Callable[[CaseFacts], bool]
    message: Callable[[CaseFacts], str]


def _names(names: tuple[str, ...]) -> str:
    return "、".join(f"“{n}”" for n in names)


def _acceptance_blocked(f: CaseFacts) -> str:
    text = f"以下申请材料尚未收取，不能受理：{_names(f.missing_required + f.missing_deferrable)}。"
    if f.missing_required:
        return text + "请一次性告知申请人补正"
    return text + "可以在申请人书面承诺补交后容缺受理"


# Acceptance (行政许可法 Art. 32) says the materials are complete: it waits for every material the guide requires
# (a 容缺后补 one may instead be promised with the applicant's commitment: 容缺受理).
ACCEPTANCE_GUARDS = (
    Guard("materials_missing", lambda f: not f.missing_required and not f.missing_deferrable, _acceptance_blocked),
)


def _start_blocked(f: CaseFacts) -> str:
    names = f.waiting_missing_required + f.waiting_missing_deferrable
    return f"前置事项的结果之外，本事项还缺少{_names(names)}，补齐（或容缺承诺）后才能启动办理"


GUARDS: dict[CaseAction, tuple[Guard, ...]] = {
    A.ACCEPT: ACCEPTANCE_GUARDS,
    # A waiting item holds everything its guide requires but its prerequisite's result, which arrives later as one
    # of its materials (a 容缺后补 one may be promised at the bundle's acceptance); it starts only so.
    A.ACCEPT_WAITING: (
        Guard("not_in_bundle", lambda f: f.in_bundle, lambda f: "只有一件事中需要前置事项结果的事项可以受理后等待"),
        Guard(
            "materials_missing",
            lambda f: not f.waiting_missing_required,
            lambda f: f"除前置事项的结果外，必要材料{_names(f.waiting_missing_required)}尚未收取，不能受理",
        ),
    ),
    A.START: (
        Guard(
            "materials_missing",
            lambda f: not f.waiting_missing_required and not f.waiting_missing_deferrable,
            _start_blocked,
        ),
    ),
    A.COMPLETE_STEP: (
        Guard(
            "decision_due", lambda f: not f.awaiting_decision, lambda f: "审查环节已全部完成，请作出准予或不予的决定"
        ),
    ),
    A.GRANT: (Guard("steps_pending", lambda f: f.awaiting_decision, lambda f: f"请先完成“{f.current_step_name}”环节"),),
    A.DENY: (Guard("steps_pending", lambda f: f.awaiting_decision, lambda f: f"请先完成“{f.current_step_name}”环节"),),
    A.EXTEND: (
        Guard("already_extended", lambda f: not f.extended, lambda f: "该办件已延期一次，不能再次延期"),
        Guard(
            "deadline_passed",
            lambda f: not f.handling_deadline_passed,
            lambda f: (
                f"办理期限已于{f.handling_deadline_passed}届满，依法不能再延期（行政许可法第四十二条："
                "延期须在期限届满前经负责人批准）"
            ),
        ),
    ),
    A.REQUEST_CORRECTION: (
        Guard(
            "acceptance_deadline_passed",
            lambda f: not f.acceptance_deadline_passed,
            lambda f: (
                f"一次性告知补正的期限已于{f.acceptance_deadline_passed}届满，依法自收到申请材料之日起视为"
                "受理（行政许可法第三十二条）：请受理，审查中确需补正的可退回补正"
            ),
        ),
    ),
    A.SUPPLY_DEFERRED: (
        Guard("not_deferred", lambda f: f.deferred_outstanding, lambda f: "该办件没有待补交的容缺材料"),
    ),
    A.ACCEPT_DEFERRED: (
        Guard("nothing_deferrable", lambda f: f.deferrable_left, lambda f: "该事项没有可以容缺受理的材料"),
        Guard(
            "materials_missing",
            lambda f: not f.missing_required,
            lambda f: (
                f"必要材料{_names(f.missing_required)}尚未收取，不能容缺受理（容缺只适用于容缺后补的材料），"
                "请一次性告知申请人补正"
            ),
        ),
    ),
    A.SUSPEND: (
        Guard("no_special_step", lambda f: f.special_steps_declared, lambda f: "该事项的办事指南未设置特殊环节"),
    ),
}


@dataclass(frozen=True)
class Blocked:
    """Why an action cannot be performed now (the table or a guard): code and a Chinese message."""

    code: str
    message: str


def blocked_by(facts: CaseFacts, action: CaseAction) -> Blocked | None:
    """None when the table allows ``action`` in the case's state and every guard holds."""
    status = CaseStatus(facts.status)
    if (status, action) not in TRANSITIONS:
        return Blocked("transition_not_allowed", str(CaseTransitionError(status, action)))
    for guard in GUARDS.get(action, ()):
        if not guard.holds(facts):
            return Blocked(guard.code, guard.message(facts))
    return None
