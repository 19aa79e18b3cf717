"""新生儿出生一件事 end to end in a real Chromium, on the demo catalogue of 诸暨市.

A mother applies online on her phone with one form and one material set; the general window accepts the
whole bundle; the birth certificate and the vaccination certificate are approved in parallel by the health
department; household registration starts by itself when the certificate is granted (the certificate reaches
it as a material); medical insurance and the social security card then start together and are approved by
their departments; the window issues every result at once.

Screenshots: var/screenshots/bundle-newborn-*.png.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from tongban.accounts.models import User
from tongban.bundles.models import Bundle
from tongban.cases.forms_bundles import material_field
from tongban.cases.models import BundleCase, Case, CaseMaterial
from tongban.core.identifiers import make_resident_id
from tongban.core.testing import files as samples

expect = pytest.importorskip("playwright.sync_api").expect  # the browser fixture explains a missing install

PDF = samples.pdf()
UPLOADS = ["出生医学证明首次签发登记表", "儿童预防接种信息登记表", "出生登记申报表"]


@pytest.fixture
def demo(demo_db: None) -> dict[str, Any]:
    bundle = Bundle.objects.get(name="新生儿出生一件事")
    # Each department's own demo approver (``zj_<kind>_approver``, as the README says).
    approvers = {
        kind: User.objects.get(username=f"zj_{kind}_approver")
        for kind in ("health", "medical_insurance", "police", "hrss")
    }
    return {
        "bundle": bundle,
        "mother": User.objects.get(username="zj_citizen_wang"),
        "clerk": User.objects.get(username="zj_window"),
        "approvers": approvers,
    }


def overflow(page: Any) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def statuses(bc: BundleCase) -> dict[str, str]:
    return {c.version.name: c.status for c in Case.objects.filter(bundle_case=bc).select_related("version")}


def approve(page: Any, number: str) -> None:
    """The approver of the item's department on the ordinary case page: each review step, then 准予."""
    page.goto(f"/cases/{number}/")
    while page.locator("#panel-step").count():
        page.locator("#panel-step textarea").fill("材料齐全，符合规定")
        page.locator("#panel-step button[type=submit]").click()
        page.wait_for_load_state()
    panel = page.locator("#panel-decide")
    panel.get_by_label("准予").check()
    panel.locator("textarea").fill("符合《中华人民共和国母婴保健法》等规定，准予办理")
    panel.locator("button[type=submit]").click()
    expect(page.locator("#case-status")).to_have_attribute("data-status", "decided")


