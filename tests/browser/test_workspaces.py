"""Each role's way in, in a real Chromium: signing in lands on the role's own workspace (工作台), staff have a
工作台 link and are offered no 在线申请, a supervisor finds a case by its number and lists the open ones masked,
citizens download a guide's blank form and see one search row per item.

Screenshots: var/screenshots/workspace-*.png.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tongban.accounts.tests.factories import CatalogueAdminFactory
from tongban.cases import services
from tongban.cases.tests.factories import PASSWORD, World, form, world
from tongban.catalogue import services as catalogue
from tongban.core import clock

expect = pytest.importorskip("playwright.sync_api").expect

TODAY = dt.date(2026, 9, 29)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def w(monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return world()


def sign_in(page: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/")
    page.get_by_role("link", name="工作人员入口").click()  # the footer's staff entry: sign in, then the workspace
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_every_role_lands_on_its_workspace_and_staff_are_offered_no_online_application(
    page: Any, w: World, screenshot: Any
) -> None:
    catalogue_admin = CatalogueAdminFactory(username="catalogue", division=w.clerk.division)
    landings = [
        (w.applicant.username, "/cases/mine/", "我的办件"),
        (w.clerk.username, "/cases/window/", "窗口收件"),
        (w.approver.username, "/cases/queue/", "工作队列"),
        (w.supervisor.username, "/cases/supervision/", "督办看板"),
        (catalogue_admin.username, "/admin/catalogue/", "Excel 导入导出"),
    ]
    guide = f"/items/{w.version.implementation.code}/"
    for username, landing, visible in landings:
        sign_in(page, username)
        page.wait_for_url(f"**{landing}")
        expect(page.get_by_text(visible).first).to_be_visible()
        screenshot(page, f"workspace-{username}")
        if username == w.applicant.username:
            page.goto(guide)
            expect(page.locator("#apply-online")).to_have_text("在线申请")
        elif username != catalogue_admin.username:
            expect(page.locator(".nav-workspace")).to_have_text("工作台")
            page.goto(guide)
            assert page.locator("#apply-online").count() == 0 and page.get_by_text("在线申请").count() == 0
            page.locator(".nav-workspace").click()
            page.wait_for_url(f"**{landing}")


def test_a_supervisor_finds_a_case_by_number_and_lists_open_cases_masked(
    page: Any, browser_login: Any, w: World, screenshot: Any
) -> None:
    ctx = services.Ctx(w.applicant, "online")
    case = services.submit(ctx, services.start_online(ctx, w.version.implementation, form(w)))
    browser_login(page, w.supervisor)
    page.goto("/cases/supervision/")
    page.get_by_role("link", name="办件查询").click()
    expect(page.locator("#search-table")).to_contain_text(case.number)
    expect(page.locator("#search-table")).to_contain_text("张*")
    assert "张三" not in page.locator("#search-table").inner_text()
    page.locator("#case-number-q").fill(case.number.lower())
    page.get_by_role("button", name="查找").click()
    page.wait_for_url(f"**/cases/{case.number}/")
    expect(page.locator(".case-head")).to_contain_text(case.number)
    assert w.applicant.id_number not in page.content()
    screenshot(page, "workspace-supervisor-case")
    page.goto("/cases/supervision/cases/?number=330681-20000101-999999")
    expect(page.get_by_role("alert")).to_contain_text("本辖区没有编号为")


def test_a_citizen_downloads_a_guides_blank_form(page: Any, w: World) -> None:
    stored = catalogue.store_guide_file("出生登记申报表.pdf", PDF)
    draft = catalogue.start_new_version(w.version.implementation)
    rows = [{k: v for k, v in r.items() if k != "order"} for r in catalogue.snapshot(draft)["materials"]]
    rows[0].update(blank_form=stored.name, blank_form_file_id=stored.pk)
    catalogue.update_draft(draft, materials=rows)
    catalogue.publish_now(draft)
    page.goto(f"/items/{w.version.implementation.code}/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载空白表格").click()
    download = download_info.value
    assert download.suggested_filename == "出生登记申报表.pdf"
    with open(download.path(), "rb") as fh:
        assert fh.read() == PDF
