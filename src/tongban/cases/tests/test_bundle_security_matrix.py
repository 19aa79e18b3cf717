"""Every bundle-case endpoint × every role with no business with it: a refusal, and nothing changes.

One applicant's 新生儿出生一件事 (three items, two departments: 卫健 and 公安) received at one centre. The
outsiders: another citizen, the clerk of another centre (which even serves the same departments), an approver
and a head of a department no item belongs to, the supervisor of another jurisdiction, a catalogue
administrator and an anonymous caller — for them the bundle case does not exist (404, or 401 / the login page
when anonymous), and their refusal tells nothing about it. The insiders who may SEE the bundle case but not do
the thing (approvers and the head of an involved department, the supervisor of the jurisdiction, the applicant
for the front desk's actions, the clerk for the applicant's) are refused too: 403 on the API, 409 on the pages.

For each API action and each page action the bundle case is first brought, through the services, to a state
where the action is possible, so only the caller's scope stops it; after everyone else has failed, the right
person does it and succeeds and the expected thing changes — so the matrix would notice a refusal of everyone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_args

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tongban.accounts.models import User
from tongban.audit.models import AuditEntry
from tongban.cases import api_bundle_cases as api_cases
from tongban.cases import selectors
from tongban.cases import services as b
from tongban.cases import services as s
from tongban.cases import views_bundles as views_apply
from tongban.cases.models import BundleCase, BundleMaterial, Case, CaseEvent, CaseMaterial, IdempotencyKey, JointStep
from tongban.cases.tests.factories import (
    TODAY,
    BundleCaseFactory,
    Env,
    answers,
    auth,
    child,
    files,
    make_env,
    outsiders,
    token,
)
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
# People in scope: they may see the bundle case (or own it), so some of them are the right person for an
# action and the others are refused it.
INSIDERS = ["applicant", "clerk", "doctor", "approver", "head", "supervisor"]
BACK_OFFICE = ("doctor", "approver", "head", "supervisor")  # see the bundle case, never at its front desk
NEW_PDF = samples.pdf("corrected")
FORM = {"applicant_name": "张三", "child_name": "张小宝", "child_birth_date": "2026-09-20"}
UPLOADS = ("父母结婚证", "住院分娩记录", "居民户口簿")


@dataclass
class Setting:
    env: Env
    insiders: dict[str, User]
    outsiders: dict[str, User | None]


@pytest.fixture
def setting(monkeypatch: pytest.MonkeyPatch) -> Setting:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    env = make_env()
    w = env.w
    # 越城区's centre serves every department of the bundle, yet did not receive it; 人社 decides no item.
    people = outsiders(w, env.health)
    insiders = {
        "applicant": w.applicant,
        "clerk": w.clerk,
        "doctor": env.doctor,
        "approver": w.approver,
        "head": w.head,
        "supervisor": w.supervisor,
    }
    return Setting(env, insiders, people)


# --- bundle cases in each state, made through the services ------------------------------------------------


def _fresh(bc: BundleCase) -> BundleCase:
    return BundleCase.objects.get(pk=bc.pk)


def _kids(bc: BundleCase) -> list[Case]:
    return list(Case.objects.filter(bundle_case_id=bc.pk).order_by("id"))


def _kid(bc: BundleCase, name: str) -> Case:
    return child(bc, name)


def _clerk(env: Env) -> s.Ctx:
    return s.Ctx(env.w.clerk, "window")


def _draft(env: Env) -> BundleCase:
    return BundleCaseFactory(env=env, phase="draft")


def _submitted(env: Env, mode: str = "together") -> BundleCase:
    return BundleCaseFactory(env=env, phase="submitted", result_mode=mode)


def _correction(env: Env) -> BundleCase:
    return BundleCaseFactory(env=env, phase="correction")


def _in_progress(env: Env) -> BundleCase:
    return BundleCaseFactory(env=env, phase="in_progress")


def _one_decided(env: Env, mode: str = "together") -> BundleCase:
    """出生医学证明 granted: 新生儿入户 (公安) starts by itself beside 预防接种证 (卫健)."""
    bc = BundleCaseFactory(env=env, phase="in_progress", result_mode=mode, decided=["出生医学证明"])
    assert bc.phase == "in_progress" and _kid(bc, "新生儿入户").status == "in_progress"
    return bc


def _one_decided_separately(env: Env) -> BundleCase:
    return _one_decided(env, "separate")


def _ready(env: Env) -> BundleCase:
    return BundleCaseFactory(env=env, phase="ready")


def _owing(env: Env) -> BundleCase:
    """Accepted with 预防接种证's 儿童预防接种登记表 promised for later (容缺): the result desk may receive it."""
    bc = _submitted(env)
    CaseMaterial.objects.filter(case__bundle_case=bc, name="儿童预防接种登记表").delete()  # not brought after all
    promise = s.Deferral("儿童预防接种登记表", TODAY + dt.timedelta(days=7), "本人承诺按期补交")
    return b.accept_bundle(_clerk(env), bc, bc.revision, deferrals=[promise])


