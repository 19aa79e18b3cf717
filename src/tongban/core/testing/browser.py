"""Browser tests: a pytest plugin that drives Debian's Chromium through Playwright.

Registered by the top-level ``conftest.py``, so every test in the repository can use its fixtures:

- ``browser``: one headless Chromium per test process (session scope).
- ``page``: a new zh-CN desktop context (1280x900) whose ``base_url`` is pytest-django's ``live_server``,
  so ``page.goto("/items/")`` works. ``mobile_page``: the same on a phone (390x844, touch, ``is_mobile``).
- ``screenshot``: ``screenshot(page, "name")`` saves ``var/screenshots/name.png`` for people to look at.
- ``browser_login``: ``browser_login(page, user)`` signs a user in for that page, without the login form.

Playwright never downloads a browser here: it starts ``$TONGBAN_CHROMIUM`` or ``/usr/bin/chromium``. When
neither exists the tests are skipped with the reason, except under ``CI=true``, where they fail. Tests using
these fixtures get the ``browser`` marker automatically (``pytest -m "not browser"`` leaves them out).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

# Flags that make Chromium quiet on a machine without internet: no background requests, no updates.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
DESKTOP_VIEWPORT = {"width": 1280, "height": 900}
PHONE_VIEWPORT = {"width": 390, "height": 844}
DEFAULT_TIMEOUT_MS = 15_000
BROWSER_FIXTURES = frozenset({"browser", "browser_context", "page", "mobile_context", "mobile_page", "browser_login"})


def chromium_executable() -> str | None:
    """The Chromium to drive: $TONGBAN_CHROMIUM, else Debian's /usr/bin/chromium, else one on PATH."""
    explicit = os.environ.get("TONGBAN_CHROMIUM")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _unavailable(reason: str) -> NoReturn:
    if _in_ci():
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def screenshot_dir(config: pytest.Config) -> Path:
    return Path(os.environ.get("TONGBAN_SCREENSHOT_DIR", config.rootpath / "var" / "screenshots"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives a real Chromium through Playwright")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark browser tests, and run them after all others.

    Once Playwright's sync API has started, an event loop runs in the main thread for the rest of the
    process, and ``async_to_sync`` (and Django's refusal of sync ORM calls) would then behave differently in
    the tests that follow. Running browser tests last (also under xdist, which schedules in collection
    order) keeps every other test unaffected, with one Chromium per test process.
    """
    browser_items = []
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
        if item.get_closest_marker("browser"):
            browser_items.append(item)
    if browser_items:
        chosen = set(map(id, browser_items))
        items[:] = [i for i in items if id(i) not in chosen] + browser_items


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = chromium_executable()
    if executable is None:
        _unavailable("Chromium not found: apt-get install chromium, or set TONGBAN_CHROMIUM to its path")
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    # Playwright's sync API keeps an event loop running in the main thread; Django would then refuse the
    # test's own (synchronous) database calls. The live server runs in its own thread and is unaffected.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        try:
            # Playwright gives every launch a fresh temporary --user-data-dir of its own.
            chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        except PlaywrightError as exc:
            _unavailable(f"Chromium at {executable} did not start: {str(exc).splitlines()[0]}")
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _new_context(browser: Browser, base_url: str, **options: Any) -> BrowserContext:
    context = browser.new_context(
        base_url=base_url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        accept_downloads=True,
        **options,
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context


@pytest.fixture
def browser_context(browser: Browser, live_server: Any) -> Iterator[BrowserContext]:
    context = _new_context(browser, live_server.url, viewport=DESKTOP_VIEWPORT)
    yield context
    context.close()


@pytest.fixture
def page(browser_context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Page]:
    page = browser_context.new_page()
    yield page
    _screenshot_on_failure(request, page)


@pytest.fixture
def mobile_context(browser: Browser, live_server: Any) -> Iterator[BrowserContext]:
    context = _new_context(
        browser, live_server.url, viewport=PHONE_VIEWPORT, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    yield context
    context.close()


@pytest.fixture
def mobile_page(mobile_context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Page]:
    page = mobile_context.new_page()
    yield page
    _screenshot_on_failure(request, page)


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[..., Path]:
    """``screenshot(page, "guide-page")`` writes var/screenshots/guide-page.png (full page) and returns it."""
    directory = screenshot_dir(request.config)

    def take(page: Page, name: str, *, full_page: bool = True) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{_safe_name(name)}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture
def browser_login(live_server: Any) -> Callable[[Any, Any], None]:
    """``browser_login(page, user)`` signs ``user`` in for that page's context, without the login form.

    A session is made as Django's test client does (``force_login``) and its cookie put into the context.
    """
    from django.conf import settings

    def login(page_or_context: Any, user: Any) -> None:
        from django.test import Client

        client = Client()
        client.force_login(user, backend=_session_backend())
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context = getattr(page_or_context, "context", page_or_context)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])

    return login


def _session_backend() -> str:
    """The first backend that can load a user back from a session (axes' backend only checks lock-outs)."""
    from django.conf import settings
    from django.contrib.auth.backends import BaseBackend
    from django.utils.module_loading import import_string

    for path in settings.AUTHENTICATION_BACKENDS:
        get_user = getattr(import_string(path), "get_user", None)
        if get_user is not None and get_user is not BaseBackend.get_user:
            return str(path)
    raise RuntimeError("no authentication backend can restore a user from a session")


def _safe_name(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("_") or "page"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


_REPORTS = pytest.StashKey[dict[str, Any]]()


def _screenshot_on_failure(request: pytest.FixtureRequest, page: Page) -> None:
    """A failed browser test leaves var/screenshots/failures/<test>.png behind: the page as it was."""
    reports = request.node.stash.get(_REPORTS, {})
    call = reports.get("call")
    if call is None or not call.failed or page.is_closed():
        return
    directory = screenshot_dir(request.config) / "failures"
    directory.mkdir(parents=True, exist_ok=True)
    # The page may be gone; the failure itself is what matters.
    with contextlib.suppress(Exception):
        page.screenshot(path=str(directory / f"{_safe_name(request.node.nodeid)}.png"), full_page=True)


def open_panel(page: Any, name: str) -> Any:
    """The case page's action panel ``#panel-<name>`` (a <details>), opened if it is closed."""
    panel = page.locator(f"#panel-{name}")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    return panel


def sign_in(page: Any, username: str, password: str) -> None:
    """Sign in through the login page, as a person does (any session of the page's context ends first); the
    page is left where signing in lands: the account's workspace."""
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


def submit_panel(page: Any, name: str, button: str, fields: dict[str, str] | None = None) -> Any:
    """Open the case page's panel ``name``, fill its fields by label, press ``button`` and wait for the page
    the action leads to; returns the panel."""
    panel = open_panel(page, name)
    for label, value in (fields or {}).items():
        panel.get_by_label(label).fill(value)
    with page.expect_navigation():
        panel.get_by_role("button", name=button).click()
    return panel


def review_and_decide(page: Any, number: str, *, opinion: str, reason: str, grant: bool = True) -> None:
    """An approver on the case page: every review step with its opinion, then the decision with its reason."""
    page.goto(f"/cases/{number}/")
    while page.locator("#panel-step").count():
        submit_panel(page, "step", "提交审查意见", {"审查意见": opinion})
    panel = open_panel(page, "decide")
    panel.get_by_label("准予" if grant else "不予", exact=True).check()
    panel.get_by_label("决定理由及法律依据").fill(reason)
    with page.expect_navigation():
        panel.get_by_role("button", name="提交决定").click()


def fill_schema_form(scope: Any, answers: dict[str, Any]) -> None:
    """Answer an application form's fields (``f_<key>``) in ``scope`` the way a person does: type into inputs,
    choose in selects, tick checkboxes; fields the page does not show (the applicant section's) are skipped."""
    for key, value in answers.items():
        fields = scope.locator(f'[name="f_{key}"]')
        if not fields.count():
            continue
        first = fields.first
        tag = first.evaluate("e => e.tagName.toLowerCase()")
        kind = first.get_attribute("type") or ""
        if tag == "select":
            first.select_option(str(value))
        elif kind == "checkbox":
            for wanted in value if isinstance(value, list) else [value]:
                box = scope.locator(f'[name="f_{key}"][value="{wanted}"]')
                (box if box.count() else first).check()
        else:
            first.fill(str(value))
