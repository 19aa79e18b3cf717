"""Public catalogue pages: browse (by theme, department kind, region, audience) and the guide page.

Every read goes through ``selectors`` — the same functions the API uses (同源发布).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from tongban.core.actor import actor_of
from tongban.jurisdictions.selectors import get_division

from . import selectors, vocab
from .guide_sections import guide_actions, guide_sections
from .models import ImplementationVersion, ItemImplementation, Theme

PAGE_SIZE = 20
FIELD_TYPE_LABELS = dict(vocab.FORM_FIELD_TYPES)


def _is_link(value: str) -> bool:
    return value.startswith(("http://", "https://", "/"))


def _clean(value: str | None) -> str:
    return (value or "").strip()


def item_list(request: HttpRequest) -> HttpResponse:
    region_code = _clean(request.GET.get("region"))
    theme_code = _clean(request.GET.get("theme"))
    kind = _clean(request.GET.get("department_kind"))
    audience = _clean(request.GET.get("audience"))
    cross = request.GET.get("cross_region") == "1"
    errors: list[str] = []

    division = None
    if region_code:
        if not region_code.isdigit() or len(region_code) > 12:
            errors.append(f"地区代码“{region_code}”格式不正确，应为 6 位或 12 位数字。")
        else:
            division = get_division(region_code)
            if division is None:
                errors.append(f"未找到代码为“{region_code}”的地区。")
    themes = list(Theme.objects.order_by("audience", "order", "code"))
    theme = next((t for t in themes if t.code == theme_code), None)
    if theme_code and theme is None:
        errors.append(f"未找到主题“{theme_code}”。")
    if audience and audience not in vocab.SERVICE_OBJECT_LABELS:
        errors.append("服务对象只能是“自然人”或“法人”。")

    if errors:
        items = ItemImplementation.objects.none()
    else:
        items = selectors.published_implementations(
            region=division,
            theme=theme,
            department_kind=kind or None,
            audience=audience or None,
            cross_region=True if cross else None,
        )
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))

    filters = {
        k: v
        for k, v in (
            ("region", region_code),
            ("theme", theme_code),
            ("department_kind", kind),
            ("audience", audience),
            ("cross_region", "1" if cross else ""),
        )
        if v
    }
    kinds = selectors.department_kinds_with_counts()
    kind_label = (
        next((k["label"] for k in kinds if k["kind"] == kind), selectors.department_kind_label(kind)) if kind else ""
    )
    heading_parts = [
        p
        for p in (
            division.full_name if division else "",
            theme.name if theme else "",
            kind_label,
            vocab.SERVICE_OBJECT_LABELS.get(audience, ""),
            "跨省通办" if cross else "",
        )
        if p
    ]
    context = {
        "page": page,
        "errors": errors,
        "filters": filters,
        "query_base": urlencode(filters),
        "division": division,
        "theme": theme,
        "themes": themes,
        "kinds": kinds,
        "kind": kind,
        "audience": audience,
        "cross_region": cross,
        "audiences": vocab.SERVICE_OBJECTS,
        "regions": selectors.region_options(),
        "heading": " · ".join(heading_parts) or "全部事项",
    }
    return render(request, "catalogue/item_list.html", context)


def theme_overview(request: HttpRequest) -> HttpResponse:
    themes = selectors.themes_with_counts()
    groups = [(label, [t for t in themes if t.audience == code]) for code, label in vocab.SERVICE_OBJECTS]
    return render(request, "catalogue/themes.html", {"groups": groups})


def department_overview(request: HttpRequest) -> HttpResponse:
    return render(request, "catalogue/departments.html", {"kinds": selectors.department_kinds_with_counts()})


def region_overview(request: HttpRequest) -> HttpResponse:
    return render(request, "catalogue/regions.html", {"tree": selectors.regions_tree(with_empty=False)})


def not_found(request: HttpRequest, message: str) -> HttpResponse:
    """The Chinese 404 page with a specific message (Django's own handler cannot say which item)."""
    return render(request, "404.html", {"message": message}, status=404)


def guide_file(request: HttpRequest, pk: int, name: str) -> HttpResponseBase:
    """A blank form or sample to download (immutable: the same URL is always the same bytes)."""
    stored = selectors.downloadable_guide_file(pk, actor_of(request.user))
    if stored is None or stored.name != name:
        return not_found(request, "没有找到该文件，或它不属于已发布的办事指南")
    response = FileResponse(
        stored.file.open("rb"), as_attachment=True, filename=stored.name, content_type=stored.content_type
    )
    response["Cache-Control"] = "public, max-age=86400, immutable"
    return response


def guide(request: HttpRequest, code: str) -> HttpResponse:
    raw_version = _clean(request.GET.get("version"))
    if raw_version and (not raw_version.isdigit() or int(raw_version) < 1):
        return not_found(request, f"版本号“{raw_version}”无效，应为正整数")
    try:
        impl, version = selectors.get_published_guide(code, int(raw_version) if raw_version else None)
    except selectors.GuideNotFound as exc:
        return not_found(request, exc.message)
    return render(request, "catalogue/guide.html", guide_context(impl, version, request))


def guide_context(
    impl: ItemImplementation, version: ImplementationVersion, request: HttpRequest | None = None
) -> dict[str, Any]:
    """Everything the guide template shows, with labels resolved (the template stays simple). Without a
    request (a preview) no one is offered a button to act on the guide."""
    entry = impl.entry
    materials = list(version.materials.all())
    for m in materials:
        m.blank_form_is_link = _is_link(m.blank_form)  # type: ignore[attr-defined]
        m.sample_is_link = _is_link(m.sample)  # type: ignore[attr-defined]
    steps = list(version.steps.all())
    special_steps = list(version.special_steps.all())
    fees = [f for f in (version.fees or []) if isinstance(f, dict)]
    form_fields = []
    for f in version.form_schema or []:
        if not isinstance(f, dict):
            continue
        notes = []
        if f.get("options"):
            notes.append("可选：" + "、".join(str(o) for o in f["options"]))
        if f.get("max_length"):
            notes.append(f"不超过 {f['max_length']} 字")
        if f.get("min") is not None and f.get("min") != "":
            notes.append(f"最小 {f['min']}")
        if f.get("max") is not None and f.get("max") != "":
            notes.append(f"最大 {f['max']}")
        if f.get("help"):
            notes.append(str(f["help"]))
        ftype = str(f.get("type", ""))
        form_fields.append(
            {
                "label": f.get("label") or f.get("key"),
                "type": FIELD_TYPE_LABELS.get(ftype, ftype),
                "required": bool(f.get("required")),
                "notes": "；".join(notes),
            }
        )
    current = impl.published_version_id
    return {
        "impl": impl,
        "entry": entry,
        "version": version,
        "is_current": version.pk == current,
        "has_current": bool(current),
        "item_type": entry.get_item_type_display(),
        "service_objects": "、".join(vocab.SERVICE_OBJECT_LABELS.get(s, s) for s in version.service_objects or []),
        "themes": list(entry.themes.all()),
        "handling_forms": "、".join(vocab.HANDLING_FORM_LABELS.get(s, s) for s in version.handling_forms or []),
        "delivery_methods": "、".join(vocab.DELIVERY_METHOD_LABELS.get(s, s) for s in version.delivery_methods or []),
        "materials": materials,
        "required_materials": sum(1 for m in materials if m.necessity == "required"),
        "steps": steps,
        "steps_days": sum(s.days for s in steps),
        "special_steps": special_steps,
        "fees": fees,
        "form_fields": form_fields,
        "faq": [q for q in (version.faq or []) if isinstance(q, dict)],
        "result_sample_is_link": _is_link(version.result_sample),
        "versions": list(selectors.public_versions(impl)),
        "contributed": guide_sections(impl),
        "actions": guide_actions(request, impl, version),
        "cross_region": entry.cross_region or version.scope == "national",
    }
