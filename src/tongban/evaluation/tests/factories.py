"""What the evaluation tests share: the configurable dimensions and a finished case of the cases' test world."""

from __future__ import annotations

from tongban.cases.models import Case
from tongban.cases.tests.factories import S, World, bring_to, world
from tongban.evaluation.models import Dimension

DIMENSIONS = [
    ("efficiency", "办事效率"),
    ("attitude", "服务态度"),
    ("guide", "办事指南准确性"),
    ("convenience", "便利程度"),
]


def dimensions() -> list[Dimension]:
    return [Dimension.objects.create(code=c, name=n, order=i) for i, (c, n) in enumerate(DIMENSIONS)]


def finished(w: World | None = None) -> tuple[World, Case]:
    w = w or world()
    return w, bring_to(w, S.CLOSED)


__all__ = ["S", "World", "bring_to", "dimensions", "finished", "world"]
