"""GET /api/v1/regions/tree: the division tree with published items per region, served by the catalogue's API
(listed with the regions API) and matched before /api/v1/regions/{code}."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tongban.catalogue.tests import factories as f
from tongban.jurisdictions.models import Division

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree() -> dict[str, Division]:
    zhuji = f.DivisionFactory(code="330681", name="诸暨市")
    assert zhuji.parent is not None and zhuji.parent.parent is not None
    jiaxing = f.DivisionFactory(code="330400", name="嘉兴市", parent=zhuji.parent.parent)
    return {"zhuji": zhuji, "pinghu": f.DivisionFactory(code="330482", name="平湖市", parent=jiaxing)}


def test_region_tree_counts_published_items_like_the_pages(client: Client, tree: dict[str, Division]) -> None:
    f.PublishedVersionFactory(division=tree["zhuji"])
    f.DraftVersionFactory(
        name="不计入的草稿",
        division=tree["pinghu"],
        department=f.DepartmentFactory(division=tree["pinghu"], name="平湖市公安局"),
    )
    roots = client.get("/api/v1/regions/tree").json()
    assert [r["name"] for r in roots] == ["浙江省"]
    assert roots[0]["total"] == 1
    shaoxing = next(c for c in roots[0]["children"] if c["name"] == "绍兴市")
    assert shaoxing["children"][0]["count"] == 1
    pruned = client.get("/api/v1/regions/tree", {"with_empty": "false"}).json()
    assert [c["name"] for c in pruned[0]["children"]] == ["绍兴市"]


def test_region_tree_keeps_its_place_in_the_openapi_document(client: Client) -> None:
    operation: dict[str, Any] = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/regions/tree"]["get"]
    assert operation["tags"] == ["区划与部门"]
    assert operation["operationId"] == "tongban_jurisdictions_api_region_tree"