def _joint_step(env: Env) -> BundleCase:
    bc = _one_decided(env)
    numbers = [_kid(bc, "预防接种证").number, _kid(bc, "新生儿入户").number]
    b.schedule_joint_step(
        s.Ctx(env.doctor),
        bc,
        "inspection",
        dt.datetime(2026, 10, 9, 9, 30, tzinfo=dt.UTC),
        "诸暨市暨阳街道某小区",
        numbers,
    )
    return _fresh(bc)


# --- what is looked at -----------------------------------------------------------------------------------


def snapshot(bc: BundleCase) -> dict[str, Any]:
    """Everything an action on a bundle case could change, with its children; views apart."""
    fresh = _fresh(bc)
    kids = list(Case.objects.filter(bundle_case=fresh).order_by("id"))
    audit = AuditEntry.objects.filter(object_id__in=[fresh.number, *(k.number for k in kids)])
    return {
        "number": fresh.number,
        "phase": fresh.phase,
        "revision": fresh.revision,
        "result_mode": fresh.result_mode,
        "form_data": fresh.form_data,
        "correction_items": fresh.correction_items,
        "extension": (fresh.extension_days, fresh.extension_approved_by),
        "closed_at": fresh.closed_at,
        "receiving_centre": fresh.receiving_centre_id,
        "materials": list(
            BundleMaterial.objects.filter(bundle_case=fresh)
            .order_by("name")
            .values_list("name", "sha256", "size", "paper_checked")
        ),
        "children": [(k.number, k.status, k.revision, k.result_delivery, k.decision) for k in kids],
        "child_events": CaseEvent.objects.filter(case__in=kids).count(),
        "child_materials": list(
            CaseMaterial.objects.filter(case__in=kids)
            .order_by("case_id", "name", "id")
            .values_list("case_id", "name", "state", "sha256")
        ),
        "joint_steps": list(
            JointStep.objects.filter(bundle_case=fresh).order_by("id").values_list("kind", "place", "outcome", "passed")
        ),
        "audit": audit.exclude(action__endswith=".view").count(),
        "views": audit.filter(action__endswith=".view").count(),
        "idempotency_records": IdempotencyKey.objects.count(),
        "bundle_cases": BundleCase.objects.count(),
    }


def without_views(snap: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in snap.items() if k != "views"}


def secrets(bc: BundleCase) -> list[str]:
    """What a refusal (and a masked view) must not show: the applicant's data, the form, the query codes."""
    fresh = _fresh(bc)
    kids = _kids(fresh)
    return [
        fresh.applicant_name,
        fresh.applicant_id_number,
        fresh.applicant_phone,
        fresh.query_code,
        "张小宝",
        *(k.query_code for k in kids),
        *(k.number for k in kids),
    ]


def assert_no_secret(who: str, text: str, bc: BundleCase, *, allowed: tuple[str, ...] = ()) -> None:
    for secret in secrets(bc):
        if secret not in allowed:
            assert secret not in text, (who, secret)


def bearer(person: User | None) -> dict[str, Any]:
    """The API's Authorization header for this person (none when anonymous)."""
    return dict(auth(person)) if person is not None else {}


