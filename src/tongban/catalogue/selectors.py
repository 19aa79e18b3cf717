"""Reads over the published catalogue. Pages and the API both read through these (同源发布).

Only implementations whose ``published_version`` is set (and published) are visible to citizens; a version
passed by number may also be a retired one, so an older guide can still be shown with a notice.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Min, Prefetch, Q, QuerySet

from tongban.core.actor import Actor
from tongban.core.errors import DomainError
from tongban.jurisdictions.kinds import department_kind_label
from tongban.jurisdictions.models import Department, Division
from tongban.jurisdictions.selectors import ancestor_codes, normalize_code

from . import vocab
from .models import GuideFile, HandlingStep, ImplementationVersion, ItemImplementation, MaterialRequirement, Theme
from .workflow import VersionStatus

# Statuses a version can have once it has been public; only these may be shown to citizens.
PUBLIC_STATUSES = (VersionStatus.PUBLISHED.value, VersionStatus.RETIRED.value)


class GuideNotFound(DomainError):
    status = 404

    def __init__(self, message: str = "未找到该事项的办事指南", field: str | None = None):
        super().__init__("not_found", message, field, status=404)


def _division(region: Division | str | None) -> Division | None:
    if region is None or isinstance(region, Division):
        return region
    return Division.objects.filter(code=normalize_code(region)).first()


def _published_filter(prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}published_version__isnull": False,
            f"{prefix}published_version__status": VersionStatus.PUBLISHED.value,
        }
    )


def published_implementations(
    region: Division | str | None = None,
    theme: Theme | str | None = None,
    department_kind: str | None = None,
    audience: str | None = None,
    cross_region: bool | None = None,
) -> QuerySet[ItemImplementation]:
    """Implementations citizens can see, with their published version, entry, department and division.

    ``region`` (a Division or a division code) keeps the items implemented in that region or any of its
    ancestors: what a resident of the region can apply for. An unknown code matches nothing. ``theme`` is a
    Theme or its code; ``audience`` is ``natural`` or ``legal``; ``cross_region`` keeps items on the
    跨省通办 list (or with 跨省通办 scope).
    """
    qs = (
        ItemImplementation.objects.filter(_published_filter())
        .select_related("published_version", "entry", "division", "division__parent", "department")
        .prefetch_related("entry__themes")
        .order_by("entry__code", "division__path", "code")
    )
    if region is not None:
        division = _division(region)
        if division is None:
            return qs.none()
        qs = qs.filter(division_id__in=ancestor_codes(division))
    if theme is not None:
        qs = qs.filter(entry__themes__code=theme.code if isinstance(theme, Theme) else theme)
    if department_kind:
        qs = qs.filter(department__kind=department_kind)
    if audience:
        if audience not in vocab.SERVICE_OBJECT_LABELS:
            return qs.none()
        # Matches the JSON text of the list on SQLite and PostgreSQL alike (values are fixed codes).
        qs = qs.filter(published_version__service_objects__icontains=f'"{audience}"')
    if cross_region is True:
        qs = qs.filter(Q(entry__cross_region=True) | Q(published_version__scope="national"))
    elif cross_region is False:
        qs = qs.exclude(entry__cross_region=True).exclude(published_version__scope="national")
    return qs


def get_published_guide(code: str, version: int | None = None) -> tuple[ItemImplementation, ImplementationVersion]:
    """The implementation and the version to show: the published one, or number ``version`` if that one was
    ever public (published or retired). Raises GuideNotFound (a 404 DomainError) otherwise."""
    impl = (
        ItemImplementation.objects.select_related("entry", "division", "division__parent", "department")
        .prefetch_related("entry__themes")
        .filter(code=code)
        .first()
    )
    if impl is None:
        raise GuideNotFound(f"未找到编码为“{code}”的事项", "code")
    versions = ImplementationVersion.objects.filter(implementation=impl).prefetch_related(
        Prefetch(
            "materials",
            queryset=MaterialRequirement.objects.select_related("blank_form_file", "sample_file").order_by(
                "order", "id"
            ),
        ),
        Prefetch("steps", queryset=HandlingStep.objects.order_by("order", "id")),
        "special_steps",
    )
    if version is None:
        if not impl.published_version_id:
            raise GuideNotFound("该事项暂无已发布的办事指南", "code")
        found = versions.filter(pk=impl.published_version_id, status=VersionStatus.PUBLISHED.value).first()
    else:
        found = versions.filter(number=version, status__in=PUBLIC_STATUSES).first()
        if found is None:
            raise GuideNotFound(f"该事项没有已发布的第 {version} 版办事指南", "version")
    if found is None:
        raise GuideNotFound("该事项暂无已发布的办事指南", "code")
    found.implementation = impl  # reuse the loaded implementation (no extra query)
    return impl, found


def public_versions(implementation: ItemImplementation) -> QuerySet[ImplementationVersion]:
    """Every version of an implementation that has been public, newest first (for a version list)."""
    return (
        ImplementationVersion.objects.filter(implementation=implementation, status__in=PUBLIC_STATUSES)
        .only("id", "implementation_id", "number", "status", "published_at")
        .order_by("-number")
    )


def themes_with_counts(region: Division | str | None = None) -> list[Any]:
    """Every theme (Theme rows), natural-person themes first, each annotated with ``count``: its published
    implementations."""
    published = Q(
        entries__implementations__published_version__isnull=False,
        entries__implementations__published_version__status=VersionStatus.PUBLISHED.value,
    )
    if region is not None:
        division = _division(region)
        codes = ancestor_codes(division) if division else []
        published &= Q(entries__implementations__division_id__in=codes)
    return list(
        Theme.objects.annotate(count=Count("entries__implementations", filter=published, distinct=True)).order_by(
            "audience", "order", "code"
        )
    )


def department_kinds_with_counts(region: Division | str | None = None) -> list[dict[str, Any]]:
    """``[{"kind", "label", "count", "departments"}]`` for each department kind with published items,
    most items first; ``departments`` is how many departments of that kind implement them."""
    qs = published_implementations(region=region).order_by()
    rows = qs.values("department__kind").annotate(
        count=Count("id", distinct=True),
        departments=Count("department_id", distinct=True),
        example=Min("department__name"),
    )
    result = [
        {
            "kind": r["department__kind"],
            "label": department_kind_label(r["department__kind"], r["example"]),
            "count": r["count"],
            "departments": r["departments"],
        }
        for r in rows
    ]
    result.sort(key=lambda r: (-r["count"], r["label"]))
    return result


def regions_tree(with_empty: bool = True) -> list[dict[str, Any]]:
    """The division tree as nested dicts ``{"code", "name", "level", "count", "available", "total", "children"}``.

    ``count`` is the published implementations of the division itself, ``available`` those of the division
    and its ancestors (what its residents can apply for: the browse list for that region) and ``total``
    those of its whole subtree. With ``with_empty=False``, branches without any published item are left out. Two queries."""
    counts: dict[str, int] = defaultdict(int)
    for row in (
        ItemImplementation.objects.filter(_published_filter()).order_by().values("division_id").annotate(n=Count("id"))
    ):
        counts[row["division_id"]] = row["n"]
    nodes: dict[str, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for div in Division.objects.order_by("path").only("code", "name", "level", "parent_id", "path"):
        parent = nodes.get(div.parent_id) if div.parent_id else None
        count = counts.get(div.code, 0)
        node = {
            "code": div.code,
            "name": div.name,
            "level": div.level,
            "count": count,
            "available": count + (parent["available"] if parent else 0),
            "total": 0,
            "children": [],
        }
        nodes[div.code] = node
        (parent["children"] if parent else roots).append(node)

    def total(node: dict[str, Any]) -> int:
        node["total"] = node["count"] + sum(total(c) for c in node["children"])
        return node["total"]

    for root in roots:
        total(root)
    if not with_empty:

        def prune(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
            kept = [n for n in items if n["total"]]
            for n in kept:
                n["children"] = prune(n["children"])
            return kept

        roots = prune(roots)
    return roots


def region_options(max_level: int = 3) -> list[dict[str, Any]]:
    """The tree flattened depth-first for a <select>: ``{"code", "name", "level", "depth", "total"}``."""
    out: list[dict[str, Any]] = []

    def walk(items: list[dict[str, Any]], depth: int) -> None:
        for n in items:
            if n["level"] <= max_level:
                out.append(
                    {"code": n["code"], "name": n["name"], "level": n["level"], "depth": depth, "total": n["total"]}
                )
                walk(n["children"], depth + 1)

    walk(regions_tree(), 0)
    return out


def departments_of_kind(kind: str, region: Division | str | None = None) -> QuerySet[Department]:
    """Departments of one kind that implement published items (optionally in a region and its ancestors)."""
    impls = published_implementations(region=region, department_kind=kind).order_by()
    return (
        Department.objects.filter(pk__in=impls.values("department_id"))
        .select_related("division")
        .order_by("division__path", "name")
    )


def downloadable_guide_file(pk: int, actor: Actor) -> GuideFile | None:
    """A blank form or sample anyone may download: one a public (published or retired) guide offers. The
    catalogue's editors also fetch the files of guides not public yet (their preview)."""
    stored = GuideFile.objects.filter(pk=pk).first()
    if stored is None or actor.catalogue_editor:
        return stored
    offered = MaterialRequirement.objects.filter(
        Q(blank_form_file_id=pk) | Q(sample_file_id=pk), version__status__in=PUBLIC_STATUSES
    ).exists()
    return stored if offered else None
