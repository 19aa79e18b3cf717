"""Public catalogue pages (browse, overviews, guide) and the selectors they read through."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from tongban.catalogue import selectors, services
from tongban.catalogue.models import ImplementationVersion
from tongban.catalogue.tests import factories as f

pytestmark = pytest.mark.django_db

TAGS = re.compile(r"<[^>]+>")


def text(response: Any) -> str:
    """The page's visible text with tags stripped and whitespace collapsed."""
    return " ".join(TAGS.sub(" ", response.content.decode()).split())


def rich_guide(name: str = "食品经营许可", **overrides: Any) -> ImplementationVersion:
    """A published guide that uses every element: special steps, fees, sample forms, FAQ, a form schema."""
    div = f.DivisionFactory()
    dept = f.DepartmentFactory(division=div, name="诸暨市市场监督管理局", kind="market_regulation")
    natural = f.ThemeFactory(code="N09", name="餐饮住宿", audience="natural")
    legal = f.ThemeFactory(code="L03", name="准营准办", audience="legal")
    e = f.CatalogueEntryFactory(
        name=name,
        item_type="01",
        competent_department="国家市场监督管理总局",
        department_kind="market_regulation",
        service_objects=["natural", "legal"],
        power_source="法定本级行使",
        legal_basis="《中华人民共和国食品安全法》第三十五条：国家对食品生产经营实行许可制度。",
        cross_region=False,
    )
    e.themes.add(natural, legal)
    content = f.guide_content(
        name=name,
        legal_basis="《食品经营许可和备案管理办法》第十条",
        exercise_level="county",
        service_objects=["natural", "legal"],
        conditions="有与经营的食品品种相适应的经营场所。",
        statutory_days=20,
        promised_days=10,
        online=True,
        online_depth=3,
        visits=1,
        onsite_reason="需现场核查经营场所。",
        handling_forms=["window", "online", "post"],
        appointment=True,
        scope="province",
        proxy_allowed=True,
        nearby=True,
        intermediary=False,
        result_name="食品经营许可证",
        result_type="licence",
        result_sample="/static/samples/food-licence.pdf",
        result_licence_type=f.food_licence_type(),
        delivery_methods=["window", "post", "electronic"],
        delivery_days=2,
        courier=True,
        charged=True,
        fee_basis="《行政事业性收费项目目录》",
        fees=[{"item": "证书工本费", "amount": "10.00"}],
        online_payment=True,
        location="诸暨市政务服务中心二楼市场监管窗口",
        office_hours="工作日 8:30-17:00",
        phone="0575-87001234",
        complaint_phone="0575-12345",
        faq=[{"q": "家庭作坊能申请吗？", "a": "住宅不得作为食品经营场所。"}],
        form_schema=[
            {"key": "applicant_name", "label": "经营者名称", "type": "text", "required": True, "max_length": 50},
            {
                "key": "business_scope",
                "label": "经营项目",
                "type": "multiselect",
                "required": True,
                "options": ["预包装食品销售", "热食类食品制售"],
            },
            {
                "key": "area",
                "label": "经营场所面积",
                "type": "number",
                "required": False,
                "min": 1,
                "help": "单位：平方米",
            },
        ],
    )
    content.update(overrides)
    materials = [
        {
            "name": "食品经营许可申请书",
            "source": "applicant",
            "material_type": "original",
            "form": "paper",
            "copies": 2,
            "necessity": "required",
            "blank_form": "/static/forms/food-application.docx",
            "sample": "食品经营许可申请书（样表）",
            "instructions": "用黑色签字笔填写，法定代表人签字。",
            "acceptance_standard": "内容完整、签字齐全",
        },
        {
            "name": "营业执照",
            "source": "government",
            "material_type": "copy",
            "form": "electronic",
            "copies": 1,
            "necessity": "required",
            "licence_replaceable": True,
            "licence_type": "营业执照电子证照",
        },
        {
            "name": "经营场所平面图",
            "source": "applicant",
            "material_type": "original",
            "form": "either",
            "copies": 1,
            "necessity": "deferrable",
        },
    ]
    steps = [
        {"name": "受理", "days": 1, "handler": "窗口工作人员", "criteria": "材料齐全"},
        {"name": "审核", "days": 5, "handler": "审核科室"},
        {"name": "审批", "days": 3},
        {"name": "办结", "days": 1},
    ]
    special = [
        {
            "name": "现场勘验",
            "max_days": 5,
            "counted_in_limit": False,
            "legal_basis": "《食品经营许可管理办法》第十四条",
            "description": "核查经营场所",
        }
    ]
    code = f"{e.code}-{div.code}-000-{dept.uscc}-1-00"
    draft = services.create_implementation(
        entry=e,
        division=div,
        department=dept,
        code=code,
        content=content,
        materials=materials,
        steps=steps,
        special_steps=special,
    )
    return services.publish_now(draft)


