"""The fields that identify the applicant are bound to the signed-in account, or to a principal who authorised
it (accounts.Authorisation; cases/services/identity.py). Replays issue 8: a citizen could submit an
application with another person's ID number in the form."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tongban.accounts import services as accounts
from tongban.accounts.models import Authorisation
from tongban.accounts.tests.factories import SystemAdminFactory
from tongban.audit.models import AuditEntry
from tongban.cases import services as s
from tongban.cases.models import BundleCase, Case
from tongban.core import clock
from tongban.core.identifiers import make_resident_id, make_uscc
from tongban.core.testing import files as samples

from .factories import TODAY, Api, World, auth, bundle_holding_all, form, make_env, world

pytestmark = pytest.mark.django_db

MOTHER_ID = make_resident_id("330681", dt.date(1960, 5, 1), 22)


@pytest.fixture
def w(monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return world()


def mother_authorises(w: World, *, days: int = 90, items: tuple[str, ...] = (), **evidence: Any) -> Authorisation:
    if not evidence:
        evidence = {"document": ("委托书.pdf", samples.pdf("委托书"))}
    return accounts.record_authorisation(
        recorded_by=w.clerk,
        agent=w.applicant,
        principal_name="王秀英",
        principal_id_number=MOTHER_ID,
        valid_from=TODAY,
        valid_until=TODAY + dt.timedelta(days=days),
        scope_items=items,
        **evidence,
    )


def for_mother(w: World) -> dict[str, str]:
    return {**form(w), "applicant_name": "王秀英", "applicant_id_number": MOTHER_ID}


def test_another_persons_id_number_is_refused(client: Client, w: World) -> None:
    api = Api(client, w.applicant)
    for submit in (True, False):
        response = api.post(
            "/cases", {"implementation": w.version.implementation.code, "form_data": for_mother(w), "submit": submit}
        )
        assert response.status_code == 400, response.content
        error = response.json()["error"]
        assert error["code"] == "invalid_form" and "applicant_id_number" in error["fields"]
        assert "委托授权" in error["fields"]["applicant_id_number"]
    assert not Case.objects.exists()


def test_a_draft_cannot_be_changed_to_someone_else(client: Client, w: World) -> None:
    api = Api(client, w.applicant)
    draft = api.apply(w, submit=False).json()
    response = api.act(draft, "save_draft", form_data={"applicant_id_number": MOTHER_ID})
    assert response.status_code == 400 and "applicant_id_number" in response.json()["error"]["fields"]


def test_ones_own_id_number_under_another_name_is_refused(client: Client, w: World) -> None:
    response = Api(client, w.applicant).apply(w, applicant_name="李四")
    assert response.status_code == 400 and "applicant_name" in response.json()["error"]["fields"]


def test_the_page_refuses_it_too(client: Client, w: World) -> None:
    client.force_login(w.applicant)
    code = w.version.implementation.code
    page = client.get(f"/cases/apply/{code}/").content.decode()
    token = page.split('name="token" value="', 1)[1].split('"', 1)[0]
    data = {f"f_{k}": v for k, v in for_mother(w).items()}
    response = client.post(f"/cases/apply/{code}/", {**data, "token": token, "submit": "1"})
    html = response.content.decode()
    assert "委托授权" in html and not Case.objects.exclude(status="draft").exists()


def test_under_an_authorisation_the_case_is_the_principals_with_the_account_as_agent(client: Client, w: World) -> None:
    authorisation = mother_authorises(w)
    response = Api(client, w.applicant).apply(w, applicant_name="王秀英", applicant_id_number=MOTHER_ID)
    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert (case.applicant_name, case.applicant_id_number) == ("王秀英", MOTHER_ID)
    assert (case.agent_name, case.agent_id_number) == (w.applicant.real_name, w.applicant.id_number)
    assert case.authorisation == authorisation and case.applicant == w.applicant  # the account follows the case
    entry = AuditEntry.objects.get(action="authorisation.record", object_id=str(authorisation.pk))
    assert entry.detail["evidence"] == "document" and entry.detail["document_sha256"] == authorisation.document_sha256


@pytest.mark.parametrize("why", ["expired", "revoked", "other_item", "other_agent"])
def test_an_authorisation_not_in_force_does_not_count(client: Client, w: World, why: str) -> None:
    if why == "expired":
        authorisation = mother_authorises(w)
        Authorisation.objects.filter(pk=authorisation.pk).update(valid_until=TODAY - dt.timedelta(days=1))
    elif why == "revoked":
        accounts.revoke_authorisation(mother_authorises(w), by=w.clerk, reason="委托人撤回")
    elif why == "other_item":
        mother_authorises(w, items=("11330681MB0000000X400011700299999",))
    else:
        accounts.record_authorisation(
            recorded_by=w.clerk, agent=w.other_citizen, principal_name="王秀英", principal_id_number=MOTHER_ID,
            valid_from=TODAY, valid_until=TODAY, verified_by=w.clerk, verification_note="委托人到场签字",
        )  # fmt: skip
    response = Api(client, w.applicant).apply(w, applicant_name="王秀英", applicant_id_number=MOTHER_ID)
    assert response.status_code == 400 and "applicant_id_number" in response.json()["error"]["fields"]


def test_an_authorisation_needs_evidence_and_checks_what_it_records(w: World) -> None:
    with pytest.raises(ValidationError) as refused:
        accounts.record_authorisation(
            recorded_by=w.clerk, agent=w.clerk, principal_name="", principal_id_number="330681196005010023",
            valid_from=TODAY, valid_until=TODAY - dt.timedelta(days=1),
        )  # fmt: skip
    fields = refused.value.message_dict
    assert {"principal_id_number", "principal_name", "agent", "valid_until", "document"} <= set(fields)
    with pytest.raises(ValidationError) as refused:
        mother_authorises(w, document=("委托书.pdf", b"%PDF-1.7\n<script>alert(1)</script>\n%%EOF"))
    assert "安全原因" in refused.value.message_dict["document"][0]
    with pytest.raises(ValidationError) as refused:
        mother_authorises(w, verified_by=w.approver, verification_note="看过了")
    assert "综合窗口" in refused.value.message_dict["verified_by"][0]
    checked = mother_authorises(w, verified_by=w.clerk, verification_note="委托人到场，人证比对一致")
    assert checked.principal_kind == "natural" and not checked.document


def test_the_admin_records_and_revokes_through_the_service(client: Client, w: World) -> None:
    admin = SystemAdminFactory(username="root")
    client.force_login(admin)
    data = {
        "agent": w.applicant.pk,
        "principal_name": "王秀英",
        "principal_id_number": MOTHER_ID,
        "scope_text": w.version.implementation.code,
        "valid_from": TODAY.isoformat(),
        "valid_until": (TODAY + dt.timedelta(days=30)).isoformat(),
        "verification_note": "",
    }
    response = client.post("/admin/accounts/authorisation/add/", data)
    assert response.status_code == 200 and "请上传授权委托书" in response.content.decode()
    response = client.post(
        "/admin/accounts/authorisation/add/",
        {**data, "document_file": SimpleUploadedFile("委托书.pdf", samples.pdf("委托书"))},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    authorisation = Authorisation.objects.get()
    assert authorisation.scope_items == [w.version.implementation.code] and authorisation.recorded_by == admin
    assert AuditEntry.objects.filter(action="authorisation.record").exists()
    listing = client.get("/admin/accounts/authorisation/").content.decode()
    assert MOTHER_ID not in listing  # masked in the list
    client.post("/admin/accounts/authorisation/", {"action": "revoke", "_selected_action": [authorisation.pk]})
    authorisation.refresh_from_db()
    assert authorisation.revoked_at is not None


def test_a_bundle_form_is_bound_the_same_way(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    env = make_env()
    headers: dict[str, Any] = auth(env.w.applicant)
    body = {
        "bundle": env.bundle.code,
        "form_data": {"applicant_name": "王秀英", "applicant_id_number": MOTHER_ID, "child_name": "张小宝"},
    }
    response = client.post("/api/v1/bundle-cases", body, content_type="application/json", **headers)
    assert response.status_code == 400 and "applicant_id_number" in str(response.json()["error"])
    assert not BundleCase.objects.exists()
    mother_authorises(env.w)
    response = client.post("/api/v1/bundle-cases", body, content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    bundle_case = BundleCase.objects.get()
    assert bundle_case.applicant_id_number == MOTHER_ID and bundle_case.authorisation is not None


# ---- an agent at the window (代办人, 经办人) -------------------------------------------------------------------

ABSENT = "核验委托人身份证原件（委托人未到场）"


def page_token(html: str) -> str:
    return html.split('name="token" value="', 1)[1].split('"', 1)[0]


def window_post(w: World, html: str, **extra: Any) -> dict[str, Any]:
    """The window form for 王秀英 (no account) brought by the world's applicant, who has one."""
    return {
        "token": page_token(html),
        "kind": "natural",
        "name": "王秀英",
        "id_number": MOTHER_ID,
        "phone": "13900000000",
        "identity_check": "读取身份证芯片并人证比对",
        "agent_name": w.applicant.real_name,
        "agent_id_number": w.applicant.id_number,
        "f_child_name": "王小宝",
        "f_child_birth_date": "2026-09-20",
        "paper": ["居民身份证", "出生医学证明"],
        **extra,
    }


