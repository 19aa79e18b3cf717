"""亮证 and 我的证照: a holder's short-lived code for one licence, one purpose, one audience; staff redeem it
while it lasts; every redemption (also a refused one) on the holder's record; withdrawal; the wallet's order;
the table's rules without Django."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tongban.audit.models import AuditEntry
from tongban.cases import services
from tongban.cases.tests.factories import Api

from ..domain import showing as table
from ..domain.showing import CodeAction, CodeStatus
from ..domain.workflow import LicenceAction
from ..models import LicenceUse, ShowCode
from ..services.perform import perform
from .factories import UseWorld, use_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def u() -> UseWorld:
    return use_world()


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content.decode()
    return response.json()


def make_code(client: Client, u: UseWorld, **body: Any) -> dict[str, Any]:
    payload = {"identifier": u.licence.identifier, "purpose": "办理社保卡", **body}
    return ok(Api(client, u.w.applicant).post("/my/licence-codes", payload), 201)


# --- the table (pure) -----------------------------------------------------------------------------------


def test_the_table_lets_only_an_active_code_be_redeemed_by_its_audience() -> None:
    now = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
    assert table.status_at(CodeStatus.ACTIVE, now, now) is CodeStatus.EXPIRED
    assert table.status_at(CodeStatus.ACTIVE, now + dt.timedelta(seconds=1), now) is CodeStatus.ACTIVE
    assert table.guard(CodeStatus.ACTIVE, CodeAction.REDEEM) is None
    expired = table.guard(CodeStatus.EXPIRED, CodeAction.REDEEM)
    withdrawn = table.guard(CodeStatus.WITHDRAWN, CodeAction.REDEEM)
    assert expired is not None and expired.code == "code_expired"
    assert withdrawn is not None and withdrawn.code == "code_withdrawn"
    assert table.guard(CodeStatus.WITHDRAWN, CodeAction.WITHDRAW) is not None
    wrong = table.guard(CodeStatus.ACTIVE, CodeAction.REDEEM, audience_department_id=1, redeemer_department_id=2)
    assert wrong is not None and wrong.status == 403
    not_valid = table.guard(CodeStatus.ACTIVE, CodeAction.REDEEM, licence_valid=False)
    assert not_valid is not None and not_valid.code == "licence_not_valid"
    assert table.lifetime_error(0) and table.lifetime_error(24 * 60 + 1) and not table.lifetime_error(24 * 60)
    code = table.new_short_code()
    assert len(code) == 8 and set(code) <= set(table.ALPHABET)
    assert table.normalise_short_code(f" {code[:4].lower()}-{code[4:]} ") == code


# --- the API --------------------------------------------------------------------------------------------


def test_a_clerk_redeems_a_code_and_the_holder_sees_it(client: Client, u: UseWorld) -> None:
    code = make_code(client, u)
    assert code["status"] == "active" and code["identifier"] == u.licence.identifier
    left = dt.datetime.fromisoformat(code["expires_at"]) - timezone.now()
    assert dt.timedelta(minutes=9) < left <= dt.timedelta(minutes=10)
    shown = ok(Api(client, u.w.clerk).post("/licence-codes/redeem", {"code": code["short_code"].lower()}))
    assert shown["outcome"] == "valid" and shown["identifier"] == u.licence.identifier
    assert {"label": "持证主体", "value": "张三"} in shown["face"] and shown["purpose"] == "办理社保卡"
    use = LicenceUse.objects.get()
    assert use.kind == "shown" and use.user == u.w.clerk and use.outcome == "shown"
    assert AuditEntry.objects.filter(action="licence.view", actor=u.w.clerk).exists()
    wallet = ok(Api(client, u.w.applicant).get("/my/licences"))
    assert [lic["identifier"] for lic in wallet["licences"]] == [u.licence.identifier]
    assert wallet["uses"][0]["kind"] == "亮证查验" and wallet["uses"][0]["who"].endswith("窗**")  # masked
    assert wallet["uses"][0]["outcome"] == "已查看"
    listed = ok(Api(client, u.w.applicant).get("/my/licence-codes"))
    assert listed[0]["redemptions"] == 1


def test_a_code_for_one_department_is_refused_to_another_and_that_is_on_record(client: Client, u: UseWorld) -> None:
    code = make_code(client, u, audience=u.w.police.pk)
    refused = Api(client, u.w.other_approver).post("/licence-codes/redeem", {"code": code["token"]})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "wrong_audience"
    assert LicenceUse.objects.get().outcome == "wrong_audience"
    seen = Api(client, u.w.applicant).get("/my/licences").json()["uses"]
    assert seen[0]["outcome"] == "未能查看：非指定的查验部门"
    ok(Api(client, u.w.approver).post("/licence-codes/redeem", {"code": code["token"]}))


def test_a_withdrawn_or_expired_code_no_longer_shows_the_licence(client: Client, u: UseWorld) -> None:
    code = make_code(client, u)
    withdrawn = ok(Api(client, u.w.applicant).post(f"/my/licence-codes/{code['id']}/withdraw"))
    assert withdrawn["status"] == "withdrawn"
    gone = Api(client, u.w.clerk).post("/licence-codes/redeem", {"code": code["short_code"]})
    assert gone.status_code == 410 and gone.json()["error"]["code"] == "code_withdrawn"
    again = Api(client, u.w.applicant).post(f"/my/licence-codes/{code['id']}/withdraw")
    assert again.status_code == 410
    late = make_code(client, u, minutes=1)
    ShowCode.objects.filter(pk=late["id"]).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    expired = Api(client, u.w.clerk).post("/licence-codes/redeem", {"code": late["short_code"]})
    assert expired.status_code == 410 and expired.json()["error"]["code"] == "code_expired"


def test_who_may_make_and_redeem_codes(client: Client, u: UseWorld) -> None:
    other = Api(client, u.w.other_citizen).post(
        "/my/licence-codes", {"identifier": u.licence.identifier, "purpose": "冒用"}
    )
    assert other.status_code == 404
    too_long = Api(client, u.w.applicant).post(
        "/my/licence-codes", {"identifier": u.licence.identifier, "purpose": "x", "minutes": 24 * 60 + 1}
    )
    assert too_long.status_code == 400 and too_long.json()["error"]["field"] == "minutes"
    code = make_code(client, u)
    by_citizen = Api(client, u.w.other_citizen).post("/licence-codes/redeem", {"code": code["short_code"]})
    assert by_citizen.status_code == 403
    unknown = Api(client, u.w.clerk).post("/licence-codes/redeem", {"code": "ZZZZZZZZ"})
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
    assert Api(client, u.w.clerk).get("/my/licences").status_code == 403


def test_a_suspended_licence_cannot_be_shown_and_its_code_stops_showing_it(client: Client, u: UseWorld) -> None:
    code = make_code(client, u)
    perform(services.Ctx(u.w.applicant, "online"), u.licence, LicenceAction.SUSPEND, None, reason="遗失")
    refused = Api(client, u.w.clerk).post("/licence-codes/redeem", {"code": code["short_code"]})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "licence_not_valid"
    no_new = Api(client, u.w.applicant).post("/my/licence-codes", {"identifier": u.licence.identifier, "purpose": "x"})
    assert no_new.status_code == 409


# --- the pages ------------------------------------------------------------------------------------------


def test_the_wallet_page_shows_every_licence_valid_first_and_the_code_page_its_qr(client: Client, u: UseWorld) -> None:
    from .factories import issued

    _, second = issued(u.w)
    perform(services.Ctx(u.w.applicant, "online"), second, LicenceAction.SUSPEND, None, reason="遗失")
    client.force_login(u.w.applicant)
    page = client.get("/licences/mine/").content.decode()
    assert page.index(u.licence.identifier) < page.index(second.identifier)
    assert "挂失" in page and "我的证照" in page and "/pdf/" in page
    created = client.post("/licences/codes/", {"identifier": u.licence.identifier, "purpose": "入学登记"})
    assert created.status_code == 302
    code = ShowCode.objects.get()
    shown = client.get(created["Location"]).content.decode()
    assert code.short_code in shown and "<svg" in shown and "入学登记" in shown
    assert client.get("/cases/mine/").content.decode().count('href="/licences/mine/"') >= 1
    client.force_login(u.w.clerk)
    redeemed = client.post("/licences/show/", {"code": code.short_code}).content.decode()
    assert "张三" in redeemed and u.licence.identifier in redeemed and "入学登记" in redeemed
    scanned = client.get(f"/licences/show/?t={code.token}").content.decode()  # what the QR opens
    assert u.licence.identifier in scanned and LicenceUse.objects.filter(show_code=code).count() == 2
    client.force_login(u.w.applicant)
    assert "亮证查验" in client.get("/licences/mine/").content.decode()
    client.post(f"/licences/codes/{code.pk}/withdraw/")
    client.force_login(u.w.clerk)
    gone = client.post("/licences/show/", {"code": code.short_code})
    assert gone.status_code == 410 and "撤回" in gone.content.decode()


def test_the_holder_chooses_an_audience_among_their_own_countys_departments_first(client: Client, u: UseWorld) -> None:
    from tongban.jurisdictions.tests.factories import DepartmentFactory, DivisionFactory

    far = DivisionFactory(code="410881", name="济源市")
    DepartmentFactory(division=far, name="济源市公安局")
    client.force_login(u.w.applicant)
    page = client.get("/licences/mine/").content.decode()
    choice = page[page.index('name="audience"') :].split("</select>")[0]
    local, others = choice.index('label="本地部门"'), choice.index('label="其他地区部门"')
    assert local < choice.index(f">{u.w.police.name}<") < others < choice.index("济源市 · 济源市公安局")