# ---------------------------------------------------------------- guide page


def test_guide_shows_every_element(client: Any) -> None:
    v = rich_guide()
    impl = v.implementation

    response = client.get(reverse("catalogue:guide", args=[impl.code]))
    assert response.status_code == 200
    page = text(response)
    expected = [
        # identity
        "食品经营许可",
        impl.code,
        "行政许可",
        "国家市场监督管理总局",
        "诸暨市市场监督管理局",
        "食品安全法",
        "《食品经营许可和备案管理办法》第十条",
        "法定本级行使",
        "县级",
        "自然人、法人",
        "餐饮住宿",
        "准营准办",
        "有与经营的食品品种相适应的经营场所",
        # handling
        "前审后批",
        "承诺件",
        "法定办结时限 20 个工作日",
        "承诺办结时限 10 个工作日",
        "受理",
        "审核",
        "审批",
        "窗口工作人员",
        "材料齐全",
        "各环节时限合计 10 个工作日",
        "现场勘验",
        "不计入法定办结时限",
        "核查经营场所",
        # channels
        "是否网办",
        "Ⅲ级 在线预审/在线申报",
        "到现场次数 1 次",
        "需现场核查经营场所",
        "窗口办理、网上办理、邮寄申请",
        "是否支持预约",
        "全省通办",
        "是否可代办",
        "是否就近办理",
        "是否有中介服务",
        # materials with every sub-field
        "食品经营许可申请书",
        "申请人自备",
        "政府部门核发",
        "原件",
        "复印件",
        "纸质",
        "电子",
        "2 份",
        "必要",
        "容缺后补",
        "下载空白表格",
        "食品经营许可申请书（样表）",
        "用黑色签字笔填写",
        "内容完整、签字齐全",
        "可用电子证照免提交",
        "营业执照电子证照",
        # result
        "食品经营许可证",
        "出证办结",
        "查看结果样本",
        "窗口领取、邮寄、电子送达",
        "作出决定后 2 个工作日内",
        "物流快递 支持",
        # fees
        "收费",
        "《行政事业性收费项目目录》",
        "证书工本费",
        "10.00",
        "网上支付 支持",
        # contact and FAQ
        "诸暨市政务服务中心二楼市场监管窗口",
        "工作日 8:30-17:00",
        "0575-87001234",
        "0575-12345",
        "家庭作坊能申请吗？",
        "住宅不得作为食品经营场所",
        # the application form
        "经营者名称",
        "不超过 50 字",
        "经营项目",
        "可选：预包装食品销售、热食类食品制售",
        "经营场所面积",
        "单位：平方米",
        "必填",
        "选填",
        # version
        "第 1 版",
        "发布",
        "打印办事指南",
    ]
    missing = [s for s in expected if s not in page]
    assert not missing, f"guide page lacks: {missing}"
    html = response.content.decode()
    assert 'href="/static/forms/food-application.docx"' in html
    assert "print.css" in html and 'media="print"' in html
    assert "data-print" in html
    assert v.published_at is not None and f"{v.published_at.astimezone().year}年" in page


