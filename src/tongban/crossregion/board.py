"""The supervision board's lines for cross-region handling (cases/page_extras.py): what this node's windows
took for other regions and have not forwarded yet, and how many of those passed the forwarding limit; on a
node of the federation, the way to its operator page (跨地区联邦运行情况)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tongban.cases.domain.policy import may_use_board
from tongban.cases.page_extras import register_board_lines
from tongban.core import clock
from tongban.core.actor import actor_of

from .domain.workflow import FINAL, Side, XStatus
from .models import CrossRegionCase
from .transport import local_code


def board_lines(user: Any) -> list[dict[str, str]]:
    if not may_use_board(actor_of(user)):
        return []
    waiting = CrossRegionCase.objects.filter(side=Side.RECEIVING, status=XStatus.TAKEN)
    overdue = waiting.filter(forward_due__lt=clock.today()).count()
    deciding = CrossRegionCase.objects.filter(side=Side.DECIDING).exclude(status__in=FINAL).count()
    text = f"跨省通办：收件待转递 {waiting.count()} 件（超过转递时限 {overdue} 件）；为其他地区收件、在本地办理 {deciding} 件"
    lines = [{"id": "crossregion-figures", "text": text, "url": ""}]
    if local_code():  # a member of the federation: its queues, alerts and refusals
        operations = "跨地区联邦运行情况：与各节点的消息队列、告警和拒收记录"
        lines.append({"id": "federation-operations", "text": operations, "url": reverse("federation:operations")})
    return lines


def register() -> None:
    register_board_lines(board_lines)