def visible(person: User | None, bc: BundleCase) -> bool:
    return person is not None and selectors.get_visible_bundle_case(person, _fresh(bc).number) is not None


# --- the API ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiSpec:
    name: str
    action: str  # an ActionName, or "detail" / "materials"
    make: Callable[[Env], BundleCase]
    right: str  # the insider who may do it
    barred: tuple[str, ...]  # insiders refused it
    changes: str  # the snapshot entry the right person's call changes
    body: Callable[[BundleCase], dict[str, Any]] = lambda bc: {}


FRONT_DESK_BARRED = ("applicant", *BACK_OFFICE)
# 联合办理延期 is recorded by the head of a department deciding one of the items (here 公安's head).
EXTEND_BARRED = ("applicant", "clerk", "doctor", "approver", "supervisor")
EXTENSION = {"reason": "需要联合现场核查", "approved_by": "诸暨市人民政府副市长 某某", "days": 15}
APPLICANT_BARRED = BACK_OFFICE
STAFF = ("clerk", *BACK_OFFICE)

API_SPECS = [
    ApiSpec("detail", "detail", _submitted, "clerk", (), "views"),
    ApiSpec("materials_draft", "materials", _draft, "applicant", STAFF, "materials"),
    ApiSpec("materials_correction", "materials", _correction, "applicant", APPLICANT_BARRED, "materials"),
    ApiSpec("submit", "submit", _draft, "applicant", STAFF, "phase"),
    ApiSpec("accept", "accept", _submitted, "clerk", FRONT_DESK_BARRED, "phase"),
    ApiSpec(
        "request_correction",
        "request_correction",
        _submitted,
        "clerk",
        FRONT_DESK_BARRED,
        "phase",
        lambda bc: {"items": ["父母结婚证", "出生日期与住院记录不一致"]},
    ),
    ApiSpec("resubmit", "resubmit", _correction, "applicant", APPLICANT_BARRED, "phase"),
    ApiSpec("resubmit_by_clerk", "resubmit", _correction, "clerk", APPLICANT_BARRED, "phase"),
    ApiSpec(
        "issue_results",
        "issue_results",
        _ready,
        "clerk",
        FRONT_DESK_BARRED,
        "phase",
        lambda bc: {"delivery": "electronic"},
    ),
    ApiSpec(
        "issue_results_item_by_item",
        "issue_results",
        _one_decided_separately,
        "clerk",
        FRONT_DESK_BARRED,
        "children",
        lambda bc: {"delivery": "window", "cases": [_kid(bc, "出生医学证明").number]},
    ),
    ApiSpec(
        "choose_result_mode",
        "choose_result_mode",
        _in_progress,
        "applicant",
        APPLICANT_BARRED,
        "result_mode",
        lambda bc: {"result_mode": "separate"},
    ),
    ApiSpec("extend", "extend", _in_progress, "head", EXTEND_BARRED, "extension", lambda bc: dict(EXTENSION)),
    ApiSpec(
        "supply_deferred",
        "supply_deferred",
        _owing,
        "clerk",
        FRONT_DESK_BARRED,
        "child_materials",
        lambda bc: {"material": "儿童预防接种登记表"},
    ),
    ApiSpec(
        "choose_result_mode_by_clerk",
        "choose_result_mode",
        _submitted,
        "clerk",
        APPLICANT_BARRED,
        "result_mode",
        lambda bc: {"result_mode": "separate"},
    ),
]


DETAIL = API_SPECS[0]


def test_the_api_matrix_covers_every_action_the_api_offers() -> None:
    assert {spec.action for spec in API_SPECS} >= set(get_args(api_cases.ActionName)) | {"detail", "materials"}


def api_call(person: User | None, spec: ApiSpec, bc: BundleCase) -> Any:
    client = Client()  # no session: the bearer token (or none) alone says who calls
    headers = bearer(person)
    bc = _fresh(bc)
    url = f"/api/v1/bundle-cases/{bc.number}"
    if spec.action == "detail":
        return client.get(url, **headers)
    if spec.action == "materials":
        return client.post(
            f"{url}/materials", {"name": "父母结婚证", "file": SimpleUploadedFile("new.pdf", NEW_PDF)}, **headers
        )
    if spec.action == "submit":
        headers["HTTP_IDEMPOTENCY_KEY"] = "submit-1"
    return client.post(
        f"{url}/actions/{spec.action}",
        {"revision": bc.revision, **spec.body(bc)},
        content_type="application/json",
        **headers,
    )


