"""Every role × every surface × own and foreign cases: each surface says what the one policy says.

The expected answer of every cell is asked of ``cases.domain.policy`` for that actor and that case (may see
it, may see its personal data unmasked, which actions now); the test then checks that each surface agrees —
the case page (its buttons, its masking, its notice and file links), the cases API (detail, lists, queues,
the board), the receipt, the notice PDFs, the material files, the Django admin's case pages, and for bundle
cases the bundle-case page, its API, its receipt and lists. A surface that decides on its own fails here.
(test_security_matrix and test_bundle_security_matrix try every action on every endpoint; test_policy holds
the policy itself to its rules.)

The cast: the applicant, their proxy (代办人, with an account), another citizen, the window clerk of the
receiving centre and of another centre, the approver and head of the deciding department, an approver of
another department, the supervisor of the jurisdiction and of another, the system administrator, a
catalogue administrator, and anonymous. The cases: one of 诸暨市 received at its centre for the applicant
with their proxy (online while a draft), in every state the services can bring it to, and beside it in
several of them one of 越城区 — another citizen's, another centre's, another department's, another
jurisdiction's. Bundle cases likewise, in every phase, with each item's own pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, get_args

import pytest
from django.test import Client
from django.urls import reverse

from tongban.accounts.masking import mask_resident_id
from tongban.accounts.models import User
from tongban.accounts.tests.factories import CatalogueAdminFactory, CitizenFactory, SystemAdminFactory
from tongban.cases import api as case_api
from tongban.cases import api_bundle_cases as bundle_api
from tongban.cases import notices
from tongban.cases import services as s
from tongban.cases import views as case_views
from tongban.cases.domain import policy
from tongban.cases.domain.bundle_workflow import BundleAction
from tongban.cases.domain.workflow import CaseAction, CaseStatus
from tongban.cases.facts import bundle_facts, case_facts
from tongban.cases.models import BundleCase, Case, CaseMaterial
from tongban.cases.tests.factories import TODAY, BundleCaseFactory, CaseFactory, World, auth, make_env, world
from tongban.cases.views_office import ROLE_BUCKETS
from tongban.core import clock
from tongban.core.actor import ANONYMOUS, Actor

pytestmark = pytest.mark.django_db

A, S = CaseAction, CaseStatus
ROLES = [
    "applicant",
    "proxy",
    "other_citizen",
    "clerk",
    "other_centre_clerk",
    "approver",
    "head",
    "other_department_approver",
    "supervisor",
    "other_jurisdiction_supervisor",
    "system_admin",
    "catalogue_admin",
    "anonymous",
]


@dataclass
class Scene:
    here: World  # 诸暨市: the cases' own county
    there: World  # 越城区: the foreign cases'
    people: dict[str, User | None]  # by role, as seen from 诸暨市's cases
    proxy: User
    pages: dict[str, Client]  # by role: signed in (or not) for the pages
    bearers: dict[str, dict[str, Any]]  # by role: the API's Authorization header (none when anonymous)


@pytest.fixture
def scene(monkeypatch: pytest.MonkeyPatch) -> Scene:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    here = world()
    there = world("330602", prefix="yc_", applicant_name="孙七", phone="13911112222")
    proxy = CitizenFactory(username="proxy", real_name="赵代办", phone="13722223333")
    people: dict[str, User | None] = {
        "applicant": here.applicant,
        "proxy": proxy,
        "other_citizen": there.applicant,  # the 越城区 case is theirs
        "clerk": here.clerk,
        "other_centre_clerk": there.clerk,
        "approver": here.approver,
        "head": here.head,
        "other_department_approver": here.other_approver,  # 人社 of 诸暨市: neither case is theirs
        "supervisor": here.supervisor,
        "other_jurisdiction_supervisor": there.supervisor,
        "system_admin": SystemAdminFactory(username="sysadmin", real_name="系统管理员"),
        "catalogue_admin": CatalogueAdminFactory(username="catadmin", division=here.centre.division),
        "anonymous": None,
    }
    assert set(people) == set(ROLES)
    pages = {who: Client() for who in ROLES}
    for who, person in people.items():
        if person is not None:
            pages[who].force_login(person)
    bearers = {who: auth(person) if person is not None else {} for who, person in people.items()}
    return Scene(here, there, people, proxy, pages, bearers)


def actor(person: User | None) -> Actor:
    return ANONYMOUS if person is None else person.actor


# --- the cases: each state the services reach, here (with the proxy) and there --------------------------

STATES: list[tuple[str, dict[str, Any]]] = [
    ("draft", {"status": S.DRAFT}),
    ("submitted", {"status": S.SUBMITTED}),
    ("correction", {"status": S.CORRECTION}),
    ("refused", {"status": S.REFUSED}),
    ("withdrawn", {"status": S.WITHDRAWN}),
    ("in_progress", {"status": S.IN_PROGRESS}),
    ("awaiting_decision", {"status": S.IN_PROGRESS, "awaiting_decision": True}),
    ("deferred", {"status": S.IN_PROGRESS, "deferrals": "结婚证"}),
    ("returned", {"status": S.RETURNED}),
    ("suspended", {"status": S.SUSPENDED}),
    ("decided", {"status": S.DECIDED}),
    ("closed", {"status": S.CLOSED}),
]
STATE_NAMES = [name for name, _ in STATES]


# The states in which 越城区's case stands beside 诸暨市's: the foreign case is about who sees it at all (the
# other county's people see it, no one of 诸暨市 does), which a few states show as well as all of them.
FOREIGN_STATES = frozenset({"draft", "submitted", "in_progress", "decided", "closed"})


def make_cases(scene: Scene, state: str) -> dict[str, Case]:
    """诸暨市's case (the applicant's, with their proxy, at the window with a scanned file; online while a
    draft) and, in FOREIGN_STATES, 越城区's (its own applicant's, online), both in ``state``."""
    options = dict(dict(STATES)[state])
    if "deferrals" in options:
        options["deferrals"] = [s.Deferral("结婚证", TODAY.replace(day=30), "本人承诺按期补交")]
    here, there, proxy = scene.here, scene.there, scene.proxy
    if options["status"] == S.DRAFT:
        ours = CaseFactory(world=here, **options)
    else:
        ours = CaseFactory(
            world=here,
            channel="window",
            window_applicant={
                "name": here.applicant.real_name,
                "id_number": here.applicant.id_number or "",
                "phone": here.applicant.phone,
            },
            agent={"name": proxy.real_name, "id_number": proxy.id_number or ""},
            uploads=("出生医学证明",) if "deferrals" in options else ("结婚证",),
            **options,
        )
        assert ours.applicant_id == here.applicant.pk and ours.agent_id == proxy.pk
    made = {"ours": ours, "theirs": CaseFactory(world=there, **options)} if state in FOREIGN_STATES else {"ours": ours}
    return {k: Case.objects.get(pk=c.pk) for k, c in made.items()}


@dataclass(frozen=True)
class Expected:
    sees: bool
    personal: bool
    actions: frozenset[Any]  # CaseAction, or BundleAction for a bundle case


def expected(person: User | None, case: Case) -> Expected:
    """What the policy says for this person and case."""
    who, facts = actor(person), case_facts(case)
    return Expected(
        policy.may_see_case(who, facts), policy.may_see_personal(who, facts), policy.case_actions(who, facts)
    )


def secrets(case: Case) -> list[str]:
    """What only the applicant and the staff handling the case may see: identifiers, phone, the form, the
    query code, the proxy's ID."""
    values = [case.applicant_id_number, case.applicant_phone, case.query_code, case.form_data["child_name"]]
    return [v for v in (*values, case.agent_id_number) if v]


