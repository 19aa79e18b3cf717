"""Time limits in a real Chromium: an approver sends a case into 专家评审 and is asked to print the written
notice; the case page shows its clock paused with what it has left; weeks later the supervisor, on a phone,
finds it under 特殊环节超期 and not under 已超期; a decided case waiting at the result desk past its days is.

Screenshots: var/screenshots/limits-*.png.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tongban.cases import services
from tongban.cases.tests.factories import World, form, holding_all, world
from tongban.core import clock

expect = pytest.importorskip("playwright.sync_api").expect

TODAY = dt.date(2026, 9, 29)


@pytest.fixture
def w(monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return world()


def accepted(w: World) -> Any:
    desk = services.Ctx(w.clerk, "window", w.window)
    case = services.apply_at_window(
        desk,
        w.version.implementation,
        applicant={"name": "张三", "id_number": w.applicant.id_number or "", "phone": "13900000000"},
        identity_check="读取居民身份证芯片并人证比对",
        form_data=form(w),
        paper_materials=["居民身份证", "出生医学证明"],
    )
    holding_all(case)
    return services.accept(desk, case, case.revision)


def test_a_special_step_pauses_the_clock_and_its_overrun_reaches_the_board(
    page: Any, mobile_page: Any, browser_login: Any, screenshot: Any, w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    review = accepted(w)
    waiting = accepted(w)
    approver = services.Ctx(w.approver)
    waiting = services.complete_step(approver, waiting, "材料齐全", waiting.revision)
    services.decide(approver, waiting, True, "符合规定", waiting.revision)

    browser_login(page, w.approver)
    page.goto(f"/cases/{review.number}/")
    expect(page.locator("#case-deadline")).to_have_text("剩余 5 个工作日")
    panel = page.locator("#panel-suspend")
    panel.locator("summary").click()
    panel.locator("select").select_option("专家评审")
    panel.locator("textarea").first.fill("技术方案需组织专家评审")
    panel.get_by_role("button", name="进入特殊环节").click()
    expect(page.locator("#print-callout")).to_contain_text("特别程序告知书")
    expect(page.locator("#case-deadline")).to_have_text("计时暂停（剩余 5 个工作日）")
    expect(page.locator("#suspensions")).to_contain_text("最长 10 个工作日")
    screenshot(page, "limits-special-step")

    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 10, 30))  # the review overran its 10 days
    browser_login(mobile_page, w.supervisor)
    mobile_page.goto("/cases/supervision/?bucket=overdue")
    board = mobile_page.locator("#board-table")
    expect(board).to_contain_text(waiting.number)  # its result was due the day after the decision
    expect(board).to_contain_text("出件已超期")
    expect(board).not_to_contain_text(review.number)  # paused: never overdue
    screenshot(mobile_page, "limits-board-overdue")
    mobile_page.locator('[data-bucket="special_overdue"]').click()
    expect(mobile_page.locator("#board-table")).to_contain_text(review.number)
    expect(mobile_page.locator("#board-table")).to_contain_text("特殊环节已超过最长期限")
    screenshot(mobile_page, "limits-board-special-overdue")