def test_guide_query_count_is_bounded(client: Any, django_assert_max_num_queries: Any) -> None:
    v = rich_guide()
    with django_assert_max_num_queries(9):
        response = client.get(reverse("catalogue:guide", args=[v.implementation.code]))
    assert response.status_code == 200


def test_older_version_is_shown_with_a_notice(client: Any) -> None:
    v1 = f.PublishedVersionFactory(name="新生儿入户")
    impl = v1.implementation
    draft = services.start_new_version(impl)
    services.update_draft(draft, content={"promised_days": 3, "office_hours": "周一至周日 9:00-17:00"})
    services.publish_now(draft)

    current = text(client.get(reverse("catalogue:guide", args=[impl.code])))
    assert "第 2 版" in current and "周一至周日 9:00-17:00" in current and "仅供查阅" not in current

    old = client.get(reverse("catalogue:guide", args=[impl.code]) + "?version=1")
    assert old.status_code == 200
    page = text(old)
    assert "您正在查看第 1 版办事指南（已停用）" in page and "仅供查阅" in page and "查看现行版本" in page
    assert "周一至周五 8:30-12:00" in page  # the old content, not the new one


@pytest.mark.parametrize("suffix", ["?version=2", "?version=0", "?version=abc"])
def test_unknown_version_is_a_chinese_404(client: Any, suffix: str) -> None:
    impl = f.PublishedVersionFactory().implementation
    response = client.get(reverse("catalogue:guide", args=[impl.code]) + suffix)
    assert response.status_code == 404
    assert "没有找到您要的页面" in text(response)


def test_unknown_code_and_unpublished_item_are_404_in_chinese(client: Any) -> None:
    response = client.get(reverse("catalogue:guide", args=["NO-SUCH-CODE"]))
    assert response.status_code == 404
    page = text(response)
    assert "没有找到您要的页面" in page and "NO-SUCH-CODE" in page

    draft = f.DraftVersionFactory(name="尚未发布的事项")
    response = client.get(reverse("catalogue:guide", args=[draft.implementation.code]))
    assert response.status_code == 404
    assert "暂无已发布的办事指南" in text(response)


def test_a_draft_of_a_published_item_is_never_shown(client: Any) -> None:
    v1 = f.PublishedVersionFactory(name="新生儿入户")
    draft = services.start_new_version(v1.implementation)
    services.update_draft(draft, content={"office_hours": "草稿里的时间"})
    page = text(client.get(reverse("catalogue:guide", args=[v1.implementation.code])))
    assert "草稿里的时间" not in page
    assert client.get(reverse("catalogue:guide", args=[v1.implementation.code]) + "?version=2").status_code == 404


# ---------------------------------------------------------------- browsing


@pytest.fixture
def catalogue() -> dict[str, Any]:
    return f.browse_catalogue()


def names(response: Any) -> set[str]:
    return {impl.published_version.name for impl in response.context["page"].object_list}


def test_browse_lists_only_published_items(client: Any, catalogue: dict[str, Any]) -> None:
    response = client.get(reverse("catalogue:list"))
    assert response.status_code == 200
    assert names(response) == {
        "新生儿入户",
        "企业职工基本养老保险关系转移接续",
        "首次申领居民身份证",
        "内资企业及分支机构设立登记",
    }
    assert "未发布事项" not in text(response)
    assert "共 4 项" in text(response)


