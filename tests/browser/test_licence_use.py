"""Issue 9's use of licences in a real Chromium: a citizen holding a 居民户口簿 licence applies online on a
phone for an item whose material that licence replaces, chooses the licence instead of an upload; the window
clerk sees it 已核验 and accepts. Then the holder shows the licence by a 亮证 code and a clerk redeems it, and
the holder sees that use in 我的证照.

Screenshots: var/screenshots/licences-*.png.
"""

from __future__ import annotations

from typing import Any

import pytest

from tongban.cases.models import Case
from tongban.licences.models import LicenceUse
from tongban.licences.tests.factories import HOUSEHOLD, UseWorld, use_world

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def u() -> UseWorld:
    return use_world()


def test_apply_with_a_licence_instead_of_an_upload_and_show_it_by_code(
    page: Any, mobile_page: Any, browser_login: Any, screenshot: Any, u: UseWorld
) -> None:
    phone, w = mobile_page, u.w
    req = u.using.materials.get(name=HOUSEHOLD)

    # --- the citizen applies on a phone and chooses the licence ------------------------------------------
    browser_login(phone, w.applicant)
    phone.goto(f"/cases/apply/{u.using.implementation.code}/")
    choice = phone.locator(f"#licence-{req.pk}")
    expect(choice).to_contain_text("使用我的电子居民户口簿")
    option = choice.locator(f'input[value="{u.licence.identifier}"]')
    expect(option).to_be_checked()
    phone.locator("#id_f_child_name").fill("张小宝")
    phone.locator("#id_f_child_birth_date").fill("2026-11-01")
    screenshot(phone, "licences-apply-phone")
    phone.get_by_role("button", name="提交申请").click()
    expect(phone.get_by_role("heading", name="申请已提交")).to_be_visible()
    number = phone.locator("#receipt-number").inner_text().strip()
    held = Case.objects.get(number=number).materials.get(name=HOUSEHOLD)
    assert held.licence_identifier == u.licence.identifier and not held.file

    # --- the window clerk sees it verified and accepts ---------------------------------------------------
    browser_login(page, w.clerk)
    page.goto(f"/cases/{number}/")
    expect(page.locator(".licence-verified")).to_have_text("已核验")
    page.locator(".licence-face summary").click()
    expect(page.locator(".licence-face")).to_contain_text("张小宝")
    screenshot(page, "licences-clerk-verified")
    page.locator("#panel-accept").get_by_role("button", name="受理").click()
    expect(page.locator("#case-status")).to_have_text("办理中")

    # --- 亮证: the holder makes a code, the clerk redeems it ----------------------------------------------
    phone.goto("/licences/mine/")
    expect(phone.locator("#wallet")).to_contain_text(u.licence.identifier)
    phone.locator("details.show-code summary").first.click()
    phone.get_by_label("用途").fill("社保卡申领核对户籍")
    phone.get_by_role("button", name="生成亮证码").click()
    short = phone.locator("#short-code").inner_text().strip()
    assert len(short) == 8
    expect(phone.locator(".qr-box svg")).to_be_visible()
    screenshot(phone, "licences-code-phone")

    page.goto("/licences/show/")
    page.get_by_label("亮证码").fill(short)
    page.get_by_role("button", name="查验").click()
    shown = page.locator("#shown-licence")
    expect(shown).to_contain_text("有效")
    expect(shown).to_contain_text("张三")
    expect(shown).to_contain_text("社保卡申领核对户籍")
    screenshot(page, "licences-redeemed")
    assert LicenceUse.objects.filter(kind="shown", user=w.clerk, outcome="shown").count() == 1

    phone.goto("/licences/mine/")
    expect(phone.locator("#uses")).to_contain_text("亮证查验")
    expect(phone.locator("#uses")).to_contain_text("免证办核验")
