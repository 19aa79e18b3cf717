"""谁查看了我的数据 and 我的授权 on the subject's page and in the API; the supervisors' list; the structured
refusal of the API; the exchange adapter against this node's exchange interface served over HTTP."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from tongban.cases.tests.factories import Api

from .. import providers
from ..contrib.exchange import ExchangeProvider, ExchangeUnavailable
from ..models import AccessRecord
from ..services import consent as consents
from ..services.access import ask
from .factories import SharingWorld, sharing_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def sw() -> SharingWorld:
    return sharing_world()


def _look(sw: SharingWorld, user: Any, case: str = "") -> Any:
    return ask(
        user,
        user.actor,
        resource_code="population-basic",
        subject_code=sw.subject,
        fields=["name", "address"],
        purpose="核对申请人住址",
        case_number=case,
    )


def test_the_subject_sees_each_access_with_its_case_and_withdraws_a_consent(client: Client, sw: SharingWorld) -> None:
    _look(sw, sw.w.approver, sw.case.number)
    _look(sw, sw.w.other_approver)  # refused: no case
    consent = consents.give(
        subject_code=sw.subject,
        subject_name="王五",
        resource=sw.resources["population"],
        fields=["ethnicity"],
        purpose="办理新生儿入户",
        controllers="诸暨市公安局",
        collected="online_form",
        subject=sw.w.other_citizen,
    )
    client.force_login(sw.w.other_citizen)
    html = client.get("/sharing/mine/").content.decode()
    assert "谁查看了我的数据" in html and sw.case.number in html and "审批李" not in html  # masked staff name
    assert "须为所办理的办件调取" in html and "诸暨市公安局" in html and "办理新生儿入户" in html
    api = Api(client, sw.w.other_citizen)
    seen = api.get("/my/data-accesses").json()
    assert [(a["case_number"], a["outcome"]) for a in seen] == [("", "refused"), (sw.case.number, "given")]
    assert seen[1]["fields"] == ["姓名", "居住地址"] and seen[1]["department"] == "诸暨市公安局"
    assert [c["id"] for c in api.get("/my/consents").json()] == [consent.pk]
    withdrawn = api.post(f"/my/consents/{consent.pk}/withdraw", {})
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_at"]
    # Someone else's consent is not theirs to withdraw; staff have no 我的数据.
    assert Api(client, sw.w.applicant).post(f"/my/consents/{consent.pk}/withdraw", {}).status_code == 404
    assert Api(client, sw.w.approver).get("/my/data-accesses").status_code == 403


def test_staff_ask_through_the_api_and_refusals_are_structured_and_recorded(client: Client, sw: SharingWorld) -> None:
    body = {
        "resource": "population-basic",
        "subject_code": sw.subject,
        "fields": ["name", "ethnicity"],
        "purpose": "核对",
    }
    refused = Api(client, sw.w.approver).post("/sharing/requests", body)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "case_required" and "办件" in refused.json()["error"]["message"]
    assert refused.json()["error"]["field"] == "case_number"
    vague = Api(client, sw.w.approver).post(
        "/sharing/requests", {**body, "purpose": "查", "case_number": sw.case.number}
    )
    assert vague.status_code == 400, vague.content  # a bad request, not a refusal of who asks
    assert vague.json()["error"] == {"code": "purpose_required", "message": "请写明调取数据的用途", "field": "purpose"}
    given = Api(client, sw.w.approver).post("/sharing/requests", {**body, "case_number": sw.case.number})
    assert given.status_code == 200, given.content
    assert given.json()["values"] == {"name": "王五"} and given.json()["withheld"] == ["ethnicity"]
    unknown = Api(client, sw.w.approver).post("/sharing/requests", {**body, "resource": "nope"})
    assert unknown.status_code == 404 and unknown.json()["error"]["field"] == "resource"
    assert AccessRecord.objects.count() == 3  # refusals are on the record too


def test_supervisors_see_flagged_accesses_others_do_not(client: Client, sw: SharingWorld) -> None:
    _look(sw, sw.w.other_approver)
    client.force_login(sw.w.supervisor)
    html = client.get("/sharing/flagged/").content.decode()
    assert "无办件" in html and "人社赵" in html
    client.force_login(sw.w.clerk)
    assert client.get("/sharing/flagged/").status_code == 403


class _Exchange(http.server.BaseHTTPRequestHandler):
    records: dict[str, dict[str, str]] = {}

    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        _, provider, subject = path.split("/")
        if self.headers.get("Authorization") != "Bearer secret":
            self.send_response(403)
            self.end_headers()
            return
        record = self.records.get(f"{provider}/{subject}")
        body = json.dumps({"found": record is not None, "record": record}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def exchange_url() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Exchange)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_the_exchange_adapter_asks_over_http_and_only_keeps_the_fields_given(
    exchange_url: str, sw: SharingWorld, settings: Any
) -> None:
    _Exchange.records = {f"population/{sw.subject}": {"name": "王五", "address": "省库地址", "ethnicity": "汉族"}}
    info = providers.infos()["population"]
    adapter = ExchangeProvider(info, exchange_url, "secret")
    assert adapter.fetch(sw.subject, frozenset({"name", "address"})) == {"name": "王五", "address": "省库地址"}
    assert adapter.fetch("330681199001010000", frozenset({"name"})) is None
    with pytest.raises(ExchangeUnavailable):
        ExchangeProvider(info, exchange_url, "wrong").fetch(sw.subject, frozenset({"name"}))
    settings.TONGBAN_SHARING_EXCHANGE_URL = exchange_url
    settings.TONGBAN_SHARING_EXCHANGE_TOKEN = "secret"
    answer = _look(sw, sw.w.approver, sw.case.number)  # configured: the service asks the exchange
    assert answer.values == {"name": "王五", "address": "省库地址"}


def test_this_node_serves_its_local_providers_to_token_holders(client: Client, sw: SharingWorld, settings: Any) -> None:
    url = f"/sharing/exchange/population/{sw.subject}/?fields=name,gender"
    assert client.get(url).status_code == 403  # off without a configured token
    settings.TONGBAN_SHARING_SERVE_TOKEN = "tok"
    assert client.get(url, HTTP_AUTHORIZATION="Bearer bad").status_code == 403
    body = client.get(url, HTTP_AUTHORIZATION="Bearer tok").json()
    assert body == {"found": True, "record": {"name": "王五", "gender": "男"}}


def test_look_ups_for_an_application_never_taken_at_the_window_are_flagged(sw: SharingWorld) -> None:
    from tongban.core import clock

    from ..selectors import INTAKE_GRACE, NOT_TAKEN, flagged, lines

    clerk = sw.w.clerk
    with clock.moved_to(dt.datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))):  # a working morning
        answer = ask(
            clerk,
            clerk.actor,
            resource_code="population-basic",
            subject_code=sw.subject,
            fields=["name"],
            purpose="受理申请",
            item_code=sw.case.implementation.code,
            intake_key="window:abandoned",
        )
    assert answer.values == {"name": "王五"} and answer.record.flags == []
    assert answer.record not in flagged(now=answer.record.at)  # not yet: the applicant is still at the window
    later = flagged(now=answer.record.at + INTAKE_GRACE * 2)
    assert answer.record in later and NOT_TAKEN in lines([answer.record])[0].flags
