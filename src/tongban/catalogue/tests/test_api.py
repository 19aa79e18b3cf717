"""GET /api/v1/items…, /api/v1/implementations…: the published catalogue, read like the pages read it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tongban.catalogue import selectors, services
from tongban.catalogue.models import CatalogueEntry, ImplementationVersion
from tongban.catalogue.tests import factories as f
from tongban.jurisdictions.models import Department, Division

pytestmark = pytest.mark.django_db


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body["error"]) == {"code", "message", "field"}
    return body["error"]


def implement(
    entry: CatalogueEntry, div: Division, dept: Department, *, publish: bool = True, **content: Any
) -> ImplementationVersion:
    code = f"{entry.code}-{div.code}-{dept.uscc}"
    version = services.create_implementation(
        entry=entry,
        division=div,
        department=dept,
        code=code,
        content=f.guide_content(name=entry.name, **content),
        materials=f.materials(),
        steps=f.steps(),
        special_steps=[],
    )
    return services.publish_now(version) if publish else version


@pytest.fixture
def world() -> dict[str, Any]:
    zhuji = f.DivisionFactory(code="330681", name="诸暨市")
    assert zhuji.parent is not None and zhuji.parent.parent is not None
    province = zhuji.parent.parent
    pinghu = f.DivisionFactory(
        code="330482", name="平湖市", parent=f.DivisionFactory(code="330400", name="嘉兴市", parent=province)
    )
    police = f.DepartmentFactory(division=zhuji, name="诸暨市公安局", kind="police")
    hrss = f.DepartmentFactory(division=zhuji, name="诸暨市人力资源和社会保障局", kind="hrss")
    pinghu_police = f.DepartmentFactory(division=pinghu, name="平湖市公安局", kind="police")
    prov_hrss = f.DepartmentFactory(division=province, name="浙江省人力资源和社会保障厅", kind="hrss")
    household = f.ThemeFactory(code="N01", name="户籍办理", audience="natural")
    social = f.ThemeFactory(code="N02", name="社会保障", audience="natural")
    newborn = f.CatalogueEntryFactory(name="新生儿入户")
    newborn.themes.add(household)
    pension = f.CatalogueEntryFactory(
        name="基本养老保险关系转移接续",
        item_type="20",
        department_kind="hrss",
        competent_department="人力资源社会保障部",
        cross_region=True,
        service_objects=["natural"],
        standard_fees=[{"item": "工本费", "amount": "0"}, "oops"],
    )
    pension.themes.add(social)
    licence = f.CatalogueEntryFactory(
        name="食品经营许可",
        item_type="01",
        department_kind="market_regulation",
        service_objects=["legal"],
        standard_materials=[{"name": "营业执照"}, "食品安全管理制度"],
    )
    f.CatalogueEntryFactory(name="已废止事项", is_active=False)
    unimplemented = f.CatalogueEntryFactory(name="尚未实施的事项")
    return {
        "zhuji": zhuji,
        "pinghu": pinghu,
        "province": province,
        "police": police,
        "hrss": hrss,
        "newborn": newborn,
        "pension": pension,
        "licence": licence,
        "unimplemented": unimplemented,
        "household": household,
        "newborn_zhuji": implement(newborn, zhuji, police),
        "newborn_pinghu": implement(newborn, pinghu, pinghu_police, location="平湖市政务服务中心"),
        "pension_zhuji": implement(pension, zhuji, hrss, scope="national"),
        "pension_province": implement(pension, province, prov_hrss, exercise_level="province"),
        "pension_draft": implement(unimplemented, zhuji, hrss, publish=False),
    }


# --- items -----------------------------------------------------------------------------------------------


def test_items_list_active_entries_with_their_published_count(client: Client, world: dict[str, Any]) -> None:
    body = client.get("/api/v1/items").json()
    assert body["total"] == 4 and body["limit"] == 20 and body["offset"] == 0
    rows = {r["name"]: r for r in body["results"]}
    assert "已废止事项" not in rows
    assert rows["新生儿入户"]["implementation_count"] == 2
    assert rows["尚未实施的事项"]["implementation_count"] == 0, "a draft is not counted"
    pension = rows["基本养老保险关系转移接续"]
    assert pension["item_type"] == {"code": "20", "label": "公共服务"}
    assert pension["department_kind"] == {"code": "hrss", "label": "人力社保"}
    assert pension["service_objects"] == [{"code": "natural", "label": "自然人"}]
    assert pension["competent_department"] == "人力资源社会保障部"
    assert pension["cross_region"] is True
    assert pension["themes"] == [
        {"code": "N02", "name": "社会保障", "audience": {"code": "natural", "label": "自然人"}}
    ]


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"type": "01"}, {"食品经营许可"}),
        ({"type": "07"}, {"新生儿入户", "尚未实施的事项"}),
        ({"department_kind": "hrss"}, {"基本养老保险关系转移接续"}),
        ({"cross_region": "true"}, {"基本养老保险关系转移接续"}),
        ({"cross_region": "false", "type": "07"}, {"新生儿入户", "尚未实施的事项"}),
        ({"audience": "legal"}, {"食品经营许可"}),
        ({"theme": "N01"}, {"新生儿入户"}),
    ],
)
def test_items_filters(client: Client, world: dict[str, Any], params: dict[str, str], names: set[str]) -> None:
    body = client.get("/api/v1/items", params).json()
    assert {r["name"] for r in body["results"]} == names
    assert body["total"] == len(names)


def test_items_pagination(client: Client, world: dict[str, Any]) -> None:
    pages = [client.get("/api/v1/items", {"limit": 3, "offset": o}).json() for o in (0, 3)]
    codes = [r["code"] for p in pages for r in p["results"]]
    assert [len(p["results"]) for p in pages] == [3, 1]
    assert codes == sorted(codes) and len(set(codes)) == 4


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"type": "99"}, "type"),
        ({"cross_region": "maybe"}, "cross_region"),
        ({"audience": "alien"}, "audience"),
        ({"theme": "NOPE"}, "theme"),
        ({"limit": "-1"}, "limit"),
        ({"offset": "x"}, "offset"),
    ],
)
def test_items_bad_parameters_answer_400(
    client: Client, world: dict[str, Any], params: dict[str, str], field: str
) -> None:
    assert _error(client.get("/api/v1/items", params), 400)["field"] == field


def test_item_detail_with_baseline_and_implementations(client: Client, world: dict[str, Any]) -> None:
    body = client.get(f"/api/v1/items/{world['pension'].code}").json()
    assert body["name"] == "基本养老保险关系转移接续"
    assert body["legal_basis"].startswith("《中华人民共和国户口登记条例》")
    assert body["standard_fees"] == [{"item": "工本费", "amount": "0"}], "a malformed row is skipped, not a 500"
    assert body["aliases"] == ["宝宝落户"]
    impls = {i["code"]: i for i in body["implementations"]}
    assert set(impls) == {world["pension_zhuji"].implementation.code, world["pension_province"].implementation.code}
    zhuji = impls[world["pension_zhuji"].implementation.code]
    assert zhuji["region"] == {"code": "330681000000", "name": "诸暨市"}
    assert zhuji["department"]["uscc"] == world["hrss"].uscc
    assert zhuji["version"] == 1 and zhuji["published_at"]
    licence = client.get(f"/api/v1/items/{world['licence'].code}").json()
    assert licence["standard_materials"] == ["营业执照", "食品安全管理制度"]
    assert licence["implementations"] == []


def test_item_detail_unknown_or_inactive_is_404(client: Client, world: dict[str, Any]) -> None:
    inactive = CatalogueEntry.objects.get(name="已废止事项")
    for code in ["nope", inactive.code, "x" * 200]:
        assert _error(client.get(f"/api/v1/items/{code}"), 404)["field"] == "code"


# --- implementations -------------------------------------------------------------------------------------


def test_implementations_list_published_only(client: Client, world: dict[str, Any]) -> None:
    body = client.get("/api/v1/implementations").json()
    codes = {r["code"] for r in body["results"]}
    assert body["total"] == 4
    assert world["pension_draft"].implementation.code not in codes
    row = next(r for r in body["results"] if r["code"] == world["pension_zhuji"].implementation.code)
    assert row["name"] == "基本养老保险关系转移接续"
    assert row["item"]["code"] == world["pension"].code
    assert row["region"]["name"] == "诸暨市"
    assert row["department"] == {
        "uscc": world["hrss"].uscc,
        "name": "诸暨市人力资源和社会保障局",
        "kind": {"code": "hrss", "label": "人力社保"},
    }
    assert row["version"] == 1
    assert row["scope"] == {"code": "national", "label": "跨省通办"}
    assert row["online_depth"]["code"] == "3"
    assert row["cross_region"] is True


def test_implementations_by_region_are_what_a_resident_can_apply_for(client: Client, world: dict[str, Any]) -> None:
    """Same rule as the pages: the region's own items and those of its ancestors."""
    zhuji = client.get("/api/v1/implementations", {"region": "330681"}).json()
    expected = {world[k].implementation.code for k in ("newborn_zhuji", "pension_zhuji", "pension_province")}
    assert {r["code"] for r in zhuji["results"]} == expected
    assert expected == {i.code for i in selectors.published_implementations(region="330681")}
    pinghu = client.get("/api/v1/implementations", {"region": "330482000000"}).json()
    assert {r["region"]["name"] for r in pinghu["results"]} == {"平湖市", "浙江省"}


