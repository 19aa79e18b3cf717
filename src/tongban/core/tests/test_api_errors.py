"""Every API error is ``{"error": {"code", "message", "field"}}``: 400 naming the parameter, 404 for unknown
codes, a logged 500 in the same shape for bugs. The error handlers are tested here on an API of their own;
tests/test_api_error_shape.py checks the real /api/v1 (unknown paths, odd input on every endpoint)."""

from __future__ import annotations

import itertools
import logging
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.testing import TestClient

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
