"""The public pages in a real Chromium: a guide on screen and on paper, and the pages on a 390px phone.

Screenshots land in var/screenshots/ (public-*.png) for people to look at.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tongban.bundles.tests.factories import newborn_bundle
from tongban.catalogue.tests import factories as f
from tongban.catalogue.tests.test_pages import rich_guide

GUIDE_SECTIONS = [
    "基本信息",
    "受理条件",
    "申请材料",
    "办理流程与时限",
    "办理方式",
    "办理结果",
    "收费",
    "申请表填写内容",
    "咨询与监督",
    "常见问题",
    "一件事一次办",
    "版本信息",
]


@pytest.fixture
def public_data() -> dict[str, Any]:
    bundle = newborn_bundle()
    food = rich_guide()
    from tongban.bundles.models import BundleItem

    # Put the rich guide into the bundle too so its page shows the bundle section.
    BundleItem.objects.create(bundle=bundle, implementation=food.implementation, order=4)
    f.ThemeFactory(code="N01", name="户籍办理", audience="natural")
    f.ThemeFactory(code="N02", name="社会保障", audience="natural")
    f.ThemeFactory(code="L01", name="设立变更", audience="legal")
    province = f.DivisionFactory(code="33", name="浙江省")
    hrss = f.DepartmentFactory(division=province, name="浙江省人力资源和社会保障厅", kind="hrss")
    f.PublishedVersionFactory(name="企业职工基本养老保险关系转移接续", division=province, department=hrss)
    return {"bundle": bundle, "guide": food.implementation}


def overflow(page: Any) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_guide_page_on_screen_and_on_paper(page: Any, public_data: dict[str, Any], screenshot: Any) -> None:
    code = public_data["guide"].code
    response = page.goto(f"/items/{code}/")
    assert response is not None and response.status == 200
    for title in GUIDE_SECTIONS:
        assert page.get_by_role("heading", name=title, exact=True).is_visible(), title
    assert page.get_by_role("cell", name="食品经营许可申请书", exact=True).is_visible()
    assert page.get_by_text(code, exact=True).first.is_visible()
    assert page.locator(".site-header").is_visible() and page.locator(".toc").is_visible()
    print_button = page.get_by_role("button", name="打印办事指南")
    assert print_button.is_visible()
    screenshot(page, "public-guide-desktop")

    # The button calls window.print() (replaced here: headless Chromium has no print dialog).
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    print_button.click()
    assert page.evaluate("window.__printed") == 1

    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible(), "navigation shows on paper"
    assert not page.locator(".site-footer").is_visible()
    assert not page.locator(".toc").is_visible() and not print_button.is_visible()
    assert not page.locator(".breadcrumbs").is_visible()
    assert page.locator(".print-head").is_visible() and page.locator(".print-foot").is_visible()
    for title in GUIDE_SECTIONS:
        assert page.get_by_role("heading", name=title, exact=True).is_visible(), title
    # On paper the materials stay a real table with its header row.
    assert page.locator("#materials table thead").is_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('#materials tbody tr')).display") == "table-row"
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    shot = screenshot(page, "public-guide-print")
    pdf = page.pdf(path=str(shot.with_suffix(".pdf")), format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 2


def test_guide_page_fits_a_phone(mobile_page: Any, public_data: dict[str, Any], screenshot: Any) -> None:
    response = mobile_page.goto(f"/items/{public_data['guide'].code}/")
    assert response is not None and response.status == 200
    assert overflow(mobile_page) <= 1, "the guide page scrolls sideways on a phone"
    # Tables stack into cards: rows become blocks, the header row shrinks away, every cell carries its label.
    assert mobile_page.evaluate("getComputedStyle(document.querySelector('#materials tbody tr')).display") == "block"
    assert mobile_page.locator("#materials table thead").bounding_box()["height"] <= 1
    assert mobile_page.get_by_text("食品经营许可申请书", exact=True).is_visible()
    label = mobile_page.evaluate(
        "getComputedStyle(document.querySelector('#materials td[data-label=\"来源渠道\"]'), '::before').content"
    )
    assert "来源渠道" in label
    screenshot(mobile_page, "public-guide-mobile")


def test_home_fits_a_phone_and_searches(mobile_page: Any, public_data: dict[str, Any], screenshot: Any) -> None:
    response = mobile_page.goto("/")
    assert response is not None and response.status == 200
    assert mobile_page.get_by_role("searchbox", name="搜索事项").is_visible()
    assert mobile_page.get_by_text("新生儿出生一件事").first.is_visible()
    assert overflow(mobile_page) <= 1, "the home page scrolls sideways on a 390px phone"
    screenshot(mobile_page, "public-home-mobile")

    mobile_page.get_by_role("searchbox", name="搜索事项").fill("孩子刚出生要办什么")
    mobile_page.get_by_role("button", name="搜索", exact=True).click()
    mobile_page.wait_for_url(re.compile(r"/search/\?q="))
    assert "/search/?q=" in mobile_page.url


def test_home_region_switch(page: Any, public_data: dict[str, Any], screenshot: Any) -> None:
    page.goto("/")
    screenshot(page, "public-home-desktop")
    page.locator("#region-switch").select_option("330681000000")
    page.wait_for_url(re.compile(r"region=330681000000"))
    assert page.locator("#region-switch").input_value() == "330681000000"
    assert page.get_by_role("link", name="诸暨市可办事项 ›").is_visible()


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/items/", "public-browse"),
        ("/items/?region=330681&audience=natural", "public-browse-filtered"),
        ("/items/themes/", "public-themes"),
        ("/items/departments/", "public-departments"),
        ("/items/regions/", "public-regions"),
        ("/bundles/", "public-bundles"),
        ("/bundles/B-NEWBORN/", "public-bundle-detail"),
    ],
)
def test_pages_fit_a_phone(
    mobile_page: Any, public_data: dict[str, Any], screenshot: Any, path: str, name: str
) -> None:
    response = mobile_page.goto(path)
    assert response is not None and response.status == 200
    assert overflow(mobile_page) <= 1, f"{path} scrolls sideways on a phone"
    assert re.search(r"[\u4e00-\u9fff]", mobile_page.locator("h1").inner_text())
    screenshot(mobile_page, f"{name}-mobile")


def test_bundle_page_on_desktop(page: Any, public_data: dict[str, Any], screenshot: Any) -> None:
    page.goto("/bundles/B-NEWBORN/")
    assert page.get_by_role("heading", name="一起办，能省多少").is_visible()
    assert page.get_by_role("heading", name="办理顺序").is_visible()
    assert page.get_by_text("等待：出生医学证明 的结果").is_visible()
    screenshot(page, "public-bundle-desktop")


def test_unknown_guide_is_a_chinese_404(page: Any, public_data: dict[str, Any]) -> None:
    response = page.goto("/items/NO-SUCH-ITEM/")
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", name="抱歉，没有找到您要的页面").is_visible()
    assert page.get_by_role("link", name="返回首页").is_visible()
