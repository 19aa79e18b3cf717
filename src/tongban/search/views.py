"""The public results page: /search/?q=…&region=…"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from . import selectors

PAGE_SIZE = 20


def _url(route: str, code: str, fallback: str) -> str:
    try:
        return reverse(route, args=[code])
    except NoReverseMatch:
        return fallback


def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    region = request.GET.get("region", "").strip()
    kind = request.GET.get("kind", "").strip() or None
    # Options carry 12-digit codes; a 6-digit code in the URL selects the same option.
    selected = region.ljust(12, "0") if region.isdigit() and len(region) in (6, 9) else region
    context: dict = {
        "q": q.strip(),
        "region": selected,
        "kind": kind or "",
        "results": [],
        "error": None,
        "searched": bool(q.strip()),
    }
    status = 200
    if context["searched"]:
        try:
            results = selectors.search(q, region=region or None, kind=kind, limit=PAGE_SIZE, distinct=not region)
        except selectors.InvalidSearch as exc:
            context["error"] = exc.message
            status = 400
        else:
            for r in results:
                if r["kind"] == "bundle":
                    r["url"] = _url("bundles:detail", r["code"], f"/bundles/{r['code']}/")
                else:
                    r["url"] = _url("catalogue:guide", r["code"], f"/items/{r['code']}/")
            context["results"] = results
    context["regions"] = selectors.region_choices()
    return render(request, "search/results.html", context, status=status)
