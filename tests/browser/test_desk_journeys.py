"""Issue 8's desk journeys in a real Chromium: acceptance waits for the materials (容缺 with its date filled in),
the result desk receives what was deferred and delivers electronically a signed decision; a correction fixes a
form field; 企业开办 at the window without a credit code; a bundle's one receipt code opens its progress page.

Screenshots: var/screenshots/desk-*.png.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from tongban.cases import services
from tongban.cases.models import BundleCase, Case
from tongban.cases.tests.factories import (
    PDF,
    Env,
    World,
    bundle_holding_all,
    make_env,
    world,
)
from tongban.catalogue import services as catalogue
from tongban.catalogue.tests import factories as cf
from tongban.core import clock
from tongban.core.signing import document_signer
from tongban.core.testing.browser import open_panel

expect = pytest.importorskip("playwright.sync_api").expect

TODAY = dt.date(2026, 9, 29)


@pytest.fixture
def w(monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return world()


def window_intake(page: Any, w: World, code: str, paper: tuple[str, ...]) -> str:
    page.goto(f"/cases/window/apply/{code}/")
    page.get_by_label("申请人姓名/名称").fill("王五")
    page.get_by_label("证件号码").fill(w.other_citizen.id_number)
    page.get_by_label("联系电话").fill("13900000000")
    page.get_by_label("读取身份证芯片并人证比对").check()
    page.locator("#id_f_child_name").fill("王小宝")
    page.locator("#id_f_child_birth_date").fill("2026-09-18")
    for name in paper:
        page.locator(f'#paper-list input[value="{name}"]').check()
    page.get_by_role("button", name="收件，进入受理审查").click()
    expect(page.locator("#case-status")).to_have_text("待受理")
    return page.locator(".case-head .case-number").inner_text().strip()


def test_acceptance_waits_then_the_result_desk_receives_and_delivers_a_signed_decision(
    page: Any, browser_login: Any, screenshot: Any, w: World
) -> None:
    browser_login(page, w.clerk)
    number = window_intake(page, w, w.version.implementation.code, ("居民身份证", "出生医学证明"))
    # 结婚证 (容缺后补) is not in hand: no 受理 button, the reason in its place; 容缺受理 with its date filled in.
    expect(page.locator("#acceptance-blocked")).to_contain_text("“结婚证”")
    expect(page.locator("#panel-accept")).to_have_count(0)
    defer = open_panel(page, "defer")
    expect(defer.get_by_label("承诺补交日期")).to_have_value((TODAY + dt.timedelta(days=7)).isoformat())
    screenshot(page, "desk-acceptance-blocked")
    defer.get_by_role("button", name="容缺受理").click()
    expect(page.locator("#case-status")).to_have_text("办理中")

    case = Case.objects.get(number=number)
    approver = services.Ctx(w.approver)
    case = services.complete_step(approver, case, "材料齐全", case.revision)
    services.decide(approver, case, True, "符合《中华人民共和国户口登记条例》第七条的规定", case.revision)

    # The result desk is told what is still owed and takes it there.
    page.goto(f"/cases/{number}/")
    expect(page.locator("#deferred-outstanding")).to_contain_text("结婚证")
    screenshot(page, "desk-result-desk-deferred")
    supply = open_panel(page, "supply_deferred")
    supply.get_by_role("button", name="确认收取").click()
    expect(page.locator("#deferred-outstanding")).to_have_count(0)
    issue = open_panel(page, "issue")
    issue.get_by_label("电子送达").check()
    issue.get_by_role("button", name="出件并办结").click()
    expect(page.locator("#case-status")).to_have_text("已办结")

    # The applicant (王五's account) downloads the signed decision.
    browser_login(page, w.other_citizen)
    page.goto(f"/cases/{number}/")
    link = page.locator("#result-document a.btn")
    expect(link).to_have_text("下载电子送达文书（已签名PDF）")
    screenshot(page, "desk-electronic-delivery")
    with page.expect_download() as caught:
        link.click()
    signed = Path(caught.value.path()).read_bytes()
    assert document_signer().verify(signed).valid


def test_a_correction_fixes_a_form_field(page: Any, browser_login: Any, screenshot: Any, w: World) -> None:
    case = services.apply_online(
        services.Ctx(w.applicant, "online"),
        w.version.implementation,
        {
            "child_name": "张小宝",
            "child_birth_date": "2026-11-01",
        },
    )
    browser_login(page, w.clerk)
    page.goto(f"/cases/{case.number}/")
    correction = open_panel(page, "correction")
    correction.get_by_label("出生日期").check()
    correction.get_by_role("button", name="出具补正材料通知书").click()
    expect(page.locator("#case-status")).to_have_text("待补正")

    browser_login(page, w.applicant)
    page.goto(f"/cases/{case.number}/")
    resubmit = open_panel(page, "resubmit")
    field = resubmit.locator("#fix-fields input[name='f_child_birth_date']")
    expect(field).to_have_value("2026-11-01")
    field.fill("2026-10-30")
    screenshot(page, "desk-correction-form-field")
    resubmit.get_by_role("button", name="重新提交").click()
    expect(page.locator("#case-status")).to_have_text("待受理")
    expect(page.locator("#timeline")).to_contain_text("更正申请表：出生日期")
    assert Case.objects.get(pk=case.pk).form_data["child_birth_date"] == "2026-10-30"


def test_company_formation_at_the_window_without_a_credit_code(
    page: Any, browser_login: Any, screenshot: Any, w: World
) -> None:
    draft = cf.DraftVersionFactory(name="内资企业设立登记", division=w.police.division, department=w.hrss)
    schema = [
        {"key": "enterprise_name", "label": "企业（字号）名称", "type": "text", "required": True},
        {"key": "registered_address", "label": "住所", "type": "text", "required": True},
        {"key": "applicant_name", "label": "经办人姓名", "type": "text", "required": True},
        {"key": "applicant_id_number", "label": "经办人公民身份号码", "type": "id_number", "required": True},
        {"key": "applicant_phone", "label": "经办人联系电话", "type": "phone", "required": True},
    ]
    catalogue.update_draft(draft, content={"form_schema": schema})
    impl = catalogue.publish_now(draft).implementation
    browser_login(page, w.clerk)
    page.goto(f"/cases/window/apply/{impl.code}/")
    page.get_by_label("设立中企业（企业开办，尚无统一社会信用代码）").check()
    page.get_by_label("申请人姓名/名称").fill("李四")
    page.get_by_label("证件号码").fill(w.other_citizen.id_number)
    page.get_by_label("拟设立企业名称").fill("诸暨市新芽科技有限公司")
    page.get_by_label("联系电话").fill("13900000000")
    page.get_by_label("读取身份证芯片并人证比对").check()
    page.locator("#id_f_registered_address").fill("诸暨市暨阳街道浣纱南路1号")
    screenshot(page, "desk-company-formation-intake")
    page.get_by_role("button", name="收件，进入受理审查").click()
    expect(page.locator("#case-status")).to_have_text("待受理")
    case = Case.objects.get(implementation=impl)
    assert case.form_data["enterprise_name"] == "诸暨市新芽科技有限公司" and case.applicant == w.other_citizen


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Env:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return make_env()


def test_one_bundle_code_opens_its_progress_on_a_phone(
    mobile_page: Any, browser_login: Any, screenshot: Any, env: Env
) -> None:
    ctx = services.Ctx(env.w.applicant, "online")
    bc = services.start_bundle_online(
        ctx,
        env.bundle,
        None,
        {
            "applicant_name": "张三",
            "applicant_id_number": env.w.applicant.id_number,
            "child_name": "张小宝",
            "child_birth_date": "2026-09-20",
        },
    )
    for name in ("父母结婚证", "住院分娩记录", "居民户口簿"):
        services.attach_bundle_material(ctx, bc, name, f"{name}.pdf", PDF)
    bc = services.submit_bundle(ctx, BundleCase.objects.get(pk=bc.pk), BundleCase.objects.get(pk=bc.pk).revision)
    bc = services.accept_bundle(services.Ctx(env.w.clerk), bundle_holding_all(bc), bc.revision)
    phone = mobile_page
    browser_login(phone, env.w.applicant)
    phone.goto(f"/bundles/cases/{bc.number}/receipt/")
    expect(phone.locator("#receipt-code")).to_have_text(bc.query_code)
    expect(phone.locator(".receipt-qr svg")).to_be_visible()
    screenshot(phone, "desk-bundle-receipt-phone")
    phone.goto("/progress/")
    phone.get_by_label("办件编号").fill(bc.number)
    phone.get_by_label("查询码").fill(bc.query_code.lower())
    phone.get_by_role("button", name="查询").click()
    expect(phone.locator("[data-status]").first).to_have_text("办理中")
    expect(phone.locator("#progress-items tbody tr")).to_have_count(3)
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(phone, "desk-bundle-progress-phone")
    assert re.match(r"^YJS", bc.number)
