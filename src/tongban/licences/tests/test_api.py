"""The licence API: types and the public check for anyone, a licence for its holder and handling staff only,
actions by whom the policy allows, the key and status lists for offline verifiers, errors in one shape."""

from __future__ import annotations

import pytest

from tongban.audit.models import AuditEntry
from tongban.cases.tests.factories import auth

from ..domain import statuslist
from ..models import VerificationRecord
from ..selectors import qr_text
from .factories import issued, licence_world

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _error(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and {"code", "message", "field"} <= set(body["error"]), body
    return body["error"]


def test_licence_types_and_the_public_check(client):
    w = licence_world()
    _, licence = issued(w)
    types = client.get(f"{API}/licence-types").json()
    assert [t["code"] for t in types["results"]] == [licence.type_code]
    assert client.get(f"{API}/licence-types/{licence.type_code}").json()["face_fields"][0]["key"] == "child_name"
    assert _error(client.get(f"{API}/licence-types/{'9' * 21}"))["code"] == "not_found"

    qr = qr_text("http://testserver", licence.versions.get())
    said = client.post(f"{API}/licences/verify", {"query": qr}, content_type="application/json").json()
    assert said["outcome"] == "valid" and said["identifier"] == licence.identifier
    assert {"label": "持证主体", "value": "张*"} in said["face"]
    forged = client.post(f"{API}/licences/verify", {"query": qr[:-3] + "AAA"}, content_type="application/json")
    assert forged.json()["outcome"] == "forged"
    assert VerificationRecord.objects.filter(channel="api").count() == 2
    assert _error(client.post(f"{API}/licences/verify", {}, content_type="application/json"))["field"] == "query"


def test_a_licence_is_shown_whole_to_its_holder_and_nobody_else(client):
    w = licence_world()
    _, licence = issued(w)
    url = f"{API}/licences/{licence.identifier}"
    assert _error(client.get(url))["code"] == "unauthenticated"
    mine = client.get(url, **auth(w.applicant)).json()
    assert mine["holder_code"] == w.applicant.id_number and mine["actions"] == ["suspend"]
    assert mine["qr"].startswith("http://testserver/lv/")
    assert AuditEntry.objects.filter(object_id=licence.identifier, actor=w.applicant).exists()
    assert _error(client.get(url, **auth(w.other_citizen)))["code"] == "not_found"


def test_actions_as_the_policy_says_and_the_status_list_follows(client, django_capture_on_commit_callbacks):
    w = licence_world()
    _, licence = issued(w)
    url = f"{API}/licences/{licence.identifier}/actions"
    body = {"revision": licence.revision, "reason": "以欺骗手段取得"}
    refused = client.post(f"{url}/revoke", body, content_type="application/json", **auth(w.approver))
    assert refused.status_code == 403 and _error(refused)["code"] == "forbidden"
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"{url}/revoke", body, content_type="application/json", **auth(w.head))
    assert done.status_code == 200 and done.json()["status"] == "revoked"
    stale = client.post(f"{url}/cancel", body, content_type="application/json", **auth(w.head))
    assert stale.status_code == 409

    keys = client.get(f"{API}/licences/keys").json()
    assert {k["purpose"] for k in keys["keys"]} == {"licence", "status"}
    document = client.get(f"{API}/licences/status-lists/1").json()
    version = licence.versions.get()
    assert statuslist.entry(document, version.status_index).revoked
    assert _error(client.get(f"{API}/licences/status-lists/99"))["code"] == "not_found"
