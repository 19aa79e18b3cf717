"""The guide page of an item lists the published bundles it belongs to (contributed by the bundles app through
catalogue.guide_sections): a badge in the head and a section of links."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tongban.bundles.guide import guide_section
from tongban.bundles.models import Bundle, BundleItem
from tongban.bundles.tests.factories import newborn_bundle
from tongban.catalogue.tests import factories as cf

pytestmark = pytest.mark.django_db


def test_the_guide_lists_the_bundles_of_its_item(client: Any) -> None:
    bundle = newborn_bundle()
    impl = bundle.items.get(order=3).implementation
    other = cf.PublishedVersionFactory(name="预包装食品备案")
    food = Bundle.objects.create(
        code="B-FOOD",
        name="开办餐饮店一件事",
        division=impl.division,
        lead_department=impl.department,
        audience="legal",
        life_stage="准入准营",
        description="开餐馆一次办",
        promised_days=15,
        status=Bundle.Status.PUBLISHED,
    )
    BundleItem.objects.create(bundle=food, implementation=impl, order=1)
    BundleItem.objects.create(bundle=food, implementation=other.implementation, order=2)

    html = client.get(reverse("catalogue:guide", args=[impl.code])).content.decode()
    assert (
        '<span class="badge badge-amber">开办餐饮店一件事</span><span class="badge badge-amber">新生儿出生一件事</span>'
        in html
    )
    assert '<section class="card guide-section" id="bundles">' in html
    assert "<h2>一件事一次办</h2>" in html and "本事项可以和相关事项一起申请，一次提交、一套材料：" in html
    assert f'<li><a href="{reverse("bundles:detail", args=["B-FOOD"])}">开办餐饮店一件事</a></li>' in html
    assert f'<li><a href="{reverse("bundles:detail", args=["B-NEWBORN"])}">新生儿出生一件事</a></li>' in html


def test_no_section_without_a_published_bundle() -> None:
    bundle = newborn_bundle(publish=False)
    assert guide_section(bundle.items.get(order=1).implementation) is None
    assert guide_section(cf.PublishedVersionFactory(name="预包装食品备案").implementation) is None
