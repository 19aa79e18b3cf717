"""Reads of bundle definitions for pages and API alike (同源发布)."""

from __future__ import annotations

import datetime as dt
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


# ---- bundle cases --------------------------------------------------------------------------------------


def bundle_holdup(bundle_case: Any) -> Any:
    """The open child that holds the bundle up: overdue first, then the latest promised due, then waiting."""
    from tongban.cases.models import Case

    open_children = list(
        Case.objects.filter(bundle_case=bundle_case)
        .exclude(status__in=["closed", "refused", "withdrawn", "terminated", "decided"])
        .select_related("version", "deciding_department")
    )
    if not open_children:
        return None
    far_future = dt.date.max
    return max(open_children, key=lambda c: (c.status != "waiting", c.promised_due or far_future))


@dataclass
class BundleIndicators:
    bundle_cases: int
    items_per_case: float
    forms_saved: int
    materials_saved: int
    trips_saved: int
    fields_saved: int
    average_days_to_last_result: float | None  # calendar days from submission to the last child decision


def bundle_indicators(bundle: Bundle, start: dt.date | None = None, end: dt.date | None = None) -> BundleIndicators:
    """Per bundle over a period (by submission date): what applying together saved against item by item."""
    from django.db.models import Max

    from tongban.cases.models import Case

    from .models import BundleCase

    qs = BundleCase.objects.filter(bundle=bundle, submitted_at__isnull=False)
    if start:
        qs = qs.filter(submitted_at__date__gte=start)
    if end:
        qs = qs.filter(submitted_at__date__lte=end)
    rows = list(qs.prefetch_related("items__depends_on"))
    if not rows:
        return BundleIndicators(0, 0.0, 0, 0, 0, 0, None)
    specs_by_item = {int(s.key): s for s in item_specs(get_bundle(bundle.code, include_unpublished=True) or bundle)}
    forms = materials = trips = fields_ = 0
    item_count = 0
    for bc in rows:
        chosen = [specs_by_item[i.pk] for i in bc.items.all() if i.pk in specs_by_item]
        chosen_keys = {s.key for s in chosen}
        # Dependencies on items the applicant did not choose do not count: they brought that material.
        chosen = [replace(s, depends_on=[d for d in s.depends_on if d in chosen_keys]) for s in chosen]
        saved = compute_savings(chosen, bundle.promised_days)
        forms += saved.forms_saved
        materials += saved.materials_saved
        trips += saved.trips_saved
        fields_ += saved.fields_saved
        item_count += len(chosen)
    last_decisions = dict(
        Case.objects.filter(bundle_case__in=rows, decided_at__isnull=False)
        .values("bundle_case")
        .annotate(last=Max("decided_at"))
        .values_list("bundle_case", "last")
    )
    spans = [
        (last_decisions[bc.pk] - bc.submitted_at).total_seconds() / 86400
        for bc in rows
        if bc.pk in last_decisions and bc.phase in ("ready", "closed")
    ]
    return BundleIndicators(
        bundle_cases=len(rows),
        items_per_case=round(item_count / len(rows), 2),
        forms_saved=forms,
        materials_saved=materials,
        trips_saved=trips,
        fields_saved=fields_,
        average_days_to_last_result=round(sum(spans) / len(spans), 2) if spans else None,
    )


# ---- bundle cases as pages and API show them (added for issue 4's pages and API) ------------------------

OPEN_PHASES = ("submitted", "correction", "in_progress", "ready")
_ENDED_CHILD = ("closed", "refused", "withdrawn", "terminated", "decided")


def _holdup_key(case: Any) -> tuple[bool, dt.date]:
    return (case.status != "waiting", case.promised_due or dt.date.max)


