"""免证办: a material a licence replaces, given as the applicant's licence instead of a file — on case creation
by the API, as a draft's material, at the window; held for acceptance; verified again when staff open the
case (and on the holder's record), refused once the licence no longer verifies."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tongban.cases import services
from tongban.cases.models import Case, CaseMaterial
from tongban.cases.tests.factories import PNG, Api
from tongban.core.actor import actor_of

from ..domain.workflow import LicenceAction
from ..models import LicenceUse
from ..services.perform import perform
from .factories import HOUSEHOLD, UseWorld, use_world

pytestmark = pytest.mark.django_db
FORM = {"child_name": "张小宝", "child_birth_date": "2026-11-01"}


@pytest.fixture
def u() -> UseWorld:
    return use_world()


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.content.decode()
    return response.json()


def apply(api: Api, u: UseWorld, **body: Any) -> Any:
    form = {**FORM, "applicant_name": api.user.real_name, "applicant_id_number": api.user.id_number}
    return api.post(
        "/cases", {"implementation": u.using.implementation.code, "form_data": form, "submit": True, **body}
    )


def test_without_the_licence_or_a_file_the_material_is_missing(client: Client, u: UseWorld) -> None:
    response = apply(Api(client, u.w.applicant), u)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "materials_missing" and HOUSEHOLD in response.json()["error"]["message"]


def test_the_case_records_which_licence_version_it_used_and_the_clerk_sees_it_verified(
    client: Client, u: UseWorld
) -> None:
    version = u.licence.versions.get()
    case = ok(apply(Api(client, u.w.applicant), u, licences={HOUSEHOLD: u.licence.identifier}), 201)
    held = CaseMaterial.objects.get(case__number=case["number"], name=HOUSEHOLD)
    assert held.state == "replaced" and not held.file
    assert (held.licence_identifier, held.licence_version, held.licence_digest) == (
        version.identifier,
        1,
        version.content_digest,
    )
    seen = ok(Api(client, u.w.clerk).get(f"/cases/{case['number']}"))
    material = next(m for m in seen["materials"] if m["name"] == HOUSEHOLD)
    assert material["licence"]["identifier"] == version.identifier
    assert material["licence_check"]["verified"] is True and material["licence_check"]["label"] == "已核验"
    use = LicenceUse.objects.get(licence=u.licence)
    assert use.kind == "case" and use.user == u.w.clerk and use.case_number == case["number"]
    accepted = ok(Api(client, u.w.clerk).act(seen, "accept"))
    assert accepted["status"] == "in_progress"


def test_someone_elses_licence_is_refused(client: Client, u: UseWorld) -> None:
    response = apply(Api(client, u.w.other_citizen), u, licences={HOUSEHOLD: u.licence.identifier})
    assert response.status_code == 400 and response.json()["error"]["code"] == "licence_not_held"
    assert not Case.objects.filter(applicant=u.w.other_citizen).exists()


def test_a_suspended_licence_is_no_longer_offered_and_the_clerk_sees_why(client: Client, u: UseWorld) -> None:
    case = ok(apply(Api(client, u.w.applicant), u, licences={HOUSEHOLD: u.licence.identifier}), 201)
    perform(services.Ctx(u.w.applicant, "online"), u.licence, LicenceAction.SUSPEND, None, reason="遗失")
    seen = ok(Api(client, u.w.clerk).get(f"/cases/{case['number']}"))
    check = next(m for m in seen["materials"] if m["name"] == HOUSEHOLD)["licence_check"]
    assert check["verified"] is False and check["label"] != "已核验"
    again = apply(Api(client, u.w.applicant), u, licences={HOUSEHOLD: u.licence.identifier})
    assert again.status_code == 400 and again.json()["error"]["code"] == "licence_not_held"


def test_a_draft_takes_the_licence_and_submission_checks_it_again(client: Client, u: UseWorld) -> None:
    api = Api(client, u.w.applicant)
    draft = ok(apply(api, u, submit=False), 201)
    ok(
        api.post(
            f"/cases/{draft['number']}/materials/licence", {"name": HOUSEHOLD, "identifier": u.licence.identifier}
        ),
        201,
    )
    perform(services.Ctx(u.w.applicant, "online"), u.licence, LicenceAction.SUSPEND, None, reason="遗失")
    refused = api.post(f"/cases/{draft['number']}/submit", {"revision": draft["revision"]})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "licence_invalid"


def test_at_the_window_the_present_applicants_licence_is_taken(u: UseWorld) -> None:
    ctx = services.Ctx(u.w.clerk, "window", window=u.w.window)
    form = {**FORM, "applicant_name": u.w.applicant.real_name, "applicant_id_number": u.w.applicant.id_number}
    case = services.apply_at_window(
        ctx,
        u.using.implementation,
        applicant={"name": u.w.applicant.real_name, "id_number": u.w.applicant.id_number or ""},
        identity_check="读取居民身份证芯片",
        form_data=form,
        paper_materials=["居民身份证"],
        licence_materials=[HOUSEHOLD],
    )
    held = case.materials.get(name=HOUSEHOLD)
    assert held.licence_identifier == u.licence.identifier and held.state == "replaced"
    assert not services.missing_materials(case)
    assert actor_of(u.w.clerk).staff


def test_a_file_uploaded_later_replaces_the_licence_given_in_the_draft(client: Client, u: UseWorld) -> None:
    api = Api(client, u.w.applicant)
    draft = ok(apply(api, u, submit=False, licences={HOUSEHOLD: u.licence.identifier}), 201)
    assert CaseMaterial.objects.get(case__number=draft["number"], name=HOUSEHOLD).licence_identifier
    ok(api.upload(draft["number"], HOUSEHOLD, "hukou.png", PNG), 201)
    (held,) = CaseMaterial.objects.filter(case__number=draft["number"], name=HOUSEHOLD)
    assert held.state == "received" and held.file and not held.licence_identifier


def test_the_supervisors_indicator_counts_the_materials_a_licence_replaced(client: Client, u: UseWorld) -> None:
    ok(apply(Api(client, u.w.applicant), u, licences={HOUSEHOLD: u.licence.identifier}), 201)
    supervisor = Api(client, u.w.supervisor)
    figures = ok(supervisor.get("/supervision/licence-use"))
    assert (figures["cases_using_licences"], figures["licence_materials_avoided"]) == (1, 1)
    later = ok(supervisor.get("/supervision/licence-use?start=2099-01-01&end=2099-01-31"))
    assert (later["cases_using_licences"], later["licence_materials_avoided"]) == (0, 0)
    backwards = supervisor.get("/supervision/licence-use?start=2026-12-02&end=2026-12-01")
    assert backwards.status_code == 400 and backwards.json()["error"]["field"] == "start"
    assert Api(client, u.w.clerk).get("/supervision/licence-use").status_code == 403
    client.force_login(u.w.supervisor)
    page = client.get("/cases/supervision/").content.decode()
    assert "免证办（本月提交的申请）：1 件办件以电子证照代替 1 份材料" in page
