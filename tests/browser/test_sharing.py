"""Issue 10's journey in a real Chromium: the window clerk fills an application from shared data (the
population base fills the applicant's name and address, each value with its source; the credit base answers),
takes it with a material replaced by the data (减材料); the citizen then sees, under 我的数据, each access to
their data with the case it was for.

Screenshots: var/screenshots/sharing-*.png.
"""

from __future__ import annotations

from typing import Any

import pytest

from tongban.cases.forms import IDENTITY_CHECKS
from tongban.cases.models import Case
from tongban.sharing.models import IntakeLink
from tongban.sharing.tests.factories import SharingWorld, sharing_world

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def sw() -> SharingWorld:
    world = sharing_world()
    version = world.w.version
    schema = [*version.form_schema, {"key": "address", "label": "联系地址", "type": "text", "required": True}]
    type(version).objects.filter(pk=version.pk).update(form_schema=schema)  # a published version is immutable
    world.resources["population"].replaces_materials = "出生医学证明"
    world.resources["population"].save()
    return world


def test_the_clerk_form_fills_from_shared_data_and_the_citizen_sees_the_access_with_its_case(
    page: Any, browser_login: Any, screenshot: Any, sw: SharingWorld
) -> None:
    browser_login(page, sw.w.clerk)
    page.goto(f"/cases/window/apply/{sw.w.version.implementation.code}/")
    page.locator("#id_id_number").fill(sw.subject)
    page.get_by_label("申请人已当面同意调取其共享数据（生成授权记录）").check()
    page.locator("#shared-fill-button").click()
    table = page.locator("#shared-values")
    expect(table).to_contain_text("人口基础信息（诸暨市公安局）")
    expect(page.locator("#id_name")).to_have_value("王五")
    expect(page.locator("#id_f_address")).to_have_value("浙江省诸暨市暨阳街道浣纱南路1号")
    expect(page.locator("#shared-credit")).to_contain_text("失信")
    screenshot(page, "sharing-window-filled")
    page.get_by_label(IDENTITY_CHECKS[0]).check()
    page.locator("#id_f_child_name").fill("王小宝")
    page.locator("#id_f_child_birth_date").fill("2026-11-01")
    page.locator('input[name="paper"][value="居民身份证"]').check()
    page.locator('input[name="shared_material"][value="出生医学证明"]').check()
    page.get_by_role("button", name="收件，进入受理审查").click()
    expect(page.locator("body")).to_contain_text("已收件")
    case = Case.objects.exclude(pk=sw.case.pk).get(applicant_id_number=sw.subject)
    assert IntakeLink.objects.get(case_number=case.number).materials_replaced == ["出生医学证明"]

    browser_login(page, sw.w.other_citizen)  # the applicant's own account (the case's resident ID)
    page.goto("/sharing/mine/")
    rows = page.locator("#accesses tbody tr")
    expect(rows.first).to_contain_text(case.number)
    expect(page.locator(f'#accesses tr[data-case="{case.number}"]').first).to_contain_text("政务服务中心")
    expect(page.locator("#consents")).to_contain_text("窗口当面确认同意")
    screenshot(page, "sharing-mine")