def assert_masked(text: str, case: Case, where: str) -> None:
    for secret in secrets(case):
        assert secret not in text, (where, secret)


# --- the case page ---------------------------------------------------------------------------------------

# Actions the case page offers no button for: drafting and submitting are the edit page's; the window's
# 容缺 panel is "defer" (accept_deferred); what the platform or a bundle does by itself has no page.
NOT_ON_THE_PAGE = frozenset({A.SAVE_DRAFT, A.SUBMIT, A.RECORD_VISIT, A.START, A.TERMINATE, A.RECORD_JOINT_STEP})
PAGE_BUTTON = re.compile(r'action="/cases/[^/"]+/do/([a-z_]+)/"')


def page_buttons(expected_actions: frozenset[CaseAction]) -> set[str]:
    """The panels the page must show: each page action whose case actions the policy allows."""
    return {name for name, spec in case_views.PAGE_ACTIONS.items() if set(spec.needs) & expected_actions}


def seen(response: Any, person: User | None, want: Expected, where: Any, secrets_of: list[str], api: bool) -> bool:
    """Whether the reader got the case; if not, that they got the right refusal and nothing of it: the
    login page (pages) or 401 (API) when anonymous, 404 when the policy hides it."""
    if person is None:
        if api:
            assert response.status_code == 401, where
        else:
            assert response.status_code == 302 and "/accounts/login" in response["Location"], where
        return False
    if not want.sees:
        assert response.status_code == 404, where
        text = response.content.decode()
        assert not [v for v in secrets_of if v in text], where
        return False
    return True


