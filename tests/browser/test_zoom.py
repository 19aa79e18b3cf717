"""At 200% zoom on a phone nothing scrolls sideways: a 375-px-wide phone zoomed to 200% lays pages out in 187
CSS pixels (Playwright: a 187-px viewport at device scale 4, the same pixels on screen). Every main page, for
each role that uses it, must fit: document.documentElement.scrollWidth <= clientWidth.

Screenshots: var/screenshots/zoom200-*.png.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from tongban.bundles.tests.factories import newborn_bundle
from tongban.cases import services
from tongban.cases.tests.factories import World, form, holding_all, world
from tongban.core import clock
from tongban.core.testing.browser import _new_context

TODAY = dt.date(2026, 9, 29)
ZOOMED_PHONE = {"width": 187, "height": 406}  # 375 × 812 CSS px at 200%


@pytest.fixture
def zoomed_page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = _new_context(
        browser, live_server.url, viewport=ZOOMED_PHONE, device_scale_factor=4, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def setting(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    w: World = world()
    ctx = services.Ctx(w.applicant, "online")
    case = services.submit(ctx, services.start_online(ctx, w.version.implementation, form(w)))
    case = services.accept(services.Ctx(w.clerk, "window", w.window), holding_all(case), case.revision)
    return {"w": w, "case": case, "bundle": newborn_bundle()}


def sideways(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def widest(page: Any) -> str:
    """What sticks out, for the failure message."""
    return str(
        page.evaluate(
            """() => {
              const limit = document.documentElement.clientWidth;
              const clipped = e => { for (let p = e.parentElement; p; p = p.parentElement) {
                if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) return true; } return false; };
              return [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > limit + 0.5 && !clipped(e))
                .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : '')
                  + ' ' + Math.round(e.getBoundingClientRect().right));
            }"""
        )
    )


def test_no_main_page_scrolls_sideways_at_200_percent_zoom(
    zoomed_page: Any, browser_login: Any, setting: dict[str, Any], screenshot: Any
) -> None:
    w, case, bundle = setting["w"], setting["case"], setting["bundle"]
    code = w.version.implementation.code
    pages: list[tuple[str, Any, str]] = [
        ("home", None, "/"),
        ("search", None, "/search/?q=户口"),
        ("guide", None, f"/items/{code}/"),
        ("bundle", None, f"/bundles/{bundle.code}/"),
        ("login", None, "/accounts/login/"),
        ("not-found", None, "/no-such-page/"),
        ("my-cases", w.applicant, "/cases/mine/"),
        ("case-applicant", w.applicant, f"/cases/{case.number}/"),
        ("window", w.clerk, "/cases/window/"),
        ("window-queue", w.clerk, "/cases/queue/"),
        ("case-clerk", w.clerk, f"/cases/{case.number}/"),
        ("queues", w.approver, "/cases/queue/?bucket=to_review"),
        ("case-approver", w.approver, f"/cases/{case.number}/"),
        ("board", w.supervisor, "/cases/supervision/"),
        ("case-search", w.supervisor, "/cases/supervision/cases/"),
        ("bundle-board", w.supervisor, "/bundles/supervision/"),
    ]
    page = zoomed_page
    failures = []
    signed_in = None
    for name, who, url in pages:
        if who is not signed_in:
            page.context.clear_cookies()
            if who is not None:
                browser_login(page, who)
            signed_in = who
        response = page.goto(url)
        assert response is not None and response.status < 500, (name, response and response.status)
        assert page.evaluate("document.documentElement.clientWidth") <= ZOOMED_PHONE["width"]
        screenshot(page, f"zoom200-{name}")
        if sideways(page) > 0:
            failures.append(f"{name} {url}: {sideways(page)}px too wide; {widest(page)}")
    assert not failures, "\n".join(failures)
