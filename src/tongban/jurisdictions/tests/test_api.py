"""GET /api/v1/regions… and /api/v1/departments…"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tongban.jurisdictions.models import Division, ServiceCentre, Window
from tongban.jurisdictions.tests import factories as f

pytestmark = pytest.mark.django_db


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    return response.json()["error"]


@pytest.fixture
def tree() -> dict[str, Division]:
    zhuji = f.DivisionFactory(code="330681", name="诸暨市")
    shaoxing = zhuji.parent
    assert shaoxing is not None and shaoxing.parent is not None
    town = Division.objects.create(code="330681001000", name="暨阳街道", level=4, parent=zhuji)
    jiaxing = f.DivisionFactory(code="330400", name="嘉兴市", parent=shaoxing.parent)
    pinghu = f.DivisionFactory(code="330482", name="平湖市", parent=jiaxing)
    return {
        "province": shaoxing.parent,
        "shaoxing": shaoxing,
        "zhuji": zhuji,
        "town": town,
        "pinghu": pinghu,
        "jiaxing": jiaxing,
    }


def test_regions_flat_list_has_parent_level_and_full_name(client: Client, tree: dict[str, Division]) -> None:
    response = client.get("/api/v1/regions")
    assert response.status_code == 200
    rows = {r["code"]: r for r in response.json()}
    assert set(rows) == {d.code for d in tree.values()}
    zhuji = rows["330681000000"]
    assert zhuji == {
        "code": "330681000000",
        "short_code": "330681",
        "name": "诸暨市",
        "full_name": "浙江省绍兴市诸暨市",
        "level": 3,
        "level_label": "县级",
        "parent": "330600000000",
        "children_count": 1,
    }
    assert rows["330000000000"]["parent"] is None
    assert rows["330000000000"]["children_count"] == 2
    assert rows["330681001000"]["short_code"] == "330681001000"
    assert list(rows) == sorted(rows), "ordered by code"


def test_regions_filtered_by_parent_and_level(client: Client, tree: dict[str, Division]) -> None:
    children = client.get("/api/v1/regions", {"parent": "330000"}).json()
    assert [r["name"] for r in children] == ["嘉兴市", "绍兴市"]
    # the 12-digit form names the same parent
    assert client.get("/api/v1/regions", {"parent": "330000000000"}).json() == children
    counties = client.get("/api/v1/regions", {"level": 3}).json()
    assert {r["name"] for r in counties} == {"诸暨市", "平湖市"}
    assert all(r["full_name"].startswith("浙江省") for r in counties)


def test_regions_bad_parameters_answer_400(client: Client, tree: dict[str, Division]) -> None:
    error = _error(client.get("/api/v1/regions", {"parent": "abc"}), 400)
    assert error["field"] == "parent" and error["code"] == "invalid"
    error = _error(client.get("/api/v1/regions", {"parent": "110000"}), 400)
    assert error["field"] == "parent" and "不存在" in error["message"]
    error = _error(client.get("/api/v1/regions", {"level": 7}), 400)
    assert error["field"] == "level"


def test_region_detail_has_ancestors_and_children(client: Client, tree: dict[str, Division]) -> None:
    response = client.get("/api/v1/regions/330681")
    assert response.status_code == 200
    body = response.json()
    assert body["full_name"] == "浙江省绍兴市诸暨市"
    assert body["ancestors"] == [{"code": "330000000000", "name": "浙江省"}, {"code": "330600000000", "name": "绍兴市"}]
    assert [c["name"] for c in body["children"]] == ["暨阳街道"]
    assert body["children"][0]["full_name"] == "浙江省绍兴市诸暨市暨阳街道"
    assert client.get("/api/v1/regions/330681000000").json() == body


@pytest.mark.parametrize("code", ["110000", "abc", "33068", "9" * 40, "330681 000000"])
def test_unknown_region_is_404(client: Client, tree: dict[str, Division], code: str) -> None:
    error = _error(client.get(f"/api/v1/regions/{code}"), 404)
    assert error["code"] == "not_found" and error["field"] == "code"


def test_regions_use_a_bounded_number_of_queries(
    client: Client, tree: dict[str, Division], django_assert_max_num_queries: Any
) -> None:
    for i in range(2, 30):
        Division.objects.create(code=f"330681{i:03d}000", name=f"镇{i}", level=4, parent=tree["zhuji"])
    with django_assert_max_num_queries(3):  # the parent, the children, their ancestors' names
        assert len(client.get("/api/v1/regions", {"parent": "330681"}).json()) == 29
    with django_assert_max_num_queries(3):
        assert len(client.get("/api/v1/regions/330681").json()["children"]) == 29


# --- departments -----------------------------------------------------------------------------------------


@pytest.fixture
def departments(tree: dict[str, Division]) -> dict[str, Any]:
    return {
        "police": f.DepartmentFactory(division=tree["zhuji"], name="诸暨市公安局", kind="police"),
        "hrss": f.DepartmentFactory(division=tree["zhuji"], name="诸暨市人力资源和社会保障局", kind="hrss"),
        "town": f.DepartmentFactory(division=tree["town"], name="暨阳街道便民服务中心", kind="government_services"),
        "pinghu": f.DepartmentFactory(division=tree["pinghu"], name="平湖市公安局", kind="police"),
    }


def test_departments_filtered_by_region_subtree_and_kind(client: Client, departments: dict[str, Any]) -> None:
    body = client.get("/api/v1/departments", {"region": "330681"}).json()
    assert body["total"] == 3
    assert {d["name"] for d in body["results"]} == {
        "诸暨市公安局",
        "诸暨市人力资源和社会保障局",
        "暨阳街道便民服务中心",
    }
    police = client.get("/api/v1/departments", {"kind": "police"}).json()
    assert {d["name"] for d in police["results"]} == {"诸暨市公安局", "平湖市公安局"}
    both = client.get("/api/v1/departments", {"kind": "police", "region": "330400"}).json()
    assert [d["name"] for d in both["results"]] == ["平湖市公安局"]
    row = both["results"][0]
    assert row["uscc"] == departments["pinghu"].uscc
    assert row["kind"] == "police" and row["kind_label"] == "公安"
    assert row["region"] == {"code": "330482000000", "name": "平湖市"}


def test_departments_are_paginated_with_a_total(client: Client, departments: dict[str, Any]) -> None:
    first = client.get("/api/v1/departments", {"limit": 3}).json()
    rest = client.get("/api/v1/departments", {"limit": 3, "offset": 3}).json()
    assert (first["total"], first["limit"], first["offset"], len(first["results"])) == (4, 3, 0, 3)
    assert (rest["total"], rest["offset"], len(rest["results"])) == (4, 3, 1)
    names = [d["name"] for d in first["results"] + rest["results"]]
    assert len(set(names)) == 4
    beyond = client.get("/api/v1/departments", {"offset": 100}).json()
    assert beyond["total"] == 4 and beyond["results"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"region": "abc"}, "region"),
        ({"region": "110000"}, "region"),
        ({"limit": -1}, "limit"),
        ({"limit": 101}, "limit"),
        ({"offset": -1}, "offset"),
        ({"kind": "k" * 41}, "kind"),
        ({"kind": "a\x00"}, "kind"),
    ],
)
def test_departments_bad_parameters_answer_400(
    client: Client, departments: dict[str, Any], params: dict[str, Any], field: str
) -> None:
    error = _error(client.get("/api/v1/departments", params), 400)
    assert error["field"] == field


def test_department_detail_lists_its_centres_and_windows(
    client: Client, tree: dict[str, Division], departments: dict[str, Any]
) -> None:
    police, hrss = departments["police"], departments["hrss"]
    centre = ServiceCentre.objects.create(
        division=tree["zhuji"],
        name="诸暨市政务服务中心",
        kind="government",
        address="诸暨市暨阳路1号",
        opening_hours="周一至周五 8:30-17:00",
    )
    centre.departments.add(police, hrss)
    Window.objects.create(centre=centre, number="01", name="综合受理", kind="general")
    own = Window.objects.create(centre=centre, number="08", name="公安专窗", kind="dedicated")
    own.departments.add(police)
    other = Window.objects.create(centre=centre, number="09", name="社保专窗", kind="dedicated")
    other.departments.add(hrss)
    body = client.get(f"/api/v1/departments/{police.uscc.lower()}").json()
    assert body["name"] == "诸暨市公安局"
    assert body["region_full_name"] == "浙江省绍兴市诸暨市"
    [c] = body["service_centres"]
    assert c["kind"] == "government" and c["kind_label"] == "政务服务中心"
    assert [w["number"] for w in c["windows"]] == ["01", "08"], "another department's dedicated window is left out"


def test_unknown_department_is_404(client: Client, departments: dict[str, Any]) -> None:
    for uscc in ["91330681MA2BXXXX0X", "x"]:
        error = _error(client.get(f"/api/v1/departments/{uscc}"), 404)
        assert error["field"] == "uscc"
    # NUL in an address is refused before any view (core/bad_input.py).
    assert _error(client.get("/api/v1/departments/%00"), 400)["code"] == "invalid_characters"


def test_departments_use_a_bounded_number_of_queries(
    client: Client, tree: dict[str, Division], django_assert_max_num_queries: Any
) -> None:
    for i in range(25):
        f.DepartmentFactory(division=tree["zhuji"], name=f"诸暨市部门{i}", kind="misc")
    with django_assert_max_num_queries(3):
        assert len(client.get("/api/v1/departments?region=330681&limit=100").json()["results"]) == 25
