"""The one table of work-order (工单) states and transitions, with the guards beside it (pure; no Django).

受理 → 派单/转办 → 办理（签收）→ 回复 → 督办 → 办结 → 回访 → 评价. A department that cannot handle an order asks
to give it back (退单); the dispatch centre reviews the request and either takes it back (to be dispatched
again) or sends it back to the department. The centre may move an order to another department (改派) while it
is open, send back an inadequate reply (重办), and merge a repeated request into the order it repeats (并单).
A 咨询 the operator answers from the knowledge base is closed at once (当场解答).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class OrderType(StrEnum):
    ENQUIRY = "enquiry"  # 咨询
    HELP = "help"  # 求助
    COMPLAINT = "complaint"  # 投诉
    REPORT = "report"  # 举报
    SUGGESTION = "suggestion"  # 建议


TYPE_LABELS = {
    OrderType.ENQUIRY: "咨询",
    OrderType.HELP: "求助",
    OrderType.COMPLAINT: "投诉",
    OrderType.REPORT: "举报",
    OrderType.SUGGESTION: "建议",
}


class Channel(StrEnum):
    PHONE = "phone"
    WEB = "web"
    API = "api"
    OPEN311 = "open311"


CHANNEL_LABELS = {Channel.PHONE: "电话", Channel.WEB: "网站", Channel.API: "接口", Channel.OPEN311: "Open311"}


class Status(StrEnum):
    RECEIVED = "received"  # 已受理，待派单
    DISPATCHED = "dispatched"  # 已派单，待部门签收
    HANDLING = "handling"  # 办理中
    RETURN_REQUESTED = "return_requested"  # 退单待审核
    REPLIED = "replied"  # 已回复，待办结审核
    CLOSED = "closed"  # 已办结
    VISITED = "visited"  # 已回访
    RATED = "rated"  # 已评价 (terminal)
    MERGED = "merged"  # 已并单 (terminal)


class Action(StrEnum):
    DISPATCH = "dispatch"  # 派单/转办
    ANSWER_AT_ONCE = "answer_at_once"  # 当场解答（直接办结）
    MERGE = "merge"  # 重复诉求并单
    ACCEPT = "accept"  # 部门签收
    REQUEST_RETURN = "request_return"  # 退单申请
    APPROVE_RETURN = "approve_return"  # 同意退单
    REJECT_RETURN = "reject_return"  # 驳回退单
    REASSIGN = "reassign"  # 改派
    REPLY = "reply"  # 回复
    SUPERVISE = "supervise"  # 督办 (no state change)
    REDO = "redo"  # 回复不满意，重办
    CLOSE = "close"  # 办结
    VISIT = "visit"  # 回访
    RATE = "rate"  # 评价


S, A = Status, Action

STATUS_LABELS = {
    S.RECEIVED: "已受理待派单",
    S.DISPATCHED: "已派单待签收",
    S.HANDLING: "办理中",
    S.RETURN_REQUESTED: "退单待审核",
    S.REPLIED: "已回复待办结",
    S.CLOSED: "已办结",
    S.VISITED: "已回访",
    S.RATED: "已评价",
    S.MERGED: "已并单",
}

ACTION_LABELS = {
    A.DISPATCH: "派单",
    A.ANSWER_AT_ONCE: "当场解答并办结",
    A.MERGE: "并单",
    A.ACCEPT: "签收",
    A.REQUEST_RETURN: "申请退单",
    A.APPROVE_RETURN: "同意退单",
    A.REJECT_RETURN: "驳回退单",
    A.REASSIGN: "改派",
    A.REPLY: "回复",
    A.SUPERVISE: "督办",
    A.REDO: "退回重办",
    A.CLOSE: "办结",
    A.VISIT: "回访",
    A.RATE: "评价",
}

OPEN_HANDLING = (S.DISPATCHED, S.HANDLING, S.RETURN_REQUESTED)

TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (S.RECEIVED, A.DISPATCH): S.DISPATCHED,
    (S.RECEIVED, A.ANSWER_AT_ONCE): S.CLOSED,
    (S.RECEIVED, A.MERGE): S.MERGED,
    (S.DISPATCHED, A.MERGE): S.MERGED,
    (S.DISPATCHED, A.ACCEPT): S.HANDLING,
    (S.DISPATCHED, A.REQUEST_RETURN): S.RETURN_REQUESTED,
    (S.HANDLING, A.REQUEST_RETURN): S.RETURN_REQUESTED,
    (S.RETURN_REQUESTED, A.APPROVE_RETURN): S.RECEIVED,
    (S.RETURN_REQUESTED, A.REJECT_RETURN): S.HANDLING,
    **{(s, A.REASSIGN): S.DISPATCHED for s in OPEN_HANDLING},
    (S.HANDLING, A.REPLY): S.REPLIED,
    **{(s, A.SUPERVISE): s for s in (*OPEN_HANDLING, S.REPLIED)},
    (S.REPLIED, A.REDO): S.HANDLING,
    (S.REPLIED, A.CLOSE): S.CLOSED,
    (S.CLOSED, A.VISIT): S.VISITED,
    (S.VISITED, A.RATE): S.RATED,
}

TERMINAL = frozenset({S.RATED, S.MERGED})
# Counted as 办结 by the indicators: the order was closed, whatever came after.
FINISHED = frozenset({S.CLOSED, S.VISITED, S.RATED})
# The deadline runs until the order is closed.
CLOCK_RUNNING = frozenset({S.RECEIVED, S.DISPATCHED, S.HANDLING, S.RETURN_REQUESTED, S.REPLIED})

# Types a call-taker may answer on the spot from the knowledge base.
ANSWERABLE_AT_ONCE = frozenset({OrderType.ENQUIRY, OrderType.HELP})


class Satisfaction(StrEnum):
    VERY_SATISFIED = "very_satisfied"
    SATISFIED = "satisfied"
    NEUTRAL = "neutral"
    DISSATISFIED = "dissatisfied"
    VERY_DISSATISFIED = "very_dissatisfied"


SATISFACTION_LABELS = {
    Satisfaction.VERY_SATISFIED: "非常满意",
    Satisfaction.SATISFIED: "满意",
    Satisfaction.NEUTRAL: "基本满意",
    Satisfaction.DISSATISFIED: "不满意",
    Satisfaction.VERY_DISSATISFIED: "非常不满意",
}
# 满意率 counts these as satisfied (GB/T 33358 counts 满意 and 基本满意).
SATISFIED_LEVELS = frozenset({Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED, Satisfaction.NEUTRAL})


class FlowError(Exception):
    """An action the table or a guard refuses, with the reason in Chinese."""

    def __init__(self, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.code, self.message, self.field = code, message, field


@dataclass(frozen=True)
class OrderFacts:
    """What the table, its guards and the policy read of an order."""

    status: str
    order_type: str
    department_id: int | None = None
    creator_id: int | None = None
    merged_into_id: int | None = None
    order_id: int | None = None


@dataclass(frozen=True)
class Request:
    """What an action brings with it (a department, a text, a satisfaction level, a target order)."""

    department_id: int | None = None
    text: str = ""
    satisfaction: str = ""
    target_id: int | None = None
    target_status: str = ""


def next_status(status: str, action: str) -> Status:
    key = (Status(status), Action(action))
    if key not in TRANSITIONS:
        raise FlowError(
            "invalid_transition", f"工单当前为“{STATUS_LABELS[key[0]]}”，不能{ACTION_LABELS[key[1]]}。", "action"
        )
    return TRANSITIONS[key]


def allowed_actions(status: str) -> list[Action]:
    return [a for (s, a) in TRANSITIONS if s == Status(status)]


NEEDS_TEXT = {
    A.ANSWER_AT_ONCE: "请填写答复内容。",
    A.REQUEST_RETURN: "请写明退单理由。",
    A.REPLY: "请填写办理结果（回复内容）。",
    A.SUPERVISE: "请写明督办意见。",
    A.REDO: "请写明退回重办的理由。",
    A.VISIT: "请记录回访情况。",
    A.APPROVE_RETURN: "",
    A.REJECT_RETURN: "请写明驳回理由。",
}


def guard(facts: OrderFacts, action: str, req: Request | None = None) -> None:
    """Raise FlowError when the table or a guard refuses ``action`` on an order with these facts; without a
    request, only what the order's own facts decide (a page asks this before it asks for the inputs)."""
    act = Action(action)
    next_status(facts.status, act)
    if act is A.ANSWER_AT_ONCE and facts.order_type not in ANSWERABLE_AT_ONCE:
        raise FlowError("not_answerable", "只有咨询、求助类工单可以当场解答办结；其余须派单办理。", "action")
    if req is None:
        return
    if NEEDS_TEXT.get(act) and not req.text.strip():
        raise FlowError("text_required", NEEDS_TEXT[act], "text")
    if act in (A.DISPATCH, A.REASSIGN):
        if req.department_id is None:
            raise FlowError("department_required", "请选择承办部门。", "department")
        if act is A.REASSIGN and req.department_id == facts.department_id:
            raise FlowError("same_department", "改派须选择另一个承办部门。", "department")
    if act is A.RATE and req.satisfaction not in set(Satisfaction):
        raise FlowError("satisfaction_required", "请选择满意程度。", "satisfaction")
    if act is A.MERGE:
        if req.target_id is None:
            raise FlowError("target_required", "请选择要并入的工单。", "target")
        if req.target_id == facts.order_id:
            raise FlowError("target_self", "不能把工单并入它自己。", "target")
        if req.target_status in (S.MERGED, ""):
            raise FlowError("target_merged", "不能并入一张已并单的工单，请选择它并入的主工单。", "target")


def status_label(status: str) -> str:
    return STATUS_LABELS[Status(status)]


def type_label(order_type: str) -> str:
    return TYPE_LABELS[OrderType(order_type)]
