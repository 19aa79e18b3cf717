"""The home page: the public entrance that brings the catalogue, bundles and search together."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tongban.bundles.selectors import published_bundles
from tongban.catalogue import selectors
from tongban.jurisdictions.selectors import get_division

HOME_THEMES = 15
HOME_KINDS = 10
HOME_CROSS_REGION = 6


def _one_per_entry(implementations: Iterable[Any], limit: int) -> list[Any]:
    """The same item implemented in several regions appears once (the first, in catalogue order)."""
    seen: set[int] = set()
    out = []
    for impl in implementations:
        if impl.entry_id not in seen:
            seen.add(impl.entry_id)
            out.append(impl)
            if len(out) == limit:
                break
    return out


EXAMPLE_QUESTIONS = ["孩子刚出生要办什么", "换城市工作了养老保险怎么转", "开个小饭馆", "办退休", "开无犯罪记录证明"]


def home(request: HttpRequest) -> HttpResponse:
    """Search box, region selector and the ways in: themes, department kinds, regions, bundles, 跨省通办."""
    code = (request.GET.get("region") or "").strip()
    division = get_division(code) if code.isdigit() and len(code) <= 12 else None
    region_error = f"未找到代码为“{code}”的地区，已显示全部地区。" if code and division is None else ""
    themes = selectors.themes_with_counts(region=division)
    bundles = published_bundles(region_path=division.path if division else None).annotate(item_count=Count("items"))
    context = {
        "division": division,
        "region_error": region_error,
        "regions": selectors.region_options(),
        # Only themes with something to show: a citizen should never land on an empty list from here.
        "natural_themes": [t for t in themes if t.audience == "natural" and t.count][:HOME_THEMES],
        "legal_themes": [t for t in themes if t.audience == "legal" and t.count][:HOME_THEMES],
        "kinds": selectors.department_kinds_with_counts(region=division)[:HOME_KINDS],
        "bundles": list(bundles[:12]),
        "cross_region_items": _one_per_entry(
            selectors.published_implementations(region=division, cross_region=True)[:60], HOME_CROSS_REGION
        ),
        "examples": EXAMPLE_QUESTIONS,
    }
    return render(request, "portal/home.html", context)