def check_case_page(scene: Scene, who: str, case: Case, want: Expected) -> None:
    person = scene.people[who]
    response = scene.pages[who].get(reverse("cases:detail", args=[case.number]))
    where = (who, case.number, case.status, "page")
    if not seen(response, person, want, where, secrets(case), api=False):
        return
    if case.status == S.DRAFT:
        assert response.status_code == 302 and response["Location"].endswith(f"/cases/{case.number}/edit/"), where
        return
    assert response.status_code == 200, where
    html = response.content.decode()
    # The buttons are the policy's actions, no more, no fewer.
    assert set(PAGE_BUTTON.findall(html)) == page_buttons(want.actions), where
    covered = {a for spec in case_views.PAGE_ACTIONS.values() for a in spec.needs} | NOT_ON_THE_PAGE
    assert want.actions <= covered, (where, want.actions - covered)
    # The masking, the notice links and the file links are the policy's too.
    notice_link = f"/cases/{case.number}/notices/"
    file_link = f"/cases/{case.number}/materials/"
    if want.personal:
        assert case.applicant_id_number in html and case.form_data["child_name"] in html, where
        assert (notice_link in html) == bool(notices.notice_kinds_for(case)), where
        assert (file_link in html) == CaseMaterial.objects.filter(case=case).exclude(file="").exists(), where
    else:
        assert_masked(html, case, str(where))
        assert mask_resident_id(case.applicant_id_number) in html, where
        assert notice_link not in html and file_link not in html, where


# --- the cases API ---------------------------------------------------------------------------------------

# The actions POST /cases/{number}/actions/{action} performs, as the policy names them (decide is grant or deny).
API_ACTIONS = frozenset(CaseAction(name) for name in get_args(case_api.ActionName) if name != "decide")


def check_case_api(scene: Scene, who: str, case: Case, want: Expected) -> None:
    person = scene.people[who]
    response = Client().get(f"/api/v1/cases/{case.number}", **scene.bearers[who])
    where = (who, case.number, case.status, "api")
    if not seen(response, person, want, where, secrets(case), api=True):
        return
    assert response.status_code == 200, where
    body = response.json()
    assert {a["action"] for a in body["allowed_actions"]} == {a.value for a in want.actions & API_ACTIONS}, where
    assert body["personal_data_masked"] is not want.personal, where
    if want.personal:
        assert body["applicant"]["id_number"] == case.applicant_id_number, where
        assert body["form_data"] == case.form_data and body["query_code"] == case.query_code, where
    else:
        assert body["form_data"] is None and body["query_code"] is None, where
        assert_masked(response.content.decode(), case, str(where))


# --- receipt, notices, files, admin -----------------------------------------------------------------------