def test_an_agent_at_the_window_applies_under_the_clerks_check_recorded_as_an_authorisation(
    client: Client, w: World
) -> None:
    """Reproduced on the old code: the window took 代办人 by name only; the case had no authorisation, so
    nothing said how the principal's will and both identities were checked (an online agent's case has one)."""
    client.force_login(w.clerk)
    code = w.version.implementation.code
    url = f"/cases/window/apply/{code}/"
    page = client.get(url).content.decode()
    assert 'name="principal_check"' in page and 'name="written"' in page and 'name="authorisation_file"' in page
    refused = client.post(url, window_post(w, page))
    html = refused.content.decode()
    assert refused.status_code == 400 and "请选择委托人身份证件的核验方式" in html
    refused = client.post(url, window_post(w, html, principal_check=ABSENT))
    html = refused.content.decode()
    assert refused.status_code == 400 and "委托人未到场的，须收取书面授权委托书" in html
    bad_scan = SimpleUploadedFile("委托书.pdf", b"%PDF-1.7\n<script>alert(1)</script>\n%%EOF")
    refused = client.post(
        url, {**window_post(w, html, principal_check=ABSENT, written="on"), "authorisation_file": bad_scan}
    )
    html = refused.content.decode()
    assert refused.status_code == 400 and "安全原因" in html
    assert not Case.objects.exists() and not Authorisation.objects.exists()

    scan = samples.pdf("授权委托书")
    post = {**window_post(w, html, principal_check=ABSENT, written="on")}
    response = client.post(url, {**post, "authorisation_file": SimpleUploadedFile("委托书.pdf", scan)})
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    found = case.authorisation
    assert found is not None and Authorisation.objects.count() == 1
    assert (found.principal_name, found.principal_id_number, found.principal_kind) == ("王秀英", MOTHER_ID, "natural")
    assert found.agent == w.applicant and (found.agent_name, found.agent_id_number) == (
        w.applicant.real_name,
        w.applicant.id_number,
    )
    assert (found.principal_check, found.agent_check, found.written) == (ABSENT, "读取身份证芯片并人证比对", True)
    assert found.verified_by == w.clerk and found.recorded_by == w.clerk and found.scope_items == [code]
    assert found.valid_from == found.valid_until == TODAY and found.document
    assert found.document_sha256 == hashlib.sha256(scan).hexdigest()
    assert (case.applicant_name, case.applicant_id_number) == ("王秀英", MOTHER_ID)
    assert (case.agent_name, case.agent) == (w.applicant.real_name, w.applicant)
    first = case.events.order_by("pk").first()
    assert first is not None and ABSENT in first.reason and "授权委托书（已扫描存档）" in first.reason
    entry = AuditEntry.objects.get(action="authorisation.record", object_id=str(found.pk))
    assert entry.detail["evidence"] == "window_check" and entry.detail["written"] is True
    assert entry.detail["document_sha256"] == found.document_sha256
    # The page says what the agency rests on; the same form again makes neither a second case nor authorisation.
    detail = client.get(f"/cases/{case.number}/").content.decode()
    assert "委托依据" in detail and ABSENT in detail
    assert client.post(url, {**post, "authorisation_file": SimpleUploadedFile("委托书.pdf", scan)}).status_code == 302
    assert Case.objects.count() == 1 and Authorisation.objects.count() == 1


