"""The one table of a bad rating's handling (差评核实整改), with its guards (pure; no Django).

A bad rating goes to the office that handled the service. It is verified and classed: put right at once
(RECTIFY_AT_ONCE), put right by a deadline in working days (SET_DEADLINE, then COMPLETE), or explained where the
complaint has no legal basis (EXPLAIN). Every named bad rating then gets a call-back: a call that reaches the
applicant records the outcome and the satisfaction afterwards and closes it; one that does not stays recorded
and the rating waits for the next. An anonymous one closes without (CLOSE). The office may appeal a mistaken
or malicious rating before it handles it; a supervisor upholds the appeal (the rating leaves the figures) or
dismisses it (back to verification). Every action appends a RectificationEvent; nothing else changes the state.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RectificationStatus(StrEnum):
    PENDING = "pending"  # 待核实
    RECTIFYING = "rectifying"  # 限期整改中
    RECTIFIED = "rectified"  # 已整改，待回访
    EXPLAINED = "explained"  # 已解释说明，待回访
    APPEALED = "appealed"  # 申诉中
    CLOSED = "closed"  # 已办结 (called back, or anonymous)
    EXCLUDED = "excluded"  # 申诉成立，不计入统计 (terminal)


class RectificationAction(StrEnum):
    RECTIFY_AT_ONCE = "rectify_at_once"
    SET_DEADLINE = "set_deadline"
    COMPLETE = "complete"
    EXPLAIN = "explain"
    CALL_BACK = "call_back"  # the applicant reached: outcome and satisfaction afterwards
    CALL_UNANSWERED = "call_unanswered"  # tried, not reached (no state change)
    CLOSE = "close"  # an anonymous rating: nobody to call
    APPEAL = "appeal"
    UPHOLD_APPEAL = "uphold_appeal"
    DISMISS_APPEAL = "dismiss_appeal"


S, A = RectificationStatus, RectificationAction

STATUS_LABELS = {
    S.PENDING: "待核实",
    S.RECTIFYING: "限期整改中",
    S.RECTIFIED: "已整改",
    S.EXPLAINED: "已解释说明",
    S.APPEALED: "申诉中",
    S.CLOSED: "已办结",
    S.EXCLUDED: "申诉成立（不计入统计）",
}

ACTION_LABELS = {
    A.RECTIFY_AT_ONCE: "立即整改",
    A.SET_DEADLINE: "限期整改",
    A.COMPLETE: "整改完成",
    A.EXPLAIN: "解释说明",
    A.CALL_BACK: "回访",
    A.CALL_UNANSWERED: "回访未接通",
    A.CLOSE: "办结（匿名评价无需回访）",
    A.APPEAL: "申诉",
    A.UPHOLD_APPEAL: "申诉成立",
    A.DISMISS_APPEAL: "申诉不成立",
}

# (from, action) → to; each allowed transition once.
TABLE: dict[tuple[RectificationStatus, RectificationAction], RectificationStatus] = {
    (S.PENDING, A.RECTIFY_AT_ONCE): S.RECTIFIED,
    (S.PENDING, A.SET_DEADLINE): S.RECTIFYING,
    (S.RECTIFYING, A.COMPLETE): S.RECTIFIED,
    (S.PENDING, A.EXPLAIN): S.EXPLAINED,
    (S.RECTIFIED, A.CALL_BACK): S.CLOSED,
    (S.EXPLAINED, A.CALL_BACK): S.CLOSED,
    (S.RECTIFIED, A.CALL_UNANSWERED): S.RECTIFIED,
    (S.EXPLAINED, A.CALL_UNANSWERED): S.EXPLAINED,
    (S.RECTIFIED, A.CLOSE): S.CLOSED,
    (S.EXPLAINED, A.CLOSE): S.CLOSED,
    (S.PENDING, A.APPEAL): S.APPEALED,
    (S.APPEALED, A.UPHOLD_APPEAL): S.EXCLUDED,
    (S.APPEALED, A.DISMISS_APPEAL): S.PENDING,
}

# Put right (or explained): what 差评整改率 counts.
HANDLED = frozenset({S.RECTIFIED, S.EXPLAINED, S.CLOSED})
# The office's own steps and the supervisor's; the policy adds who.
OFFICE_ACTIONS = frozenset(
    {A.RECTIFY_AT_ONCE, A.SET_DEADLINE, A.COMPLETE, A.EXPLAIN, A.CALL_BACK, A.CALL_UNANSWERED, A.CLOSE}
)
HEAD_ACTIONS = frozenset({A.APPEAL})
SUPERVISOR_ACTIONS = frozenset({A.UPHOLD_APPEAL, A.DISMISS_APPEAL})


@dataclass(frozen=True)
class RectificationFacts:
    status: RectificationStatus
    named: bool  # the rater is known: a call-back is owed
    appealed_before: bool = False  # one appeal per rating


@dataclass(frozen=True)
class Step:
    """What the acting person gives with the action (a note, the deadline's days, the call's result)."""

    note: str = ""
    days: int | None = None
    allowed_days: tuple[int, ...] = ()
    satisfaction_after: int | None = None


@dataclass(frozen=True)
class Blocked:
    code: str
    message: str
    field: str | None = None


def _guard(facts: RectificationFacts, action: RectificationAction, step: Step) -> Blocked | None:
    needs_note = {
        A.RECTIFY_AT_ONCE: "请写明整改措施。",
        A.SET_DEADLINE: "请写明整改计划。",
        A.COMPLETE: "请写明整改结果。",
        A.EXPLAIN: "请写明解释说明的内容和理由。",
        A.CALL_BACK: "请写明回访情况。",
        A.APPEAL: "请写明申诉理由（误评或恶意差评的依据）。",
        A.UPHOLD_APPEAL: "请写明审核意见。",
        A.DISMISS_APPEAL: "请写明审核意见。",
    }
    if action in needs_note and not step.note.strip():
        return Blocked("note_required", needs_note[action], "note")
    if action is A.SET_DEADLINE and step.days not in step.allowed_days:
        allowed = "或".join(str(d) for d in step.allowed_days)
        return Blocked("bad_deadline", f"整改期限只能是{allowed}个工作日。", "days")
    if action in (A.CALL_BACK, A.CALL_UNANSWERED) and not facts.named:
        return Blocked("anonymous", "匿名评价无法回访，请直接办结。")
    if action is A.CALL_BACK and (step.satisfaction_after is None or not 1 <= step.satisfaction_after <= 5):
        return Blocked("satisfaction_required", "请记录回访时申请人的满意程度。", "satisfaction_after")
    if action is A.CLOSE and facts.named:
        return Blocked("callback_required", "实名差评须回访后才能办结。")
    if action is A.APPEAL and facts.appealed_before:
        return Blocked("appealed_before", "该差评已申诉过一次，不能再次申诉。")
    return None


def blocked_by(facts: RectificationFacts, action: RectificationAction, step: Step = Step()) -> Blocked | None:
    """Why the table or a guard refuses the action now (None: it may be done)."""
    if (facts.status, action) not in TABLE:
        return Blocked(
            "not_allowed", f"差评当前为“{STATUS_LABELS[facts.status]}”，不能“{ACTION_LABELS[action]}”。", None
        )
    return _guard(facts, action, step)


def next_status(facts: RectificationFacts, action: RectificationAction) -> RectificationStatus:
    return TABLE[(facts.status, action)]


def available(facts: RectificationFacts) -> list[RectificationAction]:
    """The actions the table allows from here (guards on the person's input aside)."""
    return [a for (s, a) in TABLE if s is facts.status and not _state_guard(facts, a)]


def _state_guard(facts: RectificationFacts, action: RectificationAction) -> bool:
    if action in (A.CALL_BACK, A.CALL_UNANSWERED):
        return not facts.named
    if action is A.CLOSE:
        return facts.named
    if action is A.APPEAL:
        return facts.appealed_before
    return False