def assert_api_refused(who: str, status: int, response: Any, bc: BundleCase) -> None:
    assert response.status_code == status, (who, response.status_code, response.content[:300])
    body = response.json()
    assert set(body) == {"error"} and body["error"]["message"], body
    assert_no_secret(who, response.content.decode(), bc)


@pytest.mark.parametrize("spec", API_SPECS, ids=[spec.name for spec in API_SPECS])
def test_api_outsiders_and_barred_insiders_are_refused_and_the_right_person_succeeds(
    setting: Setting, spec: ApiSpec
) -> None:
    bc = spec.make(setting.env)
    before = snapshot(bc)
    for who in OUTSIDERS:
        response = api_call(setting.outsiders[who], spec, bc)
        assert_api_refused(who, 401 if who == "anonymous" else 404, response, bc)
        assert snapshot(bc) == before, (who, spec.name)
    for who in spec.barred:
        person = setting.insiders[who]
        # One who sees the bundle case is told they may not (403); one who does not — a draft is its author's
        # alone — is told nothing (404).
        assert visible(person, bc) == (who == "applicant" or before["phase"] != "draft"), (who, spec.name)
        expected = 403 if visible(person, bc) else 404
        response = api_call(person, spec, bc)
        assert_api_refused(who, expected, response, bc)
        if expected == 403:
            assert response.json()["error"]["code"] == "forbidden", (who, response.json())
        assert snapshot(bc) == before, (who, spec.name)
    # The right person, on the same bundle case in the same state, succeeds.
    response = api_call(setting.insiders[spec.right], spec, bc)
    assert response.status_code in (200, 201), (spec.name, response.content[:500])
    after = snapshot(bc)
    assert after[spec.changes] != before[spec.changes], (spec.name, spec.changes)
    if spec.action == "detail":
        assert without_views(after) == without_views(before)
        assert response.json()["applicant"]["id_number"] == setting.env.w.applicant.id_number


def test_api_detail_for_those_who_may_see_is_masked_unless_they_handle_it(setting: Setting) -> None:
    bc = _in_progress(setting.env)
    for who in INSIDERS:
        response = api_call(setting.insiders[who], DETAIL, bc)
        assert response.status_code == 200, (who, response.content[:300])
        body = response.json()
        if who == "supervisor":
            assert body["personal_data_masked"] and body["form_data"] is None and body["query_code"] is None
            assert all(c["query_code"] is None for c in body["children"])
            text = response.content.decode()
            kids = Case.objects.filter(bundle_case=bc)
            # The children's numbers are shown (the supervisor may open them); their query codes are not.
            for secret in (
                bc.applicant_name,
                bc.applicant_id_number,
                bc.applicant_phone,
                bc.query_code,
                "张小宝",
                *(k.query_code for k in kids),
            ):
                assert secret not in text, (who, secret)
        else:
            assert not body["personal_data_masked"], who
        if who in BACK_OFFICE:  # the head of an item's department may record the government's extension
            assert body["allowed_actions"] == (["extend"] if who == "head" else []), (who, body["allowed_actions"])


# --- the pages -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageSpec:
    name: str
    url: str  # the URL name in bundles: (case, edit, receipt) or a case_act action
    method: str
    make: Callable[[Env], BundleCase]
    right: str
    barred: tuple[str, ...]
    changes: str | None  # None: a page to look at; the right person gets it (200) and nothing changes
    data: Callable[[Env, BundleCase], dict[str, Any]] = lambda env, bc: {}


def _edit_post(env: Env, bc: BundleCase) -> dict[str, Any]:
    return {"token": token(), "action": "save", **answers(env.w), "f_child_name": "张大宝"}


def _rev(bc: BundleCase, **more: Any) -> dict[str, Any]:
    return {"revision": str(_fresh(bc).revision), **more}


