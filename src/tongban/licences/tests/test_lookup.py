"""The look-up for a case: staff find a holder's licence by code and type only for an open case they handle
(cases' policy), with a reason; found or not, every look-up is on record and the holder sees it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tongban.cases.tests.factories import Api

from ..models import LookupRecord
from .factories import HOUSEHOLD, UseWorld, use_world, using_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def u() -> UseWorld:
    return use_world()


def ask(client: Client, who: Any, case: str, code: str, **extra: Any) -> Any:
    body = {"case_number": case, "holder_code": code, "type_name": HOUSEHOLD, "reason": "核对户籍信息", **extra}
    return Api(client, who).post("/licence-lookups", body)


def test_staff_handling_a_case_find_the_licence_verified_and_the_holder_sees_the_look_up(
    client: Client, u: UseWorld
) -> None:
    open_case = using_case(u)
    response = ask(client, u.w.other_approver, open_case.number, u.w.applicant.id_number or "")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["found"] is True and body["licence"]["identifier"] == u.licence.identifier
    assert body["licence"]["outcome"] == "valid"
    record = LookupRecord.objects.get()
    assert record.user == u.w.other_approver and record.case_number == open_case.number and record.found == u.licence
    nothing = ask(client, u.w.other_approver, open_case.number, u.w.other_citizen.id_number or "")
    assert nothing.json() == {"found": False, "licence": None} and LookupRecord.objects.count() == 2
    uses = Api(client, u.w.applicant).get("/my/licences").json()["uses"]
    assert [x["kind"] for x in uses] == ["办件查询"] and open_case.number in uses[0]["what"]


def test_no_look_up_without_a_case_one_handles_or_a_reason(client: Client, u: UseWorld) -> None:
    open_case = using_case(u)
    code = u.w.applicant.id_number or ""
    # 公安's approver does not handle 人社's case; a citizen is no staff; a closed case is handled no more.
    for who in (u.w.approver, u.w.other_citizen, u.w.supervisor):
        refused = ask(client, who, open_case.number, code)
        assert refused.status_code == 404 and refused.json()["error"]["code"] == "not_found", who
    assert ask(client, u.w.other_approver, u.issuing_case.number, code).status_code == 404
    no_reason = ask(client, u.w.other_approver, open_case.number, code, reason=" x ")
    assert no_reason.status_code == 400
    bad_code = ask(client, u.w.other_approver, open_case.number, "123")
    assert bad_code.status_code == 400 and bad_code.json()["error"]["field"] == "holder_code"
    assert not LookupRecord.objects.exists()


def test_the_case_page_links_the_look_up_page_which_answers(client: Client, u: UseWorld) -> None:
    open_case = using_case(u)
    client.force_login(u.w.other_approver)
    page = client.get(f"/cases/{open_case.number}/").content.decode()
    assert f"/licences/lookup/?case={open_case.number}" in page
    form = client.get(f"/licences/lookup/?case={open_case.number}").content.decode()
    assert HOUSEHOLD in form
    answer = client.post(
        "/licences/lookup/",
        {"case": open_case.number, "holder_code": u.w.applicant.id_number, "type_name": HOUSEHOLD, "reason": "核对"},
    ).content.decode()
    assert u.licence.identifier in answer and "有效" in answer
