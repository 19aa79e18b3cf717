"""Wrong JSON types are refused with field errors, not coerced and stored (issue 8): ``12345`` for a text,
``"yes"`` for a boolean, an array where one value is expected, in the API's schemas (strict flags and
numbers) and in the item's form (catalogue/formschema.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tongban.cases.models import BundleCase, Case
from tongban.core import clock

from .factories import TODAY, Api, World, auth, form, holding_all, make_env, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return world()


def refused(response: Any, field: str) -> dict[str, Any]:
    assert response.status_code == 400, response.content[:300]
    error = response.json()["error"]
    # A body field is named by its path in the body (payload.submit); a form answer among "fields".
    assert error["field"] in (field, f"payload.{field}") or field in (error.get("fields") or {}), error
    return error


@pytest.mark.parametrize(
    ("form_data", "field", "words"),
    [
        ({"child_name": 12345}, "child_name", "应填写文字"),
        ({"child_name": ["张小宝", "张二宝"]}, "child_name", "只能填写一个值"),
        ({"child_birth_date": 20261101}, "child_birth_date", "应填写文字"),
        ({"applicant_id_number": True}, "applicant_id_number", "应填写文字"),
    ],
)
def test_a_form_answer_of_the_wrong_type_is_refused(
    client: Client, w: World, form_data: dict[str, Any], field: str, words: str
) -> None:
    api = Api(client, w.applicant)
    for submit in (True, False):  # a draft may be incomplete, never of the wrong types
        response = api.post(
            "/cases",
            {"implementation": w.version.implementation.code, "form_data": {**form(w), **form_data}, "submit": submit},
        )
        error = refused(response, field)
        assert words in error["fields"][field]
    assert not Case.objects.exists()
    draft = api.apply(w, submit=False).json()
    response = api.act(draft, "save_draft", form_data=form_data)
    assert words in refused(response, field)["fields"][field]
    assert Case.objects.get(number=draft["number"]).form_data == {**form(w)}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"submit": "yes"}, "submit"),
        ({"submit": 1}, "submit"),
        ({"submit": "true"}, "submit"),
        ({"implementation": 12345}, "implementation"),
        ({"implementation": ["a", "b"]}, "implementation"),
    ],
)
def test_a_body_field_of_the_wrong_type_is_refused(client: Client, w: World, body: dict[str, Any], field: str) -> None:
    api = Api(client, w.applicant)
    payload = {"implementation": w.version.implementation.code, "form_data": form(w), "submit": True, **body}
    refused(api.post("/cases", payload), field)
    assert not Case.objects.exists()


def test_action_bodies_take_numbers_and_flags_as_json_types(client: Client, w: World) -> None:
    citizen, clerk, head = Api(client, w.applicant), Api(client, w.clerk), Api(client, w.head)
    case = citizen.apply(w).json()
    for wrong in (str(case["revision"]), float(case["revision"])):  # "3" and 3.0 are no revision
        refused(clerk.post(f"/cases/{case['number']}/actions/accept", {"revision": wrong}), "revision")
    refused(clerk.act(case["number"], "request_correction", revision=case["revision"], items="结婚证"), "items")
    refused(clerk.act(case["number"], "refuse", revision=case["revision"], reason=["不符合条件"]), "reason")
    holding_all(case)
    case = clerk.act(case, "accept").json()
    refused(head.act(case, "extend", reason="复杂", days="5"), "days")
    refused(head.act(case, "decide", reason="符合", grant="yes"), "grant")
    assert Case.objects.get(number=case["number"]).extension_days == 0
    assert head.act(case, "extend", reason="复杂", days=5).status_code == 200


def test_a_bundle_form_of_the_wrong_type_is_refused(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    env = make_env()
    headers: dict[str, Any] = auth(env.w.applicant)
    form: dict[str, Any] = {"applicant_name": 12345, "child_name": "张小宝"}
    body: dict[str, Any] = {"bundle": env.bundle.code, "form_data": form, "submit": "yes"}
    response = client.post("/api/v1/bundle-cases", body, content_type="application/json", **headers)
    refused(response, "submit")
    body["submit"] = False
    response = client.post("/api/v1/bundle-cases", body, content_type="application/json", **headers)
    assert response.status_code == 400 and "applicant_name" in str(response.json()["error"])
    assert not BundleCase.objects.exists()
