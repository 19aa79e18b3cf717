"""The fields that identify the applicant are bound to the signed-in account, or to a principal who authorised
it (accounts.Authorisation; cases/services/identity.py). Replays issue 8: a citizen could submit an
application with another person's ID number in the form."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tongban.accounts import services as accounts
from tongban.accounts.models import Authorisation
from tongban.accounts.tests.factories import SystemAdminFactory
from tongban.audit.models import AuditEntry
from tongban.cases.models import BundleCase, Case
from tongban.core import clock
from tongban.core.identifiers import make_resident_id
from tongban.core.testing import files as samples

from .factories import TODAY, Api, World, auth, form, make_env, world

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
