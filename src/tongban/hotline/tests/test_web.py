"""The hotline's pages, its API and its Open311 endpoint, through Django's test client on the demo data."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import pytest

from tongban.audit.models import AuditEntry
from tongban.hotline import services
from tongban.hotline.models import Call, WorkOrder

from .factories import auth, complaint, department, user

pytestmark = pytest.mark.django_db
OPEN311_KEY = "test-open311-key"


def test_the_operator_takes_a_call_sees_the_callers_history_and_answers_an_enquiry_on_the_spot(client, demo_db) -> None:  # type: ignore[no-untyped-def]
    client.force_login(user("zj_hotline"))
    response = client.post("/hotline/calls/", {"number": "13900002001", "call_id": "CC-1"})
    assert response.status_code == 302 and response["Location"] == "/hotline/calls/CC-1/"
    pop = client.get("/hotline/calls/CC-1/?q=新生儿落户")
    text = pop.content.decode()
    assert "工地夜间施工噪音" in text  # the caller's earlier order
    assert "新生儿入户" in text  # the knowledge base
    response = client.post(
        "/hotline/calls/CC-1/", {"order_type": "enquiry", "content": "新生儿落户要带什么材料", "caller_name": "赵先生"}
    )
    order = WorkOrder.objects.get(call_id="CC-1")
    assert response["Location"] == f"/hotline/orders/{order.number}/" and order.caller_phone == "13900002001"
    assert Call.objects.get(call_id="CC-1").order == order
    page = client.get(f"/hotline/orders/{order.number}/").content.decode()
    assert "以此答复并办结" in page
    client.post(
        f"/hotline/orders/{order.number}/act/", {"action": "answer_at_once", "text": "带出生医学证明", "revision": 1}
    )
    order.refresh_from_db()
    assert order.status == "closed" and order.answered_at_once


def test_departments_see_only_their_orders_and_the_callers_contact_as_the_policy_says(client, demo_db) -> None:  # type: ignore[no-untyped-def]
    operator = user("zj_hotline")
    order = services.receive(operator, complaint(order_type="report", category_code="0302"))
    services.perform(operator, order.number, "dispatch", services.Step(department_id=department("market").pk))
    client.force_login(user("zj_market_approver"))
    page = client.get(f"/hotline/orders/{order.number}/").content.decode()
    assert "139****2222" in page and "13911112222" not in page  # a 举报 is confidential
    assert "签收" in page
    client.force_login(user("zj_utility_water_approver"))
    assert client.get(f"/hotline/orders/{order.number}/").status_code == 404
    client.force_login(user("zj_citizen_wang"))
    assert client.get(f"/hotline/orders/{order.number}/").status_code == 404
    client.force_login(operator)
    before = AuditEntry.objects.filter(action="hotline.view_contact").count()
    assert "13911112222" in client.get(f"/hotline/orders/{order.number}/").content.decode()
    assert AuditEntry.objects.filter(action="hotline.view_contact").count() == before + 1


def test_a_citizen_files_online_and_sees_only_their_own(client, demo_db) -> None:  # type: ignore[no-untyped-def]
    citizen = user("zj_citizen_wang")
    client.force_login(citizen)
    response = client.post(
        "/hotline/new/",
        {"order_type": "suggestion", "content": "建议在枫桥镇菜场旁设临时摊位", "division": "330681109000"},
    )
    order = WorkOrder.objects.get(creator=citizen)
    assert response["Location"] == f"/hotline/orders/{order.number}/" and order.channel == "web"
    assert order.caller_phone == citizen.phone
    assert [o.number for o in client.get("/hotline/").context["orders"]] == [order.number]
    bad = client.post("/hotline/new/", {"order_type": "suggestion", "content": ""})
    assert bad.status_code == 200 and "这个字段是必填项" in bad.content.decode()


def test_the_indicators_page_and_api_publish_the_same_figures(client, demo_db) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/hotline/indicators/").content.decode()
    assert "12345热线（全部）" in page and "75.0%" in page  # 3 of 4 enquiries answered on the spot
    rows = client.get("/api/v1/hotline/indicators").json()
    assert rows[0]["department"] is None and rows[0]["answered_at_once_rate"] == 0.75
    assert client.get("/api/v1/hotline/indicators?start=2026-12-10&end=2026-12-01").json()["error"]["field"] == "start"


def test_the_api_receives_reads_and_acts_with_structured_errors(client, demo_db) -> None:  # type: ignore[no-untyped-def]
    headers = auth(user("zj_hotline"))
    body = {"order_type": "complaint", "content": "菜场门口占道经营", "category": "0202", "division": "330681109"}
    created = client.post(
        "/api/v1/hotline/orders", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="a1", **headers
    )
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    again = client.post(
        "/api/v1/hotline/orders", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="a1", **headers
    )
    assert again.json()["number"] == number
    assert "dispatch" in created.json()["actions"]
    urban = department("urban_management").pk
    acted = client.post(
        f"/api/v1/hotline/orders/{number}/actions/dispatch",
        {"department_id": urban, "revision": 1},
        content_type="application/json",
        **headers,
    )
    assert acted.json()["status"] == "dispatched" and acted.json()["department"] == "诸暨市综合行政执法局"
    refused = client.post(
        f"/api/v1/hotline/orders/{number}/actions/close", {}, content_type="application/json", **headers
    )
    assert refused.status_code in (403, 409) and set(refused.json()["error"]) == {"code", "message", "field"}
    bad = client.post("/api/v1/hotline/orders", {**body, "content": ""}, content_type="application/json", **headers)
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "content"
    assert client.get(f"/api/v1/hotline/orders/{number}").status_code == 401
    stranger = auth(user("zj_utility_water_approver"))
    assert client.get(f"/api/v1/hotline/orders/{number}", **stranger).status_code == 404
    kb = client.get("/api/v1/hotline/knowledge?q=失业保险金", **headers).json()
    assert kb and kb[0]["answer"]


# --- Open311 GeoReport v2, with requests shaped as the specification's examples --------------------------


def test_open311_services_and_a_service_definition_in_json_and_xml(client, demo_db) -> None:  # type: ignore[no-untyped-def]
    services_json = client.get("/hotline/open311/v2/services.json").json()
    water = next(s for s in services_json if s["service_code"] == "0101")
    assert set(water) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
    assert water["group"] == "城乡建设" and water["type"] == "realtime"
    assert "01" not in [s["service_code"] for s in services_json]  # groups are not services
    xml = ET.fromstring(client.get("/hotline/open311/v2/services.xml").content)
    assert xml.tag == "services" and xml.find("service/service_code") is not None
    definition = client.get("/hotline/open311/v2/services/0101.json").json()
    assert definition["service_code"] == "0101" and definition["attributes"][0]["code"] == "order_type"
    assert client.get("/hotline/open311/v2/services/nope.json").status_code == 404
    assert client.get("/hotline/open311/v2/services.json?jurisdiction_id=city.gov").status_code == 404
    assert client.get("/hotline/open311/v2/services.json?jurisdiction_id=tongban").status_code == 200


def test_open311_post_a_request_then_follow_it(client, demo_db) -> None:  # type: ignore[no-untyped-def]
    services.register_open311_client("测试客户端", OPEN311_KEY)
    # The shape of the specification's POST example (a location by lat/long, a description, the reporter).
    example = {
        "jurisdiction_id": "tongban",
        "service_code": "0202",
        "lat": "29.713",
        "long": "120.236",
        "address_string": "枫桥镇和平路菜场门口",
        "description": "菜场门口摊贩占道，车辆无法通行",
        "first_name": "三",
        "last_name": "张",
        "phone": "13912345678",
        "device_id": "tt222111",
    }
    refused = client.post("/hotline/open311/v2/requests.json", example)
    assert refused.status_code == 403 and refused.json()[0]["code"] == 403
    created = client.post("/hotline/open311/v2/requests.json", {**example, "api_key": OPEN311_KEY})
    assert created.status_code == 200, created.content
    [row] = created.json()
    assert set(row) == {"service_request_id", "service_notice", "account_id"}
    order = WorkOrder.objects.get(number=row["service_request_id"])
    assert order.channel == "open311" and order.caller_name == "张 三"
    assert order.category is not None and order.category.code == "0202"
    one = client.get(f"/hotline/open311/v2/requests/{order.number}.json").json()[0]
    assert one["status"] == "open" and one["service_code"] == "0202" and one["lat"] == 29.713
    assert "phone" not in json.dumps(one) and "13912345678" not in json.dumps(one)
    listed = client.get("/hotline/open311/v2/requests.json?status=open&service_code=0202").json()
    assert [r["service_request_id"] for r in listed] == [order.number]
    assert client.get("/hotline/open311/v2/requests.json?status=closed").json() == []
    xml = ET.fromstring(client.get(f"/hotline/open311/v2/requests/{order.number}.xml").content)
    assert xml.tag == "service_requests" and xml.findtext("request/service_request_id") == order.number
    # Phone orders are not published through Open311.
    phone_order = WorkOrder.objects.filter(channel="phone").first()
    assert phone_order is not None
    assert client.get(f"/hotline/open311/v2/requests/{phone_order.number}.json").status_code == 404
    no_place = client.post("/hotline/open311/v2/requests.json", {"service_code": "0202", "api_key": OPEN311_KEY})
    assert no_place.status_code == 400 and "location" in no_place.json()[0]["description"]
    bad_date = client.get("/hotline/open311/v2/requests.json?start_date=yesterday")
    assert bad_date.status_code == 400
