"""The state of a cross-region case (跨域通办办件), on either side of the federation (pure; no Django).

One table serves the three modes and both sides. The receiving side (the node where the applicant or the
window is) keeps a copy of the case; the deciding side (the node whose department decides) keeps its own copy
beside the real case of its case core. Each action ORIGINATES on one side: the receiving side takes, applies
online, forwards, resubmits and hands over; the deciding side accepts, refuses, asks for correction, decides
and issues. The originating side applies the action locally and sends it to its peer; the peer applies the
same action from the message (``remote=True``). So both copies move by the same rows, in the same order (the
transport delivers in sequence per case), and a side can never do what belongs to the other.

A joint case (多地联办) is a parent on the accepting node with one leg per acting node; each leg is a case of
this table (opened WAITING until the legs it depends on are granted), and the parent's phase follows its legs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class Mode(StrEnum):
    ONLINE = "online"  # 全程网办
    PROXY = "proxy"  # 异地代收代办 (收受分离)
    JOINT = "joint"  # 多地联办 (a leg of a joint case)


MODE_LABELS = {Mode.ONLINE: "全程网办", Mode.PROXY: "异地代收代办", Mode.JOINT: "多地联办"}


class Side(StrEnum):
    RECEIVING = "receiving"  # where the application is made (收件地)
    DECIDING = "deciding"  # where it is decided (办理地)


class XStatus(StrEnum):
    TAKEN = "taken"  # received at the window, to be forwarded within the forwarding limit
    WAITING = "waiting"  # a joint case's leg waiting for the legs it depends on
    FORWARDED = "forwarded"  # at the deciding node, waiting for its acceptance
    CORRECTION = "correction"  # the deciding node asked for correction; it reaches the applicant at the receiving side
    ACCEPTED = "accepted"  # accepted: the deciding node's statutory clock runs
    REFUSED = "refused"
    DECIDED = "decided"
    RESULT_SENT = "result_sent"  # the result is on its way to the receiving window for pick-up
    CLOSED = "closed"
    TERMINATED = "terminated"  # a leg whose prerequisite failed
    WITHDRAWN = "withdrawn"  # the applicant withdrew before the decision (撤回申请)


class XAction(StrEnum):
    TAKE = "take"
    APPLY_ONLINE = "apply_online"
    OPEN_LEG = "open_leg"
    FORWARD = "forward"
    ACCEPT = "accept"
    REFUSE = "refuse"
    REQUEST_CORRECTION = "request_correction"
    RESUBMIT = "resubmit"
    GRANT = "grant"
    DENY = "deny"
    ISSUE_RESULT = "issue_result"
    HAND_OVER = "hand_over"
    TERMINATE = "terminate"
    WITHDRAW = "withdraw"


S, A = XStatus, XAction

STATUS_LABELS = {
    S.TAKEN: "已收件待转递",
    S.WAITING: "等待前序环节",
    S.FORWARDED: "已转递待受理",
    S.CORRECTION: "待补正",
    S.ACCEPTED: "已受理办理中",
    S.REFUSED: "不予受理",
    S.DECIDED: "已决定待出件",
    S.RESULT_SENT: "结果已寄往收件窗口",
    S.CLOSED: "已办结",
    S.TERMINATED: "已终止",
    S.WITHDRAWN: "已撤回",
}
ACTION_LABELS = {
    A.TAKE: "窗口收件",
    A.APPLY_ONLINE: "网上申请",
    A.OPEN_LEG: "联办环节建立",
    A.FORWARD: "转递办理地",
    A.ACCEPT: "办理地受理",
    A.REFUSE: "办理地不予受理",
    A.REQUEST_CORRECTION: "办理地一次性告知补正",
    A.RESUBMIT: "补正材料转递",
    A.GRANT: "准予",
    A.DENY: "不予许可",
    A.ISSUE_RESULT: "出件",
    A.HAND_OVER: "收件窗口交付结果",
    A.TERMINATE: "终止（前序环节未获准予）",
    A.WITHDRAW: "撤回申请",
}

# (state before, action) → state after. "" is "no case yet" (the opening actions).
TABLE: dict[tuple[str, XAction], XStatus] = {
    ("", A.TAKE): S.TAKEN,
    ("", A.APPLY_ONLINE): S.FORWARDED,
    ("", A.OPEN_LEG): S.WAITING,  # or TAKEN when it waits for nothing (next_status)
    (S.TAKEN, A.FORWARD): S.FORWARDED,
    (S.WAITING, A.FORWARD): S.FORWARDED,
    (S.WAITING, A.TERMINATE): S.TERMINATED,
    (S.FORWARDED, A.ACCEPT): S.ACCEPTED,
    (S.FORWARDED, A.REFUSE): S.REFUSED,
    (S.FORWARDED, A.REQUEST_CORRECTION): S.CORRECTION,
    (S.CORRECTION, A.RESUBMIT): S.FORWARDED,
    (S.ACCEPTED, A.GRANT): S.DECIDED,
    (S.ACCEPTED, A.DENY): S.DECIDED,
    (S.RESULT_SENT, A.HAND_OVER): S.CLOSED,
    # The applicant withdraws until the deciding node decides (as its case core allows until 决定).
    **{(s, A.WITHDRAW): S.WITHDRAWN for s in (S.TAKEN, S.WAITING, S.FORWARDED, S.CORRECTION, S.ACCEPTED)},
}
# Issuing goes to the receiving window (pick-up there) or ends the case (post, electronic): see next_status.
ISSUE_TO_WINDOW = "receiving_window"

ORIGIN: dict[XAction, Side] = {
    A.TAKE: Side.RECEIVING,
    A.APPLY_ONLINE: Side.RECEIVING,
    A.OPEN_LEG: Side.RECEIVING,
    A.FORWARD: Side.RECEIVING,
    A.RESUBMIT: Side.RECEIVING,
    A.HAND_OVER: Side.RECEIVING,
    A.TERMINATE: Side.RECEIVING,
    A.WITHDRAW: Side.RECEIVING,
    A.ACCEPT: Side.DECIDING,
    A.REFUSE: Side.DECIDING,
    A.REQUEST_CORRECTION: Side.DECIDING,
    A.GRANT: Side.DECIDING,
    A.DENY: Side.DECIDING,
    A.ISSUE_RESULT: Side.DECIDING,
}
# The actions a peer learns of by a message (the opening action travels as the application itself).
OPENING = frozenset({A.TAKE, A.APPLY_ONLINE, A.OPEN_LEG})
FINAL = frozenset({S.REFUSED, S.CLOSED, S.TERMINATED, S.WITHDRAWN})
# What the deciding node sends back to the receiving side as a status update (its case core's transitions).
RESULT_DELIVERIES = {"post": "邮寄送达", "electronic": "电子送达（电子证照）", ISSUE_TO_WINDOW: "收件窗口领取"}


@dataclass(frozen=True)
class XFacts:
    """What the table's guards read of a cross-region case."""

    status: str
    mode: Mode
    side: Side
    materials_scanned: bool = True  # the window scanned at least one material (proxy: before forwarding)
    identity_checked: bool = True
    prerequisites_granted: bool = True  # a joint leg: every leg it depends on granted
    decision: str = ""  # granted / denied, once decided
    waits: bool = False  # a joint leg being opened that depends on other legs


