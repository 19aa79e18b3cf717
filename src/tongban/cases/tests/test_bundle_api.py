"""API of bundle applications: apply with one form (idempotent), upload each material once, read the bundle
with its children and what holds it up, act with revisions, and the public indicators — errors in the common
shape, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tongban.cases import services as s
from tongban.cases.models import BundleCase, BundleMaterial, Case
from tongban.cases.tests.factories import PDF, TODAY, Env, auth, bundle_holding_all, make_env
from tongban.core import clock
from tongban.core.testing import files as samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def env(monkeypatch) -> Env:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return make_env()


FORM = {"applicant_name": "张三", "child_name": "张小宝", "child_birth_date": "2026-09-20"}


def create(client: Any, env: Env, *, key: str | None = None, **body: Any) -> Any:
    headers = auth(env.w.applicant)
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    payload = {"bundle": env.bundle.code, "form_data": FORM, **body}
    return client.post("/api/v1/bundle-cases", payload, content_type="application/json", **headers)


def upload(client: Any, env: Env, number: str, name: str, content: bytes = PDF, user: Any = None) -> Any:
    return client.post(
        f"/api/v1/bundle-cases/{number}/materials",
        {"name": name, "file": SimpleUploadedFile("f.pdf", content)},
        **auth(user or env.w.applicant),
    )


def act(client: Any, user: Any, number: str, action: str, key: str | None = None, **body: Any) -> Any:
    headers = auth(user)
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(
        f"/api/v1/bundle-cases/{number}/actions/{action}", body, content_type="application/json", **headers
    )


def submitted(client: Any, env: Env, **body: Any) -> dict[str, Any]:
    draft = create(client, env, **body).json()
    for name in draft["missing_uploads"]:
        assert upload(client, env, draft["number"], name).status_code == 201
    r = act(client, env.w.applicant, draft["number"], "submit", revision=draft["revision"])
    assert r.status_code == 200, r.json()
    return r.json()


def error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    return body["error"]


# ---- applying ----------------------------------------------------------------------------------------------


def test_create_is_idempotent_and_prefills_the_one_form(client, env):
    first = create(client, env, key="newborn-1")
    assert first.status_code == 201
    body = first.json()
    assert body["phase"] == "draft" and body["number"].startswith("draft-")
    assert body["form_data"]["applicant_id_number"] == env.w.applicant.id_number  # pre-filled once
    assert body["required_uploads"] == ["父母结婚证", "住院分娩记录", "居民户口簿"]
    assert body["allowed_actions"] == ["submit", "choose_result_mode"]
    again = create(client, env, key="newborn-1")
    assert again.status_code == 200 and again.json()["number"] == body["number"]
    assert BundleCase.objects.count() == 1
    assert create(client, env, key="newborn-2").json()["number"] != body["number"]


def test_each_material_uploaded_once_reaches_every_item_and_a_bad_file_is_refused_alone(client, env):
    draft = create(client, env).json()
    number = draft["number"]
    bad = upload(client, env, number, "住院分娩记录", b"GIF89a not allowed")
    assert bad.status_code == 400 and error(bad)["code"] == "bad_file" and "按文件内容识别" in error(bad)["message"]
    ok = upload(client, env, number, "父母结婚证（复印件）")  # named as one item names it: the same material
    assert ok.status_code == 201 and ok.json()["name"] == "父母结婚证"
    unknown = upload(client, env, number, "房产证")
    assert unknown.status_code == 400 and error(unknown)["field"] == "name"
    missing = act(client, env.w.applicant, number, "submit", revision=draft["revision"])
    assert missing.status_code == 400 and error(missing)["code"] == "materials_missing"
    assert "住院分娩记录" in error(missing)["message"] and "父母结婚证" not in error(missing)["message"]
    upload(client, env, number, "住院分娩记录")
    upload(client, env, number, "居民户口簿")
    r = act(client, env.w.applicant, number, "submit", key="submit-1", revision=draft["revision"])
    assert r.status_code == 200
    body = r.json()
    assert body["phase"] == "submitted" and body["number"].startswith("YJS330681-20260929-")
    assert {c["item"] for c in body["children"]} == {"出生医学证明", "预防接种证", "新生儿入户"}
    registration = next(c for c in body["children"] if c["item"] == "新生儿入户")
    cert = next(c for c in body["children"] if c["item"] == "出生医学证明")
    assert registration["waits_for"] == [cert["implementation"]]
    assert registration["result_as_material"] == "出生医学证明"
    # The retry of the submission (its draft number is gone) answers with the same bundle case.
    again = act(client, env.w.applicant, number, "submit", key="submit-1", revision=draft["revision"])
    assert again.status_code == 200 and again.json()["number"] == body["number"]
    assert Case.objects.filter(bundle_case__number=body["number"]).count() == 3
    kids = Case.objects.filter(bundle_case__number=body["number"])
    marriage = BundleMaterial.objects.get(bundle_case__number=body["number"], name="父母结婚证").sha256
    assert all(k.materials.filter(sha256=marriage).exists() for k in kids)


def test_submit_on_create_is_all_or_nothing(client, env):
    r = create(client, env, key="k", submit=True)
    assert r.status_code == 400 and error(r)["code"] == "materials_missing"
    assert not BundleCase.objects.exists()


def test_form_errors_name_every_field(client, env):
    r = create(client, env, form_data={**FORM, "child_nmae": "x"})
    assert r.status_code == 400
    err = error(r)
    assert err["code"] == "invalid_form" and "child_nmae" in err["fields"]
    draft = create(client, env, form_data={**FORM, "child_birth_date": "昨天", "child_name": ""}).json()
    for name in draft["missing_uploads"]:
        upload(client, env, draft["number"], name)
    r = act(client, env.w.applicant, draft["number"], "submit", revision=draft["revision"])
    assert r.status_code == 400
    fields = error(r)["fields"]
    assert set(fields) == {"child_birth_date", "child_name"}


def test_choosing_items(client, env):
    vacc = env.items["预防接种证"].implementation.code
    r = create(client, env, items=[vacc])
    assert r.status_code == 201 and r.json()["items"] == [vacc]
    assert "住院分娩记录" not in r.json()["required_uploads"]
    bad = create(client, env, items=["NOT-AN-ITEM"])
    assert bad.status_code == 400 and error(bad)["field"] == "items"
    env.items["出生医学证明"].required = True
    env.items["出生医学证明"].save()
    r = create(client, env, items=[vacc])
    assert r.status_code == 400 and "依法须一并办理" in error(r)["message"]
    assert create(client, env, items=[]).status_code == 400


def test_staff_cannot_apply_and_strangers_need_a_token(client, env):
    r = client.post(
        "/api/v1/bundle-cases", {"bundle": env.bundle.code}, content_type="application/json", **auth(env.w.clerk)
    )
    assert r.status_code == 403 and error(r)["code"] == "forbidden"
    r = client.post("/api/v1/bundle-cases", {"bundle": env.bundle.code}, content_type="application/json")
    assert r.status_code == 401 and error(r)["code"] == "unauthenticated"
    r = client.post(
        "/api/v1/bundle-cases", {"bundle": "NOPE"}, content_type="application/json", **auth(env.w.applicant)
    )
    assert r.status_code == 400 and error(r)["field"] == "bundle"


# ---- reading -----------------------------------------------------------------------------------------------


def test_who_sees_a_bundle_case_and_how_much(client, env):
    body = submitted(client, env)
    number = body["number"]
    assert client.get(f"/api/v1/bundle-cases/{number}", **auth(env.w.other_citizen)).status_code == 404
    assert client.get(f"/api/v1/bundle-cases/{number}", **auth(env.w.other_approver)).status_code == 404
    clerk = client.get(f"/api/v1/bundle-cases/{number}", **auth(env.w.clerk)).json()
    assert clerk["applicant"]["id_number"] == env.w.applicant.id_number and clerk["allowed_actions"] == [
        "accept",
        "request_correction",
        "choose_result_mode",
    ]
    env.w.supervisor.division = env.w.centre.division
    env.w.supervisor.save()
    sup = client.get(f"/api/v1/bundle-cases/{number}", **auth(env.w.supervisor)).json()
    assert sup["personal_data_masked"] and "*" in sup["applicant"]["id_number"] and sup["form_data"] is None
    assert sup["query_code"] is None and sup["allowed_actions"] == []
    mine = client.get("/api/v1/bundle-cases", **auth(env.w.applicant)).json()
    assert mine["total"] == 1 and mine["results"][0]["number"] == number
    assert client.get("/api/v1/bundle-cases?phase=closed", **auth(env.w.applicant)).json()["total"] == 0
    # NUL in an address is refused before any view (core/bad_input.py): 400 in the error shape.
    assert (
        client.get("/api/v1/bundle-cases/%00x", **auth(env.w.applicant)).json()["error"]["code"] == "invalid_characters"
    )


# ---- actions -----------------------------------------------------------------------------------------------


def test_accept_refusing_one_item_by_code_with_revisions(client, env):
    body = submitted(client, env)
    number, rev = body["number"], body["revision"]
    assert act(client, env.w.applicant, bundle_holding_all(number), "accept", revision=rev).status_code == 403
    r = act(client, env.w.clerk, bundle_holding_all(number), "accept")
    assert r.status_code == 400 and error(r)["field"] == "revision"
    assert act(client, env.w.clerk, bundle_holding_all(number), "accept", revision=rev - 1).status_code == 409
    vacc = env.items["预防接种证"].implementation.code
    r = act(
        client,
        env.w.clerk,
        number,
        "accept",
        revision=rev,
        refusals=[{"implementation": vacc, "reason": "已在外地接种建卡"}],
    )
    assert r.status_code == 200, r.json()
    body = r.json()
    statuses = {c["item"]: c["status"] for c in body["children"]}
    assert statuses == {"出生医学证明": "in_progress", "预防接种证": "refused", "新生儿入户": "waiting"}
    assert body["phase"] == "in_progress" and body["promised_due"] == "2026-10-12"
    assert body["holdup"]["item"] == "出生医学证明"
    again = act(client, env.w.clerk, bundle_holding_all(number), "accept", revision=body["revision"])
    assert again.status_code == 409 and error(again)["code"] == "transition_not_allowed"


def test_correction_across_items_then_resubmit_and_the_unified_result_desk(
    client, env, django_capture_on_commit_callbacks
):
    body = submitted(client, env)
    number = body["number"]
    r = act(client, env.w.clerk, number, "request_correction", revision=body["revision"], items=[])
    assert r.status_code == 400 and error(r)["field"] == "items"
    r = act(
        client,
        env.w.clerk,
        number,
        "request_correction",
        revision=body["revision"],
        items=["父母结婚证", "出生日期与住院记录不一致"],
    )
    assert r.status_code == 200 and r.json()["phase"] == "correction"
    assert r.json()["correction_items"] == ["父母结婚证", "出生日期与住院记录不一致"]
    assert upload(client, env, number, "父母结婚证", samples.pdf("new")).status_code == 201
    r = act(client, env.w.applicant, number, "resubmit", revision=r.json()["revision"])
    assert r.status_code == 200 and r.json()["phase"] == "submitted"
    r = act(client, env.w.clerk, bundle_holding_all(number), "accept", revision=r.json()["revision"])
    assert r.status_code == 200
    assert upload(client, env, number, "父母结婚证").status_code == 409  # accepted: no more files
    assert (
        act(client, env.w.clerk, number, "issue_results", revision=r.json()["revision"], delivery="window").status_code
        == 409
    )
    bc = BundleCase.objects.get(number=number)
    for name, approver in (("出生医学证明", env.doctor), ("预防接种证", env.doctor), ("新生儿入户", env.w.approver)):
        kid = Case.objects.get(bundle_case=bc, version__name=name)
        s.decide(s.Ctx(approver), kid, True, "符合规定", kid.revision)
    ready = client.get(f"/api/v1/bundle-cases/{number}", **auth(env.w.clerk)).json()
    assert ready["phase"] == "ready" and ready["holdup"] is None
    assert ready["allowed_actions"] == ["issue_results", "choose_result_mode"]
    r = act(client, env.w.clerk, number, "issue_results", revision=ready["revision"])
    assert r.status_code == 400 and error(r)["field"] == "delivery"
    r = act(client, env.w.clerk, number, "issue_results", revision=ready["revision"], delivery="electronic")
    assert r.status_code == 200 and r.json()["phase"] == "closed"
    assert {c["status"] for c in r.json()["children"]} == {"closed"}


def test_results_item_by_item_when_the_applicant_chose_so(client, env, django_capture_on_commit_callbacks):
    body = submitted(client, env, result_mode="separate")
    number = body["number"]
    assert body["result_mode"] == "separate"
    r = act(client, env.w.clerk, bundle_holding_all(number), "accept", revision=body["revision"])
    assert r.status_code == 200
    bc = BundleCase.objects.get(number=number)
    birth = Case.objects.get(bundle_case=bc, version__name="出生医学证明")
    with django_capture_on_commit_callbacks(execute=True):
        s.decide(s.Ctx(env.doctor), birth, True, "符合规定", birth.revision)
    now = client.get(f"/api/v1/bundle-cases/{number}", **auth(env.w.clerk)).json()
    assert now["phase"] == "in_progress" and "issue_results" in now["allowed_actions"]
    r = act(
        client,
        env.w.clerk,
        number,
        "issue_results",
        revision=now["revision"],
        delivery="window",
        cases=["330681-20260929-999999"],
    )
    assert r.status_code == 400 and error(r)["field"] == "cases"
    r = act(
        client, env.w.clerk, number, "issue_results", revision=now["revision"], delivery="window", cases=[birth.number]
    )
    assert r.status_code == 200, r.json()
    statuses = {c["item"]: c["status"] for c in r.json()["children"]}
    assert statuses["出生医学证明"] == "closed" and statuses["预防接种证"] == "in_progress"
    # The applicant changes their mind: the rest together.
    rev = r.json()["revision"]
    r = act(client, env.w.applicant, number, "choose_result_mode", revision=rev)
    assert r.status_code == 400 and error(r)["field"] == "result_mode"
    r = act(client, env.w.applicant, number, "choose_result_mode", revision=rev, result_mode="together")
    assert r.status_code == 200 and r.json()["result_mode"] == "together"
    assert "issue_results" not in r.json()["allowed_actions"]


def test_bad_bodies_answer_400_never_500(client, env):
    body = submitted(client, env)
    number = body["number"]
    for payload in (
        {"revision": "x"},
        {"revision": -1},
        {"revision": body["revision"], "delivery": "drone"},
        {"revision": body["revision"], "refusals": [{"implementation": "", "reason": ""}]},
        {"revision": body["revision"], "items": ["a\x00b"]},
    ):
        r = act(client, env.w.clerk, bundle_holding_all(number), "accept", **payload)
        assert r.status_code == 400, (payload, r.content)
        assert error(r)["code"] == "invalid"
    r = act(
        client,
        env.w.clerk,
        number,
        "accept",
        revision=body["revision"],
        refusals=[{"implementation": "NOT-MINE", "reason": "x"}],
    )
    assert r.status_code == 400 and error(r)["field"] == "refusals"
    r = act(client, env.w.clerk, number, "fly", revision=body["revision"])
    assert r.status_code in (400, 404) and "error" in r.json()
    r = client.post("/api/v1/bundle-cases", "{", content_type="application/json", **auth(env.w.applicant))
    assert r.status_code == 400 and "error" in r.json()
    r = create(client, env, key="bad key with spaces")
    assert r.status_code == 400 and error(r)["field"] == "Idempotency-Key"


# ---- indicators ---------------------------------------------------------------------------------------------


def test_indicators_over_a_period(client, env):
    submitted(client, env)
    submitted(
        client, env, items=[env.items["预防接种证"].implementation.code, env.items["出生医学证明"].implementation.code]
    )
    r = client.get(f"/api/v1/bundles/{env.bundle.code}/indicators")
    assert r.status_code == 200
    body = r.json()
    assert body["bundle_cases"] == 2 and body["items_per_case"] == 2.5
    assert body["forms_saved"] == (3 - 1) + (2 - 1)
    assert body["average_days_to_last_result"] is None  # nothing decided yet
    today = timezone.localdate().isoformat()
    assert (
        client.get(f"/api/v1/bundles/{env.bundle.code}/indicators?start=2020-01-01&end=2020-12-31").json()[
            "bundle_cases"
        ]
        == 0
    )
    assert (
        client.get(f"/api/v1/bundles/{env.bundle.code}/indicators?start={today}&end={today}").json()["bundle_cases"]
        == 2
    )
    r = client.get(f"/api/v1/bundles/{env.bundle.code}/indicators?start=2026-12-01&end=2026-01-01")
    assert r.status_code == 400 and error(r)["field"] == "start"
    r = client.get(f"/api/v1/bundles/{env.bundle.code}/indicators?start=yesterday")
    assert r.status_code == 400 and error(r)["field"] == "start"
    assert client.get("/api/v1/bundles/NOPE/indicators").status_code == 404


def test_the_public_progress_api_answers_a_bundles_one_number_and_code(client, env):
    from django.core.cache import cache

    cache.clear()  # the lookup's rate limit counts per address and minute
    body = submitted(client, env)
    bc = BundleCase.objects.get(number=body["number"])
    r = client.get("/api/v1/progress", {"number": bc.number, "code": bc.query_code.lower()})
    assert r.status_code == 200, r.content
    progress = r.json()
    assert progress["kind"] == "bundle" and progress["item"] == "新生儿出生一件事"
    assert progress["status"] == "submitted" and len(progress["items"]) == 3
    assert {i["department"] for i in progress["items"]} == {"诸暨市卫生健康局", "诸暨市公安局"}
    assert "张三" not in r.content.decode() and env.w.applicant.id_number not in r.content.decode()
    wrong = client.get("/api/v1/progress", {"number": bc.number, "code": "WRONG1"})
    assert wrong.status_code == 404 and error(wrong)["code"] == "not_found"
    child = bc.children.first()
    assert child is not None
    # A child's own number and code still answer as a case (staff and old notices use them).
    assert client.get("/api/v1/progress", {"number": child.number, "code": child.query_code}).json()["kind"] == "case"