def test_the_window_checks_an_agency_by_the_principals_kind(w: World) -> None:
    """A person who comes along needs no paper; one who does not, or an enterprise (under its seal), does."""
    check = accounts.window_authorisation_errors
    common: dict[str, Any] = {
        "clerk": w.clerk,
        "principal_name": "王秀英",
        "principal_id_number": MOTHER_ID,
        "agent_name": "张三",
        "agent_id_number": w.applicant.id_number,
        "agent_check": "核验纸质身份证原件",
        "written": False,
    }
    assert check(**common, principal_check=accounts.PRINCIPAL_PRESENT) == {}
    assert set(check(**common, principal_check=ABSENT)) == {"written"}
    assert check(**common, principal_check=ABSENT, document=("委托书.pdf", samples.pdf("委托书"))) == {}
    itself = check(**{**common, "agent_id_number": MOTHER_ID}, principal_check=accounts.PRINCIPAL_PRESENT)
    assert "同一人" in itself["agent_id_number"]
    enterprise = {
        **common,
        "principal_name": "诸暨市某某有限公司",
        "principal_id_number": make_uscc("9", "1", "330681", "MA2JY7C3"),
    }
    errors = check(**enterprise, principal_check=accounts.PRINCIPAL_PRESENT)
    assert set(errors) == {"principal_check", "written"}
    assert check(**{**enterprise, "written": True}, principal_check=accounts.PRINCIPAL_CHECKS[-1]) == {}
    assert "clerk" in check(**{**common, "clerk": w.approver}, principal_check=accounts.PRINCIPAL_PRESENT)


