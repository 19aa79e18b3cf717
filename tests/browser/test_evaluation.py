"""Issue 12's 好差评 in a real Chromium: a citizen rates a finished case badly on a phone; the office that handled
it puts it right by a 5-working-day deadline and records the call-back; the public figures change.

Screenshots: var/screenshots/evaluation-*.png.
"""

from __future__ import annotations

from typing import Any

import pytest

from tongban.evaluation.models import CallBack, Evaluation
from tongban.evaluation.tests.factories import finished

expect = pytest.importorskip("playwright.sync_api").expect


def test_a_bad_rating_is_put_right_by_its_deadline_called_back_and_published(
    page: Any, mobile_page: Any, browser_login: Any, screenshot: Any
) -> None:
    w, case = finished()
    phone = mobile_page

    # --- the citizen rates the finished case from its page ----------------------------------------------
    browser_login(phone, w.applicant)
    phone.goto(f"/cases/{case.number}/")
    phone.locator("#rate-case a").click()
    phone.locator("#levels").get_by_text("不满意", exact=True).click()
    phone.get_by_label("评价内容（差评请写明原因）").fill("审核时间比承诺的长，也没人说明原因")
    screenshot(phone, "evaluation-rate-phone")
    phone.get_by_role("button", name="提交评价").click()
    expect(phone.locator("#rate-case")).to_contain_text("已评价：不满意")
    rating = Evaluation.objects.get(case=case)
    assert rating.level == 2 and rating.rater == w.applicant

    page.goto("/evaluation/?by=department")
    expect(page.locator("#overall-satisfaction")).to_have_text("0.0%")
    expect(page.locator("#overall-rectification")).to_have_text("0.0%")
    expect(page.locator("#figures")).to_contain_text(w.police.name)

    # --- the office: a deadline of 5 working days, put right, called back -------------------------------
    browser_login(page, w.approver)
    page.goto("/evaluation/rectifications/")
    page.locator(f'#rectifications-table tr[data-rectification="{rating.rectification.pk}"]').get_by_role(
        "link", name="处理"
    ).click()
    expect(page.locator("#rectification-status")).to_have_text("待核实")
    deadline = page.locator("#action-set_deadline")
    deadline.get_by_label("整改期限").select_option("5")
    deadline.locator("textarea").fill("审核环节增加超时提醒，超时须告知申请人原因")
    deadline.get_by_role("button", name="限期整改").click()
    expect(page.locator("#rectification-status")).to_have_text("限期整改中")
    expect(page.locator("#due-on")).to_contain_text("5个工作日")
    done = page.locator("#action-complete")
    done.locator("textarea").fill("超时提醒已上线，已向申请人说明延误原因")
    done.get_by_role("button", name="整改完成").click()
    expect(page.locator("#rectification-status")).to_have_text("已整改")
    call = page.locator("#action-call_back")
    call.get_by_label("回访满意度").select_option("4")
    call.locator("textarea").fill("电话回访，申请人认可整改")
    call.get_by_role("button", name="回访").click()
    expect(page.locator("#rectification-status")).to_have_text("已办结")
    expect(page.locator("#callbacks")).to_contain_text("满意度 满意")
    screenshot(page, "evaluation-rectification")
    (callback,) = CallBack.objects.filter(rectification=rating.rectification)
    assert callback.caller == w.approver and callback.reached and callback.satisfaction_after == 4

    # --- the public figures follow ------------------------------------------------------------------------
    page.goto("/evaluation/?by=department")
    expect(page.locator("#overall-rectification")).to_have_text("100.0%")
    expect(page.locator("#overall-callback")).to_have_text("100.0%")
    screenshot(page, "evaluation-public")