def personal_answer(person: User | None, want: Expected) -> int:
    """What a page of personal data answers: 200 in full; 403 with the reason to one who may see the case
    masked; 404 to one who may not see it; the login page to anonymous."""
    if person is None:
        return 302
    return 200 if want.personal else 403 if want.sees else 404


def check_personal_pages(scene: Scene, who: str, case: Case, want: Expected) -> None:
    person, client = scene.people[who], scene.pages[who]
    where = (who, case.number, case.status)
    receipt = client.get(reverse("cases:receipt", args=[case.number]))
    # A draft has no receipt: it is no application yet.
    expected_receipt = 404 if case.status == S.DRAFT and person is not None else personal_answer(person, want)
    assert receipt.status_code == expected_receipt, (*where, "receipt")
    kinds = notices.notice_kinds_for(case)
    if kinds:
        notice = client.get(reverse("cases:notice", args=[case.number, kinds[0].value]))
        assert notice.status_code == personal_answer(person, want), (*where, "notice", kinds[0])
    material = CaseMaterial.objects.filter(case=case).exclude(file="").first()
    if material is not None:
        response = client.get(reverse("cases:material", args=[case.number, material.pk]))
        assert response.status_code == personal_answer(person, want), (*where, "material")
    for response in (receipt,):
        if response.status_code != 200:
            assert_masked(response.content.decode("utf-8", "replace"), case, str((*where, "refused")))


def check_admin(scene: Scene, who: str, cases: dict[str, Case]) -> None:
    """The Django admin is the system administrator's (and the catalogue administrator's, who has no case
    pages there); whatever it lists or shows of a case, the policy allows, masked as the policy says."""
    person, client = scene.people[who], scene.pages[who]
    listing = client.get(reverse("admin:cases_case_changelist"))
    for case in cases.values():
        check_admin_page(who, person, client, listing, case)


def check_admin_page(who: str, person: User | None, client: Client, listing: Any, case: Case) -> None:
    want = expected(person, case)
    where = (who, case.number, case.status, "admin")
    page = client.get(reverse("admin:cases_case_change", args=[case.pk]))
    if person is None or not actor(person).admin_site:
        assert page.status_code == 302 and listing.status_code == 302, where
        return
    if who == "catalogue_admin":  # no case pages at all: refused, the case not even looked up
        assert page.status_code in (403, 404) and listing.status_code == 403, where
        return
    assert page.status_code == (200 if want.sees else 404), where
    assert (case.number in listing.content.decode()) is want.sees, where
    if want.sees:
        html = page.content.decode()
        if want.personal:
            assert case.applicant_id_number in html, where
        else:
            assert_masked(html, case, str(where))


# --- lists -------------------------------------------------------------------------------------------------

# The statuses some work queue lists (待受理, 待审查/待决定, 特殊环节, 待出件).
QUEUED = frozenset({S.SUBMITTED, S.IN_PROGRESS, S.SUSPENDED, S.RETURNED, S.DECIDED})


