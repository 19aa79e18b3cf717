"""Publishing a guide in the Django admin, in a real Chromium: submit, publish, and every violation shown.

Screenshots: var/screenshots/admin-publish-success.png and admin-publish-violations.png.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tongban.accounts.models import User
from tongban.catalogue import services
from tongban.catalogue.models import ImplementationVersion
from tongban.catalogue.tests import factories as f

expect = pytest.importorskip("playwright.sync_api").expect  # the browser fixture explains a missing install

PASSWORD = "Admin-pass-2024"


@pytest.fixture
def drafts() -> dict[str, ImplementationVersion]:
    User.objects.create_superuser("catalogue_root", "root@example.cn", PASSWORD)
    zhuji = f.DivisionFactory(code="330681", name="诸暨市")
    good = f.DraftVersionFactory(name="新生儿入户", division=zhuji)
    bad = f.DraftVersionFactory(
        name="护照签发",
        division=zhuji,
        department=f.DepartmentFactory(division=zhuji, name="诸暨市出入境管理局"),
        complaint_phone="",
        promised_days=30,
        statutory_days=20,
        online_payment=True,
    )
    services.submit_version(bad)
    return {"good": good, "bad": bad}


def log_in(page: Any) -> None:
    page.goto("/admin/")
    page.get_by_label("用户名").fill("catalogue_root")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/admin/$"))


def test_submit_and_publish_a_draft_then_see_every_violation(
    page: Any, drafts: dict[str, Any], screenshot: Any
) -> None:
    good, bad = drafts["good"], drafts["bad"]
    log_in(page)

    # From the index to the implementation list, then to the newest (draft) version.
    page.get_by_role("link", name="实施清单事项", exact=True).first.click()
    row = page.locator("#result_list tr", has_text=good.implementation.code)
    row.get_by_role("link", name="新生儿入户", exact=True).click()
    page.get_by_role("link", name="第1版", exact=True).first.click()
    assert page.locator("#version-status").inner_text() == "草稿"

    page.locator("#workflow-submit button").click()
    status, messages = page.locator("#version-status"), page.locator("ul.messagelist")
    expect(status).to_have_text("审核中")
    expect(messages).to_contain_text("已提交审核")

    page.locator("#workflow-publish button").click()
    expect(status).to_have_text("已发布")
    expect(messages).to_contain_text("已发布，办事指南页面和接口现在显示这一版")
    # Published: read-only, no save button, and the history names the actor of each step.
    assert page.locator('input[name="phone"]').count() == 0
    history = page.locator("#version-history").inner_text()
    for action in ("创建", "提交审核", "发布"):
        assert action in history
    assert "catalogue_root" in history
    screenshot(page, "admin-publish-success")
    good.refresh_from_db()
    assert good.status == "published"

    # An invalid version: publishing lists every violation at once, naming each field in Chinese.
    page.goto(f"/admin/catalogue/implementationversion/{bad.pk}/change/")
    page.locator("#workflow-publish button").click()
    errors = page.locator("ul.messagelist li.error")
    expect(errors.first).to_be_visible()
    texts = errors.all_inner_texts()
    expected = services.publish_violations(bad)
    assert len(expected) >= 3
    assert len(texts) == len(expected) + 1  # a summary, then one message per violation
    assert any("发布前检查发现" in t for t in texts)
    assert "监督投诉电话：监督投诉电话不能为空" in texts
    assert any(t.startswith("承诺办结时限：") for t in texts)
    assert any(t.startswith("是否支持网上支付：") for t in texts)
    expect(status).to_have_text("审核中")
    screenshot(page, "admin-publish-violations")
    bad.refresh_from_db()
    assert bad.status == "in_review"
    assert bad.implementation.published_version_id is None


def test_edit_a_draft_and_read_the_uniformity_report(page: Any, drafts: dict[str, Any], screenshot: Any) -> None:
    good = drafts["good"]
    log_in(page)

    # Edit the draft: the change is saved through the services and shows in the history with its label.
    page.goto(f"/admin/catalogue/implementationversion/{good.pk}/change/")
    page.locator('input[name="statutory_days"]').fill("30")
    page.get_by_role("button", name="保存并继续编辑").click()
    expect(page.locator("ul.messagelist")).to_contain_text("成功修改")
    history = page.locator("#version-history")
    expect(history).to_contain_text("法定办结时限")
    expect(history).to_contain_text("20 → 30")
    screenshot(page, "admin-version-draft")

    services.publish_now(ImplementationVersion.objects.get(pk=good.pk))
    page.goto("/admin/")
    page.get_by_role("link", name="六统一比对报告").first.click()
    expect(page.locator("#uniformity-counts")).to_contain_text("已发布实施清单事项")
    table = page.locator("#uniformity-table")
    expect(table).to_contain_text("法定办结时限为30个工作日，基本目录为20个工作日")
    screenshot(page, "admin-uniformity")

    table.get_by_role("link", name="新生儿入户").click()
    expect(page.locator("#uniformity-differences")).to_contain_text("法定办结时限为30个工作日")
    expect(page.locator("#new-version")).to_be_visible()
    screenshot(page, "admin-implementation")
