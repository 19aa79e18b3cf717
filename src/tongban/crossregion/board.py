"""The supervision board's line for cross-region handling (cases/page_extras.py): what this node's windows
took for other regions and have not forwarded yet, and how many of those passed the forwarding limit."""

from __future__ import annotations

from typing import Any

from tongban.cases.domain.policy import may_use_board
from tongban.cases.page_extras import register_board_lines
from tongban.core import clock
from tongban.core.actor import actor_of

from .domain.workflow import FINAL, Side, XStatus
from .models import CrossRegionCase


def board_lines(user: Any) -> list[dict[str, str]]:
    if not may_use_board(actor_of(user)):
        return []
    waiting = CrossRegionCase.objects.filter(side=Side.RECEIVING, status=XStatus.TAKEN)
    overdue = waiting.filter(forward_due__lt=clock.today()).count()
    deciding = CrossRegionCase.objects.filter(side=Side.DECIDING).exclude(status__in=FINAL).count()
    text = f"跨省通办：收件待转递 {waiting.count()} 件（超过转递时限 {overdue} 件）；为其他地区收件、在本地办理 {deciding} 件"
    return [{"id": "crossregion-figures", "text": text, "url": ""}]


def register() -> None:
    register_board_lines(board_lines)