def test_a_parent_applies_for_newborn_online_and_every_result_comes_at_once(
    mobile_page: Any, page: Any, demo: dict[str, Any], browser_login: Any, screenshot: Any
) -> None:
    bundle, mother, clerk = demo["bundle"], demo["mother"], demo["clerk"]

    # ---- the mother, on her phone: choose, see what it saves, one form, one material set ---------------------
    browser_login(mobile_page, mother)
    mobile_page.goto(f"/bundles/{bundle.code}/")
    mobile_page.locator("#apply-online").click()
    mobile_page.wait_for_url(re.compile(r"/apply/$"))
    expect(mobile_page.get_by_text("新生儿入户需等出生医学证明签发办结后自动启动")).to_be_visible()
    expect(mobile_page.locator("#savings [data-saving=forms] .after")).to_have_text("1 张")
    assert mobile_page.locator("#item-choices input[disabled]").count() == 2  # certificate and registration
    assert overflow(mobile_page) <= 1, "the choice page scrolls sideways on a phone"
    screenshot(mobile_page, "bundle-newborn-1-choose-phone")
    mobile_page.locator("#start").click()
    mobile_page.wait_for_url(re.compile(r"/bundles/cases/draft-[0-9a-f]+/edit/$"))

    form = mobile_page.locator("#apply-form")
    assert form.locator('[name="f_child_name"]').count() == 1  # asked by five items, asked once
    expect(form.locator("#id_f_applicant_id_number")).to_have_value(mother.id_number)  # pre-filled
    father_id = make_resident_id("330681", dt.date(1990, 3, 8), 151)
    for key, value in {
        "child_name": "王小满",
        "child_birth_date": "2026-11-15",
        "birth_place": "诸暨市人民医院",
        "mother_name": "王晓燕",
        "mother_id_number": mother.id_number,
        "father_name": "陈浩",
        "father_id_number": father_id,
        "household_address": "浙江省诸暨市暨阳街道浣纱南路88号",
        "insured_name": "王小满",
    }.items():
        form.locator(f"#id_f_{key}").fill(value)
    for key, option in {
        "child_gender": "女",
        "household_of": "随母落户",
        "insured_category": "新生儿",
        "receive_method": "网点领取",
    }.items():
        form.locator(f"#id_f_{key}").select_option(option)
    for name in UPLOADS:
        form.locator(f'input[name="{material_field(name)}"]').set_input_files(
            {"name": f"{name}.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
    assert overflow(mobile_page) <= 1, "the application form scrolls sideways on a phone"
    screenshot(mobile_page, "bundle-newborn-2-form-phone")
    mobile_page.locator("#submit").click()
    mobile_page.wait_for_url(re.compile(r"/receipt/$"))
    number = mobile_page.locator("#receipt-number").inner_text()
    assert number.startswith("YJS330681-")
    assert mobile_page.locator("#receipt-items tbody tr").count() == 5
    screenshot(mobile_page, "bundle-newborn-3-receipt-phone")
    bc = BundleCase.objects.get(number=number)
    assert set(statuses(bc).values()) == {"submitted"}

    # ---- the general window accepts the whole bundle ---------------------------------------------------------
    browser_login(page, clerk)
    page.goto("/bundles/window/")
    page.locator(f'#queue-submitted tr[data-number="{number}"] a').click()
    expect(page.locator("#accept-form")).to_be_visible()
    screenshot(page, "bundle-newborn-4-window-accept")
    page.locator("#accept-button").click()
    expect(page.locator("#bundle-phase")).to_have_attribute("data-phase", "in_progress")
    now = statuses(bc)
    # No prerequisite: both start at once, in parallel. The rest waits for the results they need.
    assert now["出生医学证明签发"] == "in_progress" and now["预防接种证办理"] == "in_progress"
    assert {now["新生儿入户"], now["城乡居民医保参保登记"], now["社会保障卡申领"]} == {"waiting"}
    screenshot(page, "bundle-newborn-5-accepted")

    # ---- approvers of each department, on the ordinary case pages ----------------------------------------
    kids = {c.version.name: c for c in Case.objects.filter(bundle_case=bc).select_related("version")}
    page.context.clear_cookies()
    browser_login(page, demo["approvers"]["health"])
    page.goto("/cases/queue/?bucket=to_decide")  # one review step: straight to the decision
    expect(page.get_by_text(kids["出生医学证明签发"].number).first).to_be_visible()
    expect(page.get_by_text(kids["预防接种证办理"].number).first).to_be_visible()
    approve(page, kids["出生医学证明签发"].number)
    # Household registration started by itself, with the certificate as its material.
    registration = Case.objects.get(pk=kids["新生儿入户"].pk)
    assert registration.status == "in_progress" and registration.accepted_on is not None
    assert CaseMaterial.objects.get(case=registration, name="出生医学证明").state == "result"
    assert statuses(bc)["预防接种证办理"] == "in_progress"  # the other health item goes its own way
    approve(page, kids["预防接种证办理"].number)

    page.context.clear_cookies()
    browser_login(page, demo["approvers"]["police"])
    approve(page, registration.number)
    now = statuses(bc)
    assert now["城乡居民医保参保登记"] == "in_progress" and now["社会保障卡申领"] == "in_progress"

    page.context.clear_cookies()
    browser_login(page, demo["approvers"]["medical_insurance"])
    approve(page, kids["城乡居民医保参保登记"].number)
    page.context.clear_cookies()
    browser_login(page, demo["approvers"]["hrss"])
    approve(page, kids["社会保障卡申领"].number)
    bc.refresh_from_db()
    assert bc.phase == "ready"

    # The mother sees every item decided and waiting for one hand-over.
    mobile_page.goto(f"/bundles/cases/{number}/")
    expect(mobile_page.locator("#bundle-phase")).to_have_attribute("data-phase", "ready")
    assert overflow(mobile_page) <= 1, "the bundle page scrolls sideways on a phone"
    screenshot(mobile_page, "bundle-newborn-6-ready-phone")

    # ---- the result desk: all results issued together ----------------------------------------------------
    page.context.clear_cookies()
    browser_login(page, clerk)
    page.goto("/bundles/window/")
    page.locator(f'#queue-ready tr[data-number="{number}"] a').click()
    panel = page.locator("#result")
    panel.get_by_label("窗口领取").check()
    screenshot(page, "bundle-newborn-7-result-desk")
    page.locator("#issue-button").click()
    expect(page.locator("#bundle-phase")).to_have_attribute("data-phase", "closed")
    assert set(statuses(bc).values()) == {"closed"}
    assert set(Case.objects.filter(bundle_case=bc).values_list("result_delivery", flat=True)) == {"window"}

    mobile_page.goto(f"/bundles/cases/{number}/")
    expect(mobile_page.locator("#bundle-phase")).to_have_text("已办结")
    screenshot(mobile_page, "bundle-newborn-8-closed-phone")

    # The public bundle page now counts this application in its indicators.
    mobile_page.goto(f"/bundles/{bundle.code}/")
    expect(mobile_page.locator('[data-indicator="bundle_cases"]')).to_have_text("1")
    expect(mobile_page.locator('[data-indicator="forms_saved"]')).to_have_text("4")
    assert mobile_page.locator('[data-indicator="days"]').inner_text() != "—"
    mobile_page.locator("#indicators").scroll_into_view_if_needed()
    screenshot(mobile_page, "bundle-newborn-9-indicators-phone", full_page=False)
