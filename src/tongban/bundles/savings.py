"""What applying together saves, and in which order a bundle's items run (pure; no Django).

Items without prerequisites run in parallel; an item waits for the results of the items it depends on,
and such a result reaches it as a material, so the applicant never provides it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ItemSpec:
    key: str
    name: str
    visits: int
    promised_days: int
    materials: Sequence[str]
    form_fields: Sequence[str]
    depends_on: Sequence[str] = ()
    result_material: str = ""  # the name of this item's material that a prerequisite's result provides


@dataclass(frozen=True)
class Savings:
    items: int
    forms_separate: int
    forms_together: int
    fields_separate: int
    fields_together: int
    materials_separate: int
    materials_together: int
    trips_separate: int
    trips_together: int
    days_separate: int
    days_together: int
    shared_materials: list[str] = field(default_factory=list)

    @property
    def forms_saved(self) -> int:
        return self.forms_separate - self.forms_together

    @property
    def fields_saved(self) -> int:
        return self.fields_separate - self.fields_together

    @property
    def materials_saved(self) -> int:
        return self.materials_separate - self.materials_together

    @property
    def trips_saved(self) -> int:
        return self.trips_separate - self.trips_together

    @property
    def days_saved(self) -> int:
        return self.days_separate - self.days_together


class DependencyError(ValueError):
    pass


def normalise_material(name: str) -> str:
    """Material names vary in punctuation across items ("居民身份证（原件）"); compare their core."""
    for bracket in ("（", "("):
        if bracket in name:
            name = name.split(bracket, 1)[0]
    return "".join(name.split())


def stages(items: Iterable[ItemSpec]) -> list[list[str]]:
    """Waves of item keys that run in parallel, in dependency order. Raises DependencyError on a cycle."""
    specs = {i.key: i for i in items}
    for spec in specs.values():
        unknown = [d for d in spec.depends_on if d not in specs]
        if unknown:
            raise DependencyError(f"“{spec.name}”的前置事项不在本一件事中")
    done: set[str] = set()
    waves: list[list[str]] = []
    while len(done) < len(specs):
        wave = sorted(k for k, s in specs.items() if k not in done and set(s.depends_on) <= done)
        if not wave:
            stuck = "、".join(specs[k].name for k in specs if k not in done)
            raise DependencyError(f"事项之间存在循环依赖：{stuck}")
        waves.append(wave)
        done.update(wave)
    return waves


def critical_path_days(items: Sequence[ItemSpec]) -> int:
    specs = {i.key: i for i in items}
    finish: dict[str, int] = {}
    for wave in stages(items):
        for key in wave:
            spec = specs[key]
            finish[key] = spec.promised_days + max((finish[d] for d in spec.depends_on), default=0)
    return max(finish.values(), default=0)


def compute_savings(items: Sequence[ItemSpec], promised_days: int | None = None) -> Savings:
    provided_by_results = {normalise_material(i.result_material) for i in items if i.result_material and i.depends_on}
    all_materials = [normalise_material(m) for i in items for m in i.materials]
    counts: dict[str, int] = {}
    for m in all_materials:
        counts[m] = counts.get(m, 0) + 1
    together = {m for m in all_materials if m not in provided_by_results}
    fields_together = {f for i in items for f in i.form_fields}
    cp = critical_path_days(items)
    return Savings(
        items=len(items),
        forms_separate=len(items),
        forms_together=1 if items else 0,
        fields_separate=sum(len(i.form_fields) for i in items),
        fields_together=len(fields_together),
        materials_separate=len(all_materials),
        materials_together=len(together),
        trips_separate=sum(i.visits for i in items),
        trips_together=max((i.visits for i in items), default=0),
        days_separate=sum(i.promised_days for i in items),
        days_together=min(cp, promised_days) if promised_days else cp,
        shared_materials=sorted(m for m, c in counts.items() if c > 1),
    )
