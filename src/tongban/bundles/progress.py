"""How a bundle case's phase follows from its children's states (pure; no Django)."""

from __future__ import annotations

from collections.abc import Iterable

# Child case states (tongban.cases.workflow.CaseStatus values) as plain strings, to stay Django-free.
TERMINAL = frozenset({"refused", "closed", "withdrawn", "terminated"})
DECIDED = "decided"


def derive_phase(child_statuses: Iterable[str]) -> str:
    """in_progress while any child is open; ready when the open ones all wait at the result desk; closed
    when every child has ended. ("refused" only when every child was refused at acceptance.)"""
    statuses = list(child_statuses)
    if not statuses:
        return "in_progress"
    if all(s == "refused" for s in statuses):
        return "refused"
    if all(s in TERMINAL for s in statuses):
        return "closed"
    if all(s in TERMINAL or s == DECIDED for s in statuses):
        return "ready"
    return "in_progress"