PAGE_SPECS = [
    PageSpec("case", "case", "get", _submitted, "clerk", (), "views"),
    PageSpec("edit_get", "edit", "get", _draft, "applicant", STAFF, None),
    PageSpec("edit_post", "edit", "post", _draft, "applicant", STAFF, "form_data", _edit_post),
    PageSpec("receipt", "receipt", "get", _submitted, "applicant", (), None),
    PageSpec("accept", "accept", "post", _submitted, "clerk", FRONT_DESK_BARRED, "phase", lambda env, bc: _rev(bc)),
    PageSpec(
        "correction",
        "correction",
        "post",
        _submitted,
        "clerk",
        FRONT_DESK_BARRED,
        "phase",
        lambda env, bc: _rev(bc, items=["父母结婚证"], extra="出生日期与住院记录不一致"),
    ),
    PageSpec(
        "resubmit",
        "resubmit",
        "post",
        _correction,
        "applicant",
        APPLICANT_BARRED,
        "phase",
        lambda env, bc: _rev(bc, **files(父母结婚证=NEW_PDF)),
    ),
    PageSpec(
        "resubmit_by_clerk",
        "resubmit",
        "post",
        _correction,
        "clerk",
        APPLICANT_BARRED,
        "phase",
        lambda env, bc: _rev(bc),
    ),
    PageSpec(
        "issue",
        "issue",
        "post",
        _ready,
        "clerk",
        FRONT_DESK_BARRED,
        "phase",
        lambda env, bc: _rev(bc, delivery="window"),
    ),
    PageSpec(
        "issue_items",
        "issue_items",
        "post",
        _one_decided_separately,
        "clerk",
        FRONT_DESK_BARRED,
        "children",
        lambda env, bc: _rev(bc, delivery="window", cases=[_kid(bc, "出生医学证明").number]),
    ),
    PageSpec(
        "result_mode",
        "result_mode",
        "post",
        _submitted,
        "applicant",
        APPLICANT_BARRED,
        "result_mode",
        lambda env, bc: _rev(bc, result_mode="separate"),
    ),
    PageSpec(
        "result_mode_by_clerk",
        "result_mode",
        "post",
        _in_progress,
        "clerk",
        APPLICANT_BARRED,
        "result_mode",
        lambda env, bc: _rev(bc, result_mode="separate"),
    ),
    PageSpec(
        "withdraw",
        "withdraw",
        "post",
        _in_progress,
        "applicant",
        ("clerk", *BACK_OFFICE),
        "children",
        lambda env, bc: _rev(bc, case=_kid(bc, "预防接种证").number, reason="已在外地接种"),
    ),
    PageSpec(
        "extend",
        "extend",
        "post",
        _in_progress,
        "head",
        EXTEND_BARRED,
        "extension",
        lambda env, bc: _rev(bc, **EXTENSION),
    ),
    PageSpec(
        "supply_deferred",
        "supply_deferred",
        "post",
        _owing,
        "clerk",
        FRONT_DESK_BARRED,
        "child_materials",
        lambda env, bc: _rev(bc, material="儿童预防接种登记表"),
    ),
    PageSpec(
        "joint_schedule",
        "joint_schedule",
        "post",
        _one_decided,
        "doctor",
        ("applicant", "clerk", "supervisor"),
        "joint_steps",
        lambda env, bc: {
            "kind": "inspection",
            "when": "2026-10-09T09:30",
            "place": "诸暨市暨阳街道某小区",
            "cases": [_kid(bc, "预防接种证").number, _kid(bc, "新生儿入户").number],
        },
    ),
    PageSpec(
        "joint_record",
        "joint_record",
        "post",
        _joint_step,
        "approver",
        ("applicant", "clerk", "supervisor"),
        "joint_steps",
        lambda env, bc: {
            "step": str(JointStep.objects.get(bundle_case=bc).pk),
            "passed": "1",
            "outcome": "现场踏勘符合要求",
        },
    ),
]


def test_the_page_matrix_covers_every_page_action() -> None:
    assert {spec.url for spec in PAGE_SPECS} >= {*views_apply.DONE, "case", "edit", "receipt"}