@pytest.mark.parametrize(
    ("key", "params", "expected"),
    [
        ("department", None, {"pension_zhuji"}),
        ("department_kind", "hrss", {"pension_zhuji", "pension_province"}),
        ("theme", "N01", {"newborn_zhuji", "newborn_pinghu"}),
        ("audience", "natural", {"newborn_zhuji", "newborn_pinghu", "pension_zhuji", "pension_province"}),
        ("audience", "legal", set()),
        ("cross_region", "true", {"pension_zhuji", "pension_province", "newborn_zhuji", "newborn_pinghu"}),
    ],
)
def test_implementations_filters(
    client: Client, world: dict[str, Any], key: str, params: str | None, expected: set[str]
) -> None:
    value = params if params is not None else world["hrss"].uscc.lower()
    body = client.get("/api/v1/implementations", {key: value}).json()
    assert {r["code"] for r in body["results"]} == {world[k].implementation.code for k in expected}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"region": "abc"}, "region"),
        ({"region": "120000"}, "region"),
        ({"department": "123"}, "department"),
        ({"department": "91330681MA2B00000X"}, "department"),
        ({"theme": "ZZZ"}, "theme"),
        ({"audience": "x"}, "audience"),
        ({"limit": "0"}, "limit"),
        ({"offset": "-1"}, "offset"),
    ],
)
def test_implementations_bad_parameters_answer_400(
    client: Client, world: dict[str, Any], params: dict[str, str], field: str
) -> None:
    error = _error(client.get("/api/v1/implementations", params), 400)
    assert error["field"] == field and error["code"] == "invalid"


