"""Sections other apps contribute to the guide page: registered providers are asked per implementation and
rendered in order; a provider that returns None adds nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from tongban.catalogue.guide_sections import (
    GuideLink,
    GuideSection,
    guide_sections,
    register_guide_section,
    unregister_guide_section,
)
from tongban.catalogue.models import ItemImplementation
from tongban.catalogue.tests import factories as f

pytestmark = pytest.mark.django_db


def _licences(impl: ItemImplementation) -> GuideSection | None:
    if impl.entry.name != "新生儿入户":
        return None
    return GuideSection(
        anchor="licences",
        title="可用电子证照",
        intro="办理时可直接引用：",
        links=(GuideLink("居民户口簿", "/licences/hukou/"),),
        badges=("免证办",),
    )


@pytest.fixture
def licences() -> Iterator[None]:
    register_guide_section("test-licences", _licences)
    yield
    unregister_guide_section("test-licences")


def test_a_registered_section_is_rendered_where_it_applies(client: Any, licences: None) -> None:
    impl = f.PublishedVersionFactory(name="新生儿入户").implementation
    assert [s.anchor for s in guide_sections(impl)] == ["licences"]
    html = client.get(reverse("catalogue:guide", args=[impl.code])).content.decode()
    assert '<section class="card guide-section" id="licences">' in html
    assert "<h2>可用电子证照</h2>" in html and "<p>办理时可直接引用：</p>" in html
    assert '<li><a href="/licences/hukou/">居民户口簿</a></li>' in html
    assert '<span class="badge badge-amber">免证办</span>' in html

    other = f.PublishedVersionFactory(name="首次申领居民身份证").implementation
    assert "licences" not in [s.anchor for s in guide_sections(other)]
    assert 'id="licences"' not in client.get(reverse("catalogue:guide", args=[other.code])).content.decode()


def test_registering_again_replaces_the_provider(licences: None) -> None:
    impl = f.PublishedVersionFactory(name="新生儿入户").implementation
    register_guide_section("test-licences", _licences)
    assert [s.anchor for s in guide_sections(impl)].count("licences") == 1
