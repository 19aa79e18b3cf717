"""The hotline's indicators from counts (pure; no Django): 响应率, 办结率, 满意率, 重复诉求率 and the share of
咨询 answered on the spot. A rate with nothing to count is None (shown as “—”), never 0 % or 100 %."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Counts:
    received: int = 0  # orders received in the period (merged ones included)
    dispatched: int = 0  # of them, dispatched to a department
    responded: int = 0  # of the dispatched, signed for by the department within the response window
    finished: int = 0  # closed (办结), whatever came after
    rated: int = 0
    satisfied: int = 0
    merged: int = 0  # merged into an earlier order as a repeated request
    enquiries: int = 0  # 咨询 received
    answered_at_once: int = 0  # 咨询 closed on the spot from the knowledge base


def rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 4)


@dataclass(frozen=True)
class Indicators:
    counts: Counts
    response_rate: float | None
    finish_rate: float | None
    satisfaction_rate: float | None
    repeat_rate: float | None
    answered_at_once_rate: float | None


def indicators(c: Counts) -> Indicators:
    return Indicators(
        counts=c,
        response_rate=rate(c.responded, c.dispatched),
        finish_rate=rate(c.finished, c.received - c.merged),
        satisfaction_rate=rate(c.satisfied, c.rated),
        repeat_rate=rate(c.merged, c.received),
        answered_at_once_rate=rate(c.answered_at_once, c.enquiries),
    )


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"