def page_url(spec: PageSpec, bc: BundleCase) -> str:
    number = _fresh(bc).number
    if spec.url in ("case", "edit", "receipt"):
        return reverse(f"bundle_cases:{spec.url}", kwargs={"number": number})
    return reverse("bundle_cases:case_act", kwargs={"number": number, "action": spec.url})


def page_call(person: User | None, spec: PageSpec, env: Env, bc: BundleCase) -> Any:
    client = Client()
    if person is not None:
        client.force_login(person)
    url = page_url(spec, bc)
    if spec.method == "get":
        return client.get(url)
    return client.post(url, spec.data(env, bc))


@pytest.mark.parametrize("spec", PAGE_SPECS, ids=[spec.name for spec in PAGE_SPECS])
def test_pages_outsiders_and_barred_insiders_are_refused_and_the_right_person_succeeds(
    setting: Setting, spec: PageSpec
) -> None:
    env = setting.env
    bc = spec.make(env)
    before = snapshot(bc)
    login = reverse("accounts:login")
    for who in OUTSIDERS:
        response = page_call(setting.outsiders[who], spec, env, bc)
        if who == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith(login), (spec.name, response)
        else:
            assert response.status_code == 404, (who, spec.name, response.status_code)
        assert_no_secret(who, response.content.decode("utf-8", "replace"), bc)
        assert snapshot(bc) == before, (who, spec.name)
    for who in spec.barred:
        person = setting.insiders[who]
        assert visible(person, bc) == (who == "applicant" or before["phase"] != "draft"), (who, spec.name)
        seen = visible(person, bc) and spec.url != "edit"  # the edit page is the author's draft alone
        response = page_call(person, spec, env, bc)
        # One who sees the bundle case gets it back, refreshed, with a refusal (409); one who does not, a 404.
        assert response.status_code == (409 if seen else 404), (who, spec.name, response.status_code)
        content = response.content.decode("utf-8", "replace")
        if not seen:
            assert_no_secret(who, content, bc)
        else:
            assert "您不能执行该操作" in content, (who, spec.name)
        if seen and who == "supervisor":
            # Masked for the supervisor — but the children's timelines name each actor, the applicant who
            # submitted included, as the single case pages do for every staff member.
            assert_no_secret(who, content, bc, allowed=(bc.applicant_name, *(k.number for k in _kids(bc))))
        assert without_views(snapshot(bc)) == without_views(before), (who, spec.name)
    # The right person, on the same bundle case in the same state, succeeds.
    response = page_call(setting.insiders[spec.right], spec, env, bc)
    after = snapshot(bc)
    if spec.changes is None:
        assert response.status_code == 200, (spec.name, response.status_code)
        assert without_views(after) == without_views(before)
    else:
        assert response.status_code in (200, 302), (spec.name, response.status_code)
        if spec.method == "post":
            assert response.status_code == 302, (spec.name, response.content.decode()[:2000])
        assert after[spec.changes] != before[spec.changes], (spec.name, spec.changes)


# --- lists -----------------------------------------------------------------------------------------------


def test_outsiders_see_the_bundle_cases_in_no_list(setting: Setting) -> None:
    env = setting.env
    made = [_submitted(env), _in_progress(env), _ready(env)]
    numbers = {bc.number for bc in made}

    def shown(response: Any) -> set[str]:
        return {n for n in numbers if n in response.content.decode("utf-8", "replace")}

    for who in OUTSIDERS:
        person = setting.outsiders[who]
        api = Client()
        r = api.get("/api/v1/bundle-cases", **bearer(person))
        if person is None:
            assert r.status_code == 401
        else:
            assert r.status_code == 200 and not numbers & {row["number"] for row in r.json()["results"]}, who
        page = Client()
        if person is not None:
            page.force_login(person)
        for name in ("mine", "window", "board"):
            r = page.get(reverse(f"bundle_cases:{name}"))
            assert r.status_code in (200, 302, 403), (who, name, r.status_code)
            assert not shown(r), (who, name)
    # … while the people in scope do see them.
    for who, name in (("applicant", "mine"), ("clerk", "window"), ("supervisor", "board")):
        page = Client()
        page.force_login(setting.insiders[who])
        assert shown(page.get(reverse(f"bundle_cases:{name}"))), (who, name)
    for who in ("doctor", "approver", "head"):
        r = Client().get("/api/v1/bundle-cases", **bearer(setting.insiders[who]))
        assert numbers <= {row["number"] for row in r.json()["results"]}, who