def test_online_and_window_agency_carry_the_same_evidence(client: Client, w: World) -> None:
    """Both cases rest on an accounts.Authorisation and say so alike on the page and in the API; a viewer who
    may not see personal data sees the agent masked and the evidence (it names no one)."""
    online_authorisation = mother_authorises(w)
    online = Api(client, w.applicant).apply(w, applicant_name="王秀英", applicant_id_number=MOTHER_ID).json()
    window = s.apply_at_window(
        s.Ctx(w.clerk, "window", w.window),
        w.version.implementation,
        applicant={"name": "王秀英", "id_number": MOTHER_ID, "phone": "13900000000"},
        identity_check="核验纸质身份证原件",
        form_data=form(w),
        paper_materials=["居民身份证", "出生医学证明"],
        agent=s.WindowAgent(
            name=w.other_citizen.real_name,
            id_number=w.other_citizen.id_number or "",
            principal_check=accounts.PRINCIPAL_PRESENT,
        ),
    )
    assert window.authorisation is not None and online_authorisation != window.authorisation
    expected = {
        online["number"]: (w.applicant.real_name, "授权委托书（已扫描存档）"),
        window.number: (w.other_citizen.real_name, f"委托人：{accounts.PRINCIPAL_PRESENT}；受托人：核验纸质身份证原件"),
    }
    clerk_api, supervisor_api = Api(client, w.clerk), Api(client, w.supervisor)
    for number, (agent_name, evidence) in expected.items():
        case = Case.objects.get(number=number)
        assert case.authorisation is not None and case.agent_name == agent_name
        shown = clerk_api.get(f"/cases/{number}").json()["applicant"]
        assert (shown["agent_name"], shown["authorisation"]) == (agent_name, evidence)
        masked = supervisor_api.get(f"/cases/{number}").json()
        assert masked["personal_data_masked"] and masked["applicant"]["authorisation"] == evidence
        assert masked["applicant"]["agent_name"] not in ("", agent_name)
        client.force_login(w.clerk)
        page = client.get(f"/cases/{number}/").content.decode()
        assert "委托依据" in page and evidence in page
    # The window agent has an account: they follow the case they brought, like an online agent.
    follows = Api(client, w.other_citizen).get(f"/cases/{window.number}")
    assert follows.status_code == 200 and follows.json()["applicant"]["authorisation"]
    # The clerk's check was for that application only: it lets the agent apply for nothing else online.
    again = Api(client, w.other_citizen).apply(w, applicant_name="王秀英", applicant_id_number=MOTHER_ID)
    assert again.status_code == 400 and "applicant_id_number" in again.json()["error"]["fields"]


