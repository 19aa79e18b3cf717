"""The Content-Security-Policy (default-src 'self', no inline script) leaves every kind of page working in a
real Chromium: the public pages, the admin (a change form with its widgets) and the API docs (Swagger UI)."""

from __future__ import annotations

from typing import Any

import pytest

from tongban.accounts.tests.factories import SystemAdminFactory


def violations(page: Any) -> list[str]:
    found: list[str] = []
    page.on("console", lambda m: found.append(m.text) if "Content Security Policy" in m.text else None)
    return found


@pytest.mark.django_db(transaction=True)
def test_pages_admin_and_api_docs_work_under_the_policy(page: Any, browser_login: Any, screenshot: Any) -> None:
    seen = violations(page)
    response = page.goto("/")
    assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=15_000)
    assert "通办" in page.locator(".swagger-ui .info .title").inner_text()
    screenshot(page, "csp-api-docs")
    browser_login(page, SystemAdminFactory())
    page.goto("/admin/accounts/user/add/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#user_form").count() == 1
    page.goto("/admin/accounts/authorisation/add/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#authorisation_form").count() == 1
    screenshot(page, "csp-admin-authorisation")
    assert seen == [], seen