def test_the_guide_has_every_element(client: Client, world: dict[str, Any]) -> None:
    version = world["newborn_zhuji"]
    impl = version.implementation
    body = client.get(f"/api/v1/implementations/{impl.code}").json()
    assert body["code"] == impl.code
    assert body["item"] == {
        "code": world["newborn"].code,
        "name": "新生儿入户",
        "item_type": {"code": "07", "label": "行政确认"},
    }
    assert body["region_full_name"] == "浙江省绍兴市诸暨市"
    assert (body["version"], body["current_version"], body["is_current"]) == (1, 1, True)
    assert body["status"] == {"code": "published", "label": "已发布"}
    assert body["published_at"]
    assert body["exercise_level"] == {"code": "county", "label": "县级"}
    assert body["review_type"] == {"code": "review", "label": "前审后批"}
    assert body["handling_type"] == {"code": "promised", "label": "承诺件"}
    assert (body["statutory_days"], body["promised_days"], body["visits"]) == (20, 5, 1)
    assert [c["code"] for c in body["handling_forms"]] == ["window", "online"]
    assert [c["label"] for c in body["delivery_methods"]] == ["窗口领取", "邮寄"]
    assert body["result_type"] == {"code": "licence", "label": "出证办结"}
    assert body["faq"] == [{"q": "可以网上办理吗？", "a": "可以，在线申报后到窗口领取户口簿。"}]
    assert [s["name"] for s in body["steps"]] == ["受理", "审核", "办结"]
    assert body["steps"][1]["days"] == 3
    assert body["special_steps"] == []
    material = body["materials"][0]
    assert material == {
        "order": 0,
        "name": "居民身份证",
        "source": {"code": "government", "label": "政府部门核发"},
        "material_type": {"code": "original", "label": "原件"},
        "form": {"code": "either", "label": "纸质或电子"},
        "copies": 1,
        "necessity": {"code": "required", "label": "必要"},
        "blank_form": "",
        "sample": "",
        "blank_form_file": None,
        "sample_file": None,
        "instructions": "",
        "acceptance_standard": "",
        "licence_replaceable": True,
        "licence_type": "居民身份证",
    }
    assert [fld["key"] for fld in body["form_schema"]] == [
        "applicant_name",
        "applicant_id_number",
        "child_name",
        "child_birth_date",
    ]
    assert body["form_schema"][1]["type"] == {"code": "id_number", "label": "公民身份号码"}
    assert body["form_schema"][1]["required"] is True
    # Every content field of the model is in the guide.
    skip = {"keywords", "aliases", "form_schema"}
    missing = [name for name in version.content_fields() if name not in body and name not in skip]
    assert missing == []


