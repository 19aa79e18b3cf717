"""The home page: search, region selector and the ways into the catalogue and the bundles."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from tongban.bundles.tests.factories import newborn_bundle
from tongban.catalogue.tests import factories as f

pytestmark = pytest.mark.django_db

TAGS = re.compile(r"<[^>]+>")


def text(response: Any) -> str:
    """The page's visible text with tags stripped and whitespace collapsed."""
    return " ".join(TAGS.sub(" ", response.content.decode()).split())


@pytest.fixture
def catalogue() -> dict[str, Any]:
    return f.browse_catalogue()


def test_home_is_the_root_url() -> None:
    assert reverse("portal:home") == "/"


def test_home_has_search_region_and_entry_points(client: Any, catalogue: dict[str, Any]) -> None:
    newborn_bundle()
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    page = text(response)
    assert 'action="/search/"' in html and 'name="q"' in html and 'name="region"' in html
    assert "您想办什么事" in page
    assert "户籍办理" in page and "设立变更" in page  # both audiences' themes
    assert "一件事一次办" in page and "新生儿出生一件事" in page
    assert "跨省通办" in page and "企业职工基本养老保险关系转移接续" in page
    assert "按部门" in page and "公安" in page and "按地区" in page
    assert reverse("bundles:detail", args=["B-NEWBORN"]) in html
    assert '<option value="330681000000"' in html


def test_home_for_a_region_filters_and_keeps_the_region(client: Any, catalogue: dict[str, Any]) -> None:
    response = client.get("/", {"region": "330482"})
    html = response.content.decode()
    assert '<option value="330482000000" selected>' in html
    cross = {impl.code for impl in response.context["cross_region_items"]}
    assert catalogue["elsewhere"].code in cross and catalogue["newborn"].code not in cross
    # Links keep the region; a theme with nothing in this region is not offered on the home page.
    assert "department_kind=police&amp;region=330482000000" in html
    assert "theme=N01" not in html and "户籍办理" not in text(response)
    assert "theme=N01&amp;region=330681000000" in client.get("/", {"region": "330681"}).content.decode()

    bad = client.get("/", {"region": "123456"})
    assert bad.status_code == 200 and "未找到代码为“123456”的地区" in text(bad)


def test_home_query_count_is_bounded(
    client: Any, catalogue: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(10):
        assert client.get("/", {"region": "330681"}).status_code == 200
