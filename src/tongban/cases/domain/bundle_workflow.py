"""The one table of bundle-case (一件事办件) phases and allowed transitions, with their guards (pure; no Django).

A bundle case is one application for several items: draft → submitted (→ correction → submitted) → accepted
at the window, after which its items run as child cases and the bundle's phase follows from theirs
(``derive_phase``): in progress, ready at the unified result desk, closed. Every change appends a
BundleCaseEvent; the phase changes that follow from the items are the platform's own action ``PROGRESS``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class BundlePhase(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CORRECTION = "correction"
    IN_PROGRESS = "in_progress"
    READY = "ready"  # every open item decided: waiting at the unified result desk
    CLOSED = "closed"
    REFUSED = "refused"  # every item refused at acceptance
    WITHDRAWN = "withdrawn"  # every item withdrawn before acceptance


class BundleAction(StrEnum):
    SAVE_DRAFT = "save_draft"
    SUBMIT = "submit"
    ATTACH_MATERIAL = "attach_material"  # one upload for every item that needs it
    REQUEST_CORRECTION = "request_correction"
    RESUBMIT = "resubmit"
    ACCEPT = "accept"
    CHOOSE_RESULT_MODE = "choose_result_mode"
    ISSUE_RESULTS = "issue_results"
    WITHDRAW_ITEM = "withdraw_item"
    SCHEDULE_JOINT_STEP = "schedule_joint_step"
    RECORD_JOINT_OUTCOME = "record_joint_outcome"
    EXTEND = "extend"  # 行政许可法 Art. 42 (2): +15 working days with the government head's approval
    SUPPLY_DEFERRED = "supply_deferred"  # a deferred (容缺) material arrives for every item that owes it
    FORM_CORRECTED = "form_corrected"  # the platform: an item's 退回补正 changed answers of the one form
    PROGRESS = "progress"  # the platform: the phase follows from the items' states


class ResultMode(StrEnum):
    TOGETHER = "together"  # 统一出件
    SEPARATE = "separate"  # 逐项出件


P, B = BundlePhase, BundleAction

PHASE_LABELS = {
    P.DRAFT: "草稿", P.SUBMITTED: "待受理", P.CORRECTION: "待补正", P.IN_PROGRESS: "办理中", P.READY: "待统一出件",
    P.CLOSED: "已办结", P.REFUSED: "不予受理", P.WITHDRAWN: "已撤回",
}  # fmt: skip
ACTION_LABELS = {
    B.SAVE_DRAFT: "保存草稿", B.SUBMIT: "提交申请", B.ATTACH_MATERIAL: "上传申请材料", B.REQUEST_CORRECTION: "一次性告知补正",
    B.RESUBMIT: "补正后重新提交", B.ACCEPT: "受理", B.CHOOSE_RESULT_MODE: "选择出件方式", B.ISSUE_RESULTS: "出件",
    B.WITHDRAW_ITEM: "撤回单个事项", B.SCHEDULE_JOINT_STEP: "安排联合环节", B.RECORD_JOINT_OUTCOME: "记录联合环节结论",
    B.EXTEND: "延期（政府负责人批准）", B.SUPPLY_DEFERRED: "收取容缺材料",
    B.FORM_CORRECTED: "事项补正更正申请表", B.PROGRESS: "事项办理进展",
}  # fmt: skip
RESULT_MODE_LABELS = {ResultMode.TOGETHER: "统一出件", ResultMode.SEPARATE: "逐项出件"}
RESULT_MODES = frozenset(m.value for m in ResultMode)

OPEN_PHASES = frozenset({P.SUBMITTED, P.CORRECTION, P.IN_PROGRESS, P.READY})
ENDED = frozenset({P.CLOSED, P.REFUSED, P.WITHDRAWN})
RESULT_MODE_PHASES = frozenset({P.DRAFT, P.SUBMITTED, P.CORRECTION, P.IN_PROGRESS, P.READY})
# Recorded without moving the bundle case's revision (as domain.workflow.KEEPS_REVISION).
KEEPS_REVISION = frozenset({B.ATTACH_MATERIAL})

TRANSITIONS: dict[tuple[BundlePhase, BundleAction], BundlePhase] = {
    (P.DRAFT, B.SAVE_DRAFT): P.DRAFT,
    (P.DRAFT, B.SUBMIT): P.SUBMITTED,
    (P.SUBMITTED, B.REQUEST_CORRECTION): P.CORRECTION,
    (P.CORRECTION, B.RESUBMIT): P.SUBMITTED,
    (P.SUBMITTED, B.ACCEPT): P.IN_PROGRESS,
    (P.READY, B.ISSUE_RESULTS): P.READY,  # the phase then follows from the issued items (closed)
    (P.IN_PROGRESS, B.ISSUE_RESULTS): P.IN_PROGRESS,  # 逐项出件: decided items while others run
    (P.IN_PROGRESS, B.WITHDRAW_ITEM): P.IN_PROGRESS,
    (P.IN_PROGRESS, B.SCHEDULE_JOINT_STEP): P.IN_PROGRESS,
    (P.IN_PROGRESS, B.RECORD_JOINT_OUTCOME): P.IN_PROGRESS,
    (P.READY, B.RECORD_JOINT_OUTCOME): P.READY,
    (P.IN_PROGRESS, B.EXTEND): P.IN_PROGRESS,
    (P.IN_PROGRESS, B.SUPPLY_DEFERRED): P.IN_PROGRESS,
    (P.READY, B.SUPPLY_DEFERRED): P.READY,  # the result desk receives what was promised (容缺)
    (P.IN_PROGRESS, B.FORM_CORRECTED): P.IN_PROGRESS,
    **{(p, B.ATTACH_MATERIAL): p for p in (P.DRAFT, P.SUBMITTED, P.CORRECTION)},
    **{(p, B.CHOOSE_RESULT_MODE): p for p in RESULT_MODE_PHASES},
    # What the items' states make of the bundle (derive_phase); before acceptance only withdrawals end it.
    (P.IN_PROGRESS, B.PROGRESS): P.IN_PROGRESS,
    (P.READY, B.PROGRESS): P.READY,
    (P.SUBMITTED, B.PROGRESS): P.SUBMITTED,
    (P.CORRECTION, B.PROGRESS): P.CORRECTION,
}
# PROGRESS may move the phase to any of these (the table above holds the self-loops).
PROGRESS_TARGETS: dict[BundlePhase, frozenset[BundlePhase]] = {
    P.IN_PROGRESS: frozenset({P.READY, P.CLOSED, P.REFUSED}),
    P.READY: frozenset({P.IN_PROGRESS, P.CLOSED}),
    P.SUBMITTED: frozenset({P.WITHDRAWN}),
    P.CORRECTION: frozenset({P.WITHDRAWN}),
}


class BundleTransitionError(Exception):
    def __init__(self, phase: BundlePhase, action: BundleAction):
        self.phase, self.action = phase, action
        super().__init__(f"一件事办件当前为“{PHASE_LABELS[phase]}”，不能执行“{ACTION_LABELS[action]}”")


def next_phase(phase: str, action: str, derived: str | None = None) -> BundlePhase:
    """The phase after ``action``; for PROGRESS, ``derived`` (what the items make of it) if the table allows."""
    key = (BundlePhase(phase), BundleAction(action))
    if key not in TRANSITIONS:
        raise BundleTransitionError(*key)
    if key[1] is B.PROGRESS and derived is not None and derived != phase:
        target = BundlePhase(derived)
        if target not in PROGRESS_TARGETS.get(key[0], frozenset()):
            raise BundleTransitionError(*key)
        return target
    return TRANSITIONS[key]


# ---- the phase the items make -------------------------------------------------------------------------

# Child case states (cases.domain.workflow.CaseStatus values) as plain strings.
ITEM_ENDED = frozenset({"refused", "closed", "withdrawn", "terminated"})
ITEM_DECIDED = "decided"


def derive_phase(phase: str, item_statuses: Iterable[str]) -> str:
    """The bundle's phase as its items' states make it. Before acceptance only the applicant's withdrawal of
    every item ends the bundle; afterwards: in progress while any item is open, ready when the open ones all
    wait at the result desk, closed when every item has ended (refused when every one was refused)."""
    statuses = list(item_statuses)
    if phase in (P.SUBMITTED, P.CORRECTION):
        return P.WITHDRAWN.value if statuses and all(s == "withdrawn" for s in statuses) else phase
    if phase not in (P.IN_PROGRESS, P.READY):
        return phase
    if not statuses:
        return P.IN_PROGRESS.value
    if all(s == "refused" for s in statuses):
        return P.REFUSED.value
    if all(s in ITEM_ENDED for s in statuses):
        return P.CLOSED.value
    if all(s in ITEM_ENDED or s == ITEM_DECIDED for s in statuses):
        return P.READY.value
    return P.IN_PROGRESS.value


# ---- guards -------------------------------------------------------------------------------------------


class BundleFacts(Protocol):
    """What the table, its guards and the policy read of a bundle case (``cases.facts`` builds it)."""

    @property
    def phase(self) -> str: ...
    @property
    def applicant_id(self) -> int | None: ...
    @property
    def receiving_centre_id(self) -> int | None: ...
    @property
    def receiving_division_path(self) -> str: ...
    @property
    def result_mode(self) -> str: ...
    @property
    def item_department_ids(self) -> frozenset[int]: ...
    @property
    def item_division_paths(self) -> tuple[str, ...]: ...
    @property
    def running_department_ids(self) -> frozenset[int]: ...  # departments of items in progress or suspended
    @property
    def has_decided_item(self) -> bool: ...
    @property
    def has_withdrawable_item(self) -> bool: ...
    @property
    def unrecorded_joint_step_departments(self) -> frozenset[int]: ...
    @property
    def extended(self) -> bool: ...
    @property
    def deadline_passed(self) -> str: ...  # the day the bundle's limit ran out ("" if it has not)
    @property
    def missing_for_acceptance(self) -> tuple[str, ...]: ...  # "item：material" of 必要 materials not held
    @property
    def deferred_outstanding(self) -> tuple[str, ...]: ...  # "item：material" of 容缺 materials still owed


@dataclass(frozen=True)
class BundleGuard:
    code: str
    holds: Callable[[BundleFacts], bool]
    message: str | Callable[[BundleFacts], str]


def _issuable(f: BundleFacts) -> bool:
    if f.phase == P.READY:
        return True
    return f.result_mode == ResultMode.SEPARATE and f.has_decided_item


GUARDS: dict[BundleAction, tuple[BundleGuard, ...]] = {
    # 受理 says the materials are complete (as a single case's): every item that starts now holds its 必要
    # materials; a 容缺后补 one may be promised in the acceptance itself.
    B.ACCEPT: (
        BundleGuard(
            "materials_missing",
            lambda f: not f.missing_for_acceptance,
            lambda f: (
                "以下事项的必要材料尚未收取，不能受理：" + "；".join(f.missing_for_acceptance) + "。请一次性告知补正"
            ),
        ),
    ),
    B.ISSUE_RESULTS: (BundleGuard("not_ready", _issuable, "尚有事项在办理中，暂不能统一出件"),),
    B.SUPPLY_DEFERRED: (
        BundleGuard("not_deferred", lambda f: bool(f.deferred_outstanding), "本一件事没有待补交的容缺材料"),
    ),
    B.WITHDRAW_ITEM: (BundleGuard("nothing_to_withdraw", lambda f: f.has_withdrawable_item, "没有可以撤回的事项"),),
    B.SCHEDULE_JOINT_STEP: (
        BundleGuard(
            "too_few", lambda f: len(f.running_department_ids) >= 2, "联合环节应涉及两个及以上部门正在办理的事项"
        ),
    ),
    B.RECORD_JOINT_OUTCOME: (
        BundleGuard(
            "nothing_to_record", lambda f: bool(f.unrecorded_joint_step_departments), "没有待记录结论的联合环节"
        ),
    ),
    B.EXTEND: (
        BundleGuard("already_extended", lambda f: not f.extended, "该一件事办件已延期一次，不能再次延期"),
        BundleGuard(
            "deadline_passed",
            lambda f: not f.deadline_passed,
            "联合办理期限已届满，依法不能再延期（行政许可法第四十二条：延期须在期限届满前经本级人民政府负责人批准）",
        ),
    ),
}


@dataclass(frozen=True)
class BundleBlocked:
    code: str
    message: str


def blocked_by(facts: BundleFacts, action: BundleAction) -> BundleBlocked | None:
    phase = BundlePhase(facts.phase)
    if (phase, action) not in TRANSITIONS:
        return BundleBlocked("transition_not_allowed", str(BundleTransitionError(phase, action)))
    for guard in GUARDS.get(action, ()):
        if not guard.holds(facts):
            message = guard.message if isinstance(guard.message, str) else guard.message(facts)
            return BundleBlocked(guard.code, message)
    return None