def test_a_charged_guide_with_special_steps_and_odd_faq_rows(client: Client, world: dict[str, Any]) -> None:
    entry = f.CatalogueEntryFactory(name="特种设备检验", item_type="01")
    draft = services.create_implementation(
        entry=entry,
        division=world["zhuji"],
        department=world["police"],
        code="SPECIAL-1",
        content=f.guide_content(
            name="特种设备检验",
            charged=True,
            fee_basis="浙价费〔2020〕1号",
            fees=[{"item": "检验费", "amount": "120.00"}],
            online_payment=True,
            faq=["不是问答", {"q": "多久出结果？", "a": 5}],
            form_schema=[
                {"key": "kind", "label": "设备类型", "type": "select", "required": True, "options": ["锅炉", "电梯"]},
                {"key": "count", "label": "数量", "type": "number", "min": 1, "max": 99},
            ],
        ),
        materials=f.materials(),
        steps=f.steps(),
        special_steps=[{"name": "检测", "max_days": 10, "counted_in_limit": False, "description": "委托检测机构"}],
    )
    services.publish_now(draft)
    body = client.get("/api/v1/implementations/SPECIAL-1").json()
    assert body["charged"] is True and body["online_payment"] is True
    assert body["fees"] == [{"item": "检验费", "amount": "120.00"}]
    assert body["fee_basis"] == "浙价费〔2020〕1号"
    assert body["special_steps"] == [
        {
            "name": "检测",
            "max_days": 10,
            "counted_in_limit": False,
            "legal_basis": "",
            "stops_clock": True,  # 行政许可法 Art. 45 names it: no basis of its own needed
            "description": "委托检测机构",
        }
    ]
    assert body["faq"] == [{"q": "多久出结果？", "a": "5"}]
    select, number = body["form_schema"]
    assert select["options"] == ["锅炉", "电梯"] and select["type"]["label"] == "单选"
    assert (number["min"], number["max"]) == (1, 99)


def test_older_versions_stay_readable_and_drafts_stay_hidden(client: Client, world: dict[str, Any]) -> None:
    v1 = world["newborn_zhuji"]
    impl = v1.implementation
    v2 = services.start_new_version(impl)
    services.update_draft(v2, content={"promised_days": 3}, note="压缩时限")
    services.publish_now(v2)
    v3 = services.start_new_version(impl)  # a draft nobody may see yet
    services.update_draft(v3, content={"promised_days": 2})

    current = client.get(f"/api/v1/implementations/{impl.code}").json()
    assert (current["version"], current["promised_days"], current["is_current"]) == (2, 3, True)
    old = client.get(f"/api/v1/implementations/{impl.code}", {"version": 1}).json()
    assert (old["version"], old["promised_days"], old["is_current"], old["current_version"]) == (1, 5, False, 2)
    assert old["status"] == {"code": "retired", "label": "已停用"}
    error = _error(client.get(f"/api/v1/implementations/{impl.code}", {"version": 3}), 404)
    assert error["field"] == "version"
    assert _error(client.get(f"/api/v1/implementations/{impl.code}", {"version": "0"}), 400)["field"] == "version"
    assert _error(client.get(f"/api/v1/implementations/{impl.code}", {"version": "x"}), 400)["field"] == "version"

    versions = client.get(f"/api/v1/implementations/{impl.code}/versions").json()
    assert versions["current_version"] == 2
    assert [(v["number"], v["status"]["code"], v["is_current"]) for v in versions["versions"]] == [
        (2, "published", True),
        (1, "retired", False),
    ]
    assert all(v["published_at"] for v in versions["versions"])


