"""Public bundle (一件事) pages: the list and one bundle with its items, order, shared form and savings.

Reads go through ``selectors`` — the same functions the API uses (同源发布).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tongban.catalogue import vocab
from tongban.catalogue.selectors import region_options
from tongban.jurisdictions.selectors import get_division

from . import pages
from .savings import DependencyError
from .selectors import bundle_overview, get_bundle, published_bundles

FIELD_TYPE_LABELS = dict(vocab.FORM_FIELD_TYPES)


def bundle_list(request: HttpRequest) -> HttpResponse:
    code = (request.GET.get("region") or "").strip()
    audience = (request.GET.get("audience") or "").strip()
    errors = []
    division = None
    if code:
        division = get_division(code) if code.isdigit() and len(code) <= 12 else None
        if division is None:
            errors.append(f"未找到代码为“{code}”的地区。")
    if audience and audience not in vocab.SERVICE_OBJECT_LABELS:
        errors.append("服务对象只能是“自然人”或“法人”。")
        audience = ""
    bundles = (
        []
        if errors
        else list(
            published_bundles(region_path=division.path if division else None, audience=audience or None).annotate(
                item_count=Count("items")
            )
        )
    )
    groups = [(label, [b for b in bundles if b.audience == key]) for key, label in vocab.SERVICE_OBJECTS]
    return render(
        request,
        "bundles/bundle_list.html",
        {
            "groups": [g for g in groups if g[1]],
            "errors": errors,
            "division": division,
            "audience": audience,
            "audiences": vocab.SERVICE_OBJECTS,
            "regions": region_options(),
            "count": len(bundles),
        },
    )


def bundle_detail(request: HttpRequest, code: str) -> HttpResponse:
    bundle = get_bundle(code)
    if bundle is None:
        return render(request, "404.html", {"message": f"未找到编码为“{code}”的一件事"}, status=404)
    try:
        overview = bundle_overview(bundle)
    except DependencyError as exc:  # a published bundle is checked on publish; keep the page answering anyway
        return render(request, "404.html", {"message": f"该一件事的事项顺序有误：{exc}"}, status=404)
    context = {
        **detail_context(overview),
        "page_links": pages.links_for(request, bundle),
        "page_sections": pages.sections_for(request, bundle),
    }
    return render(request, "bundles/bundle_detail.html", context)


def detail_context(overview: Any) -> dict[str, Any]:
    bundle = overview.bundle
    shared = set(bundle.shared_fields or [])
    # How many item forms ask each field: a field asked by several is filled once here.
    asked: dict[str, int] = {}
    for item in overview.items:
        version = item.implementation.published_version
        for f in (version.form_schema if version else []) or []:
            asked[f.get("key")] = asked.get(f.get("key"), 0) + 1
    fields = [
        {
            "label": f.get("label") or f.get("key"),
            "type": FIELD_TYPE_LABELS.get(str(f.get("type")), f.get("type")),
            "required": bool(f.get("required")),
            "asked": asked.get(f.get("key"), 1),
            "shared": f.get("key") in shared or asked.get(f.get("key"), 1) > 1,
        }
        for f in overview.merged_form
    ]
    fields.sort(key=lambda f: not f["shared"])  # shared fields first; stable otherwise
    names = {str(i.pk): _item_name(i) for i in overview.items}
    stages = []
    for n, wave in enumerate(overview.stages, start=1):
        stages.append(
            {
                "number": n,
                "parallel": len(wave) > 1,
                "items": [
                    {
                        "item": i,
                        "name": names[str(i.pk)],
                        "version": i.implementation.published_version,
                        "waits_for": [names[str(d.pk)] for d in i.depends_on.all()],
                    }
                    for i in wave
                ],
            }
        )
    return {
        "bundle": bundle,
        "overview": overview,
        "savings": overview.savings,
        "stages": stages,
        "fields": fields,
        "shared_count": sum(1 for f in fields if f["shared"]),
        "materials": sorted(overview.materials, key=lambda m: (m["provided_by_result"], -len(m["items"]))),
        "rows": [
            {
                "item": i,
                "name": names[str(i.pk)],
                "version": i.implementation.published_version,
                "waits_for": [names[str(d.pk)] for d in i.depends_on.all()],
            }
            for i in overview.items
        ],
    }


def _item_name(item: Any) -> str:
    version = item.implementation.published_version
    return version.name if version else item.implementation.entry.name