@dataclass(frozen=True)
class Blocked:
    code: str
    message: str


class XTransitionError(Exception):
    def __init__(self, blocked: Blocked):
        self.blocked = blocked
        super().__init__(blocked.message)


def guard(facts: XFacts, action: XAction, *, delivery: str = "") -> Blocked | None:
    """Why the action may not happen now (beyond the table), or None."""
    if action is A.FORWARD:
        if facts.mode is Mode.PROXY and not facts.identity_checked:
            return Blocked("identity_unchecked", "转递前须在窗口核验申请人身份")
        if facts.mode is Mode.PROXY and not facts.materials_scanned:
            return Blocked("materials_unscanned", "转递前须扫描申请材料")
        if facts.status == S.WAITING and not facts.prerequisites_granted:
            return Blocked("prerequisite_open", "前序环节尚未办结准予，本环节不能开始")
    if action is A.RESUBMIT and facts.mode is Mode.PROXY and not facts.materials_scanned:
        return Blocked("materials_unscanned", "请扫描申请人补正的材料后再转递")
    if action is A.ISSUE_RESULT:
        if delivery not in RESULT_DELIVERIES:
            return Blocked("delivery", "请选择出件方式：邮寄、电子送达或收件窗口领取")
        if delivery == ISSUE_TO_WINDOW and facts.mode is Mode.ONLINE:
            return Blocked("delivery", "全程网办的结果以邮寄或电子方式送达")
    return None