def test_a_bundle_at_the_window_records_the_agency_for_every_item(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    env = make_env()
    w = env.w
    client.force_login(w.clerk)
    url = f"/bundles/window/apply/{env.bundle.code}/"
    page = client.get(url).content.decode()
    assert 'name="principal_check"' in page and 'enctype="multipart/form-data"' in page
    post = {
        "token": page_token(page),
        "action": "apply",
        "items": [i.pk for i in env.items.values()],
        "kind": "natural",
        "name": "王秀英",
        "id_number": MOTHER_ID,
        "phone": "13800000002",
        "identity_check": "读取身份证芯片并人证比对",
        "agent_name": "赵代办",
        "agent_id_number": make_resident_id("330681", dt.date(1985, 3, 3), 31),
        "f_child_name": "王小宝",
        "f_child_birth_date": "2026-09-21",
        "paper": ["父母结婚证", "住院分娩记录", "居民户口簿"],
    }
    refused = client.post(url, {**post, "principal_check": ABSENT})
    assert refused.status_code == 400 and "须收取书面授权委托书" in refused.content.decode()
    assert not BundleCase.objects.exists()
    response = client.post(url, {**post, "principal_check": ABSENT, "written": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    bundle_case = BundleCase.objects.get()
    found = bundle_case.authorisation
    assert found is not None and found.agent is None and found.agent_name == "赵代办" and found.written
    assert sorted(found.scope_items) == sorted(i.implementation.code for i in env.items.values())
    bundle_holding_all(bundle_case)
    services_ctx = s.Ctx(w.clerk, "window", w.window)
    bundle_case = s.accept_bundle(services_ctx, bundle_case, bundle_case.revision)
    items = Case.objects.filter(bundle_case=bundle_case)
    assert items.count() == 3
    for item in items:
        assert item.authorisation == found and item.agent_name == "赵代办" and item.agent is None
    evidence = f"委托人：{ABSENT}；受托人：读取身份证芯片并人证比对；授权委托书（纸质原件）"
    detail = client.get(f"/bundles/cases/{bundle_case.number}/").content.decode()
    assert "委托依据" in detail and evidence in detail and "赵代办" in detail
    shown = client.get(f"/api/v1/bundle-cases/{bundle_case.number}", **auth(w.clerk)).json()["applicant"]
    assert (shown["agent_name"], shown["authorisation"]) == ("赵代办", evidence)
