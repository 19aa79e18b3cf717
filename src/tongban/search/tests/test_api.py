"""GET /api/v1/search and the /search/ page over the fixture catalogue in the database."""

from __future__ import annotations

import pytest

from tongban.search import selectors

pytestmark = pytest.mark.django_db

URL = "/api/v1/search"


def get(client, **params):
    return client.get(URL, params)


def test_result_shape_and_order(client, fixture_catalogue):
    response = get(client, q="孩子刚出生要办什么", region="330681")
    assert response.status_code == 200
    results = response.json()["results"]
    assert results and len(results) <= 10
    assert set(results[0]) == {"kind", "code", "name", "department", "region", "score"}
    assert results[0] == {
        "kind": "bundle",
        "code": "B-XSECS",
        "name": "新生儿出生一件事",
        "department": "诸暨市卫生健康局",
        "region": "诸暨市",
        "score": results[0]["score"],
    }
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0


def test_pension_transfer_question(client, fixture_catalogue):
    results = get(client, q="换城市工作了养老保险怎么转", region="330681000000").json()["results"]
    assert results[0]["name"] == "企业职工基本养老保险关系转移接续"
    assert results[0]["kind"] == "item"
    assert results[0]["code"] == "FX0022-330681000000"


def test_region_filter(client, fixture_catalogue):
    ph = get(client, q="无犯罪记录证明", region="330482", limit=50).json()["results"]
    assert ph and {r["region"] for r in ph} == {"平湖市"}
    anywhere = get(client, q="无犯罪记录证明", limit=50).json()["results"]
    assert {r["region"] for r in anywhere} == {"平湖市", "诸暨市"}
    # A provincial item serves every county of the province; another province's citizens do not see it.
    assert get(client, q="工业产品生产许可证", region="330482").json()["results"][0]["region"] == "浙江省"
    assert get(client, q="工业产品生产许可证", region="330000").json()["results"][0]["region"] == "浙江省"
    assert get(client, q="工业产品生产许可证", region="419001").json()["results"] == []


def test_kind_limit_and_distinct(client, fixture_catalogue):
    bundles = get(client, q="退休", kind="bundle").json()["results"]
    assert bundles and {r["kind"] for r in bundles} == {"bundle"}
    assert len(get(client, q="证明", limit=3).json()["results"]) == 3
    distinct = get(client, q="无犯罪记录证明", distinct="true").json()["results"]
    assert [r["name"] for r in distinct].count("无犯罪记录证明") == 1


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({}, "empty_query", "q"),
        ({"q": "   "}, "empty_query", "q"),
        ({"q": "户" * 101}, "query_too_long", "q"),
        ({"q": "户口", "region": "abc"}, "invalid_region", "region"),
        ({"q": "户口", "region": "990000"}, "invalid_region", "region"),
        ({"q": "户口", "region": "110000"}, "unknown_region", "region"),
        ({"q": "户口", "kind": "case"}, "invalid_kind", "kind"),
        ({"q": "户口", "limit": "0"}, "invalid_limit", "limit"),
        ({"q": "户口", "limit": "51"}, "invalid_limit", "limit"),
        ({"q": "户口", "limit": "many"}, "invalid", "limit"),
    ],
)
def test_bad_requests_answer_400_with_the_error_shape(client, fixture_catalogue, params, code, field):
    response = get(client, **params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert error["field"] == field
    assert error["message"] and not error["message"].isascii()


def test_no_match_is_an_empty_list(client, fixture_catalogue):
    assert get(client, q="量子计算机").json() == {"results": []}


def test_empty_catalogue(client, db):
    assert get(client, q="户口").json() == {"results": []}


def test_openapi_lists_search(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/search"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"q", "region", "kind", "limit"}
    assert "检索" in operation["tags"]


# --- page ----------------------------------------------------------------------------------------------------


def test_page_lists_results_with_links(client, fixture_catalogue):
    response = client.get("/search/", {"q": "老人去世了要办什么", "region": "330681"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "身后事一件事" in html
    assert 'href="/bundles/B-SHS/"' in html
    assert 'href="/items/FX0020-330681000000/"' in html  # 户口注销
    assert 'value="330681000000" selected' in html


def test_page_without_region_collapses_same_named_items(client, fixture_catalogue):
    html = client.get("/search/", {"q": "无犯罪记录证明"}).content.decode()
    assert html.count(">无犯罪记录证明</a>") == 1


def test_page_errors_and_empty_states(client, fixture_catalogue):
    response = client.get("/search/", {"q": "户口", "region": "110000"})
    assert response.status_code == 400
    assert "没有找到区划代码" in response.content.decode()
    assert "没有找到与" in client.get("/search/", {"q": "量子计算机"}).content.decode()
    start = client.get("/search/")
    assert start.status_code == 200 and "用自己的话说" in start.content.decode()


def test_selector_validates_without_http(fixture_catalogue):
    with pytest.raises(selectors.InvalidSearch) as exc:
        selectors.search("")
    assert exc.value.field == "q"
