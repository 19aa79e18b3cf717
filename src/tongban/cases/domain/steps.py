"""Which of a guide's handling steps the back office works through (pure; no Django).

A guide lists every step from receipt to result (受理 → 审核 → 审批 → 办结). Receipt is the front desk's and
issuing the result the result desk's; the back office works through the steps between, and decides at the
last of them.
"""

from __future__ import annotations

from collections.abc import Iterable

FRONT_STEPS = frozenset({"受理", "收件", "申请"})
AFTER_DECISION_STEPS = frozenset({"办结", "送达", "出件", "制证", "发证"})
DEFAULT_BACK_OFFICE = "审批"


def back_office_steps(step_names: Iterable[str]) -> list[str]:
    middle = [n for n in step_names if n not in FRONT_STEPS and n not in AFTER_DECISION_STEPS]
    return middle or [DEFAULT_BACK_OFFICE]


def current_step(back_office: list[str], index: int) -> str:
    return back_office[min(index, len(back_office) - 1)]


def awaiting_decision_after(back_office: list[str], index: int) -> bool:
    """The decision is made at the last back-office step: once the steps before it are done."""
    return index >= len(back_office) - 1
