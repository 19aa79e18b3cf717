"""The 12345 hotline in a real Chromium with the demo: the call-taker signs in, takes a call, answers a 咨询
from the knowledge base on the spot, then takes a 投诉 and dispatches it to the suggested department; the
dispatch centre supervises it, the department signs for it and replies, the centre closes it, the call-taker
calls the caller back and records the rating; the published figures count it.

Screenshots: var/screenshots/hotline-*.png.
"""

from __future__ import annotations

from typing import Any

import pytest

from tongban.accounts.models import User
from tongban.core.testing.browser import sign_in
from tongban.demo.data.accounts import DEMO_PASSWORD
from tongban.hotline.models import Call, WorkOrder

expect = pytest.importorskip("playwright.sync_api").expect


def act(page: Any, text: str, button: str) -> None:
    page.locator("#act-text").fill(text)
    page.locator("#text-actions").get_by_role("button", name=button, exact=True).click()


def test_operator_answers_an_enquiry_and_a_complaint_runs_to_its_rating(
    page: Any, browser_login: Any, screenshot: Any, demo_db: None
) -> None:
    sign_in(page, "zj_hotline", DEMO_PASSWORD)
    page.goto("/hotline/")
    before = page.goto("/hotline/indicators/")
    assert before is not None

    # --- a 咨询, answered on the spot from the knowledge base ---------------------------------------------
    page.goto("/hotline/")
    page.get_by_label("来电号码").fill("13900002001")
    page.get_by_role("button", name="接听来电").click()
    expect(page.locator("#caller-history")).to_contain_text("工地夜间施工噪音")
    page.get_by_label("诉求类型").select_option(label="咨询")
    page.get_by_label("诉求内容").fill("孩子刚出生，新生儿落户要带什么材料")
    page.get_by_role("button", name="受理").click()
    expect(page.locator("#order-status")).to_have_text("已受理待派单")
    expect(page.locator("#knowledge")).to_contain_text("新生儿入户")
    screenshot(page, "hotline-knowledge")
    page.locator("#knowledge .kb-answer").first.get_by_role("button", name="以此答复并办结").click()
    expect(page.locator("#order-status")).to_have_text("已办结")
    expect(page.locator("#order-answer")).to_contain_text("新生儿入户")

    # --- a 投诉, dispatched to the suggested department ---------------------------------------------------
    page.goto("/hotline/")
    page.get_by_label("来电号码").fill("13911113333")
    page.get_by_role("button", name="接听来电").click()
    expect(page.locator("#caller-history")).to_contain_text("没有历史工单")
    page.get_by_label("诉求类型").select_option(label="投诉")
    page.get_by_label("诉求内容").fill("陶朱街道望云路小区旁工地夜间施工，噪音很大")
    page.get_by_label("发生地（区县、乡镇街道）").select_option(label="陶朱街道")
    page.get_by_label("详细地址").fill("陶朱街道望云路9号")
    page.get_by_role("button", name="受理").click()
    number = page.locator("h1").inner_text().split()[1]
    expect(page.locator("#route-suggestion")).to_contain_text("诸暨市综合行政执法局")
    screenshot(page, "hotline-dispatch")
    page.locator("#dispatch-form").get_by_role("button", name="派单").click()
    expect(page.locator("#order-status")).to_have_text("已派单待签收")
    expect(page.locator("#order-department")).to_have_text("诸暨市综合行政执法局")

    # --- the dispatch centre supervises; the department signs for it and replies ---------------------------
    browser_login(page, User.objects.get(username="zj_dispatch"))
    page.goto(f"/hotline/orders/{number}/")
    act(page, "夜间施工扰民，请今天内到现场处置", "督办")
    expect(page.locator("#order-history")).to_contain_text("督办")
    browser_login(page, User.objects.get(username="zj_urban_management_approver"))
    page.goto("/hotline/")
    page.locator("#order-list").get_by_role("link", name=number).click()
    page.get_by_role("button", name="签收").click()
    expect(page.locator("#order-status")).to_have_text("办理中")
    act(page, "已到现场，责令工地22点后停止施工", "回复")
    expect(page.locator("#order-status")).to_have_text("已回复待办结")

    # --- the centre closes it; the call-taker calls back and records the rating -----------------------------
    browser_login(page, User.objects.get(username="zj_dispatch"))
    page.goto(f"/hotline/orders/{number}/")
    act(page, "回复属实", "办结")
    expect(page.locator("#order-status")).to_have_text("已办结")
    browser_login(page, User.objects.get(username="zj_hotline"))
    page.goto(f"/hotline/orders/{number}/")
    page.get_by_role("button", name="回拨来电人").click()
    expect(page.locator("#order-calls")).to_contain_text("回拨")
    act(page, "来电人确认夜间已停工", "记录回访")
    expect(page.locator("#order-status")).to_have_text("已回访")
    page.locator("#rate-level").select_option(label="满意")
    page.get_by_role("button", name="记录评价").click()
    expect(page.locator("#order-status")).to_have_text("已评价")
    expect(page.locator("#order-satisfaction")).to_have_text("满意")
    screenshot(page, "hotline-rated")

    order = WorkOrder.objects.get(number=number)
    assert order.status == "rated" and order.supervisions == 1
    assert Call.objects.filter(order=order, direction="outbound").exists()
    page.goto("/hotline/indicators/")
    expect(page.locator("#hotline-indicators")).to_contain_text("诸暨市综合行政执法局")
    screenshot(page, "hotline-indicators")
