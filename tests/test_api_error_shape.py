"""The real /api/v1 answers every error in the one shape ``{"error": {"code", "message", "field"}}``: 404 for
unknown paths, 405 for a wrong method, and never a 500 for odd input in any parameter of any endpoint.

The handlers themselves are tested in src/tongban/core/tests/test_api_errors.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tongban.api import api as real_api
from tongban.bundles.tests.factories import newborn_bundle


def _error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "field"}, body
    return body["error"]


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
