"""Seams for apps above cases: links on a case's page and lines on the supervision board, given by whoever
registers them (evaluation: 评价 on a finished case, 满意率 on the board), so the case pages name no app above.

A case link is a dict {"id", "label", "url", "note"}; a board line is {"id", "text", "url"}; a case section
is {"id", "title", "groups": [{"heading", "rows": [(label, text), …]}]} (e.g. 前序环节结果 of a 多地联办 leg).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CaseLinks = Callable[[Any, Any], list[dict[str, str]]]  # (user, case) → links
BoardLines = Callable[[Any], list[dict[str, str]]]  # (user) → lines
CaseSections = Callable[[Any, Any], list[dict[str, Any]]]  # (user, case) → sections

_case_links: list[CaseLinks] = []
_board_lines: list[BoardLines] = []
_case_sections: list[CaseSections] = []


def register_case_links(source: CaseLinks) -> None:
    if source not in _case_links:
        _case_links.append(source)


def register_case_sections(source: CaseSections) -> None:
    if source not in _case_sections:
        _case_sections.append(source)


def register_board_lines(source: BoardLines) -> None:
    if source not in _board_lines:
        _board_lines.append(source)


def case_links(user: Any, case: Any) -> list[dict[str, str]]:
    return [link for source in _case_links for link in source(user, case)]


def board_lines(user: Any) -> list[dict[str, str]]:
    return [line for source in _board_lines for line in source(user)]


def case_sections(user: Any, case: Any) -> list[dict[str, Any]]:
    return [section for source in _case_sections for section in source(user, case)]
