"""The cross-region API (/api/v1/crossregion/…) on the receiving node, with the in-process federation
(conftest.py): other regions' items and guides, 全程网办 with an Idempotency-Key, reading one's cases and
withdrawing — errors in the API's one shape, never a 500, and nobody reads a case that is not theirs."""

from __future__ import annotations

import base64
import types
from typing import Any

import pytest
from django.test import Client

from tongban.accounts.models import User
from tongban.accounts.tokens import issue_token
from tongban.audit.models import AuditEntry
from tongban.catalogue.models import ItemImplementation
from tongban.core.errors import DomainError
from tongban.core.testing.files import pdf
from tongban.crossregion import selectors, transport
from tongban.crossregion.models import CrossRegionCase
from tongban.crossregion.services import guides

from .conftest import JY, SZ, ZJ, form_for, item

pytestmark = pytest.mark.django_db
API = "/api/v1/crossregion"


def bearer(person: User) -> dict[str, Any]:
    raw, _ = issue_token(person)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client: Client, path: str, body: dict, **headers: Any) -> Any:
    return client.post(path, body, content_type="application/json", **headers)


def error_of(response: Any) -> tuple[int, str, str | None]:
    error = response.json()["error"]
    return response.status_code, error["code"], error["field"]


def unreachable(node: str, code: str) -> Any:
    raise DomainError("peer_unavailable", "暂时无法读取办事指南", "item")


def test_a_citizen_finds_applies_once_reads_and_withdraws_through_the_api(federation, monkeypatch):
    client = Client()
    impl = item("no_crime_certificate", SZ)
    citizens = User.objects.filter(kind="citizen", id_number__startswith="3306").order_by("pk")
    citizen, other = citizens[0], citizens[1]
    me, them = bearer(citizen), bearer(other)

    listed = client.get(f"{API}/items", {"q": "无犯罪记录"}).json()  # anonymous, as the /kuayu/ page
    assert {(r["node"], r["code"]) for r in listed} >= {(SZ, impl.code)} and ZJ not in {r["node"] for r in listed}
    guide = client.get(f"{API}/items/{SZ}/{impl.code}/guide").json()
    assert guide["form_schema"] and guide["materials"] and guide["node_name"] == "山东省枣庄市市中区"
    assert error_of(client.get(f"{API}/items/{SZ}/no-such-item/guide")) == (404, "not_found", "item")

    version = ItemImplementation.objects.get(code=impl.code).published_version
    material = guide["materials"][0]["name"]
    scan = {"name": material, "filename": "id.pdf", "content_base64": base64.b64encode(pdf("api id")).decode()}
    body = {"node": SZ, "item": impl.code, "form_data": form_for(version), "materials": [scan]}
    assert error_of(post(client, f"{API}/applications", body))[0] == 401
    bad_form = post(client, f"{API}/applications", {**body, "form_data": {"no_such_field": "x"}}, **me)
    assert bad_form.status_code == 400 and bad_form.json()["error"]["code"] == "invalid_form"
    assert "no_such_field" in bad_form.json()["error"]["fields"]
    odd_file = {**scan, "name": "不存在的材料"}
    assert error_of(post(client, f"{API}/applications", {**body, "materials": [odd_file]}, **me)) == (
        400,
        "invalid",
        "materials[0].name",
    )
    not_base64 = {**scan, "content_base64": "不是base64"}
    assert error_of(post(client, f"{API}/applications", {**body, "materials": [not_base64]}, **me))[2] == (
        "materials[0].content_base64"
    )
    staff = bearer(User.objects.get(username="zj_window"))
    assert error_of(post(client, f"{API}/applications", body, **staff))[:2] == (403, "forbidden")
    assert CrossRegionCase.objects.count() == 0 and federation.queue == []

    first = post(client, f"{API}/applications", body, HTTP_IDEMPOTENCY_KEY="retry-1", **me)
    with monkeypatch.context() as peer:  # 市中区 unreachable now: the retry is still answered with the case
        peer.setattr(guides, "remote_guide", unreachable)
        again = post(client, f"{API}/applications", body, HTTP_IDEMPOTENCY_KEY="retry-1", **me)
    assert (first.status_code, again.status_code) == (201, 200)
    ref = first.json()["ref"]
    assert again.json()["ref"] == ref and CrossRegionCase.objects.filter(ref=ref).count() == 1
    assert len(federation.queue) == 1  # one application on its way to 市中区
    assert error_of(post(client, f"{API}/applications", body, HTTP_IDEMPOTENCY_KEY="两个字", **me))[2] == (
        "Idempotency-Key"
    )

    mine = client.get(f"{API}/cases", **me).json()
    assert mine["total"] == 1 and mine["results"][0]["ref"] == ref
    assert client.get(f"{API}/cases", **them).json()["total"] == 0
    detail = client.get(f"{API}/cases/{ref}", **me).json()
    assert detail["applicant_id_number"] == citizen.id_number and detail["may_withdraw"] is True
    assert [e["action"] for e in detail["timeline"]] == ["apply_online"]
    assert AuditEntry.objects.filter(action="crossregion.view", actor=citizen).exists()
    assert error_of(client.get(f"{API}/cases/{ref}", **them)) == (404, "not_found", "ref")  # as if it did not exist
    assert error_of(post(client, f"{API}/cases/{ref}/withdraw", {"reason": "x"}, **them))[0] == 404

    federation.deliver()
    withdrawn = post(client, f"{API}/cases/{ref}/withdraw", {"reason": "已在当地办妥"}, **me)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["may_withdraw"] is False
    assert error_of(post(client, f"{API}/cases/{ref}/withdraw", {}, **me))[:2] == (409, "state")
    federation.deliver()
    local = CrossRegionCase.objects.get(ref=ref, side="deciding").local_case
    assert local.status == "withdrawn"
    with federation.node(SZ):  # the deciding node's clerk reads its copy: the same timeline, its own case
        there = client.get(f"{API}/cases/{ref}", **bearer(User.objects.get(username="shizhong_window"))).json()
    assert there["side"] == "deciding" and there["local_case"] == local.number and there["status"] == "withdrawn"
    assert [e["action"] for e in there["timeline"]][-1] == "withdraw"


def test_one_offer_is_found_without_building_the_whole_list(federation, monkeypatch):
    impl = item("no_crime_certificate", SZ)
    agreement = types.SimpleNamespace(parties=(ZJ, JY), items=[("JY-AGREED-1", "点对点开放的事项")], in_force=None)
    monkeypatch.setattr(transport, "agreements", lambda: [agreement])
    everything = {(r.node_code, r.code): r for r in selectors.other_regions_items()}
    asked: list[str] = []
    listed_by = transport.offered_items
    monkeypatch.setattr(transport, "offered_items", lambda code: asked.append(code) or listed_by(code))

    assert selectors.offer(SZ, impl.code) == everything[(SZ, impl.code)]
    assert asked == [SZ]  # one node's items, not every node's
    agreed = selectors.offer(JY, "JY-AGREED-1")
    assert agreed == everything[(JY, "JY-AGREED-1")] and agreed.by_agreement
    here = item("no_crime_certificate", ZJ)
    assert selectors.offer(ZJ, here.code) is None  # this node's own: its own catalogue
    assert selectors.offer(ZJ, here.code, include_here=True) is not None
    assert selectors.offer("999999", impl.code) is None and selectors.offer(SZ, "no-such-item") is None
