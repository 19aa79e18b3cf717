"""一窗受理 fills from shared data: the clerk fills the applicant's identity and the item's form from the
population base, each value with its source; taking the application confirms them, the case's applicant
sees the access with its case number, and a material the data replaced counts as one avoided (减材料)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tongban.cases.forms import IDENTITY_CHECKS
from tongban.cases.models import Case

from ..models import AccessRecord, Consent, IntakeLink
from ..selectors import accesses_to, lines
from .factories import SharingWorld, sharing_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def sw() -> SharingWorld:
    world = sharing_world()
    version = world.w.version
    schema = [*version.form_schema, {"key": "address", "label": "联系地址", "type": "text", "required": True}]
    type(version).objects.filter(pk=version.pk).update(form_schema=schema)  # a published version is immutable
    world.resources["population"].replaces_materials = "出生医学证明"  # as if a base held the birth record
    world.resources["population"].save()
    return world


def test_the_clerk_fills_the_form_from_shared_data_and_the_citizen_sees_the_access_with_its_case(
    client: Client, sw: SharingWorld
) -> None:
    client.force_login(sw.w.clerk)
    url = f"/cases/window/apply/{sw.w.version.implementation.code}/"
    token = re.search(r'name="token" value="([^"]+)"', client.get(url).content.decode()).group(1)  # type: ignore[union-attr]
    base = {"token": token, "kind": "natural", "id_number": sw.subject, "phone": "13900000000"}
    page = client.post(url, {**base, "action": "fill", "share_consent": "on"})
    html = page.content.decode()
    assert page.status_code == 200, html
    assert "人口基础信息（诸暨市公安局）" in html and "浙江省诸暨市暨阳街道浣纱南路1号" in html
    assert 'value="王五"' in html  # the applicant's name from the population base, in the name field
    # The credit base's answer for the clerk, with the measures the list of 联合奖惩 sets for a 失信 applicant.
    assert "失信（失信被执行人名单）：不适用容缺受理" in html
    assert 'name="shared_field" value="address"' in html and 'name="shared_material" value="出生医学证明"' in html
    assert Consent.objects.filter(subject_code=sw.subject, collected="window").count() == 1
    given = AccessRecord.objects.filter(outcome="given", intake_key=f"window:{token}")
    assert set(given.values_list("resource_code", flat=True)) == {"population-basic", "credit-standing"}
    form = {
        **base,
        "name": "王五",
        "identity_check": IDENTITY_CHECKS[0],
        "applicant_name": "王五",
        "f_child_name": "李小宝",
        "f_child_birth_date": "2026-11-01",
        "f_address": "浙江省诸暨市暨阳街道浣纱南路1号",
        "paper": ["居民身份证"],
        "shared_field": ["address"],
        "shared_replaceable": ["出生医学证明"],
        "shared_material": ["出生医学证明"],
    }
    taken = client.post(url, form)
    assert taken.status_code == 302, taken.content.decode()[:3000]
    case = Case.objects.exclude(pk=sw.case.pk).get(applicant_id_number=sw.subject)
    link = IntakeLink.objects.get(case_number=case.number)
    assert link.materials_replaced == ["出生医学证明"] and link.confirmed == {"address": True}
    assert case.materials.filter(name="出生医学证明").exists()
    # The applicant (李四's account) sees who looked, from which department, for which case.
    shown = lines(list(accesses_to(sw.w.other_citizen)))
    assert {line.case_number for line in shown} == {case.number}
    assert all(line.record.user_label == "窗口王" for line in shown)
    # The supervision board counts the material shared data replaced this month (减材料).
    client.force_login(sw.w.supervisor)
    board = client.get("/cases/supervision/").content.decode()
    assert "以共享数据代替申请材料 1 份（减材料）" in board, board[:2000]


def test_a_clerk_of_a_centre_that_does_not_serve_the_item_is_refused_and_recorded(
    client: Client, sw: SharingWorld
) -> None:
    sw.w.centre.departments.remove(sw.w.police)
    client.force_login(sw.w.clerk)
    url = f"/cases/window/apply/{sw.w.version.implementation.code}/"
    assert client.get(url).status_code == 404  # the window does not even offer the item
    assert not AccessRecord.objects.exists()


def test_the_applicant_fills_the_online_form_from_their_own_shared_data_and_gives_consent_on_it(
    client: Client, sw: SharingWorld
) -> None:
    applicant = sw.w.other_citizen  # the account whose resident ID the population base holds
    client.force_login(applicant)
    url = f"/cases/apply/{sw.w.version.implementation.code}/"
    plain = client.get(url).content.decode()
    assert 'id="shared-fill-link"' in plain and not AccessRecord.objects.exists()  # nothing asked unasked
    html = client.get(url + "?fill=shared").content.decode()
    assert "来源：人口基础信息（诸暨市公安局）" in html and 'value="浙江省诸暨市暨阳街道浣纱南路1号"' in html
    record = AccessRecord.objects.get()
    assert record.user == applicant and record.role == "subject" and record.subject_code == sw.subject
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    saved = client.post(url, {"token": token, "action": "save", "f_address": "x", "share_consent": "on"})
    assert saved.status_code == 302
    given = {c.resource.code: c for c in Consent.objects.filter(subject=applicant)}
    assert set(given) == {"population-basic", "social-insurance"}  # the resources whose rules need consent
    assert given["population-basic"].fields == ["ethnicity"] and given["population-basic"].collected == "online_form"
    assert sw.w.version.name in given["population-basic"].purpose and given["population-basic"].policy_version
