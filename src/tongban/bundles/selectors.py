"""Reads of bundle definitions for pages and API alike (同源发布)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Prefetch, QuerySet

from tongban.catalogue.formschema import merge_forms
from tongban.catalogue.models import ImplementationVersion, ItemImplementation

from .models import Bundle, BundleItem
from .savings import ItemSpec, Savings, compute_savings, normalise_material, stages


def _items_prefetch() -> Prefetch:
    return Prefetch(
        "items",
        queryset=BundleItem.objects.select_related(
            "implementation__department",
            "implementation__division",
            "implementation__entry",
            "implementation__published_version",
        ).prefetch_related(
            "depends_on",
            Prefetch("implementation__published_version__materials"),
        ),
    )


def published_bundles(region_path: str | None = None, audience: str | None = None) -> QuerySet[Bundle]:
    qs = Bundle.objects.filter(status=Bundle.Status.PUBLISHED).select_related("division", "lead_department")
    if region_path:
        # A bundle serves its own region, the regions below it, and is visible from above.
        ancestors = [c for c in region_path.split("/") if c]
        qs = qs.filter(division__path__startswith=region_path) | qs.filter(division__code__in=ancestors)
    if audience:
        qs = qs.filter(audience=audience)
    return qs.order_by("division_id", "code")


def bundles_of(implementation: ItemImplementation) -> list[Bundle]:
    """The published bundles (一件事) an implementation belongs to."""
    return list(
        Bundle.objects.filter(status=Bundle.Status.PUBLISHED, items__implementation=implementation)
        .distinct()
        .order_by("code")
    )


def get_bundle(code: str, include_unpublished: bool = False) -> Bundle | None:
    qs = Bundle.objects.select_related("division", "lead_department").prefetch_related(_items_prefetch())
    if not include_unpublished:
        qs = qs.filter(status=Bundle.Status.PUBLISHED)
    return qs.filter(code=code).first()


def _version(item: BundleItem) -> ImplementationVersion | None:
    return item.implementation.published_version


def item_specs(bundle: Bundle) -> list[ItemSpec]:
    specs = []
    for item in bundle.items.all():
        version = _version(item)
        specs.append(
            ItemSpec(
                key=str(item.pk),
                name=version.name if version else item.implementation.entry.name,
                visits=version.visits if version else 1,
                promised_days=version.promised_days if version else 0,
                materials=[m.name for m in version.materials.all()] if version else [],
                form_fields=[f["key"] for f in version.form_schema] if version else [],
                depends_on=[str(d.pk) for d in item.depends_on.all()],
                result_material=item.result_as_material,
            )
        )
    return specs


def bundle_savings(bundle: Bundle) -> Savings:
    return compute_savings(item_specs(bundle), bundle.promised_days)


@dataclass
class BundleOverview:
    bundle: Bundle
    items: list[BundleItem]
    stages: list[list[BundleItem]]
    merged_form: list[dict[str, Any]]
    materials: list[dict[str, Any]]  # {"name", "items": [item names], "provided_by_result": bool}
    savings: Savings
    unavailable: list[BundleItem] = field(default_factory=list)


def bundle_overview(bundle: Bundle) -> BundleOverview:
    items = list(bundle.items.all())
    by_key = {str(i.pk): i for i in items}
    specs = item_specs(bundle)
    waves = [[by_key[k] for k in wave] for wave in stages(specs)]
    versions = [_version(i) for i in items]
    merged = merge_forms([v.form_schema for v in versions if v])
    provided = {normalise_material(i.result_as_material) for i in items if i.result_as_material}
    materials: dict[str, dict[str, Any]] = {}
    for item, version in zip(items, versions, strict=True):
        if not version:
            continue
        for m in version.materials.all():
            key = normalise_material(m.name)
            row = materials.setdefault(
                key,
                {"name": key, "items": [], "provided_by_result": False, "licence_replaceable": m.licence_replaceable},
            )
            row["items"].append(version.name)
            if key in provided and len(item.depends_on.all()) > 0:
                row["provided_by_result"] = True
    return BundleOverview(
        bundle=bundle,
        items=items,
        stages=waves,
        merged_form=merged,
        materials=list(materials.values()),
        savings=compute_savings(specs, bundle.promised_days),
        unavailable=[i for i, v in zip(items, versions, strict=True) if not v],
    )


def savings_for(bundle: Bundle, item_ids: list[int] | None = None) -> Savings:
    """What applying together saves for the applicant's choice (dependencies on items left out do not count:
    the applicant brings that result as a material)."""
    specs = item_specs(bundle)
    if item_ids is not None:
        keys = {str(i) for i in item_ids}
        specs = [replace(s, depends_on=[d for d in s.depends_on if d in keys]) for s in specs if s.key in keys]
    return compute_savings(specs, bundle.promised_days)