def next_status(facts: XFacts, action: XAction, *, delivery: str = "", remote: bool = False) -> XStatus:
    """The status after ``action``, or XTransitionError. ``remote``: the action arrived from the peer (it must
    originate on the peer's side); otherwise it must originate on this side."""
    origin = ORIGIN[action]
    if (origin is facts.side) == remote:
        where = "收件地" if origin is Side.RECEIVING else "办理地"
        raise XTransitionError(Blocked("wrong_side", f"“{ACTION_LABELS[action]}”只能由{where}办理"))
    if action is A.ISSUE_RESULT:
        if facts.status != S.DECIDED:
            raise XTransitionError(Blocked("state", f"办件当前为“{label(facts.status)}”，不能出件"))
        blocked = guard(facts, action, delivery=delivery)
        if blocked:
            raise XTransitionError(blocked)
        if delivery == ISSUE_TO_WINDOW and facts.decision == "granted":
            return S.RESULT_SENT
        return S.CLOSED
    if action is A.OPEN_LEG and facts.status == "" and not facts.waits:
        return S.TAKEN  # nothing to wait for: taken, and forwarded at once
    after = TABLE.get((facts.status, action))
    if after is None:
        raise XTransitionError(Blocked("state", f"办件当前为“{label(facts.status)}”，不能“{ACTION_LABELS[action]}”"))
    blocked = guard(facts, action, delivery=delivery)
    if blocked:
        raise XTransitionError(blocked)
    return after


def allowed_actions(facts: XFacts) -> list[XAction]:
    """The actions this side may start now (the buttons)."""
    out: list[XAction] = []
    for action in XAction:
        if ORIGIN[action] is not facts.side or action in OPENING or action is A.ISSUE_RESULT:
            continue
        if TABLE.get((facts.status, action)) is not None and guard(facts, action) is None:
            out.append(action)
    return out


def label(status: str) -> str:
    return STATUS_LABELS.get(XStatus(status), status) if status else "未建立"


# ---- joint cases (多地联办) -------------------------------------------------------------------------------


class JointPhase(StrEnum):
    RUNNING = "running"
    DONE = "done"  # every leg granted and its result handed over (closed): nothing waits at a window
    FAILED = "failed"  # a leg refused or denied: the legs after it end
    WITHDRAWN = "withdrawn"  # the applicant withdrew the matter: every leg not yet decided ended with it


JOINT_PHASE_LABELS = {
    JointPhase.RUNNING: "联办中",
    JointPhase.DONE: "联办完成",
    JointPhase.FAILED: "联办未成",
    JointPhase.WITHDRAWN: "已撤回",
}


@dataclass(frozen=True)
class Leg:
    key: str
    status: str
    decision: str = ""
    depends_on: tuple[str, ...] = ()


def leg_granted(leg: Leg) -> bool:
    return leg.decision == "granted" and leg.status in (S.DECIDED, S.RESULT_SENT, S.CLOSED)


def leg_failed(leg: Leg) -> bool:
    return leg.status in (S.REFUSED, S.TERMINATED) or leg.decision == "denied"


def check_dependencies(legs: Mapping[str, Iterable[str]]) -> None:
    """Every dependency names another leg, and none goes round in a circle (raises ValueError)."""
    for key, deps in legs.items():
        for dep in deps:
            if dep not in legs or dep == key:
                raise ValueError(f"联办环节“{key}”依赖的“{dep}”不存在")
    done: set[str] = set()
    pending = {k: set(v) for k, v in legs.items()}
    while pending:
        ready = [k for k, deps in pending.items() if deps <= done]
        if not ready:
            raise ValueError("联办环节的依赖关系形成循环")
        for k in ready:
            done.add(k)
            del pending[k]


def legs_to_start(legs: Iterable[Leg]) -> list[str]:
    """The legs not yet forwarded whose every prerequisite is granted (none, for a leg just taken): they start."""
    by_key = {leg.key: leg for leg in legs}
    return [
        leg.key
        for leg in by_key.values()
        if leg.status in (S.WAITING, S.TAKEN) and all(leg_granted(by_key[d]) for d in leg.depends_on)
    ]


def legs_to_end(legs: Iterable[Leg]) -> list[str]:
    """The waiting legs that can never start: a prerequisite (directly or not) failed."""
    by_key = {leg.key: leg for leg in legs}
    failed = {k for k, leg in by_key.items() if leg_failed(leg)}
    changed = True
    while changed:
        changed = False
        for k, leg in by_key.items():
            if k not in failed and leg.status == S.WAITING and any(d in failed for d in leg.depends_on):
                failed.add(k)
                changed = True
    return [k for k in failed if by_key[k].status == S.WAITING]


def joint_phase(legs: Iterable[Leg]) -> JointPhase:
    legs = list(legs)
    if any(leg.status == S.WITHDRAWN for leg in legs):
        return JointPhase.WITHDRAWN
    if any(leg_failed(leg) for leg in legs):
        return JointPhase.FAILED
    # A result still waiting at the window (RESULT_SENT) is granted but not finished for the applicant.
    if legs and all(leg_granted(leg) and leg.status == S.CLOSED for leg in legs):
        return JointPhase.DONE
    return JointPhase.RUNNING
