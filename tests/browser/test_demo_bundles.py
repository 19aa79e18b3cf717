"""Four 一件事 end to end in a real Chromium with nothing but the demo: 新生儿出生 and 退休 applied for online by a
demo citizen on a phone, 企业开办 (a company being formed) and 身后事 taken at the general window for someone
without an account; the window accepts the whole bundle, each item is decided by its own department's demo
approver on the ordinary case page (items that wait for another's result start by themselves), and the window
hands every result over at once. Every account signs in through the login page with the published password.

Screenshots: var/screenshots/demo-bundle-*.png.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import pytest

from tongban.accounts.models import User
from tongban.bundles.models import Bundle
from tongban.cases import services
from tongban.cases.forms import FOUNDING
from tongban.cases.forms_bundles import material_field
from tongban.cases.models import BundleCase, Case
from tongban.core.testing.browser import fill_schema_form, review_and_decide, sign_in
from tongban.core.testing.files import pdf
from tongban.demo.answers import Person, fill, walk_in
from tongban.demo.data.accounts import DEMO_PASSWORD

expect = pytest.importorskip("playwright.sync_api").expect


def bundle_named(name: str) -> Bundle:
    return Bundle.objects.get(name=name, status=Bundle.Status.PUBLISHED)


def answers_for(bundle: Bundle, who: Person, day: dt.date, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """What the applicant writes on the bundle's one form (a person, or the founder of a company being formed)."""
    return fill(services.merged_form(list(bundle.items.all()), "natural"), who, day, overrides)


def apply_online(phone: Any, bundle: Bundle, username: str, day: dt.date, overrides: Mapping[str, Any]) -> str:
    """A demo citizen on a phone: the bundle's page, its items, one form, one set of uploads, sent."""
    sign_in(phone, username, DEMO_PASSWORD)
    user = User.objects.get(username=username)
    me = Person(user.real_name, user.id_number or "", user.phone, user.address)
    phone.goto(f"/bundles/{bundle.code}/")
    phone.locator("#apply-online").click()
    phone.wait_for_url(re.compile(r"/apply/$"))
    phone.locator("#start").click()
    phone.wait_for_url(re.compile(r"/edit/$"))
    form = phone.locator("#apply-form")
    fill_schema_form(form, answers_for(bundle, me, day, overrides))
    for name in services.required_uploads(list(bundle.items.all())):
        upload = form.locator(f'input[name="{material_field(name)}"]')
        if upload.count():
            upload.set_input_files({"name": f"{name}.pdf", "mimeType": "application/pdf", "buffer": pdf(name)})
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    phone.locator("#submit").click()
    phone.wait_for_url(re.compile(r"/receipt/$"))
    return phone.locator("#receipt-number").inner_text().strip()


def take_at_the_window(
    page: Any, bundle: Bundle, who: Person, day: dt.date, overrides: Mapping[str, Any], *, founding: bool = False
) -> str:
    """The general window clerk takes the whole bundle for someone without an account, every paper in hand."""
    page.goto("/bundles/window/")
    page.get_by_role("link", name=f"收件：{bundle.name}").click()
    page.locator(f'input[name="kind"][value="{FOUNDING if founding else "natural"}"]').check()
    page.get_by_label("申请人姓名/名称").fill(who.name)
    page.get_by_label("证件号码").fill(who.id_number)
    page.get_by_label("联系电话").fill(who.phone)
    page.get_by_label("读取身份证芯片并人证比对").check()
    if founding:
        page.get_by_label("拟设立企业名称").fill(overrides["enterprise_name"])
    fill_schema_form(page.locator("#window-form"), answers_for(bundle, who, day, overrides))
    for box in page.locator("#paper-list input[type=checkbox]").all():
        box.check()
    with page.expect_navigation():
        page.locator("#take").click()
    return page.locator("#bundle-number").inner_text().strip()


def accept(page: Any, number: str) -> None:
    page.goto(f"/bundles/cases/{number}/")
    with page.expect_navigation():
        page.locator("#accept-button").click()
    expect(page.locator("#bundle-phase")).to_have_attribute("data-phase", "in_progress")