def bundle_holdups(bundle_cases: list[Any]) -> dict[int, Any]:
    """``bundle_holdup`` for a page of bundle cases in one query: {bundle case pk: child or None}."""
    from tongban.cases.models import Case

    pks = [bc.pk for bc in bundle_cases]
    found: dict[int, Any] = dict.fromkeys(pks)
    rows = (
        Case.objects.filter(bundle_case_id__in=pks)
        .exclude(status__in=_ENDED_CHILD)
        .select_related("version", "deciding_department")
    )
    for child in rows:
        key = child.bundle_case_id
        if key is None:
            continue
        best = found.get(key)
        if best is None or _holdup_key(child) > _holdup_key(best):
            found[key] = child
    return found


def visible_bundle_cases(user: Any) -> QuerySet[Any]:
    """Who sees a bundle case, as for its children: the applicant; the receiving centre's clerks; approvers
    and heads of a department deciding one of its items; supervisors of the jurisdiction; administrators."""
    from django.db.models import Q

    from tongban.cases.models import Case

    from .models import BundleCase

    qs = BundleCase.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if getattr(user, "kind", "") != "staff":
        return qs.filter(applicant_id=user.pk)
    role = getattr(user, "role", "")
    if role == "system_admin":
        return qs
    if role == "window_clerk" and user.service_centre_id:
        return qs.filter(receiving_centre_id=user.service_centre_id)
    if role in ("approver", "department_head") and user.department_id:
        return qs.filter(
            pk__in=Case.objects.filter(deciding_department_id=user.department_id, bundle_case__isnull=False).values(
                "bundle_case_id"
            )
        )
    if role == "supervisor" and user.division_id:
        path = user.division.path
        return qs.filter(
            Q(receiving_division__path__startswith=path)
            | Q(
                pk__in=Case.objects.filter(deciding_division__path__startswith=path, bundle_case__isnull=False).values(
                    "bundle_case_id"
                )
            )
        )
    return qs.none()


def get_visible_bundle_case(user: Any, number: str) -> Any:
    bc = (
        visible_bundle_cases(user)
        .select_related("bundle", "bundle__lead_department", "receiving_centre", "receiving_division", "applicant")
        .filter(number=number)
        .first()
    )
    if bc is not None and bc.phase == "draft" and bc.applicant_id != getattr(user, "pk", None):
        return None  # a draft is no application yet: only its author sees it
    return bc


def bundle_children(bundle_case: Any) -> list[Any]:
    """The child cases in the bundle's item order, with what the pages show of each."""
    from tongban.cases.models import Case

    return list(
        Case.objects.filter(bundle_case=bundle_case)
        .select_related("version", "deciding_department", "bundle_item", "implementation")
        .prefetch_related("bundle_item__depends_on")
        .order_by("bundle_item__order", "bundle_item_id", "id")
    )


def savings_for(bundle: Bundle, item_ids: list[int] | None = None) -> Savings:
    """What applying together saves for the applicant's choice (dependencies on items left out do not count:
    the applicant brings that result as a material)."""
    specs = item_specs(bundle)
    if item_ids is not None:
        keys = {str(i) for i in item_ids}
        specs = [replace(s, depends_on=[d for d in s.depends_on if d in keys]) for s in specs if s.key in keys]
    return compute_savings(specs, bundle.promised_days)


def bundle_board(
    user: Any, *, overdue_only: bool = False, today: dt.date | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[Any], int]:
    """Open bundle cases of a supervisor's jurisdiction, most urgent first, each with ``holdup`` set."""
    from django.db.models import F

    if getattr(user, "role", "") not in ("supervisor", "system_admin") or not getattr(user, "division_id", None):
        return [], 0
    qs = visible_bundle_cases(user).filter(phase__in=OPEN_PHASES)
    if overdue_only:
        qs = qs.filter(promised_due__lt=today or dt.date.today())
    total = qs.count()
    rows = list(
        qs.select_related("bundle", "receiving_centre").order_by(
            F("promised_due").asc(nulls_last=True), "submitted_at", "id"
        )[offset : offset + limit]
    )
    holdups = bundle_holdups(rows)
    for bc in rows:
        # Before 受理 (and in 补正) the front desk holds the bundle, not one of its items.
        bc.holdup = holdups.get(bc.pk) if bc.phase == "in_progress" else None
    return rows, total
