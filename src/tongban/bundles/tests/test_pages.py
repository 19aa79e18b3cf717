"""Public bundle pages: the list and one bundle with its items, order, one form, one material set, savings."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from tongban.bundles.models import Bundle
from tongban.bundles.selectors import bundle_savings
from tongban.bundles.tests.factories import newborn_bundle

pytestmark = pytest.mark.django_db

TAGS = re.compile(r"<[^>]+>")


def text(html: str) -> str:
    return " ".join(TAGS.sub(" ", html).split())


def section(html: str, anchor: str) -> str:
    """The visible text of one <section id=anchor>."""
    match = re.search(rf'<section[^>]*id="{anchor}".*?</section>', html, re.S)
    assert match, f"no section #{anchor}"
    return text(match.group(0))


def test_list_shows_published_bundles_only(client: Any) -> None:
    published = newborn_bundle()
    Bundle.objects.create(
        code="B-DRAFT",
        name="草稿一件事",
        division=published.division,
        lead_department=published.lead_department,
        audience="natural",
        life_stage="出生",
        description="尚未发布",
        promised_days=5,
    )
    response = client.get(reverse("bundles:list"))
    assert response.status_code == 200
    page = text(response.content.decode())
    assert "新生儿出生一件事" in page and "草稿一件事" not in page
    assert "3 个事项" in page and "承诺 5 个工作日" in page and "牵头部门：诸暨市卫生健康局" in page
    assert reverse("bundles:detail", args=["B-NEWBORN"]) in response.content.decode()


def test_list_filters_by_audience_and_region(client: Any) -> None:
    newborn_bundle()
    assert "新生儿出生一件事" not in text(client.get(reverse("bundles:list"), {"audience": "legal"}).content.decode())
    assert "新生儿出生一件事" in text(client.get(reverse("bundles:list"), {"region": "330681"}).content.decode())
    bad = text(client.get(reverse("bundles:list"), {"region": "999999"}).content.decode())
    assert "未找到代码为“999999”的地区" in bad and "新生儿出生一件事" not in bad


def test_detail_shows_items_order_form_materials_and_savings(client: Any) -> None:
    bundle = newborn_bundle()
    response = client.get(reverse("bundles:detail", args=[bundle.code]))
    assert response.status_code == 200
    html = response.content.decode()
    page = text(html)
    assert "新生儿出生一件事" in page and "出生" in page and "法定办结时限 45 个工作日" in page

    items = section(html, "items")
    for name in ("出生医学证明", "预防接种证", "新生儿入户", "诸暨市卫生健康局", "诸暨市公安局"):
        assert name in items
    assert "无（可同时办理）" in items

    order = section(html, "order")
    assert "第 1 步 · 以下 2 个事项同时办理（并联审批）" in order
    assert "第 2 步" in order and "等待：出生医学证明 的结果" in order
    assert "其结果自动作为本事项的“出生医学证明”，无需再提交" in order
    assert order.index("预防接种证") < order.index("第 2 步") < order.index("新生儿入户")

    form = section(html, "form")
    # Three forms with the same four keys merge into one form of four fields, each asked once.
    assert "共 4 项" in form and "4 项在多个事项中通用" in form
    assert form.count("只填一次") == 4 and "3 个事项" in form

    materials = section(html, "materials")
    assert materials.count("居民身份证") == 1  # needed by all three items, listed once
    assert "由前置事项结果自动提供，无需提交" in materials

    s = bundle_savings(bundle)
    found = re.search(r'<section aria-labelledby="savings-title">.*?</section>', html, re.S)
    assert found, "no savings section"
    savings = text(found.group(0))
    assert f"{s.forms_separate} 张 {s.forms_together} 张" in savings
    assert f"{s.materials_separate} 份 {s.materials_together} 份" in savings
    assert f"{s.trips_separate} 次 {s.trips_together} 次" in savings
    assert f"{s.days_separate} 天 {s.days_together} 天" in savings
    assert s.trips_saved > 0 and f"少跑 {s.trips_saved} 次" in savings
    assert f"少交 {s.materials_saved} 份" in savings
    for item in bundle.items.all():
        assert reverse("catalogue:guide", args=[item.implementation.code]) in html


def test_detail_query_count_is_bounded(client: Any, django_assert_max_num_queries: Any) -> None:
    bundle = newborn_bundle()
    with django_assert_max_num_queries(8):
        assert client.get(reverse("bundles:detail", args=[bundle.code])).status_code == 200


def test_unknown_or_unpublished_bundle_is_a_chinese_404(client: Any) -> None:
    response = client.get(reverse("bundles:detail", args=["B-NONE"]))
    assert response.status_code == 404
    assert "未找到编码为“B-NONE”的一件事" in text(response.content.decode())
    draft = newborn_bundle(publish=False)
    assert client.get(reverse("bundles:detail", args=[draft.code])).status_code == 404
    draft.status = Bundle.Status.RETIRED
    draft.save()
    assert client.get(reverse("bundles:detail", args=[draft.code])).status_code == 404


def test_guide_page_links_back_to_its_bundle(client: Any) -> None:
    bundle = newborn_bundle()
    item = bundle.items.get(order=3)
    html = client.get(reverse("catalogue:guide", args=[item.implementation.code])).content.decode()
    assert "新生儿出生一件事" in text(html)
    assert reverse("bundles:detail", args=[bundle.code]) in html
