"""Division scoping applied to querysets: the rows an actor may see and act on.

The rule itself is the Actor's (``tongban.core.actor``: ``division_paths``, ``manages_path``): a system
administrator everywhere, other staff in their own division's subtree (``Division.path`` starts with theirs),
anyone else nowhere. This module only turns it into a filter.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from tongban.core.actor import Actor

M = TypeVar("M", bound=Model)


def within_divisions(queryset: QuerySet[M], actor: Actor, path_lookup: str = "division__path") -> QuerySet[M]:
    """Rows of ``queryset`` inside the actor's subtree; ``path_lookup`` reaches a Division.path from a row
    (``"path"`` for Division itself, ``"implementation__division__path"`` for versions …)."""
    paths = actor.division_paths()
    if paths is None:
        return queryset
    if not paths:
        return queryset.none()
    condition = Q()
    for p in paths:
        condition |= Q(**{f"{path_lookup}__startswith": p})
    return queryset.filter(condition)
