"""六统一 report: where published implementations depart from their catalogue entry.

Builds on ``rules.uniformity_differences`` (pure); this module only loads the data in a bounded number of
queries (one for the implementations, one per prefetched part list) and counts the differences.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from .models import (
    CatalogueEntry,
    HandlingStep,
    ImplementationVersion,
    ItemImplementation,
    MaterialRequirement,
    SpecialStep,
)
from .rules import Violation, uniformity_differences
from .services import snapshot

# The aspects of 六统一 the rules compare, in the order the report shows them.
ASPECTS: dict[str, str] = {
    "materials": "申请材料",
    "statutory_days": "法定办结时限",
    "fees": "收费",
    "steps": "办理流程",
}


def entry_baseline(entry: CatalogueEntry) -> dict[str, Any]:
    """The standard an implementation is compared against (the entry's ``standard_*`` fields)."""
    return {
        "standard_materials": entry.standard_materials,
        "standard_steps": entry.standard_steps,
        "standard_fees": entry.standard_fees,
        "statutory_days": entry.statutory_days,
    }


def version_differences(version: ImplementationVersion, entry: CatalogueEntry | None = None) -> list[Violation]:
    """Differences of one version from its entry (the version's parts may be prefetched)."""
    entry = entry or version.implementation.entry
    return uniformity_differences(entry_baseline(entry), snapshot(version))


@dataclass
class ImplementationRow:
    implementation: ItemImplementation
    version: ImplementationVersion
    differences: list[Violation]

    @property
    def aspects(self) -> list[str]:
        return sorted({d.field for d in self.differences}, key=_aspect_order)


@dataclass
class UniformityReport:
    rows: list[ImplementationRow] = field(default_factory=list)

    @property
    def checked(self) -> int:
        return len(self.rows)

    @property
    def departing(self) -> list[ImplementationRow]:
        return [r for r in self.rows if r.differences]

    @property
    def consistent_count(self) -> int:
        return self.checked - len(self.departing)

    def select(self, *, aspect: str = "", only_departing: bool = False) -> list[ImplementationRow]:
        """Rows to show: all, those departing at all, or those departing in one aspect."""
        if aspect:
            return [r for r in self.rows if aspect in r.aspects]
        return self.departing if only_departing else list(self.rows)

    def aspect_counts(self) -> list[tuple[str, str, int]]:
        """(aspect, label, number of implementations departing in it) for every aspect."""
        counts: Counter[str] = Counter()
        for row in self.rows:
            counts.update(set(row.aspects))
        return [(key, label, counts.get(key, 0)) for key, label in ASPECTS.items()]


def _aspect_order(key: str) -> int:
    keys = list(ASPECTS)
    return keys.index(key) if key in keys else len(keys)


def published_implementations(queryset: QuerySet[ItemImplementation] | None = None) -> QuerySet[ItemImplementation]:
    """Published implementations with everything the report reads, prefetched."""
    qs = ItemImplementation.objects.all() if queryset is None else queryset
    return (
        qs.filter(published_version__isnull=False)
        .select_related("entry", "division", "department", "published_version")
        .prefetch_related(
            Prefetch("published_version__materials", queryset=MaterialRequirement.objects.order_by("order", "id")),
            Prefetch("published_version__steps", queryset=HandlingStep.objects.order_by("order", "id")),
            Prefetch("published_version__special_steps", queryset=SpecialStep.objects.order_by("id")),
        )
        .order_by("division__path", "code")
    )


def uniformity_report(queryset: QuerySet[ItemImplementation] | None = None) -> UniformityReport:
    """Compare every published implementation of ``queryset`` (default: all) with its catalogue entry."""
    report = UniformityReport()
    for impl in published_implementations(queryset):
        version = impl.published_version
        assert version is not None
        version.implementation = impl  # snapshot() reads implementation.entry: reuse the loaded rows
        differences = uniformity_differences(entry_baseline(impl.entry), snapshot(version))
        report.rows.append(ImplementationRow(impl, version, differences))
    return report