# --- a child case belongs to its bundle --------------------------------------------------------------------


def test_a_child_case_refuses_front_desk_actions_on_the_cases_api(setting: Setting) -> None:
    """Accepting, refusing, correcting, resubmitting or issuing one item alone would bypass the bundle's
    phase, deadlines and unified result desk: the cases API answers 403 even to the receiving clerk."""
    env = setting.env
    w = env.w
    due = (TODAY + dt.timedelta(days=5)).isoformat()
    attempts: list[tuple[Callable[[Env], BundleCase], str, str, dict[str, Any]]] = [
        (_submitted, "clerk", "accept", {}),
        (
            _submitted,
            "clerk",
            "accept_deferred",
            {"deferrals": [{"material": "儿童预防接种登记表", "due": due, "commitment": "本人承诺按期补交"}]},
        ),
        (_submitted, "clerk", "refuse", {"reason": "不属于本机关职权范围"}),
        (_submitted, "clerk", "request_correction", {"items": ["父母结婚证"]}),
        (_submitted, "applicant", "submit", {}),
        (_correction, "applicant", "resubmit", {}),
        (_correction, "clerk", "resubmit", {}),
        (_ready, "clerk", "issue_result", {"delivery": "window"}),
    ]
    made: dict[Callable[[Env], BundleCase], BundleCase] = {}
    for make, who, action, body in attempts:
        if make not in made:
            made[make] = make(env)
        bc = made[make]
        kid = _kid(bc, "预防接种证")
        before = snapshot(bc)
        headers = bearer(setting.insiders[who])
        seen = Client().get(f"/api/v1/cases/{kid.number}", **headers)
        assert seen.status_code == 200 and action not in seen.json()["allowed_actions"], (who, action)
        r = Client().post(
            f"/api/v1/cases/{kid.number}/actions/{action}",
            {"revision": kid.revision, **body},
            content_type="application/json",
            **headers,
        )
        assert r.status_code == 403, (who, action, r.status_code, r.content[:300])
        assert r.json()["error"]["code"] == "bundle_item"
        assert without_views(snapshot(bc)) == without_views(before), (who, action)
    # Back-office work stays on the item itself: the approver of its department decides it.
    bc = made[_submitted]
    bc = b.accept_bundle(_clerk(env), bc, _fresh(bc).revision)
    kid = _kid(bc, "预防接种证")
    r = Client().post(
        f"/api/v1/cases/{kid.number}/actions/decide",
        {"revision": kid.revision, "grant": True, "reason": "符合规定"},
        content_type="application/json",
        **bearer(env.doctor),
    )
    assert r.status_code == 200 and r.json()["status"] == "decided", r.content[:300]
    assert w.clerk.service_centre_id == _fresh(bc).receiving_centre_id  # the clerk really was the receiving one


def test_receipts_with_query_codes_are_for_the_applicant_and_the_staff_handling_the_case(setting: Setting) -> None:
    """A supervisor may see the bundle case, masked; the receipts carry the query codes that open its
    progress, so they are not theirs (nor the single items' receipts)."""
    env = setting.env
    bc = _submitted(env)
    kid = _kids(bc)[0]
    for who, expected in (("supervisor", 403), ("applicant", 200), ("clerk", 200)):
        client = Client()
        client.force_login(setting.insiders[who])
        pages = [
            client.get(reverse("bundle_cases:receipt", kwargs={"number": _fresh(bc).number})),
            client.get(reverse("cases:receipt", kwargs={"number": kid.number})),
        ]
        assert [p.status_code for p in pages] == [expected, expected], who
        if expected == 403:  # visible to them, but personal data: refused with the reason
            for page in pages:
                assert _fresh(bc).query_code not in page.content.decode()
                assert kid.query_code not in page.content.decode()
