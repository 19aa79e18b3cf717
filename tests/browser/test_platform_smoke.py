"""The platform as a person meets it in a real Chromium: the health check and the home page, in Chinese."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from typing import Any
from urllib.parse import urlsplit

import pytest

HAN = re.compile(r"[\u4e00-\u9fff]")


def test_healthz_answers_ok_in_chromium(page: Any) -> None:
    response = page.goto("/healthz")
    assert response is not None and response.status == 200
    assert json.loads(page.locator("body").inner_text()) == {"status": "ok", "database": "ok"}


def test_home_page_renders_chinese_with_its_assets(page: Any, live_server: Any, screenshot: Any) -> None:
    host = urlsplit(live_server.url).netloc
    broken: list[str] = []
    page.on(
        "response",
        lambda r: broken.append(f"{r.status} {r.url}") if r.status >= 400 and urlsplit(r.url).netloc == host else None,
    )
    page.on("requestfailed", lambda r: broken.append(f"failed {r.url}"))

    response = page.goto("/")
    page.wait_for_load_state("networkidle")

    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang", timeout=1000).startswith("zh")
    assert "通办" in page.title()
    assert HAN.search(page.locator("body").inner_text()), "the home page shows no Chinese text"
    assert broken == [], f"the home page has broken requests: {broken}"
    # The stylesheet really applied: the page is not unstyled browser default.
    assert page.evaluate("document.styleSheets.length") >= 1
    assert screenshot(page, "home").stat().st_size > 0


def test_home_page_fits_a_phone(mobile_page: Any, screenshot: Any) -> None:
    response = mobile_page.goto("/")
    assert response is not None and response.status == 200
    assert mobile_page.locator('meta[name="viewport"]').count() == 1
    overflow = mobile_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the home page scrolls sideways on a 390px phone by {overflow}px"
    screenshot(mobile_page, "home-mobile")


@pytest.mark.browser
def test_a_cjk_font_is_installed_for_screenshots() -> None:
    """Without a CJK font Chromium draws Chinese as empty boxes, and the screenshots are useless."""
    if not shutil.which("fc-list"):
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("fontconfig (fc-list) is missing: apt-get install fonts-noto-cjk")
        pytest.skip("fontconfig is not installed")
    families = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    if not families.strip() and os.environ.get("CI", "").lower() not in {"1", "true", "yes"}:
        pytest.skip("no CJK font installed: apt-get install fonts-noto-cjk")
    assert families.strip(), "no CJK font installed: apt-get install fonts-noto-cjk"


def test_a_signed_in_administrator_sees_the_chinese_admin(page: Any, browser_login: Any, screenshot: Any) -> None:
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser(
        "browser-admin", password="not-used-9x!", kind="staff", role="system_admin"
    )
    page.goto("/admin/")
    assert "/login/" in page.url  # not signed in yet: sent to the login page
    browser_login(page, admin)
    page.goto("/admin/")
    assert "/login/" not in page.url
    assert "通办 · 管理后台" in page.locator("#site-name").inner_text()
    screenshot(page, "admin-index")