def check_lists(scene: Scene, who: str, cases: dict[str, Case]) -> None:
    """No list shows a case the policy hides; names are masked where the policy says; the applicant and
    their proxy find their cases under 我的办件 (page and API alike), the staff in their queues."""
    person, headers = scene.people[who], scene.bearers[who]
    if person is None:
        assert Client().get("/api/v1/cases").status_code == 401
        return
    who_actor = actor(person)
    api = Client()
    rows: dict[str, dict[str, Any]] = {}
    for bucket in get_args(case_api.QueueName):
        response = api.get("/api/v1/cases", {"bucket": bucket, "limit": "100"}, **headers)
        assert response.status_code == 200, (who, bucket)
        rows.update({r["number"]: r for r in response.json()["results"]})
    for bucket in ("due_soon", "overdue"):
        response = api.get("/api/v1/supervision", {"bucket": bucket, "limit": "100"}, **headers)
        assert response.status_code == (200 if policy.may_use_board(who_actor) else 403), (who, bucket)
        if response.status_code == 200:
            rows.update({r["number"]: r for r in response.json()["results"]})
    pages = scene.pages[who]
    role = who_actor.staff_role
    urls = [reverse("cases:mine"), reverse("cases:drafts")] if who_actor.applicant else []
    if role is not None and policy.may_use_queues(who_actor):
        urls += [f"{reverse('cases:queue')}?bucket={b.value}" for b in ROLE_BUCKETS.get(role, [])]
    if policy.may_use_board(who_actor):
        urls += [f"{reverse('cases:supervision')}?bucket={b}" for b in ("due_soon", "overdue")]
    html = "".join(pages.get(url).content.decode() for url in urls)
    for case in cases.values():
        want = expected(person, case)
        where = (who, case.number, case.status, "lists")
        if not want.sees:
            assert case.number not in rows and case.number not in html, where
            continue
        masked = not policy.sees_names_in_lists(who_actor)
        row = rows.get(case.number)
        if row is not None:
            assert (row["applicant_name"] == case.applicant_name) is not masked, where
        if masked and case.number in html:
            assert case.applicant_name not in html, where
        listed = case.number in rows
        if who_actor.applicant:
            assert listed is (case.status != S.DRAFT or policy.is_own(who_actor, case_facts(case))), where
        elif policy.may_use_queues(who_actor):
            assert listed is (S(case.status) in QUEUED), where
        # 我的办件 is the API's list; a role's queue pages show some of the API's buckets.
        assert (case.number in html) is listed if who_actor.applicant else listed or case.number not in html, where


# The states in which lists differ: a draft, and each state some queue lists (another state adds no list).
LISTED_STATES = frozenset({"draft", "submitted", "in_progress", "awaiting_decision", "returned", "suspended",
                           "decided", "closed"})  # fmt: skip


@pytest.mark.parametrize("state", STATE_NAMES)
def test_every_role_sees_on_every_surface_what_the_policy_says(scene: Scene, state: str) -> None:
    cases = make_cases(scene, state)
    for who, person in scene.people.items():
        for case in cases.values():
            want = expected(person, case)
            check_case_page(scene, who, case, want)
            check_case_api(scene, who, case, want)
            check_personal_pages(scene, who, case, want)
        check_admin(scene, who, cases)
        if state in LISTED_STATES:
            check_lists(scene, who, cases)


def test_the_matrix_has_own_and_foreign_cases_for_every_role(scene: Scene) -> None:
    """The cast sees something and misses something (or nothing, where the policy says so), so no row of
    the matrix is empty by accident."""
    cases = make_cases(scene, "in_progress")
    seen = {who: {k for k, c in cases.items() if expected(p, c).sees} for who, p in scene.people.items()}
    assert seen == {
        "applicant": {"ours"},
        "proxy": {"ours"},
        "other_citizen": {"theirs"},
        "clerk": {"ours"},
        "other_centre_clerk": {"theirs"},
        "approver": {"ours"},
        "head": {"ours"},
        "other_department_approver": set(),
        "supervisor": {"ours"},
        "other_jurisdiction_supervisor": {"theirs"},
        "system_admin": {"ours", "theirs"},
        "catalogue_admin": set(),
        "anonymous": set(),
    }


# --- bundle cases ----------------------------------------------------------------------------------------

