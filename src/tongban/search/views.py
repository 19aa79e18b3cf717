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


def _link(kind: str, code: str) -> str:
    if kind == "bundle":
        return _url("bundles:detail", code, f"/bundles/{code}/")
    return _url("catalogue:guide", code, f"/items/{code}/")


def _home_region(request: HttpRequest) -> str | None:
    """The signed-in person's own region: their results show its implementation first."""
    division_id = getattr(getattr(request, "user", None), "division_id", None)
    return str(division_id) if division_id else None


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
            results = selectors.search(
                q, region=region or None, kind=kind, limit=PAGE_SIZE, fold=True, near=_home_region(request)
            )
        except selectors.InvalidSearch as exc:
            context["error"] = exc.message
            status = 400
        else:
            for r in results:
                r["url"] = _link(r["kind"], r["code"])
                # The selector's place dicts are shared between answers: linked copies.
                r["others"] = [{**o, "url": _link(r["kind"], o["code"])} for o in r["others"]]
            context["results"] = results
            context["empty"] = "" if results else selectors.no_match_message(q)
    context["regions"] = selectors.region_choices()
    return render(request, "search/results.html", context, status=status)
