"""免证办 on the pages: the online form offers the applicant's valid licence instead of an upload and the case
holds it; the window form takes the present applicant's licence; the clerk's case page shows 已核验 with the
face, or why the licence no longer verifies; the notices and acceptance count the material as received."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tongban.audit.models import AuditEntry
from tongban.cases import services
from tongban.cases.models import Case

from ..domain.workflow import LicenceAction
from ..models import LicenceUse
from ..services.perform import perform
from .factories import HOUSEHOLD, UseWorld, use_world, using_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def u() -> UseWorld:
    return use_world()


def token(html: str) -> str:
    found = re.search(r'name="token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_the_online_form_offers_the_licence_and_the_clerk_sees_it_verified(client: Client, u: UseWorld) -> None:
    code = u.using.implementation.code
    client.force_login(u.w.applicant)
    form = client.get(f"/cases/apply/{code}/").content.decode()
    req = u.using.materials.get(name=HOUSEHOLD)
    assert f'name="licence_{req.pk}" value="{u.licence.identifier}" checked' in form
    assert "使用我的电子居民户口簿" in form
    response = client.post(
        f"/cases/apply/{code}/",
        {
            "token": token(form),
            "action": "submit",
            "f_applicant_name": u.w.applicant.real_name,
            "f_applicant_id_number": u.w.applicant.id_number,
            "f_child_name": "张小宝",
            "f_child_birth_date": "2026-11-01",
            f"licence_{req.pk}": u.licence.identifier,
        },
    )
    case = Case.objects.filter(version=u.using).get()
    assert response.status_code == 302 and case.status == "submitted", response.content.decode()[:3000]
    held = case.materials.get(name=HOUSEHOLD)
    assert held.licence_identifier == u.licence.identifier and not held.file

    client.force_login(u.w.clerk)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "已核验" in page and "张小宝" in page and u.licence.identifier in page
    assert LicenceUse.objects.filter(licence=u.licence, user=u.w.clerk, case_number=case.number).exists()
    # Opening the case again is audited again, but the holder's record keeps one line for the day.
    audited = AuditEntry.objects.filter(action="licence.case_view").count()
    client.get(f"/cases/{case.number}/")
    assert AuditEntry.objects.filter(action="licence.case_view").count() == audited + 1
    assert LicenceUse.objects.filter(licence=u.licence, user=u.w.clerk, case_number=case.number).count() == 1
    accepted = services.accept(services.Ctx(u.w.clerk, "window", u.w.window), case, case.revision)
    assert accepted.status == "in_progress"
    assert not services.missing_materials(Case.objects.get(pk=case.pk))  # acceptance, its notice: nothing lacking

    perform(services.Ctx(u.w.applicant, "online"), u.licence, LicenceAction.SUSPEND, None, reason="遗失")
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "未通过核验" in page and "已挂失" in page


def test_without_a_licence_the_form_asks_for_the_file(client: Client, u: UseWorld) -> None:
    client.force_login(u.w.other_citizen)
    form = client.get(f"/cases/apply/{u.using.implementation.code}/").content.decode()
    assert "您没有有效的电子居民户口簿，请上传此材料" in form and 'name="licence_' not in form


def test_the_window_form_takes_the_present_applicants_licence(client: Client, u: UseWorld) -> None:
    url = f"/cases/window/apply/{u.using.implementation.code}/"
    client.force_login(u.w.clerk)
    form = client.get(url).content.decode()
    assert f'name="licence" value="{HOUSEHOLD}"' in form
    data = {
        "token": token(form),
        "kind": "natural",
        "name": u.w.applicant.real_name,
        "id_number": u.w.applicant.id_number,
        "phone": "13900000000",
        "identity_check": "核验纸质身份证原件",
        "agent_name": "",
        "f_child_name": "张小宝",
        "f_child_birth_date": "2026-11-01",
        "paper": ["居民身份证"],
        "licence": [HOUSEHOLD],
    }
    response = client.post(url, data)
    case = Case.objects.filter(version=u.using).get()
    assert response.status_code == 302
    assert case.materials.get(name=HOUSEHOLD).licence_identifier == u.licence.identifier
    assert not services.missing_materials(case)
    # Someone holding no such licence: the clerk is told to take the paper instead.
    other = {
        **data,
        "token": token(client.get(url).content.decode()),
        "name": "李四",
        "id_number": u.w.other_citizen.id_number,
    }
    refused = client.post(url, other)
    assert refused.status_code == 400 and "请收取“居民户口簿”纸质材料" in refused.content.decode()


def test_a_return_for_correction_naming_the_material_may_be_answered_with_the_licence(
    client: Client, u: UseWorld
) -> None:
    person = {"name": u.w.applicant.real_name, "id_number": u.w.applicant.id_number or "", "phone": "13800000001"}
    case = using_case(u, window_applicant=person)
    case = services.return_for_correction(
        services.Ctx(u.w.other_approver), case, [HOUSEHOLD], "材料不清", case.revision
    )
    req = u.using.materials.get(name=HOUSEHOLD)
    client.force_login(u.w.applicant)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert f'name="licence_{req.pk}"' in page and u.licence.identifier in page
    response = client.post(
        f"/cases/{case.number}/do/supply_correction/",
        {"revision": case.revision, f"licence_{req.pk}": u.licence.identifier},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.status == "in_progress"
    held = case.materials.filter(name=HOUSEHOLD, state="replaced").get()
    assert held.licence_identifier == u.licence.identifier