BA = BundleAction
P = BundleCase.Phase
PHASES: list[tuple[str, dict[str, Any]]] = [
    ("draft", {"phase": P.DRAFT}),
    ("submitted", {"phase": P.SUBMITTED}),
    ("correction", {"phase": P.CORRECTION}),
    ("in_progress", {"phase": P.IN_PROGRESS}),
    ("one_decided_separately", {"phase": P.IN_PROGRESS, "result_mode": "separate", "decided": ["出生医学证明"]}),
    ("ready", {"phase": P.READY}),
    ("closed", {"phase": P.CLOSED}),
]
# The bundle-case page's forms for what the policy allows (drafting, submitting and uploading are the edit
# page's and the resubmit form's; the phase follows the items by itself).
BUNDLE_PAGE_FORMS = {
    BA.ACCEPT: "accept",
    BA.REQUEST_CORRECTION: "correction",
    BA.RESUBMIT: "resubmit",
    BA.CHOOSE_RESULT_MODE: "result_mode",
    BA.WITHDRAW_ITEM: "withdraw",
    BA.SCHEDULE_JOINT_STEP: "joint_schedule",
    BA.RECORD_JOINT_OUTCOME: "joint_record",
    BA.EXTEND: "extend",
}
NOT_ON_THE_BUNDLE_PAGE = frozenset({BA.SAVE_DRAFT, BA.SUBMIT, BA.ATTACH_MATERIAL, BA.PROGRESS})
BUNDLE_BUTTON = re.compile(r'action="/bundles/cases/[^/"]+/do/([a-z_]+)/"')


FOREIGN_PHASES = frozenset({"draft", "in_progress", "ready"})


def make_bundle_cases(scene: Scene, phase: str) -> dict[str, BundleCase]:
    """诸暨市's 新生儿出生 bundle case of its applicant and, in FOREIGN_PHASES, 越城区's of its own, both in
    ``phase``."""
    options = dict(PHASES)[phase]
    made = {"ours": BundleCaseFactory(env=make_env(scene.here), **options)}
    if phase in FOREIGN_PHASES:
        there = make_env(scene.there, prefix="yc_", bundle_code="B-NEWBORN-YC")
        made["theirs"] = BundleCaseFactory(env=there, **options)
    return {k: BundleCase.objects.get(pk=bc.pk) for k, bc in made.items()}


def bundle_expected(person: User | None, bc: BundleCase) -> Expected:
    who, facts = actor(person), bundle_facts(bc)
    return Expected(
        policy.may_see_bundle(who, facts), policy.may_see_bundle_personal(who, facts), policy.bundle_actions(who, facts)
    )


def children_of(bc: BundleCase) -> list[Case]:
    return list(Case.objects.filter(bundle_case=bc).order_by("id"))


def bundle_secrets(bc: BundleCase) -> list[str]:
    kids = children_of(bc)
    values = [bc.applicant_id_number, bc.applicant_phone, bc.query_code, bc.form_data.get("child_name", "")]
    return [v for v in (*values, *(k.query_code for k in kids)) if v]


def assert_bundle_masked(text: str, bc: BundleCase, where: Any) -> None:
    for secret in bundle_secrets(bc):
        assert secret not in text, (where, secret)


def bundle_page_forms(bc: BundleCase, actions: frozenset[BundleAction]) -> set[str]:
    """The forms the bundle-case page must show: one per allowed action; results go out item by item where
    the applicant chose so."""
    forms = {name for action, name in BUNDLE_PAGE_FORMS.items() if action in actions}
    if BA.ISSUE_RESULTS in actions:
        forms.add("issue_items" if bc.result_mode == "separate" else "issue")
    return forms


def check_bundle_page(scene: Scene, who: str, bc: BundleCase, want: Expected) -> None:
    person = scene.people[who]
    response = scene.pages[who].get(reverse("bundle_cases:case", args=[bc.number]))
    where = (who, bc.number, bc.phase, "bundle page")
    if not seen(response, person, want, where, bundle_secrets(bc), api=False):
        return
    if bc.phase == P.DRAFT:
        assert response.status_code == 302 and response["Location"].endswith(f"/bundles/cases/{bc.number}/edit/")
        return
    assert response.status_code == 200, where
    html = response.content.decode()
    assert set(BUNDLE_BUTTON.findall(html)) == bundle_page_forms(bc, want.actions), where
    assert want.actions <= {*BUNDLE_PAGE_FORMS, BA.ISSUE_RESULTS, *NOT_ON_THE_BUNDLE_PAGE}, where
    if want.personal:
        assert bc.applicant_id_number in html and bc.form_data["child_name"] in html, where
    else:
        assert_bundle_masked(html, bc, where)
    # Each item's own page is linked where the policy lets this reader open it.
    for kid in children_of(bc):
        link = f'href="/cases/{kid.number}/"'
        assert (link in html) is policy.may_see_case(actor(person), case_facts(kid)), (where, kid.number)


