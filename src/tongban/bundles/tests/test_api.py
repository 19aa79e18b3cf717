"""GET /api/v1/bundles…: published bundles with items, order, shared form, merged materials and savings."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tongban.bundles.models import Bundle, BundleItem
from tongban.bundles.selectors import bundle_savings, get_bundle
from tongban.bundles.services import retire_bundle
from tongban.bundles.tests.factories import newborn_bundle
from tongban.catalogue.tests import factories as f

pytestmark = pytest.mark.django_db


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body["error"]) == {"code", "message", "field"}
    return body["error"]


@pytest.fixture
def bundle() -> Bundle:
    return newborn_bundle()


def _enterprise_bundle(div_code: str = "330482", name: str = "平湖市") -> Bundle:
    div = f.DivisionFactory(
        code=div_code,
        name=name,
        parent=f.DivisionFactory(code="330400", name="嘉兴市", parent=f.DivisionFactory(code="33", name="浙江省")),
    )
    market = f.DepartmentFactory(division=div, name=f"{name}市场监督管理局", kind="market_regulation")
    tax = f.DepartmentFactory(division=div, name=f"国家税务总局{name}税务局", kind="tax")
    a = f.PublishedVersionFactory(name="企业设立登记", division=div, department=market)
    b = f.PublishedVersionFactory(name="发票申领", division=div, department=tax)
    bundle = Bundle.objects.create(
        code=f"B-START-{div_code}",
        name="企业开办一件事",
        division=div,
        lead_department=market,
        audience="legal",
        life_stage="准入准营",
        description="企业开办全程网办",
        promised_days=1,
        status=Bundle.Status.PUBLISHED,
    )
    BundleItem.objects.create(bundle=bundle, implementation=a.implementation, order=1, required=True)
    BundleItem.objects.create(bundle=bundle, implementation=b.implementation, order=2)
    return bundle


def test_bundle_list(client: Client, bundle: Bundle) -> None:
    Bundle.objects.create(
        code="B-DRAFT",
        name="草稿一件事",
        division=bundle.division,
        lead_department=bundle.lead_department,
        audience="natural",
        life_stage="出生",
        description="…",
        promised_days=5,
    )
    body = client.get("/api/v1/bundles").json()
    assert body["total"] == 1
    [row] = body["results"]
    assert row == {
        "code": "B-NEWBORN",
        "name": "新生儿出生一件事",
        "region": {"code": "330681000000", "name": "诸暨市"},
        "lead_department": {
            "uscc": bundle.lead_department.uscc,
            "name": "诸暨市卫生健康局",
            "kind": {"code": "health", "label": "卫生健康"},
        },
        "audience": {"code": "natural", "label": "自然人"},
        "life_stage": "出生",
        "policy_basis": "",
        "description": "新生儿出生后相关事项一次办",
        "statutory_days": 45,
        "promised_days": 5,
        "item_count": 3,
    }


def test_bundle_list_filters(client: Client, bundle: Bundle) -> None:
    _enterprise_bundle()

    def codes(**params: str) -> list[str]:
        return [r["code"] for r in client.get("/api/v1/bundles", params).json()["results"]]

    assert codes() == ["B-START-330482", "B-NEWBORN"]  # by region code, then bundle code
    assert codes(region="330681") == ["B-NEWBORN"]
    assert codes(region="330000") == ["B-START-330482", "B-NEWBORN"], "a province sees the bundles below it"
    assert codes(audience="legal") == ["B-START-330482"]
    assert codes(audience="natural", region="330482") == []
    retire_bundle(bundle)
    assert codes() == ["B-START-330482"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"region": "abc"}, "region"),
        ({"region": "650000"}, "region"),
        ({"audience": "both"}, "audience"),
        ({"limit": "500"}, "limit"),
        ({"offset": "-3"}, "offset"),
    ],
)
def test_bundle_list_bad_parameters_answer_400(
    client: Client, bundle: Bundle, params: dict[str, str], field: str
) -> None:
    assert _error(client.get("/api/v1/bundles", params), 400)["field"] == field


def test_bundle_detail(client: Client, bundle: Bundle) -> None:
    body = client.get("/api/v1/bundles/B-NEWBORN").json()
    items = {i["name"]: i for i in body["items"]}
    cert, vacc, reg = items["出生医学证明"], items["预防接种证"], items["新生儿入户"]
    assert [i["order"] for i in body["items"]] == [1, 2, 3]
    assert reg["depends_on"] == [cert["implementation"]]
    assert reg["result_as_material"] == "出生医学证明"
    assert (cert["stage"], vacc["stage"], reg["stage"]) == (1, 1, 2)
    assert [set(wave) for wave in body["stages"]] == [
        {cert["implementation"], vacc["implementation"]},
        {reg["implementation"]},
    ]
    assert reg["department"]["name"] == "诸暨市公安局"
    assert reg["version"] == 1 and reg["required"] is False
    assert reg["item"]["name"] == "新生儿入户"
    assert body["shared_fields"] == [
        {"key": "applicant_name", "label": "申请人姓名"},
        {"key": "child_name", "label": "新生儿姓名"},
    ]
    assert [fld["key"] for fld in body["form"]] == [
        "applicant_name",
        "applicant_id_number",
        "child_name",
        "child_birth_date",
    ]
    materials = {m["name"]: m for m in body["materials"]}
    assert materials["居民身份证"]["items"] == ["出生医学证明", "预防接种证", "新生儿入户"]
    assert materials["出生医学证明"]["provided_by_result"] is True
    assert body["keywords"] == ["孩子刚出生", "生娃"]
    savings = body["savings"]
    loaded = get_bundle("B-NEWBORN")
    assert loaded is not None
    expected = bundle_savings(loaded)
    assert savings["forms_separate"] == 3 and savings["forms_together"] == 1 and savings["forms_saved"] == 2
    assert savings["trips_separate"] == expected.trips_separate == 2
    assert savings["trips_together"] == expected.trips_together
    assert savings["materials_saved"] == expected.materials_saved > 0
    assert savings["fields_together"] == 4 and savings["fields_separate"] == 12
    assert savings["days_together"] == expected.days_together
    assert savings["shared_materials"] == expected.shared_materials


def test_unknown_draft_or_retired_bundles_are_404(client: Client, bundle: Bundle) -> None:
    Bundle.objects.create(
        code="B-DRAFT",
        name="草稿一件事",
        division=bundle.division,
        lead_department=bundle.lead_department,
        audience="natural",
        life_stage="出生",
        description="…",
        promised_days=5,
    )
    for code in ["B-DRAFT", "NOPE", "x" * 300]:
        assert _error(client.get(f"/api/v1/bundles/{code}"), 404)["field"] == "code"
    retire_bundle(bundle)
    assert _error(client.get("/api/v1/bundles/B-NEWBORN"), 404)["code"] == "not_found"


def test_a_bundle_edited_into_a_cycle_answers_409_not_500(client: Client, bundle: Bundle) -> None:
    first = bundle.items.get(order=1)
    third = bundle.items.get(order=3)
    first.depends_on.add(third)  # third already depends on first
    error = _error(client.get("/api/v1/bundles/B-NEWBORN"), 409)
    assert error["code"] == "invalid_definition" and "循环" in error["message"]


def test_bounded_queries(client: Client, bundle: Bundle, django_assert_max_num_queries: Any) -> None:
    for i in range(6):
        _enterprise_bundle(f"3304{82 + i}", f"县{i}")
    with django_assert_max_num_queries(2):
        assert len(client.get("/api/v1/bundles").json()["results"]) == 7
    with django_assert_max_num_queries(3):
        assert len(client.get("/api/v1/bundles", {"region": "330000"}).json()["results"]) == 7
    big = get_bundle("B-NEWBORN")
    assert big is not None
    for i in range(5):
        extra = f.PublishedVersionFactory(name=f"附加事项{i}", division=big.division, department=big.lead_department)
        item = BundleItem.objects.create(bundle=big, implementation=extra.implementation, order=10 + i)
        item.depends_on.add(big.items.get(order=1))
    with django_assert_max_num_queries(4):
        assert len(client.get("/api/v1/bundles/B-NEWBORN").json()["items"]) == 8


def test_audience_choices_match_the_catalogue_vocabulary() -> None:
    from typing import get_args

    from tongban.bundles import api
    from tongban.catalogue import vocab

    assert get_args(api.Audience) == tuple(c for c, _ in vocab.SERVICE_OBJECTS)