def test_browse_by_region_includes_ancestors_not_siblings(client: Any, catalogue: dict[str, Any]) -> None:
    response = client.get(reverse("catalogue:list"), {"region": "330681"})
    assert names(response) == {"新生儿入户", "企业职工基本养老保险关系转移接续", "内资企业及分支机构设立登记"}
    assert "浙江省绍兴市诸暨市" in text(response)
    # The 12-digit form works as well; the province alone sees only its own items.
    assert names(client.get(reverse("catalogue:list"), {"region": "330482000000"})) == {
        "企业职工基本养老保险关系转移接续",
        "首次申领居民身份证",
    }
    assert names(client.get(reverse("catalogue:list"), {"region": "330000"})) == {"企业职工基本养老保险关系转移接续"}


def test_browse_by_theme_department_kind_and_audience(client: Any, catalogue: dict[str, Any]) -> None:
    url = reverse("catalogue:list")
    assert names(client.get(url, {"theme": "N01"})) == {"新生儿入户"}
    assert names(client.get(url, {"department_kind": "police"})) == {"新生儿入户", "首次申领居民身份证"}
    assert names(client.get(url, {"audience": "legal"})) == {"内资企业及分支机构设立登记"}
    assert "内资企业及分支机构设立登记" not in names(client.get(url, {"audience": "natural"}))
    both = client.get(url, {"department_kind": "police", "region": "330681"})
    assert names(both) == {"新生儿入户"}
    assert names(client.get(url, {"cross_region": "1"})) == {
        "新生儿入户",
        "企业职工基本养老保险关系转移接续",
        "首次申领居民身份证",
    }


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"region": "999999"}, "未找到代码为“999999”的地区"),
        ({"region": "abc"}, "地区代码“abc”格式不正确"),
        ({"theme": "X99"}, "未找到主题“X99”"),
        ({"audience": "alien"}, "服务对象只能是“自然人”或“法人”"),
    ],
)
def test_browse_with_bad_filters_explains_in_chinese(
    client: Any, catalogue: dict[str, Any], params: dict, message: str
) -> None:
    response = client.get(reverse("catalogue:list"), params)
    assert response.status_code == 200
    assert message in text(response)
    assert names(response) == set()


def test_browse_paginates_with_bounded_queries(client: Any, django_assert_max_num_queries: Any) -> None:
    div = f.DivisionFactory()
    dept = f.DepartmentFactory(division=div)
    for n in range(25):
        f.PublishedVersionFactory(name=f"测试事项{n:02d}", division=div, department=dept)
    with django_assert_max_num_queries(10):
        first = client.get(reverse("catalogue:list"), {"region": "330681"})
    assert first.status_code == 200
    assert len(first.context["page"].object_list) == 20
    page = text(first)
    assert "共 25 项" in page and "第 1 / 2 页" in page and "下一页" in page
    assert 'href="?region=330681&amp;page=2"' in first.content.decode()
    second = client.get(reverse("catalogue:list"), {"region": "330681", "page": "2"})
    assert len(second.context["page"].object_list) == 5
    # An out-of-range or junk page number falls back to a real page, never an error.
    assert client.get(reverse("catalogue:list"), {"page": "99"}).status_code == 200
    assert client.get(reverse("catalogue:list"), {"page": "x"}).status_code == 200


def test_overview_pages(client: Any, catalogue: dict[str, Any]) -> None:
    themes = text(client.get(reverse("catalogue:themes")))
    assert "自然人主题" in themes and "法人主题" in themes
    assert "户籍办理 1 项" in themes and "设立变更 1 项" in themes

    departments = client.get(reverse("catalogue:departments"))
    page = text(departments)
    assert "公安 2 项 · 2 个部门" in page and "人力社保 1 项" in page and "市场监管 1 项" in page
    assert "?department_kind=police" in departments.content.decode()

    regions = client.get(reverse("catalogue:regions"))
    page = text(regions)
    for name in ("浙江省", "绍兴市", "诸暨市", "嘉兴市", "平湖市"):
        assert name in page
    assert "诸暨市 可办 3 项（本级部门 2 项）" in page
    assert "?region=330681000000" in regions.content.decode()


# ---------------------------------------------------------------- selectors (shared with the API)


