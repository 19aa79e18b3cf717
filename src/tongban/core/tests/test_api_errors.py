"""Every API error is ``{"error": {"code", "message", "field"}}``: 400 naming the parameter, 404 for unknown
codes and paths, a logged 500 in the same shape for bugs, and never a 500 for odd input on any endpoint."""

from __future__ import annotations

import itertools
import logging
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.testing import TestClient

from tongban.api import api as real_api
from tongban.bundles.tests.factories import newborn_bundle
from tongban.core.api_errors import (
    ERRORS,
    ApiError,
    DivisionCode,
    Limit,
    Offset,
    install_error_handlers,
    shown,
    validation_message,
)
from tongban.core.errors import ConflictError

_counter = itertools.count()


def _api() -> NinjaAPI:
    """A separate API with the project's handlers, so each error path can be provoked on purpose."""
    api = NinjaAPI(urls_namespace=f"errors-test-{next(_counter)}")
    install_error_handlers(api)

    @api.get("/domain", response={200: dict, **ERRORS})
    def domain(request):
        raise ConflictError("already_done", "该版本已发布，不能重复发布", "status")

    @api.get("/api-error")
    def api_error(request):
        raise ApiError("invalid", "参数“region”无效：行政区划“990000”不存在", "region")

    @api.get("/http404")
    def http404(request):
        raise Http404("No CatalogueEntry matches the given query.")

    @api.get("/forbidden")
    def forbidden(request):
        raise PermissionDenied("internal detail")

    @api.get("/http-error")
    def http_error(request):
        raise HttpError(400, "Cannot parse request body")

    @api.get("/bug")
    def bug(request):
        raise RuntimeError("secret internal detail")

    @api.get("/params")
    def params(request, limit: Limit = 20, offset: Offset = 0, region: DivisionCode | None = None, flag: bool = False):
        return {"limit": limit, "offset": offset, "region": region, "flag": flag}

    return api


def _error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "field"}, body
    return body["error"]


@pytest.fixture
def test_client() -> TestClient:
    return TestClient(_api())


def test_domain_errors_keep_their_status_code_and_field(test_client: TestClient) -> None:
    response = test_client.get("/domain")
    assert response.status_code == 409
    assert _error(response) == {"code": "already_done", "message": "该版本已发布，不能重复发布", "field": "status"}
    response = test_client.get("/api-error")
    assert response.status_code == 400
    assert _error(response)["field"] == "region"


def test_django_404_and_403_answer_in_chinese_without_internal_detail(test_client: TestClient) -> None:
    response = test_client.get("/http404")
    assert response.status_code == 404
    assert _error(response) == {"code": "not_found", "message": "未找到请求的资源", "field": None}
    response = test_client.get("/forbidden")
    assert response.status_code == 403
    assert "internal" not in _error(response)["message"]


def test_ninja_http_errors_are_reshaped(test_client: TestClient) -> None:
    response = test_client.get("/http-error")
    assert response.status_code == 400
    assert _error(response) == {"code": "bad_request", "message": "请求格式不正确", "field": None}


def test_an_unexpected_exception_is_logged_and_answers_500_in_the_same_shape(
    test_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="tongban.api"):
        response = test_client.get("/bug")
    assert response.status_code == 500
    error = _error(response)
    assert error["code"] == "server_error"
    assert "secret" not in error["message"]
    assert any("secret internal detail" in (r.exc_text or "") or r.exc_info for r in caplog.records)


@pytest.mark.parametrize(
    ("query", "field", "fragment"),
    [
        ("limit=-1", "limit", "不能小于1"),
        ("limit=0", "limit", "不能小于1"),
        ("limit=1000", "limit", "不能大于100"),
        ("limit=abc", "limit", "应为整数"),
        ("limit=99999999999999999999999999", "limit", "不能大于100"),
        ("offset=-5", "offset", "不能小于0"),
        ("offset=99999999999999999999", "offset", "不能大于1000000"),
        ("region=abc", "region", "行政区划代码应为6位"),
        ("region=33", "region", "行政区划代码应为6位"),
        ("region=990000", "region", "省级代码无效"),
        ("flag=perhaps", "flag", "应为 true 或 false"),
    ],
)
def test_bad_parameters_answer_400_naming_the_field_in_chinese(
    test_client: TestClient, query: str, field: str, fragment: str
) -> None:
    response = test_client.get(f"/params?{query}")
    assert response.status_code == 400, response.content
    error = _error(response)
    assert error["code"] == "invalid"
    assert error["field"] == field
    assert error["message"].startswith(f"参数“{field}”无效：")
    assert fragment in error["message"]
    assert not re.search(r"[A-Za-z]{6,}", error["message"].split("：", 1)[1]), "message should be Chinese"