def test_catalogue_administrators_also_see_draft_versions(
    client: Client, world: dict[str, Any], django_user_model: Any
) -> None:
    impl = world["newborn_zhuji"].implementation
    services.start_new_version(impl)
    citizen = django_user_model.objects.create_user("citizen1", password="x", kind="citizen")
    admin = django_user_model.objects.create_user("catadmin", password="x", kind="staff", role="catalogue_admin")
    client.force_login(citizen)
    assert [v["number"] for v in client.get(f"/api/v1/implementations/{impl.code}/versions").json()["versions"]] == [1]
    client.force_login(admin)
    rows = client.get(f"/api/v1/implementations/{impl.code}/versions").json()["versions"]
    assert [(v["number"], v["status"]["label"]) for v in rows] == [(2, "草稿"), (1, "已发布")]
    # The guide itself stays the published one for everybody.
    assert _error(client.get(f"/api/v1/implementations/{impl.code}", {"version": 2}), 404)["field"] == "version"


def test_unpublished_or_unknown_implementations_are_404(client: Client, world: dict[str, Any]) -> None:
    draft_code = world["pension_draft"].implementation.code
    for path in [
        f"/api/v1/implementations/{draft_code}",
        f"/api/v1/implementations/{draft_code}/versions",
        "/api/v1/implementations/nope",
        "/api/v1/implementations/nope/versions",
    ]:
        assert _error(client.get(path), 404)["code"] == "not_found"


def test_api_and_pages_read_the_same_guide(client: Client, world: dict[str, Any]) -> None:
    """同源发布: the API answers from selectors.get_published_guide, as the guide page does."""
    impl = world["pension_zhuji"].implementation
    _, version = selectors.get_published_guide(impl.code)
    body = client.get(f"/api/v1/implementations/{impl.code}").json()
    assert (body["version"], body["name"], body["location"]) == (version.number, version.name, version.location)
    assert [m["name"] for m in body["materials"]] == [m.name for m in version.materials.all()]


def test_bounded_queries_however_many_rows(
    client: Client, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    for i in range(12):
        entry = f.CatalogueEntryFactory(name=f"批量事项{i}")
        entry.themes.add(world["household"])
        implement(entry, world["zhuji"], world["police"])
    with django_assert_max_num_queries(3):
        assert len(client.get("/api/v1/items", {"limit": 100}).json()["results"]) == 16
    with django_assert_max_num_queries(2):
        assert len(client.get("/api/v1/implementations", {"limit": 100}).json()["results"]) == 16
    with django_assert_max_num_queries(5):
        assert (
            len(
                client.get(
                    "/api/v1/implementations", {"region": "330681", "theme": "N01", "department": world["police"].uscc}
                ).json()["results"]
            )
            == 13
        )
    with django_assert_max_num_queries(7):
        client.get(f"/api/v1/implementations/{world['newborn_zhuji'].implementation.code}")
    with django_assert_max_num_queries(4):
        assert len(client.get(f"/api/v1/items/{world['newborn'].code}").json()["implementations"]) == 2


def test_parameter_choices_match_the_vocabularies() -> None:
    from typing import get_args

    from tongban.catalogue import api, vocab

    assert get_args(api.ItemType) == tuple(code for code, _ in vocab.ITEM_TYPES)
    assert get_args(api.Audience) == tuple(c for c, _ in vocab.SERVICE_OBJECTS)
