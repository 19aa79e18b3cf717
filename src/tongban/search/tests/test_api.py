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
    assert set(results[0]) == {"kind", "code", "name", "department", "region", "score", "others"}
    assert results[0] == {
        "kind": "bundle",
        "code": "B-XSECS",
        "name": "新生儿出生一件事",
        "department": "诸暨市卫生健康局",
        "region": "诸暨市",
        "score": results[0]["score"],
        "others": [],
    }
    assert response.json()["found"] is True and response.json()["message"] is None
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
    # The item implemented in both places is one row, the other region folded under it.
    assert ph[0]["name"] == "无犯罪记录证明" and [o["region"] for o in ph[0]["others"]] == ["诸暨市"]
    anywhere = get(client, q="无犯罪记录证明", limit=50).json()["results"]
    assert [r["name"] for r in anywhere].count("无犯罪记录证明") == 1
    row = next(r for r in anywhere if r["name"] == "无犯罪记录证明")
    assert {row["region"], *(o["region"] for o in row["others"])} == {"平湖市", "诸暨市"}
    # A provincial item serves every county of the province; another province's citizens do not see it.
    assert get(client, q="工业产品生产许可证", region="330482").json()["results"][0]["region"] == "浙江省"
    assert get(client, q="工业产品生产许可证", region="330000").json()["results"][0]["region"] == "浙江省"
    assert get(client, q="工业产品生产许可证", region="419001").json()["results"] == []


def test_kind_limit_and_one_row_per_item(client, fixture_catalogue):
    bundles = get(client, q="退休", kind="bundle").json()["results"]
    assert bundles and {r["kind"] for r in bundles} == {"bundle"}
    assert len(get(client, q="证明", limit=3).json()["results"]) == 3
    for params in ({}, {"distinct": "true"}):  # distinct is accepted still, and no longer needed
        rows = get(client, q="无犯罪记录证明", **params).json()["results"]
        assert [r["name"] for r in rows].count("无犯罪记录证明") == 1


def test_the_searchers_region_comes_first_and_others_fold_under_it(client, fixture_catalogue):
    for near, shown, folded in (("330482", "平湖市", "诸暨市"), ("330681", "诸暨市", "平湖市")):
        rows = get(client, q="无犯罪记录证明", near=near).json()["results"]
        row = next(r for r in rows if r["name"] == "无犯罪记录证明")
        assert row["region"] == shown and [o["region"] for o in row["others"]] == [folded]
        assert row["others"][0]["code"] != row["code"]
    # An unknown "near" only loses the preference; it is no error.
    assert get(client, q="无犯罪记录证明", near="999999").status_code == 200


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


def test_no_match_is_said_in_chinese(client, fixture_catalogue):
    body = get(client, q="量子计算机").json()
    assert body == {"results": [], "found": False, "message": body["message"]}
    assert "没有找到与“量子计算机”相关的事项" in body["message"]


def test_a_query_sharing_only_a_character_with_items_matches_nothing(client, fixture_catalogue):
    # "买彩票" shares 买 with 买房 items: before, it listed them as results.
    assert get(client, q="买彩票").json()["results"] == []
    assert get(client, q="火星移民").json()["found"] is False


def test_empty_catalogue(client, db):
    assert get(client, q="户口").json()["results"] == []


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


def test_page_answers_one_row_per_item_with_other_regions_folded(client, fixture_catalogue):
    html = client.get("/search/", {"q": "无犯罪记录证明"}).content.decode()
    assert html.count(">无犯罪记录证明</a>") == 1
    assert "另有 1 个地区可办理" in html
    rows = selectors.search("无犯罪记录证明", fold=True)
    row = next(r for r in rows if r["name"] == "无犯罪记录证明")
    for place in (row, *row["others"]):  # the row and its folded region each link to their own guide
        assert f'href="/items/{place["code"]}/"' in html
    # The selector's folded places are shared between answers: the page links copies, never them.
    assert "url" not in row and all("url" not in place for place in row["others"])
    client.get("/search/", {"q": "无犯罪记录证明"})
    assert selectors.search("无犯罪记录证明", fold=True) == rows


def test_page_shows_the_signed_in_persons_region_first(client, fixture_catalogue):
    from tongban.accounts.models import User
    from tongban.jurisdictions.models import Division

    pinghu = User.objects.create_user(
        "ph", password="x-123456789", kind="citizen", division=Division.objects.get(code="330482000000")
    )
    client.force_login(pinghu)
    html = client.get("/search/", {"q": "无犯罪记录证明"}).content.decode()
    row = html.split('class="search-result search-result-item"')[1]
    assert "平湖市" in row.split("search-result-others")[0]


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
