"""Every endpoint × every role with no business with the case: a refusal, and nothing changes.

One applicant's cases at one centre and department. The outsiders: another citizen, the clerk of another
centre (which even serves the same department), an approver and a head of another department, the supervisor
of another jurisdiction, a catalogue administrator and an anonymous caller. For each API action the case is
first brought to a state where the action is possible, so only the caller's scope stops it; after the
outsiders have failed, the right person does it and succeeds — so the matrix would notice a refusal of
everyone. The case pages (if present) are tried the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_args

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from tongban.accounts.models import User
from tongban.audit.models import AuditEntry
from tongban.cases import api as case_api
from tongban.cases import services as s
from tongban.cases.domain.workflow import CaseAction
from tongban.cases.models import Case, CaseEvent, CaseMaterial, IdempotencyKey, SupervisionNotice, Visit
from tongban.cases.tests.factories import PNG, TODAY, Api, CaseFactory, World, outsiders, world
from tongban.core import clock
from tongban.core.testing import files as samples

pytestmark = pytest.mark.django_db

OUTSIDERS = [
    "other_citizen",
    "other_centre_clerk",
    "other_department_approver",
    "other_department_head",
    "other_jurisdiction_supervisor",
    "catalogue_admin",
    "anonymous",
]


@dataclass
class Setting:
    w: World
    outsiders: dict[str, User | None]


@pytest.fixture
def setting(monkeypatch: pytest.MonkeyPatch) -> Setting:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    w = world()
    return Setting(w, outsiders(w))


# --- cases in each state, made through the services -----------------------------------------------------


def _draft(w: World) -> Case:
    return CaseFactory(world=w, status="draft")


def _submitted(w: World) -> Case:
    return CaseFactory(world=w, status="submitted")


def _submitted_without_deferrable(w: World) -> Case:
    """Submitted without the 结婚证, which the guide lets the window accept later (容缺)."""
    return CaseFactory(world=w, status="submitted", uploads=())


def _correction(w: World) -> Case:
    return CaseFactory(world=w, status="correction")


def _in_progress(w: World) -> Case:
    return CaseFactory(world=w, status="in_progress")


def _awaiting_decision(w: World) -> Case:
    return CaseFactory(world=w, status="in_progress", awaiting_decision=True)


def _deferred(w: World) -> Case:
    deferral = s.Deferral("结婚证", TODAY + dt.timedelta(days=5), "本人承诺5日内补交")
    return CaseFactory(world=w, status="in_progress", deferrals=[deferral])


def _returned(w: World) -> Case:
    return CaseFactory(world=w, status="returned")


def _suspended(w: World) -> Case:
    return CaseFactory(world=w, status="suspended")


def _decided(w: World) -> Case:
    return CaseFactory(world=w, status="decided")


DUE = (TODAY + dt.timedelta(days=5)).isoformat()


@dataclass(frozen=True)
class Spec:
    name: str  # the action, or "detail" / "materials" / "submit_endpoint"
    make: Callable[[World], Case]
    right: str  # the World attribute of the person who may do it
    body: dict[str, Any]


SPECS = [
    Spec("detail", _submitted, "clerk", {}),
    Spec("materials", _draft, "applicant", {}),
    Spec("submit_endpoint", _draft, "applicant", {}),
    Spec("save_draft", _draft, "applicant", {"form_data": {"child_name": "王小宝"}}),
    Spec("submit", _draft, "applicant", {}),
    Spec("withdraw", _submitted, "applicant", {"reason": "不再需要"}),
    Spec("accept", _submitted, "clerk", {}),
    Spec(
        "accept_deferred",
        _submitted_without_deferrable,
        "clerk",
        {"deferrals": [{"material": "结婚证", "due": DUE, "commitment": "本人承诺5日内补交"}]},
    ),
    Spec("request_correction", _submitted, "clerk", {"items": ["缺少父亲签字"]}),
    Spec("refuse", _submitted, "clerk", {"reason": "不属于本机关职权范围"}),
    Spec("record_visit", _submitted, "clerk", {"reason": "现场咨询"}),
    Spec("supervise", _in_progress, "supervisor", {"message": "请加快办理"}),
    Spec("resubmit", _correction, "applicant", {}),
    Spec("complete_step", _in_progress, "approver", {"opinion": "同意"}),
    Spec("suspend", _in_progress, "approver", {"step_name": "专家评审", "reason": "需组织专家评审"}),
    Spec("return_for_correction", _in_progress, "approver", {"items": ["结婚证不清晰"], "reason": "材料不清"}),
    Spec("extend", _in_progress, "head", {"reason": "情况复杂"}),
    Spec("grant", _awaiting_decision, "approver", {"reason": "符合条件"}),
    Spec("deny", _awaiting_decision, "head", {"reason": "不符合条件"}),
    Spec("decide", _awaiting_decision, "approver", {"grant": False, "reason": "不符合条件"}),
    Spec("supply_deferred", _deferred, "applicant", {"material": "结婚证"}),
    Spec("supply_correction", _returned, "applicant", {}),
    Spec("resume", _suspended, "approver", {"reason": "评审完成"}),
    Spec("issue_result", _decided, "clerk", {"delivery": "electronic"}),
]


def test_the_matrix_covers_every_action_the_api_offers() -> None:
    assert {spec.name for spec in SPECS} >= set(get_args(case_api.ActionName))


def snapshot(case: Case) -> tuple[Any, ...]:
    c = Case.objects.get(pk=case.pk)
    return (
        c.number,
        c.status,
        c.revision,
        c.form_data,
        c.decision,
        c.extension_days,
        c.correction_items,
        CaseEvent.objects.filter(case=c).count(),
        list(CaseMaterial.objects.filter(case=c).values_list("name", "state", "sha256")),
        SupervisionNotice.objects.filter(case=c).count(),
        Visit.objects.filter(case=c).count(),
        AuditEntry.objects.filter(object_id=c.number).count(),
        IdempotencyKey.objects.count(),
    )


def call(api: Api, spec: Spec, case: Case) -> Any:
    if spec.name == "detail":
        return api.get(f"/cases/{case.number}")
    if spec.name == "materials":
        return api.upload(case.number, "结婚证", "other.png", samples.png((1, 2, 3)))
    if spec.name == "submit_endpoint":
        return api.post(f"/cases/{case.number}/submit", {"revision": case.revision}, HTTP_IDEMPOTENCY_KEY="k-1")
    return api.act(case.number, spec.name, case.revision, **spec.body)


def assert_refused(who: str, response: Any, case: Case) -> None:
    expected = {401} if who == "anonymous" else {403, 404}
    assert response.status_code in expected, (who, response.status_code, response.content[:300])
    body = response.json()
    assert set(body) == {"error"} and body["error"]["message"], body
    text = response.content.decode()
    # A refusal tells nothing about the case.
    for secret in (case.applicant_name, str(case.applicant_id_number), case.query_code, "张小宝"):
        assert secret not in text, (who, secret)


@pytest.mark.parametrize("spec", SPECS, ids=[spec.name for spec in SPECS])
def test_outsiders_are_refused_and_the_right_person_succeeds(client: Client, setting: Setting, spec: Spec) -> None:
    w = setting.w
    case = spec.make(w)
    before = snapshot(case)
    for who in OUTSIDERS:
        response = call(Api(client, setting.outsiders[who]), spec, case)
        assert_refused(who, response, case)
        assert snapshot(case) == before, (who, spec.name)
    # The right person, on the same case in the same state, succeeds.
    response = call(Api(client, getattr(w, spec.right)), spec, case)
    assert response.status_code in (200, 201), (spec.name, response.content[:300])
    after = snapshot(case)
    assert after != before
    if spec.name not in ("detail", "materials"):
        assert after[2] == before[2] + 1 and after[7] == before[7] + 1  # one transition, one event


def test_outsiders_see_the_case_in_no_list(client: Client, setting: Setting) -> None:
    w = setting.w
    cases = [_submitted(w), _in_progress(w), _awaiting_decision(w), _suspended(w), _decided(w)]
    overdue = _in_progress(w)
    Case.objects.filter(pk=overdue.pk).update(
        promised_due=TODAY - dt.timedelta(days=1), clock_due=TODAY - dt.timedelta(days=1)
    )
    numbers = {c.number for c in [*cases, overdue]}
    buckets = list(get_args(case_api.QueueName))
    for who in OUTSIDERS:
        api = Api(client, setting.outsiders[who])
        for bucket in buckets:
            response = api.get("/cases", {"bucket": bucket})
            if who == "anonymous":
                assert response.status_code == 401
                continue
            assert response.status_code == 200, (who, bucket)
            assert not numbers & {r["number"] for r in response.json()["results"]}, (who, bucket)
        for bucket in ("due_soon", "overdue"):
            response = api.get("/supervision", {"bucket": bucket})
            assert response.status_code in (200, 401, 403)
            if response.status_code == 200:
                assert not numbers & {r["number"] for r in response.json()["results"]}, (who, bucket)
    # … while the people in scope do see them.
    seen = {
        r["number"] for b in buckets for r in Api(client, w.approver).get("/cases", {"bucket": b}).json()["results"]
    }
    assert {c.number for c in cases[1:4]} <= seen
    board = Api(client, w.supervisor).get("/supervision", {"bucket": "overdue"}).json()
    assert [r["number"] for r in board["results"]] == [overdue.number]


def test_staff_in_scope_cannot_see_a_citizens_draft(client: Client, setting: Setting) -> None:
    w = setting.w
    draft = _draft(w)
    before = snapshot(draft)
    for who in ("clerk", "approver", "head", "supervisor"):
        api = Api(client, getattr(w, who))
        assert api.get(f"/cases/{draft.number}").status_code == 404
        assert api.upload(draft.number, "结婚证", "x.png", PNG + b"x").status_code == 404
    assert snapshot(draft) == before


# --- the pages -------------------------------------------------------------------------------------------


def _page_patterns() -> list[URLPattern]:
    try:
        from tongban.cases import urls as case_urls
    except ImportError:  # pragma: no cover - pages not installed
        return []
    return [p for p in case_urls.urlpatterns if isinstance(p, URLPattern) and "number" in p.pattern.converters]


def _page_urls(case: Case) -> list[str]:
    from tongban.cases import views
    from tongban.cases.notices import NoticeKind

    material = CaseMaterial.objects.filter(case=case).exclude(file="").first()
    values: dict[str, list[str]] = {
        "action": [*getattr(views, "PAGE_ACTIONS", {}), *[a.value for a in CaseAction]],
        "kind": [k.value for k in NoticeKind],
        "pk": [str(material.pk if material else 1)],
    }
    urls: list[str] = []
    for pattern in _page_patterns():
        kwargs_sets: list[dict[str, str]] = [{"number": case.number}]
        for name in pattern.pattern.converters:
            if name != "number":
                kwargs_sets = [{**k, name: v} for k in kwargs_sets for v in values.get(name, ["x"])]
        urls.extend(reverse(f"cases:{pattern.name}", kwargs=k) for k in kwargs_sets)
    return urls


PAGE_POST = {
    "reason": "理由",
    "opinion": "同意",
    "items": "缺少签字",
    "extra": "缺少签字",
    "step_name": "专家评审",
    "delivery": "window",
    "grant": "1",
    "material": "结婚证",
    "note": "说明",
    "days": "10",
    "message": "请加快",
    "identity_check": "人证比对",
}


@pytest.mark.skipif(not _page_patterns(), reason="case pages not installed")
def test_outsiders_are_refused_on_every_case_page(setting: Setting) -> None:
    w = setting.w
    cases = [_in_progress(w), _decided(w)]
    for case in cases:
        urls = _page_urls(case)
        assert urls
        before = snapshot(case)
        for who in OUTSIDERS:
            client = Client()
            outsider = setting.outsiders[who]
            if outsider is not None:
                client.force_login(outsider)
            for url in urls:
                refused = False
                for method in ("get", "post"):
                    data = {**PAGE_POST, "revision": str(case.revision)} if method == "post" else {}
                    response = getattr(client, method)(url, data)
                    if who == "anonymous":
                        assert response.status_code in (302, 405), (url, method, response.status_code)
                        if response.status_code == 302:
                            assert "/accounts/login" in response["Location"] or "login" in response["Location"]
                            refused = True
                        continue
                    assert response.status_code in (403, 404, 405), (who, url, method, response.status_code)
                    refused = refused or response.status_code in (403, 404)
                    content = response.content.decode("utf-8", "replace")
                    assert str(case.applicant_id_number) not in content and case.query_code not in content
                assert refused, (who, url)
            assert snapshot(case) == before, (who, case.number)
    # The applicant and the clerk of the receiving centre do see the detail page.
    for person in (w.applicant, w.clerk, w.approver):
        client = Client()
        client.force_login(person)
        response = client.get(reverse("cases:detail", kwargs={"number": cases[0].number}))
        assert response.status_code == 200 and cases[0].number in response.content.decode()