def test_selectors_filters(catalogue: dict[str, Any]) -> None:
    codes = lambda qs: {i.code for i in qs}  # noqa: E731
    c = catalogue
    assert codes(selectors.published_implementations(region=c["zhuji"])) == {
        c["newborn"].code,
        c["pension"].code,
        c["company"].code,
    }
    assert codes(selectors.published_implementations(region="330681")) == codes(
        selectors.published_implementations(region=c["zhuji"])
    )
    assert list(selectors.published_implementations(region="990000")) == []
    assert codes(selectors.published_implementations(theme="L01")) == {c["company"].code}
    assert codes(selectors.published_implementations(audience="legal")) == {c["company"].code}
    assert list(selectors.published_implementations(audience="nobody")) == []
    assert codes(selectors.published_implementations(cross_region=False)) == {c["company"].code}
    assert c["draft"].code not in codes(selectors.published_implementations())


def test_selectors_guide_and_counts(catalogue: dict[str, Any], django_assert_num_queries: Any) -> None:
    with pytest.raises(selectors.GuideNotFound) as err:
        selectors.get_published_guide(catalogue["draft"].code)
    assert err.value.status == 404 and err.value.code == "not_found"
    impl, version = selectors.get_published_guide(catalogue["newborn"].code)
    assert impl.code == catalogue["newborn"].code
    with django_assert_num_queries(0):  # parts are prefetched
        assert [m.name for m in version.materials.all()] == ["居民身份证", "出生医学证明"]
        assert [s.name for s in version.steps.all()] == ["受理", "审核", "办结"]
        assert list(version.special_steps.all()) == []
        assert version.implementation.department.name == "诸暨市公安局"

    themes = {t.code: t.count for t in selectors.themes_with_counts()}
    assert themes == {"N01": 1, "L01": 1}
    assert {t.code: t.count for t in selectors.themes_with_counts(region="330482")} == {"N01": 0, "L01": 0}

    kinds = {k["kind"]: (k["label"], k["count"]) for k in selectors.department_kinds_with_counts()}
    assert kinds == {"police": ("公安", 2), "hrss": ("人力社保", 1), "market_regulation": ("市场监管", 1)}

    tree = selectors.regions_tree()
    (zhejiang,) = tree
    assert (zhejiang["name"], zhejiang["count"], zhejiang["total"]) == ("浙江省", 1, 4)
    shaoxing = next(n for n in zhejiang["children"] if n["name"] == "绍兴市")
    zhuji = shaoxing["children"][0]
    assert (zhuji["count"], zhuji["available"], zhuji["total"]) == (2, 3, 2)
    options = selectors.region_options()
    assert [o["name"] for o in options][:2] == ["浙江省", "嘉兴市"]
    assert {o["depth"] for o in options} == {0, 1, 2}

    # A kind without a known label is named after one of its departments, never shown as a code.
    f.PublishedVersionFactory(
        name="殡葬服务",
        division=catalogue["zhuji"],
        department=f.DepartmentFactory(division=catalogue["zhuji"], name="诸暨市殡仪馆", kind="funeral_home"),
    )
    kinds = {k["kind"]: k["label"] for k in selectors.department_kinds_with_counts()}
    assert kinds["funeral_home"] == "诸暨市殡仪馆"
    assert selectors.department_kind_label("公安") == "公安"


def test_a_retired_implementation_leaves_the_pages(client: Any, catalogue: dict[str, Any]) -> None:
    version = catalogue["newborn"].published_version
    services.retire_version(version)
    assert catalogue["newborn"].code not in {i.code for i in selectors.published_implementations()}
    assert client.get(reverse("catalogue:guide", args=[catalogue["newborn"].code])).status_code == 404
    # The retired version stays readable by number, marked as such.
    old = client.get(reverse("catalogue:guide", args=[catalogue["newborn"].code]) + "?version=1")
    assert old.status_code == 200 and "该事项目前没有现行有效的办事指南" in text(old)
