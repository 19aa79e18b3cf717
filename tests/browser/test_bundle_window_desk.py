"""A bundle at the window in a real Chromium, from intake by an agent to its results (issue 8's leftovers):
the agent's authorisation from the clerk's check, a correction naming a form field and a material, the waiting
item's needs at acceptance, a 容缺 material owed at the result desk and received there, the +15-day extension
and its notice, and no result deadline while an item is open.

Screenshots: var/screenshots/bundle-window-*.png.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from pypdf import PdfReader

from tongban.cases import services
from tongban.cases.models import BundleCase, Case
from tongban.cases.tests.factories import (
    BUNDLE_FORM,
    BUNDLE_UPLOADS,
    PDF,
    BundleCaseFactory,
    Env,
    grant_item,
    make_env,
)
from tongban.core import clock
from tongban.core.identifiers import make_resident_id
from tongban.core.testing.browser import open_panel

expect = pytest.importorskip("playwright.sync_api").expect

TODAY = dt.date(2026, 9, 29)
PRINCIPAL_ID = make_resident_id("330681", dt.date(1996, 4, 2), 48)
AGENT_ID = make_resident_id("330681", dt.date(1970, 8, 9), 33)
ABSENT = "核验委托人身份证原件（委托人未到场）"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Env:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return make_env()


def test_a_bundle_brought_by_an_agent_from_the_window_to_its_results(
    page: Any, browser_login: Any, screenshot: Any, env: Env
) -> None:
    w = env.w
    browser_login(page, w.clerk)
    page.goto(f"/bundles/window/apply/{env.bundle.code}/")
    page.get_by_label("申请人姓名/名称").fill("王秀英")
    page.locator("#id_id_number").fill(PRINCIPAL_ID)
    page.get_by_label("联系电话").fill("13900000000")
    page.get_by_label("读取身份证芯片并人证比对").check()
    page.get_by_label("代办人/经办人姓名").fill("赵代办")
    page.get_by_label("代办人/经办人公民身份号码").fill(AGENT_ID)
    page.get_by_label("委托人身份证件核验").select_option(ABSENT)
    page.locator("#id_f_child_name").fill("王小宝")
    page.locator("#id_f_child_birth_date").fill("2026-09-21")
    for name in ("父母结婚证", "居民户口簿"):  # 住院分娩记录 is not in hand
        page.locator(f'#paper-list input[value="{name}"]').check()
    page.get_by_role("button", name="收件，进入受理审查").click()
    expect(page.locator("#id_written_field")).to_contain_text("委托人未到场的，须收取书面授权委托书")
    page.get_by_label("已收取书面授权委托书（原件）").check()
    screenshot(page, "bundle-window-agent-intake")
    page.get_by_role("button", name="收件，进入受理审查").click()
    expect(page.locator("#bundle-phase")).to_have_text("待受理")
    expect(page.locator("#authorisation-evidence")).to_contain_text(ABSENT)
    expect(page.locator("#facts-title").locator("..")).to_contain_text("赵代办")
    bc = BundleCase.objects.get()
    assert bc.authorisation is not None and bc.authorisation.written

    # Acceptance is blocked while a required material is missing: one correction names it and a form field.
    expect(page.locator("#acceptance-blocked")).to_contain_text("住院分娩记录")
    correction = open_panel(page, "correction")
    correction.get_by_label("住院分娩记录").check()
    correction.get_by_label("出生日期").check()
    screenshot(page, "bundle-window-correction")
    correction.get_by_role("button", name="出具补正通知").click()
    expect(page.locator("#bundle-phase")).to_have_text("待补正")
    expect(page.locator("#correction-items")).to_contain_text("出生日期")
    resubmit = page.locator("#panel-resubmit")
    expect(resubmit.locator("#fix-fields")).to_be_visible()
    resubmit.locator("#fix-fields input").first.fill("2026-09-20")
    # The applicant brings the missing paper: the clerk scans it with the resubmission.
    scan = resubmit.locator(".field", has_text="住院分娩记录").locator("input[type=file]")
    scan.set_input_files(files=[{"name": "住院分娩记录.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    screenshot(page, "bundle-window-resubmit")
    resubmit.get_by_role("button", name="重新提交").click()
    expect(page.locator("#bundle-phase")).to_have_text("待受理")
    expect(page.locator("#bundle-events")).to_contain_text("2026-09-20")
    bc = BundleCase.objects.get()
    assert bc.form_data["child_birth_date"] == "2026-09-20"
    assert all(
        c.form_data.get("child_birth_date", "2026-09-20") == "2026-09-20" for c in Case.objects.filter(bundle_case=bc)
    )
    screenshot(page, "bundle-window-resubmitted")

    # Acceptance: 新生儿入户 waits for the certificate and says what it will need; the vaccination form is
    # deferred (容缺) with the applicant's promise.
    expect(page.locator("#acceptance-blocked")).to_have_count(0)
    expect(page.locator("#waiting-needs")).to_contain_text("新生儿入户")
    accept = page.locator("#accept-form")
    accept.locator("#accept-deferrals summary").click()
    accept.get_by_label("儿童预防接种登记表").check()
    accept.locator("#accept-deferrals [name=due]").fill("2026-10-20")
    accept.locator("#accept-deferrals [name=commitment]").fill("本人承诺10月20日前补交")
    screenshot(page, "bundle-window-accept")
    page.locator("#accept-button").click()
    expect(page.locator("#bundle-phase")).to_have_text("办理中")
    bc = BundleCase.objects.get()
    kids = {c.version.name: c for c in Case.objects.filter(bundle_case=bc).select_related("version")}
    assert kids["新生儿入户"].status == "waiting" and kids["出生医学证明"].status == "in_progress"

    # The +15-day extension by the head of a deciding department prints its notice.
    browser_login(page, w.head)
    page.goto(f"/bundles/cases/{bc.number}/")
    extend = open_panel(page, "extend")
    extend.get_by_label("批准人（本级人民政府负责人）").fill("诸暨市人民政府副市长 某某")
    extend.get_by_label("延期理由").fill("需联合踏勘，45个工作日内不能办结")
    extend.get_by_role("button", name="记录延期").click()
    expect(page.locator("#bundle-extended")).to_contain_text("15")
    # The promise moves with the extension, and says so beside the promised days.
    expect(page.locator("#bundle-promised")).to_contain_text("延期顺延 15 个工作日")
    link = page.locator("#bundle-notices").get_by_role("link", name="一件事延期通知书")
    printed = page.request.get(link.get_attribute("href") or "")
    assert printed.ok and printed.headers["content-type"] == "application/pdf"
    text = re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(printed.body())).pages))
    assert "一件事延期通知书" in text and "诸暨市人民政府副市长某某" in text

    # While an item is open the bundle shows no result deadline; the last decision starts it.
    for name in ("出生医学证明", "预防接种证"):
        grant_item(env, bc, name)
    bc = BundleCase.objects.get()
    assert bc.clock == "handling"  # no result deadline while 新生儿入户 is open
    assert Case.objects.get(bundle_case=bc, version__name="出生医学证明").clock_due is None
    grant_item(env, bc, "新生儿入户")
    bc = BundleCase.objects.get()
    assert (bc.phase, bc.clock) == ("ready", "result") and bc.clock_due is not None

    # The result desk warns of the owed 容缺 material and receives it there, then issues everything at once.
    browser_login(page, w.clerk)
    page.goto(f"/bundles/cases/{bc.number}/")
    expect(page.locator("#bundle-deadline")).to_contain_text("出件")
    expect(page.locator("#deferred-outstanding")).to_contain_text("儿童预防接种登记表")
    screenshot(page, "bundle-window-result-desk")
    supply = open_panel(page, "supply-deferred")
    supply.get_by_label("补交的容缺材料").select_option(index=0)
    supply.locator("#supply-deferred-button").click()
    expect(page.locator("#deferred-outstanding")).to_have_count(0)
    page.locator("#result").get_by_label("窗口领取").check()
    page.locator("#issue-button").click()
    expect(page.locator("#bundle-phase")).to_have_text("已办结")
    screenshot(page, "bundle-window-closed")


def test_online_an_applicant_corrects_a_field_on_a_phone_and_sees_what_is_owed(
    mobile_page: Any, browser_login: Any, screenshot: Any, env: Env
) -> None:
    """The applicant's side of the same desk: a correction naming a field of the one form and a material, the
    resubmission on a phone, and the warning of a 容缺 material still owed once every item is decided."""
    w = env.w
    applicant = services.Ctx(w.applicant, "online")
    bc = services.start_bundle_online(
        applicant, env.bundle, None, {**BUNDLE_FORM, "applicant_name": w.applicant.real_name}
    )
    for name in BUNDLE_UPLOADS:  # the vaccination form (可容缺) is not uploaded
        services.attach_bundle_material(applicant, bc, name, f"{name}.pdf", PDF)
    bc = services.submit_bundle(applicant, bc.number, BundleCase.objects.get(pk=bc.pk).revision)
    clerk = services.Ctx(w.clerk, "window", w.window)
    bc = services.request_bundle_correction(
        clerk, bc, ["住院分娩记录"], bc.revision, fields=["child_name"], added_reason=""
    )
    phone = mobile_page
    browser_login(phone, w.applicant)
    phone.goto(f"/bundles/cases/{bc.number}/")
    expect(phone.locator("#correction-items")).to_contain_text("新生儿姓名")
    resubmit = phone.locator("#panel-resubmit")
    fields = resubmit.locator("#fix-fields input")
    expect(fields).to_have_count(1)  # the named field only
    fields.fill("张小宇")
    scan = resubmit.locator(".field", has_text="住院分娩记录").locator("input[type=file]")
    scan.set_input_files(files=[{"name": "住院分娩记录.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(phone, "bundle-online-resubmit-phone")
    resubmit.get_by_role("button", name="重新提交").click()
    expect(phone.locator("#bundle-phase")).to_have_text("待受理")
    expect(phone.locator("#bundle-events")).to_contain_text("张小宇")
    bc = BundleCase.objects.get()
    assert bc.form_data["child_name"] == "张小宇"

    bc = services.accept_bundle(
        clerk,
        bc,
        bc.revision,
        deferrals=[services.Deferral("儿童预防接种登记表", dt.date(2026, 10, 20), "本人承诺按期补交")],
    )
    for name in ("出生医学证明", "预防接种证", "新生儿入户"):
        grant_item(env, BundleCase.objects.get(pk=bc.pk), name)
    phone.goto(f"/bundles/cases/{bc.number}/")
    # Said at the top of the page too: on a phone the warning itself comes after the items and the form.
    expect(phone.locator("#deferred-owed-hint")).to_contain_text("尚有 1 份容缺材料需按承诺补交")
    expect(phone.locator("#deferred-outstanding")).to_contain_text("请按承诺的日期到受理窗口补交")
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(phone, "bundle-online-owed-phone")


def test_an_items_return_for_correction_of_a_field_reaches_the_bundles_one_form(
    page: Any, browser_login: Any, screenshot: Any, env: Env
) -> None:
    """A department returns one item for correction naming a form field; the applicant corrects it on the
    item's page; the bundle's one form takes the new answer and says which items keep the earlier one."""
    bc = BundleCaseFactory(env=env, phase="in_progress")
    cert = Case.objects.get(bundle_case=bc, version__name="出生医学证明")
    browser_login(page, env.doctor)
    page.goto(f"/cases/{cert.number}/")
    back = open_panel(page, "return")
    back.get_by_label("新生儿姓名").check()
    back.get_by_label("退回原因").fill("姓名与住院记录不一致")
    back.get_by_role("button", name="退回申请人补正").click()
    expect(page.locator("#case-status")).to_have_text("退回补正")

    browser_login(page, env.w.applicant)
    page.goto(f"/cases/{cert.number}/")
    supply = open_panel(page, "supply_correction")
    field = supply.locator("#fix-fields input[name='f_child_name']")
    expect(field).to_have_value("张小宝")
    field.fill("张晓宝")
    screenshot(page, "bundle-item-return-field")
    supply.get_by_role("button", name="确认补正，恢复办理").click()
    expect(page.locator("#case-status")).to_have_text("办理中")
    page.goto(f"/bundles/cases/{bc.number}/")
    expect(page.locator("#bundle-events")).to_contain_text("事项补正更正申请表")
    expect(page.locator("#bundle-events")).to_contain_text("张晓宝")
    screenshot(page, "bundle-item-return-field-bundle")
    assert BundleCase.objects.get(pk=bc.pk).form_data["child_name"] == "张晓宝"