def test_several_bad_parameters_are_all_reported(test_client: TestClient) -> None:
    error = _error(test_client.get("/params?limit=0&offset=-1"))
    assert error["field"] == "limit"
    assert "“limit”" in error["message"] and "“offset”" in error["message"]


def test_good_parameters_are_normalised(test_client: TestClient) -> None:
    response = test_client.get("/params?limit=5&offset=10&region=330681&flag=true")
    assert response.json() == {"limit": 5, "offset": 10, "region": "330681000000", "flag": True}


def test_validation_message_for_choices_lists_the_allowed_values() -> None:
    message, field = validation_message(
        [
            {
                "type": "literal_error",
                "loc": ("query", "audience"),
                "msg": "…",
                "ctx": {"expected": "'natural' or 'legal'"},
            }
        ]
    )
    assert (message, field) == ("参数“audience”无效：应为以下值之一：natural、legal", "audience")


def test_shown_values_are_printable_and_short() -> None:
    assert shown("ab\x00c") == "ab?c"
    assert shown("长" * 100).endswith("…") and len(shown("长" * 100)) == 41


# --- the real API ----------------------------------------------------------------------------------------


def test_unknown_api_paths_answer_404_json(client: Client) -> None:
    for path in ["/api/v1/nope", "/api/v1/items/x/y/z", "/api/v1/regions/330681/children"]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert _error(response)["code"] == "not_found"
    response = client.post("/api/v1/no-such-endpoint")
    assert response.status_code == 404


def test_the_api_root_points_to_the_docs(client: Client) -> None:
    response = client.get("/api/v1/")
    assert response.status_code == 200
    assert response.json()["docs"] == "/api/v1/docs"


def test_chinese_is_sent_as_utf8_not_escaped(client: Client) -> None:
    response = client.get("/api/v1/nope")
    assert "接口".encode() in response.content
    assert response["Content-Type"].startswith("application/json")


ODD_VALUES = [
    "",
    " ",
    "-1",
    "0",
    "1",
    "-0",
    "1.5",
    "1e309",
    "NaN",
    "abc",
    "true",
    "null",
    "[]",
    "{}",
    "9" * 40,
    "3" * 12,
    "330681",
    "330681000000",
    "X" * 18,
    "诸暨市",
    "x" * 5000,
    "\x00",
    "a\x00b",
    "\t\n",
    "%",
    "'; DROP TABLE catalogue_catalogueentry; --",
    "../../etc/passwd",
    "😀",
    "\uffff",
]

PATH_VALUES = ["x", "0", "-1", "330681", "330681000000", "诸暨", "a%00b", "%E4%B8", "9" * 300, "'%20OR%201=1"]


def _get_operations() -> list[tuple[str, list[str], list[str]]]:
    schema = real_api.get_openapi_schema(path_prefix="/api/v1/")
    ops = []
    for path, methods in schema["paths"].items():
        if "get" not in methods:
            continue
        params = methods["get"].get("parameters", [])
        ops.append(
            (path, [p["name"] for p in params if p["in"] == "query"], [p["name"] for p in params if p["in"] == "path"])
        )
    return ops


@pytest.mark.django_db
def test_odd_values_in_every_parameter_of_every_endpoint_never_cause_a_500(client: Client) -> None:
    bundle = newborn_bundle()
    impl = bundle.items.get(order=1).implementation
    real = {"code": impl.code, "uscc": impl.department.uscc}
    operations = _get_operations()
    assert len(operations) >= 12
    checked = 0
    for path, query_names, path_names in operations:
        bases = [path]
        for name in path_names:
            bases = [b.replace("{" + name + "}", v) for b in bases for v in [*PATH_VALUES, real.get(name, "x")]]
        for base in bases:
            response = client.get(base)
            assert response.status_code < 500, (base, response.content[:300])
            if response.status_code >= 400:
                _error(response)
            checked += 1
            if base != bases[-1]:
                continue  # query parameters are varied on one path instance per endpoint
            for name in query_names:
                for value in ODD_VALUES:
                    response = client.get(base, {name: value})
                    assert response.status_code < 500, (base, name, repr(value), response.content[:300])
                    if response.status_code >= 400:
                        error = _error(response)
                        if error["code"] == "invalid":
                            assert error["field"] == name, (base, name, value, error)
                    checked += 1
                response = client.get(f"{base}?{name}=1&{name}=2")
                assert response.status_code < 500
    assert checked > 500


def test_a_wrong_method_answers_405_in_the_error_shape(client: Client) -> None:
    response = client.post("/api/v1/regions")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    error = _error(response)
    assert error["code"] == "method_not_allowed" and "POST" in error["message"]