def every_item_decided(page: Any, bc: BundleCase, reason: str) -> list[str]:
    """Each department's demo approver decides the items in its hands, until nothing is left in progress (an
    item waiting for another's result starts when that is granted). Returns the approvers who signed in."""
    signed: list[str] = []
    while running := list(Case.objects.filter(bundle_case=bc, status="in_progress").order_by("id")):
        child = running[0]
        approver = User.objects.get(role="approver", department_id=child.deciding_department_id)
        sign_in(page, approver.username, DEMO_PASSWORD)
        signed.append(approver.username)
        for same in [c for c in running if c.deciding_department_id == child.deciding_department_id]:
            review_and_decide(page, same.number, opinion="材料齐全，符合规定", reason=reason)
            expect(page.locator("#case-status")).to_have_attribute("data-status", "decided")
    return signed


def hand_over_at_the_window(page: Any, number: str) -> None:
    sign_in(page, "zj_window", DEMO_PASSWORD)
    page.goto(f"/bundles/cases/{number}/")
    page.locator("#result").get_by_label("窗口领取").check()
    with page.expect_navigation():
        page.locator("#issue-button").click()
    expect(page.locator("#bundle-phase")).to_have_attribute("data-phase", "closed")


# Each bundle both ways: (bundle, slug, the demo citizen applying online, the person at the window, answers that
# make the application theirs, a company being formed).
JOURNEYS = [
    (
        "新生儿出生一件事",
        "newborn",
        "zj_citizen_wang",
        walk_in(21, "俞婷婷", dt.date(1994, 2, 14), "13905751221", "浙江省诸暨市浣东街道东旺路30号"),
        {"child_name": "陈小满"},
        False,
    ),
    (
        "企业开办一件事",
        "company",
        "zj_citizen_chen",
        walk_in(22, "章一鸣", dt.date(1993, 5, 16), "13905751222", "浙江省诸暨市暨阳街道苎萝东路18号"),
        {"enterprise_name": "诸暨市一鸣纺织有限公司"},
        True,
    ),
    (
        "退休一件事",
        "retirement",
        "zj_citizen_chen",
        walk_in(23, "骆建平", dt.date(1966, 12, 1), "13905751223", "浙江省诸暨市店口镇中央路20号"),
        {},
        False,
    ),
    (
        "身后事一件事",
        "after-death",
        "zj_citizen_wang",
        walk_in(24, "斯文娟", dt.date(1971, 9, 9), "13905751224", "浙江省诸暨市枫桥镇枫源路30号"),
        {"deceased_name": "斯阿毛"},
        False,
    ),
]


@pytest.mark.parametrize("channel", ["online", "window"])
@pytest.mark.parametrize(
    ("name", "slug", "citizen", "walk_in_person", "overrides", "founding"), JOURNEYS, ids=[j[1] for j in JOURNEYS]
)
def test_a_bundle_is_applied_for_accepted_decided_by_each_department_and_handed_over(
    mobile_page: Any,
    page: Any,
    demo_cases_db: dt.datetime,
    screenshot: Any,
    channel: str,
    name: str,
    slug: str,
    citizen: str,
    walk_in_person: Person,
    overrides: dict[str, Any],
    founding: bool,
) -> None:
    bundle = bundle_named(name)
    shot = f"demo-bundle-{slug}-{channel}"
    day = demo_cases_db.date()
    if channel == "online":
        number = apply_online(mobile_page, bundle, citizen, day, overrides)
        screenshot(mobile_page, f"{shot}-1-receipt-phone")
        sign_in(page, "zj_window", DEMO_PASSWORD)
        page.goto("/bundles/window/")
        expect(page.locator(f'#queue-submitted tr[data-number="{number}"]')).to_be_visible()
    else:
        sign_in(page, "zj_window", DEMO_PASSWORD)
        number = take_at_the_window(page, bundle, walk_in_person, day, overrides, founding=founding)
        screenshot(page, f"{shot}-1-taken")
    assert number.startswith("YJS330681-20261203-")  # received on the demo's day
    accept(page, number)
    screenshot(page, f"{shot}-2-accepted")

    bc = BundleCase.objects.get(number=number)
    approvers = every_item_decided(page, bc, "符合法定条件，准予办理")
    assert len(set(approvers)) >= 2, approvers  # more than one department, each deciding its own
    bc.refresh_from_db()
    assert bc.phase == "ready"
    if channel == "online":  # the applicant sees every item decided, waiting for one hand-over
        mobile_page.goto(f"/bundles/cases/{number}/")
        expect(mobile_page.locator("#bundle-phase")).to_have_attribute("data-phase", "ready")
        screenshot(mobile_page, f"{shot}-3-ready-phone")

    hand_over_at_the_window(page, number)
    assert set(Case.objects.filter(bundle_case=bc).values_list("status", flat=True)) == {"closed"}
    screenshot(page, f"{shot}-4-closed")
