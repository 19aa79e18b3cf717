"""The case API (/api/v1): tokens, applying with an idempotency key, reading, queues, every action, public
progress, the audit of personal-data reads, and never a 500 for odd input."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import threading
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from tongban.accounts.models import ApiToken
from tongban.accounts.tests.factories import WindowClerkFactory
from tongban.accounts.tokens import issue_token, purge_expired, revoke_all
from tongban.audit.models import AuditEntry
from tongban.audit.services import verify
from tongban.cases import api as case_api
from tongban.cases import services
from tongban.cases.models import Case, CaseEvent, IdempotencyKey, SupervisionNotice
from tongban.cases.services import idempotency
from tongban.cases.tests.factories import PASSWORD, PNG, TODAY, Api, World, form, holding_all, world
from tongban.core import clock
from tongban.core.models import RateCounter

pytestmark = pytest.mark.django_db


def error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message", "field"} <= set(body["error"]) <= {"code", "message", "field", "fields"}, body
    return body["error"]


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.content.decode()
    return response.json()


def chinese(message: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", message))


@pytest.fixture
def w(monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return world()


@pytest.fixture
def apis(client: Client, w: World) -> dict[str, Api]:
    return {
        name: Api(client, getattr(w, name))
        for name in ("applicant", "other_citizen", "clerk", "approver", "other_approver", "head", "supervisor")
    }


# --- tokens ----------------------------------------------------------------------------------------------


def test_a_token_for_username_and_password_is_stored_hashed_and_works(client: Client, w: World) -> None:
    body = ok(
        client.post(
            "/api/v1/auth/token", {"username": "zhangsan", "password": PASSWORD}, content_type="application/json"
        )
    )
    raw = body["token"]
    assert body["token_type"] == "Bearer" and len(raw) >= 40
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert dt.timedelta(hours=7, minutes=59) < expires - timezone.now() <= dt.timedelta(hours=8)
    stored = ApiToken.objects.get(user=w.applicant)
    assert stored.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert not ApiToken.objects.filter(key_hash=raw).exists()
    assert stored.last_used_at is None
    response = client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and response.json()["bucket"] == "mine"
    stored.refresh_from_db()
    assert stored.last_used_at is not None
    assert AuditEntry.objects.filter(action="auth.token", object_id=str(w.applicant.pk)).count() == 1


def test_a_bad_login_answers_401_in_chinese_and_locks_the_account_after_five(client: Client, w: World) -> None:
    def login(password: str) -> Any:
        return client.post(
            "/api/v1/auth/token", {"username": "zhangsan", "password": password}, content_type="application/json"
        )

    response = login("wrong")
    assert response.status_code == 401
    assert error(response)["code"] == "invalid_credentials" and "用户名或密码不正确" in error(response)["message"]
    for _ in range(3):
        assert login("wrong").status_code == 401
    response = login("wrong")  # the fifth failure locks
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert error(response)["code"] == "locked" and "锁定" in error(response)["message"]
    response = login(PASSWORD)  # even the right password, while locked
    assert response.status_code == 429 and "30分钟" in error(response)["message"]
    assert not ApiToken.objects.exists()


def test_unknown_users_and_missing_fields(client: Client, w: World) -> None:
    response = client.post(
        "/api/v1/auth/token", {"username": "nobody", "password": "x"}, content_type="application/json"
    )
    assert response.status_code == 401
    response = client.post("/api/v1/auth/token", {"username": "zhangsan"}, content_type="application/json")
    assert response.status_code == 400 and error(response)["field"].endswith("password")


def test_demo_accounts_are_refused_outside_demo_mode(client: Client, w: World, settings: Any) -> None:
    demo = WindowClerkFactory(username="demo_clerk", is_demo=True, service_centre=w.centre)
    response = client.post(
        "/api/v1/auth/token", {"username": "demo_clerk", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 403 and error(response)["code"] == "demo_account"
    # A token issued while demo mode was on stops working once it is off.
    raw, _ = issue_token(demo)
    assert client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    settings.DEMO_MODE = True
    assert client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_missing_expired_revoked_and_forged_tokens_answer_401(client: Client, w: World) -> None:
    assert error(client.get("/api/v1/cases"))["code"] == "unauthenticated"
    raw, token = issue_token(w.clerk)
    auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/cases", **auth).status_code == 200
    for forged in [raw[:-1] + ("A" if raw[-1] != "A" else "B"), token.key_hash, "x" * 5000, "Basic abc"]:
        assert client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {forged}").status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/cases", **auth).status_code == 401
    assert purge_expired(timezone.now()) == 1

    raw, _ = issue_token(w.clerk)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.delete("/api/v1/auth/token", **auth).status_code == 204
    assert client.get("/api/v1/cases", **auth).status_code == 401
    raw, _ = issue_token(w.clerk)
    assert revoke_all(w.clerk) == 1
    assert client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    w.clerk.is_active = False
    w.clerk.save()
    raw, _ = issue_token(w.clerk)
    assert client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


# --- applying --------------------------------------------------------------------------------------------


def test_apply_as_draft_then_submit_with_a_receipt(apis: dict[str, Api], w: World) -> None:
    api = apis["applicant"]
    draft = ok(api.apply(w, submit=False), 201)
    assert draft["status"] == "draft" and draft["number"].startswith("draft-")
    assert {a["action"] for a in draft["allowed_actions"]} == {"save_draft", "submit", "withdraw"}
    saved = ok(api.act(draft, "save_draft", form_data={"child_name": "张大宝"}))
    assert saved["revision"] == draft["revision"] + 1
    submitted = ok(api.post(f"/cases/{draft['number']}/submit", {"revision": saved["revision"]}))
    assert re.fullmatch(r"330681-20260929-\d{6}", submitted["number"])
    assert submitted["status"] == "submitted" and re.fullmatch(r"[2-9A-Z]{6}", submitted["query_code"])
    assert Case.objects.get(number=submitted["number"]).form_data["child_name"] == "张大宝"
    # The old draft number is gone.
    assert api.get(f"/cases/{draft['number']}").status_code == 404


def test_the_same_idempotency_key_never_makes_a_second_case(apis: dict[str, Api], w: World) -> None:
    api = apis["applicant"]
    first = ok(api.apply(w, key="order-7781"), 201)
    again = ok(api.apply(w, key="order-7781"), 200)
    assert again["number"] == first["number"]
    assert Case.objects.count() == 1
    # A draft retried is the same draft, too.
    draft = ok(api.apply(w, submit=False, key="draft-1"), 201)
    assert ok(api.apply(w, submit=False, key="draft-1"), 200)["number"] == draft["number"]
    assert Case.objects.count() == 2
    # Keys belong to their user: another citizen's identical key makes their own case.
    mine: dict[str, Any] = {
        "applicant_id_number": w.other_citizen.id_number,
        "applicant_name": w.other_citizen.real_name,
    }
    other = ok(apis["other_citizen"].apply(w, key="order-7781", **mine), 201)
    assert other["number"] != first["number"] and Case.objects.count() == 3
    # Without a key, every request is a new application.
    ok(api.apply(w), 201)
    assert Case.objects.count() == 4
    response = api.apply(w, key="bad key with spaces")
    assert response.status_code == 400 and error(response)["field"] == "Idempotency-Key"


def test_a_race_on_the_same_key_answers_with_the_case_the_winner_made(
    apis: dict[str, Api], w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = apis["applicant"]
    winner = ok(api.apply(w, key="race-1"), 201)
    # The loser looked for the key before the winner committed: its own record of the key, the last statement
    # of its transaction, then meets the unique key; its work rolls back and it answers with the winner's case.
    real = idempotency.replayed
    calls: list[str | None] = []

    def first_misses(ctx: Any, key: str | None) -> Any:
        calls.append(key)
        return None if len(calls) == 1 else real(ctx, key)

    monkeypatch.setattr(idempotency, "replayed", first_misses)
    events = CaseEvent.objects.count()
    loser = ok(api.apply(w, key="race-1"), 200)
    assert len(calls) == 2 and loser["number"] == winner["number"]
    assert Case.objects.count() == 1 and CaseEvent.objects.count() == events  # its draft was rolled back
    assert IdempotencyKey.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="concurrent writers need PostgreSQL")
def test_two_concurrent_requests_with_the_same_key_make_one_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    w = world()
    raw, _ = issue_token(w.applicant)
    barrier = threading.Barrier(4)
    results: list[tuple[int, str]] = []

    def post() -> None:
        try:
            barrier.wait()
            response = Client().post(
                "/api/v1/cases",
                json.dumps({"implementation": w.version.implementation.code, "form_data": form(w), "submit": True}),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {raw}",
                HTTP_IDEMPOTENCY_KEY="same-key",
            )
            results.append((response.status_code, response.json().get("number", "")))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(s for s, _ in results) == [200, 200, 200, 201], results
    assert len({n for _, n in results}) == 1
    assert Case.objects.count() == 1


def test_form_errors_list_every_field(apis: dict[str, Api], w: World) -> None:
    api = apis["applicant"]
    response = api.apply(w, child_name="", child_birth_date="2026-13-45")
    assert response.status_code == 400
    err = error(response)
    assert err["code"] == "invalid_form" and err["field"] in {"child_name", "child_birth_date"}
    assert set(err["fields"]) == {"child_name", "child_birth_date"}
    assert all(chinese(m) for m in err["fields"].values())
    assert not Case.objects.exists()  # the failed request left no draft behind
    response = api.apply(w, child_nmae="张小宝")
    assert response.status_code == 400 and error(response)["fields"] == {
        "child_nmae": "该事项的申请表中没有“child_nmae”一项"
    }
    response = api.post("/cases", {"implementation": "no-such-item", "form_data": {}})
    assert response.status_code == 400 and error(response)["field"] == "implementation"
    # Staff do not apply online.
    response = apis["clerk"].apply(w)
    assert response.status_code == 403


def test_materials_are_checked_by_content(apis: dict[str, Api], w: World) -> None:
    api = apis["applicant"]
    draft = ok(api.apply(w, submit=False), 201)
    material = ok(api.upload(draft["number"], "结婚证", "photo.jpg", PNG), 201)
    assert material["content_type"] == "image/png" and material["sha256"] == hashlib.sha256(PNG).hexdigest()
    response = api.upload(draft["number"], "结婚证", "fake.pdf", b"MZ\x90\x00 not a pdf")
    assert response.status_code == 400
    err = error(response)
    assert err["code"] == "bad_file" and err["field"] == "file" and "fake.pdf" in err["message"]
    response = api.upload(draft["number"], "不存在的材料", "a.png", PNG)
    assert response.status_code == 400 and error(response)["code"] == "unknown_material"
    response = api.upload(draft["number"], "", "a.png", PNG)
    assert response.status_code == 400 and error(response)["field"] == "name"
    response = api.client.post(f"/api/v1/cases/{draft['number']}/materials", {"name": "结婚证"}, **api.headers)
    assert response.status_code == 400 and error(response)["field"] == "file"
    # The good file is still there.
    detail = ok(api.get(f"/cases/{draft['number']}"))
    assert [m["name"] for m in detail["materials"]] == ["结婚证"]
    assert apis["other_citizen"].upload(draft["number"], "结婚证", "a.png", PNG).status_code == 404


# --- the whole path through the API ----------------------------------------------------------------------


def test_online_case_from_application_to_result(
    apis: dict[str, Api], w: World, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    citizen, clerk, approver, head = apis["applicant"], apis["clerk"], apis["approver"], apis["head"]
    with django_capture_on_commit_callbacks(execute=True):
        case = ok(citizen.apply(w), 201)
        queue = ok(clerk.get("/cases", {"bucket": "to_accept"}))
        assert [r["number"] for r in queue["results"]] == [case["number"]]
        # 结婚证 (容缺后补) is not held yet: no plain acceptance, only 容缺受理 with a commitment.
        assert {a["action"] for a in ok(clerk.get(f"/cases/{case['number']}"))["allowed_actions"]} == {
            "accept_deferred",
            "request_correction",
            "refuse",
            "record_visit",
        }
        case = ok(clerk.act(holding_all(case), "accept"))
        assert case["status"] == "in_progress" and case["promised_due"] == "2026-10-12"
        assert case["statutory_due"] == "2026-11-02" and case["deadline_colour"] == "green"
        assert ok(approver.get("/cases", {"bucket": "to_review"}))["total"] == 1
        case = ok(approver.act(case, "suspend", step_name="专家评审", reason="需组织专家评审"))
        assert case["status"] == "suspended" and case["deadline_colour"] == "paused"
        response = approver.act(case, "suspend", step_name="听证", reason="x")
        assert response.status_code == 409  # already suspended
        case = ok(approver.act(case, "resume", reason="评审完成"))
        case = ok(head.act(case, "extend", reason="情况复杂"))
        assert case["promised_due"] > "2026-10-12"
        response = head.act(case, "extend", reason="再延")
        assert response.status_code == 409 and "已延期" in error(response)["message"]
        response = approver.act(case, "grant", reason="符合条件")
        assert response.status_code == 409
        case = ok(approver.act(case, "complete_step", opinion="材料齐全，符合规定"))
        assert {a["action"] for a in case["allowed_actions"]} >= {"grant", "deny"}
        assert "complete_step" not in {a["action"] for a in case["allowed_actions"]}
        response = approver.act(case, "decide", reason="x")
        assert response.status_code == 400 and error(response)["field"] == "grant"
        case = ok(approver.act(case, "decide", grant=True, reason="符合《户口登记条例》第七条"))
        assert case["status"] == "decided"
        assert ok(clerk.get("/cases", {"bucket": "result_desk"}))["total"] == 1
        response = clerk.act(case, "issue_result")
        assert response.status_code == 400 and error(response)["field"] == "delivery"
        case = ok(clerk.act(case, "issue_result", delivery="window"))
        assert case["status"] == "closed" and case["allowed_actions"] == [
            {"action": "record_visit", "label": "现场到访"}
        ]
    detail = ok(citizen.get(f"/cases/{case['number']}"))
    assert [e["action"] for e in detail["timeline"]] == [
        "submit",
        "accept",
        "suspend",
        "resume",
        "extend",
        "complete_step",
        "grant",
        "issue_result",
    ]
    # The applicant sees who acted by role, as on the pages (staff see names).
    assert detail["timeline"][2]["step_name"] == "专家评审" and detail["timeline"][2]["actor"] == "审批人员"
    assert detail["decision"] == "granted" and detail["result_delivery"] == "window"
    call_command("audit", "verify")
    assert verify()[1] is None
    actions = set(AuditEntry.objects.filter(object_id=case["number"]).values_list("action", flat=True))
    assert {"case.submit", "case.accept", "case.suspend", "case.grant", "case.issue_result", "case.view"} <= actions


def test_deferred_acceptance_correction_and_refusal(apis: dict[str, Api], w: World) -> None:
    citizen, clerk, approver = apis["applicant"], apis["clerk"], apis["approver"]
    case = ok(citizen.apply(w), 201)
    due = (TODAY + dt.timedelta(days=5)).isoformat()
    response = clerk.act(case, "accept_deferred")
    assert response.status_code == 400 and error(response)["field"] == "deferrals"
    response = clerk.act(case, "accept", deferrals=[{"material": "居民身份证", "due": due, "commitment": "承诺"}])
    assert response.status_code == 400 and "必要材料" in error(response)["message"]
    case = ok(
        clerk.act(
            case,
            "accept_deferred",
            deferrals=[{"material": "结婚证", "due": due, "commitment": "本人承诺5日内补交结婚证"}],
        )
    )
    detail = ok(clerk.get(f"/cases/{case['number']}"))
    assert detail["deferred"] and {"supply_deferred"} <= {a["action"] for a in detail["allowed_actions"]}
    assert [m["state"] for m in detail["materials"] if m["name"] == "结婚证"] == ["deferred"]
    response = clerk.act(case, "supply_deferred")
    assert response.status_code == 400 and error(response)["field"] == "material"
    case = ok(clerk.act(case, "supply_deferred", material="结婚证"))
    case = ok(approver.act(case, "return_for_correction", items=["结婚证复印件不清晰"], reason="材料不清"))
    assert case["status"] == "returned"
    case = ok(citizen.act(case, "supply_correction"))
    assert case["status"] == "in_progress"
    case = ok(approver.act(case, "complete_step", opinion="同意"))
    case = ok(approver.act(case, "deny", reason="不符合《户口登记条例》第七条规定的条件"))
    response = clerk.act(case, "issue_result", delivery="post")
    assert response.status_code == 400 and error(response)["field"] == "address"  # the form has no address
    case = ok(clerk.act(case, "issue_result", delivery="post", address="浙江省诸暨市暨阳街道人民路1号"))
    assert case["status"] == "closed"
    event = CaseEvent.objects.filter(case__number=case["number"], action="issue_result").get()
    assert event.data["shipment"] and event.data["address"] == "浙江省诸暨市暨阳街道人民路1号"

    second = ok(citizen.apply(w), 201)
    response = clerk.act(second, "request_correction", items=[])
    assert response.status_code == 400 and "一次性" in error(response)["message"]
    second = ok(clerk.act(second, "request_correction", items=["出生医学证明照片不清晰", "缺少父亲签字"]))
    assert second["status"] == "correction"
    second = ok(citizen.act(second, "resubmit"))
    response = clerk.act(second, "refuse", reason="")
    assert response.status_code == 400 and error(response)["field"] == "reason"
    second = ok(clerk.act(second, "refuse", reason="不属于本机关职权范围"))
    assert second["status"] == "refused"

    third = ok(citizen.apply(w), 201)
    third = ok(citizen.act(third, "withdraw", reason="不再需要"))
    assert third["status"] == "withdrawn"
    assert verify()[1] is None


def test_conflicts_permissions_and_unknown_actions(apis: dict[str, Api], w: World) -> None:
    citizen, clerk = apis["applicant"], apis["clerk"]
    case = ok(citizen.apply(w), 201)
    seen = case["revision"]
    ok(clerk.act(holding_all(case), "accept", revision=seen))
    # Another member of staff acted on what they saw before: a clear conflict, nothing lost.
    response = clerk.act(case, "refuse", revision=seen, reason="重复")
    assert response.status_code == 409
    err = error(response)
    assert err["code"] == "stale_revision" and "已被他人处理" in err["message"] and err["field"] == "revision"
    assert Case.objects.get(number=case["number"]).status == "in_progress"
    current = ok(clerk.get(f"/cases/{case['number']}"))
    response = clerk.act(holding_all(current), "accept")
    assert response.status_code == 409 and error(response)["code"] == "transition_not_allowed"
    assert "不能执行" in error(response)["message"]
    # Visible but not theirs to do: the supervisor of this jurisdiction cannot decide.
    response = apis["supervisor"].act(current, "grant", reason="x")
    assert response.status_code == 403 and chinese(error(response)["message"])
    response = clerk.act(current, "fly_away")
    assert response.status_code == 400 and error(response)["field"] == "action"
    response = clerk.post(f"/cases/{case['number']}/actions/accept", {})
    assert response.status_code == 400 and error(response)["field"] == "revision"
    # Two staff at once on the same revision: one wins, one is told.
    two = ok(citizen.apply(w), 201)
    two = ok(clerk.act(holding_all(two), "accept"))
    first = apis["approver"].act(two, "complete_step", opinion="同意")
    second = apis["head"].act(two, "complete_step", opinion="同意")
    assert (first.status_code, second.status_code) == (200, 409)
    assert CaseEvent.objects.filter(case__number=two["number"], action="complete_step").count() == 1


def test_supervision_notice_and_board(apis: dict[str, Api], w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    citizen, clerk, supervisor = apis["applicant"], apis["clerk"], apis["supervisor"]
    case = ok(clerk.act(holding_all(ok(citizen.apply(w), 201)), "accept"))
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 10, 9))  # two working days left: yellow
    assert ok(clerk.get(f"/cases/{case['number']}"))["deadline"]["colour"] == "yellow"
    board = ok(supervisor.get("/supervision", {"bucket": "due_soon"}))
    assert [r["number"] for r in board["results"]] == [case["number"]]
    row = board["results"][0]
    assert row["applicant_name"] == "张*" and "*" in row["applicant_id_number"] and "*" in row["applicant_phone"]
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 10, 13))
    board = ok(supervisor.get("/supervision"))
    assert board["bucket"] == "overdue" and board["results"][0]["deadline_colour"] == "red"
    response = supervisor.act(case, "supervise", message="请加快办理")
    assert ok(response)["number"] == case["number"]
    notice = SupervisionNotice.objects.get(case__number=case["number"])
    assert notice.message == "请加快办理" and notice.department == w.police
    detail = ok(apis["approver"].get(f"/cases/{case['number']}"))
    assert detail["supervision"][0]["message"] == "请加快办理"
    # The applicant sees their timeline without the internal supervision entry.
    assert "supervise" not in [e["action"] for e in ok(citizen.get(f"/cases/{case['number']}"))["timeline"]]
    assert clerk.get("/supervision").status_code == 403


# --- reading and personal data ---------------------------------------------------------------------------


def test_staff_detail_shows_personal_data_and_is_audited(apis: dict[str, Api], w: World) -> None:
    resident_id = str(w.applicant.id_number)
    case = ok(apis["applicant"].apply(w), 201)
    before = AuditEntry.objects.filter(action="case.view").count()
    detail = ok(apis["clerk"].get(f"/cases/{case['number']}"))
    assert detail["applicant"]["id_number"] == resident_id and not detail["personal_data_masked"]
    assert detail["form_data"]["child_name"] == "张小宝"
    entry = AuditEntry.objects.filter(action="case.view").latest("id")
    assert AuditEntry.objects.filter(action="case.view").count() == before + 1
    assert (entry.object_id, entry.actor_id) == (case["number"], w.clerk.pk)
    assert entry.ip == "127.0.0.1"
    ok(apis["approver"].get(f"/cases/{case['number']}"))
    assert AuditEntry.objects.filter(action="case.view").count() == before + 2
    assert verify()[1] is None


def test_supervisors_see_masked_data_and_no_form(apis: dict[str, Api], w: World) -> None:
    resident_id = str(w.applicant.id_number)
    case = ok(apis["applicant"].apply(w), 201)
    before = AuditEntry.objects.filter(action="case.view").count()
    detail = ok(apis["supervisor"].get(f"/cases/{case['number']}"))
    assert detail["personal_data_masked"] and detail["form_data"] is None and detail["query_code"] is None
    assert detail["applicant"]["id_number"] == "3306**********" + resident_id[-4:]
    assert detail["applicant"]["phone"] == "138****0001" and detail["applicant"]["name"] == "张*"
    assert resident_id not in json.dumps(detail, ensure_ascii=False)
    assert AuditEntry.objects.filter(action="case.view").count() == before
    assert detail["allowed_actions"] == [{"action": "supervise", "label": "督办"}]


def test_lists_mask_resident_id_and_phone(apis: dict[str, Api], w: World) -> None:
    resident_id = str(w.applicant.id_number)
    case = ok(apis["applicant"].apply(w), 201)
    ok(apis["applicant"].apply(w, submit=False), 201)
    for api, bucket in [(apis["clerk"], "to_accept"), (apis["applicant"], "mine"), (apis["clerk"], None)]:
        page = ok(api.get("/cases", {"bucket": bucket} if bucket else {}))
        assert [r["number"] for r in page["results"]] == [case["number"]]
        text = json.dumps(page, ensure_ascii=False)
        assert resident_id not in text and "13800000001" not in text
        assert page["results"][0]["applicant_id_number"] == "3306**********" + resident_id[-4:]
    drafts = ok(apis["applicant"].get("/cases", {"bucket": "drafts"}))
    assert drafts["total"] == 1 and drafts["results"][0]["status"] == "draft"
    # Queues are scoped: another department's approver and another citizen see nothing.
    assert ok(apis["other_approver"].get("/cases", {"bucket": "to_accept"}))["total"] == 0
    assert ok(apis["other_citizen"].get("/cases"))["total"] == 0
    page = ok(apis["clerk"].get("/cases", {"bucket": "to_accept", "limit": 1, "offset": 1}))
    assert page["total"] == 1 and page["results"] == []


# --- public progress -------------------------------------------------------------------------------------


def test_public_progress_without_personal_data(client: Client, apis: dict[str, Api], w: World) -> None:
    resident_id = str(w.applicant.id_number)
    case = ok(apis["applicant"].apply(w), 201)
    ok(apis["clerk"].act(holding_all(case), "accept"))
    public = Api(client)
    body = ok(public.get("/progress", {"number": case["number"], "code": case["query_code"].lower()}))
    assert body["status"] == "in_progress" and body["item"] == "新生儿入户"
    assert [e["label"] for e in body["events"]] == ["提交申请", "受理"]
    text = json.dumps(body, ensure_ascii=False)
    for secret in (resident_id, "13800000001", "张三", "张小宝", "审批李", "窗口王"):
        assert secret not in text
    wrong_code = public.get("/progress", {"number": case["number"], "code": "ZZZZZZ"})
    no_case = public.get("/progress", {"number": "330681-20260929-999999", "code": case["query_code"]})
    assert wrong_code.status_code == no_case.status_code == 404
    assert error(wrong_code) == error(no_case)
    assert public.get("/progress", {"number": case["number"]}).status_code == 400


def test_public_progress_is_rate_limited(client: Client, w: World, settings: Any) -> None:
    settings.TONGBAN_PROGRESS_RATE_LIMIT = 3
    public = Api(client)
    codes = [
        public.get("/progress", {"number": "330681-20260929-000001", "code": "ABCDEF"}).status_code for _ in range(4)
    ]
    assert codes == [404, 404, 404, 429]


# --- odd input never causes a 500 ------------------------------------------------------------------------

ODD: list[Any] = [
    None,
    "",
    " ",
    "x" * 6000,
    "\x00",
    "a\x00b",
    "\ud800",
    "😀",
    -1,
    0,
    2**70,
    1.5,
    True,
    [],
    {},
    [[[]]],
    {"a": {"b": [1]}},
    "2026-13-45",
    "'; DROP TABLE cases_case; --",
    "\u202e",
    "\t\n",
]
ODD_QUERY = [
    "",
    " ",
    "-1",
    "0",
    "1.5",
    "1e309",
    "NaN",
    "abc",
    "true",
    "null",
    "[]",
    "9" * 40,
    "x" * 5000,
    "\x00",
    "a\x00b",
    "😀",
    "%",
    "'; DROP TABLE cases_case; --",
    "../../etc/passwd",
    "mine",
    "overdue",
]


def _ops(prefixes: tuple[str, ...]) -> list[tuple[str, str, dict]]:
    schema = Client().get("/api/v1/openapi.json").json()  # the document the deployment serves
    return [
        (path, method, op)
        for path, methods in schema["paths"].items()
        for method, op in methods.items()
        if path.startswith(prefixes)
    ]


CASE_PATHS = ("/api/v1/cases", "/api/v1/supervision", "/api/v1/progress", "/api/v1/auth")


def test_every_case_endpoint_is_in_the_openapi_document_with_bearer_auth() -> None:
    ops = {(p, m) for p, m, _ in _ops(CASE_PATHS)}
    assert ops >= {
        ("/api/v1/auth/token", "post"),
        ("/api/v1/cases", "post"),
        ("/api/v1/cases", "get"),
        ("/api/v1/cases/{number}", "get"),
        ("/api/v1/cases/{number}/submit", "post"),
        ("/api/v1/cases/{number}/materials", "post"),
        ("/api/v1/cases/{number}/actions/{action}", "post"),
        ("/api/v1/supervision", "get"),
        ("/api/v1/progress", "get"),
    }
    for path, method, op in _ops(CASE_PATHS):
        public = (path, method) in {("/api/v1/auth/token", "post"), ("/api/v1/progress", "get")}
        assert bool(op.get("security")) is not public, (path, method)
    by_path = {(p, m): o for p, m, o in _ops(CASE_PATHS)}
    params = by_path[("/api/v1/cases", "post")]["parameters"]
    assert [p["name"] for p in params if p["in"] == "header"] == ["Idempotency-Key"]


def test_odd_get_parameters_never_cause_a_500(apis: dict[str, Api], w: World) -> None:
    case = ok(apis["applicant"].apply(w), 201)
    checked = 0
    for api in (apis["approver"], apis["supervisor"], apis["applicant"]):
        for path, method, op in _ops(CASE_PATHS):
            if method != "get":
                continue
            local = path.removeprefix("/api/v1")
            names = [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]
            for value in ["x", "0", "draft-", "9" * 300, "a%00b", case["number"]]:
                target = local.replace("{number}", value)
                response = api.get(target)
                assert response.status_code < 500, (target, response.content[:300])
                if response.status_code >= 400:
                    error(response)
                checked += 1
                if "{number}" not in local:
                    break
            base = local.replace("{number}", case["number"])
            for name in names:
                for value in ODD_QUERY:
                    response = api.get(base, {name: value, **({"code": "ABC"} if name == "number" else {})})
                    assert response.status_code < 500, (base, name, repr(value), response.content[:300])
                    if response.status_code >= 400:
                        err = error(response)
                        if err["code"] == "invalid":
                            assert err["field"] in names, (base, name, value, err)
                    checked += 1
        RateCounter.objects.all().delete()  # the progress lookup's rate limit, counted in the database
    assert checked > 300


STALE = 99  # a valid body with a stale revision changes nothing


def _odd_bodies(fields: list[str]) -> list[Any]:
    bodies: list[Any] = [None, [], "", 1, "x", {"revision": str(STALE)}]
    for name in fields:
        bodies.extend({name: value} for value in ODD)
        bodies.extend({"revision": STALE, name: value} for value in ODD)
    bodies.append({"deferrals": [{"material": "结婚证", "due": "9999-12-31", "commitment": "x"}], "revision": STALE})
    bodies.append({"deferrals": [{"material": "结婚证", "due": "0001-01-01", "commitment": "x"}], "revision": STALE})
    bodies.extend({"form_data": {"child_name": value}, "revision": 0} for value in ODD)
    bodies.extend({"form_data": {key: "x"}, "revision": 0} for key in ("", "A", "x" * 100, "\x00", "😀", "1a"))
    return bodies


def test_odd_post_bodies_never_cause_a_500(apis: dict[str, Api], w: World) -> None:
    citizen, clerk = apis["applicant"], apis["clerk"]
    draft = ok(citizen.apply(w, submit=False), 201)
    # Saved, then submitted: at revision 1, so the odd bodies' revision 0 is stale wherever it is accepted.
    second = ok(citizen.apply(w, submit=False), 201)
    submitted = ok(citizen.post(f"/cases/{second['number']}/submit", {"revision": second["revision"]}))
    action_fields = list(case_api.schemas.CaseActionIn.model_fields)
    raws: list[str | bytes] = [
        "[" * 50000,
        "not json",
        "{",
        b"\xff\xfe",
        '{"revision": 1e309}',
        '{"revision": NaN}',
        '{"reason": "\\ud800"}',
        '{"reason": "a\\u0000b", "revision": 1}',
        '{"revision": 1, "revision": 2}',
    ]
    targets = [
        (citizen, "/cases", ["implementation", "form_data", "submit"]),
        (citizen, f"/cases/{draft['number']}/submit", ["revision"]),
        (citizen, f"/cases/{draft['number']}/actions/save_draft", ["form_data"]),
        (clerk, f"/cases/{submitted['number']}/actions/accept", ["deferrals", "reason", "items"]),
        (clerk, f"/cases/{submitted['number']}/actions/accept_deferred", ["deferrals"]),
        (clerk, f"/cases/{submitted['number']}/actions/request_correction", ["items", "reason"]),
        (clerk, f"/cases/{submitted['number']}/actions/refuse", ["reason"]),
        (apis["approver"], f"/cases/{submitted['number']}/actions/decide", action_fields),
        (apis["supervisor"], f"/cases/{submitted['number']}/actions/supervise", ["message", "revision"]),
        (Api(citizen.client), "/auth/token", ["username", "password"]),
    ]
    checked = 0
    for api, path, fields in targets:
        for body in _odd_bodies(fields):
            response = api.post(path, body)
            assert response.status_code < 500, (path, body, response.content[:300])
            if response.status_code >= 400:
                error(response)
            checked += 1
        for raw in raws:
            response = api.post(path, raw=raw)
            assert response.status_code < 500, (path, raw[:20], response.content[:300])
            error(response)
            checked += 1
        for header in ["", " ", "x" * 81, "\x00", "ключ", "a b"]:
            response = api.post(path, {"revision": 0}, HTTP_IDEMPOTENCY_KEY=header)
            assert response.status_code < 500, (path, repr(header), response.content[:300])
            checked += 1
    for name, filename, content in [
        ("", "a.png", PNG),
        ("结婚证", "noext", PNG),
        ("结婚证", "a.png", b""),
        ("\x00", "a.png", PNG),
        ("x" * 500, "a.png", PNG),
        ("结婚证", "\x00.png", b"%PDF-"),
    ]:
        response = citizen.upload(draft["number"], name, filename, content)
        assert response.status_code < 500, (name, filename, response.content[:300])
        checked += 1
    assert checked > 1000
    # Nothing the fuzzing sent changed the submitted case.
    assert Case.objects.get(number=submitted["number"]).status == "submitted"
    assert verify()[1] is None


def test_lists_and_detail_take_a_bounded_number_of_queries(apis: dict[str, Api], w: World) -> None:
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    def count(api: Api, path: str, params: dict | None = None) -> int:
        with CaptureQueriesContext(conn) as ctx:
            ok(api.get(path, params))
        return len(ctx.captured_queries)

    first = ok(apis["applicant"].apply(w), 201)
    ok(apis["clerk"].act(holding_all(first), "accept"))
    for api in apis.values():
        api.get("/cases")  # the first use of a token records it (one UPDATE); measure after that
    one = {
        "mine": count(apis["applicant"], "/cases"),
        "queue": count(apis["approver"], "/cases"),
        "board": count(apis["supervisor"], "/supervision", {"bucket": "due_soon"}),
    }
    detail_one = count(apis["approver"], f"/cases/{first['number']}")
    for _ in range(5):
        ok(apis["clerk"].act(holding_all(ok(apis["applicant"].apply(w), 201)), "accept"))
    many = {
        "mine": count(apis["applicant"], "/cases"),
        "queue": count(apis["approver"], "/cases"),
        "board": count(apis["supervisor"], "/supervision", {"bucket": "due_soon"}),
    }
    assert ok(apis["approver"].get("/cases"))["total"] == 6
    assert many == one, (one, many)
    case = Case.objects.get(number=first["number"])
    services.complete_step(services.Ctx(w.approver), case, "一审", case.revision)
    assert count(apis["approver"], f"/cases/{first['number']}") == detail_one <= 15


def test_a_correction_names_form_fields_and_the_applicant_fixes_only_those(apis: dict[str, Api], w: World) -> None:
    citizen, clerk = apis["applicant"], apis["clerk"]
    case = ok(citizen.apply(w), 201)
    unknown = clerk.act(case, "request_correction", items=["结婚证"], fields=["no_such_field"])
    assert unknown.status_code == 400 and error(unknown)["field"] == "fields"
    case = ok(clerk.act(case, "request_correction", items=["结婚证"], fields=["child_name"]))
    detail = ok(citizen.get(f"/cases/{case['number']}"))
    assert detail["correction_fields"] == ["child_name"]
    assert detail["correction_items"] == ["结婚证", "申请表“新生儿姓名”栏需更正"]
    stray = citizen.act(case, "resubmit", form_data={"child_birth_date": "2026-10-01"})
    assert stray.status_code == 400 and error(stray)["code"] == "field_not_named"
    assert "出生日期" in error(stray)["message"]
    wrong = citizen.act(case, "resubmit", form_data={"child_name": ""})
    assert wrong.status_code == 400 and error(wrong)["field"] == "child_name"
    case = ok(citizen.act(case, "resubmit", form_data={"child_name": "张小宝贝"}))
    detail = ok(citizen.get(f"/cases/{case['number']}"))
    assert case["status"] == "submitted" and detail["correction_fields"] == []
    assert detail["form_data"]["child_name"] == "张小宝贝"


def test_acceptance_with_a_material_missing_is_refused_with_409_and_the_reason(apis: dict[str, Api], w: World) -> None:
    """Reproduced on the old code: 受理 succeeded with 结婚证 (容缺后补) neither received nor promised."""
    clerk = apis["clerk"]
    case = ok(apis["applicant"].apply(w), 201)
    refused = clerk.act(case, "accept")
    assert refused.status_code == 409
    body = error(refused)
    assert body["code"] == "materials_missing" and "“结婚证”" in body["message"]
    assert ok(clerk.get(f"/cases/{case['number']}"))["status"] == "submitted"
    # 容缺受理 with the applicant's commitment is the way, or the material itself.
    due = (TODAY + dt.timedelta(days=5)).isoformat()
    deferred = clerk.act(case, "accept", deferrals=[{"material": "结婚证", "due": due, "commitment": "本人承诺补交"}])
    assert ok(deferred)["status"] == "in_progress"