BUNDLE_API_ACTIONS = bundle_api.API_ACTIONS


def check_bundle_api(scene: Scene, who: str, bc: BundleCase, want: Expected) -> None:
    person = scene.people[who]
    response = Client().get(f"/api/v1/bundle-cases/{bc.number}", **scene.bearers[who])
    where = (who, bc.number, bc.phase, "bundle api")
    if not seen(response, person, want, where, bundle_secrets(bc), api=True):
        return
    assert response.status_code == 200, where
    body = response.json()
    assert set(body["allowed_actions"]) == {n for n, a in BUNDLE_API_ACTIONS.items() if a in want.actions}, where
    assert body["personal_data_masked"] is not want.personal, where
    if want.personal:
        assert body["applicant"]["id_number"] == bc.applicant_id_number and body["form_data"] == bc.form_data, where
        assert body["query_code"] == bc.query_code, where
    else:
        assert body["form_data"] is None and body["query_code"] is None, where
        assert all(c["query_code"] is None for c in body["children"]), where
        assert_bundle_masked(response.content.decode(), bc, where)


def check_bundle_receipt(scene: Scene, who: str, bc: BundleCase, want: Expected) -> None:
    person = scene.people[who]
    response = scene.pages[who].get(reverse("bundle_cases:receipt", args=[bc.number]))
    answer = personal_answer(person, want)
    assert response.status_code == (404 if bc.phase == P.DRAFT and person is not None else answer), (who, bc.phase)
    if response.status_code != 200:
        assert_bundle_masked(response.content.decode(), bc, (who, bc.phase, "receipt"))


def check_bundle_lists(scene: Scene, who: str, bundle_cases: dict[str, BundleCase]) -> None:
    """The API's list is every bundle case the policy lets the reader see, names masked as it says; the
    pages (我的一件事, the window, the board) list none it hides."""
    person = scene.people[who]
    response = Client().get("/api/v1/bundle-cases", {"limit": "100"}, **scene.bearers[who])
    if person is None:
        assert response.status_code == 401
        return
    assert response.status_code == 200, who
    rows = {r["number"]: r for r in response.json()["results"]}
    who_actor = actor(person)
    html = "".join(
        scene.pages[who].get(reverse(f"bundle_cases:{name}")).content.decode() for name in ("mine", "window", "board")
    )
    for bc in bundle_cases.values():
        want = bundle_expected(person, bc)
        where = (who, bc.number, bc.phase, "bundle lists")
        assert (bc.number in rows) is want.sees, where
        if not want.sees:
            assert bc.number not in html, where
        elif not policy.sees_names_in_lists(who_actor):
            assert rows[bc.number]["applicant_name"] != bc.applicant_name, where


# The phases whose items stand in states of their own as the bundle's (submitted, running or waiting, decided).
ITEM_PHASES = frozenset({"submitted", "in_progress", "one_decided_separately", "ready"})


@pytest.mark.parametrize("phase", [name for name, _ in PHASES])
def test_bundle_cases_and_their_items_show_every_role_what_the_policy_says(scene: Scene, phase: str) -> None:
    bundle_cases = make_bundle_cases(scene, phase)
    for who, person in scene.people.items():
        for bc in bundle_cases.values():
            want = bundle_expected(person, bc)
            check_bundle_page(scene, who, bc, want)
            check_bundle_api(scene, who, bc, want)
            check_bundle_receipt(scene, who, bc, want)
        # Each item of 诸暨市's bundle case on its own case page and API (越城区's are alike, seen by 越城区).
        for kid in children_of(bundle_cases["ours"]) if phase in ITEM_PHASES else []:
            kid_want = expected(person, kid)
            check_case_page(scene, who, kid, kid_want)
            check_case_api(scene, who, kid, kid_want)
        check_bundle_lists(scene, who, bundle_cases)
