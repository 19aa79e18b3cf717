"""The deciding node's local case page (cases/page_extras.py): a link to the cross-region case it came from,
and for a 多地联办 leg what the earlier legs decided (前序环节结果), as the leg's application carried it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tongban.cases.domain.policy import may_see_personal
from tongban.cases.facts import case_facts
from tongban.cases.page_extras import register_case_links, register_case_sections
from tongban.core.actor import actor_of

from .domain.workflow import Side
from .models import CrossRegionCase
from .selectors import may_see

EARLIER_FIELDS = ("办件编号", "决定", "结果")


def _xcase_of(case: Any) -> CrossRegionCase | None:
    if not case.receiving_node:
        return None
    return CrossRegionCase.objects.filter(local_case=case, side=Side.DECIDING).first()


def case_links(user: Any, case: Any) -> list[dict[str, str]]:
    xcase = _xcase_of(case)
    if xcase is None or not may_see(user, xcase):
        return []
    url = reverse("crossregion:detail", args=[xcase.ref])
    note = f"跨域办件{xcase.shown_ref}，{xcase.peer_name or xcase.peer_node}收件"
    return [{"id": "crossregion-case", "label": "查看跨域办件", "url": url, "note": note}]


def case_sections(user: Any, case: Any) -> list[dict[str, Any]]:
    """前序环节结果 for the staff handling the case (the earlier legs decided about the same applicant)."""
    xcase = _xcase_of(case)
    if xcase is None or not xcase.passed_data or not may_see_personal(actor_of(user), case_facts(case)):
        return []
    groups = [
        {"heading": title, "rows": [(label, str((data or {}).get(label) or "")) for label in EARLIER_FIELDS]}
        for title, data in xcase.passed_data.items()
    ]
    return [{"id": "earlier-legs", "title": "前序环节结果", "groups": groups}]


def register() -> None:
    register_case_links(case_links)
    register_case_sections(case_sections)
