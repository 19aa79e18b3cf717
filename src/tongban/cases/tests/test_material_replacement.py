"""Materials after submission (issue 8): after acceptance a file changes only as a return for correction names
it; every upload to a submitted application, and above all every replacement, is an event and an audit entry
keeping the old file's hash; a replaced file leaves the storage once the replacement commits."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tongban.audit.models import AuditEntry
from tongban.audit.services import verify
from tongban.cases.models import BundleCaseEvent, BundleMaterial, Case, CaseEvent, CaseMaterial
from tongban.core import clock
from tongban.core.testing import files as samples

from .factories import PDF, PNG, TODAY, Api, World, auth, make_env, world

pytestmark = pytest.mark.django_db

JPEG = samples.jpeg()


@pytest.fixture
def w(monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return world()


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.content.decode()
    return response.json()


def accepted_case(client: Client, w: World) -> tuple[Api, dict[str, Any], CaseMaterial]:
    """A case accepted with a 结婚证 PNG uploaded by the applicant before submission."""
    citizen, clerk = Api(client, w.applicant), Api(client, w.clerk)
    draft = ok(citizen.apply(w, submit=False), 201)
    ok(citizen.upload(draft["number"], "结婚证", "marriage.png", PNG), 201)
    case = ok(citizen.post(f"/cases/{draft['number']}/submit", {"revision": draft["revision"]}))
    case = ok(clerk.act(case, "accept"))
    return citizen, case, CaseMaterial.objects.get(case__number=case["number"], name="结婚证")


def test_an_accepted_material_cannot_be_swapped_while_in_progress(client: Client, w: World) -> None:
    citizen, case, original = accepted_case(client, w)
    response = citizen.upload(case["number"], "结婚证", "other.pdf", PDF)
    assert response.status_code == 409 and response.json()["error"]["code"] == "case_closed"
    stored = CaseMaterial.objects.get(case__number=case["number"], name="结婚证")
    assert stored.sha256 == original.sha256 == hashlib.sha256(PNG).hexdigest()


def test_after_a_return_only_what_it_names_is_replaced_and_on_the_record(
    client: Client, w: World, django_capture_on_commit_callbacks: Any
) -> None:
    citizen, case, original = accepted_case(client, w)
    approver = Api(client, w.approver)
    case = ok(approver.act(case, "return_for_correction", items=["结婚证（复印件不清晰）"], reason="结婚证看不清"))
    assert case["status"] == "returned"
    # A material the return does not name stays as accepted (the old code replaced it without a trace).
    response = citizen.upload(case["number"], "居民身份证", "id.pdf", PDF)
    error = response.json()["error"]
    assert response.status_code == 409 and error["code"] == "not_requested" and "结婚证" in error["message"]
    assert not CaseMaterial.objects.filter(case__number=case["number"], name="居民身份证", sha256__gt="").exists()
    # The named one is replaced: an event and an audit entry keep the old file's hash.
    with django_capture_on_commit_callbacks(execute=True):
        material = ok(citizen.upload(case["number"], "结婚证", "marriage-clear.pdf", PDF), 201)
    assert material["sha256"] == hashlib.sha256(PDF).hexdigest()
    event = CaseEvent.objects.filter(case__number=case["number"], action="attach_material").get()
    assert event.data["material"] == "结婚证" and event.actor_id == w.applicant.pk
    assert [r["sha256"] for r in event.data["replaced"]] == [original.sha256]
    assert event.data["file"]["sha256"] == material["sha256"] and event.from_status == event.to_status == "returned"
    entry = AuditEntry.objects.get(action="case.attach_material", object_id=case["number"])
    assert entry.detail["replaced"][0]["sha256"] == original.sha256 and entry.detail["material"] == "结婚证"
    assert verify()[1] is None
    # The applicant's timeline shows it; the replaced file has left the storage, the new one is there.
    timeline = ok(citizen.get(f"/cases/{case['number']}"))["timeline"]
    assert "attach_material" in [e["action"] for e in timeline]
    current = CaseMaterial.objects.get(case__number=case["number"], name="结婚证")
    assert default_storage.exists(current.file.name) and not default_storage.exists(original.file.name)
    assert CaseMaterial.objects.filter(case__number=case["number"], name="结婚证").count() == 1


def test_replacing_in_a_draft_leaves_one_file_and_no_event(
    client: Client, w: World, django_capture_on_commit_callbacks: Any
) -> None:
    citizen = Api(client, w.applicant)
    draft = ok(citizen.apply(w, submit=False), 201)
    names = []
    for content in (PNG, PDF, JPEG):
        with django_capture_on_commit_callbacks(execute=True):
            ok(citizen.upload(draft["number"], "结婚证", "x", content), 201)
        names.append(CaseMaterial.objects.get(case__number=draft["number"], name="结婚证").file.name)
    assert [default_storage.exists(n) for n in names] == [False, False, True]
    assert not CaseEvent.objects.filter(action="attach_material").exists()


def test_a_refused_upload_stores_nothing(client: Client, w: World) -> None:
    citizen, case, original = accepted_case(client, w)
    case = ok(Api(client, w.approver).act(case, "return_for_correction", items=["结婚证"], reason="不清晰"))
    count = CaseMaterial.objects.count()
    response = citizen.upload(case["number"], "居民身份证", "id.pdf", PDF)
    assert response.status_code == 409 and CaseMaterial.objects.count() == count
    assert default_storage.exists(original.file.name)  # nothing replaced, nothing deleted


def test_the_page_offers_only_what_the_return_names(client: Client, w: World) -> None:
    citizen, case, _ = accepted_case(client, w)
    ok(Api(client, w.approver).act(case, "return_for_correction", items=["结婚证"], reason="不清晰"))
    client.force_login(w.applicant)
    html = client.get(f"/cases/{case['number']}/").content.decode()
    version = Case.objects.get(number=case["number"]).version
    wanted = version.materials.get(name="结婚证")
    other = version.materials.get(name="居民身份证")
    assert f'name="material_{wanted.pk}"' in html and f'name="material_{other.pk}"' not in html


def test_the_revision_a_client_saw_still_resubmits_after_its_uploads(client: Client, w: World) -> None:
    citizen, case, _ = accepted_case(client, w)
    case = ok(Api(client, w.approver).act(case, "return_for_correction", items=["结婚证"], reason="不清晰"))
    ok(citizen.upload(case["number"], "结婚证", "a.pdf", PDF), 201)
    ok(citizen.upload(case["number"], "结婚证", "b.png", PNG), 201)
    assert Case.objects.get(number=case["number"]).revision == case["revision"]
    assert ok(citizen.act(case, "supply_correction"))["status"] == "in_progress"
    assert CaseEvent.objects.filter(case__number=case["number"], action="attach_material").count() == 2


def test_a_bundles_replaced_upload_is_on_its_record(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    env = make_env()
    headers: dict[str, Any] = auth(env.w.applicant)
    draft = client.post(
        "/api/v1/bundle-cases",
        {
            "bundle": env.bundle.code,
            "form_data": {"applicant_name": "张三", "child_name": "张小宝", "child_birth_date": "2026-09-20"},
        },
        content_type="application/json",
        **headers,
    ).json()

    def upload(name: str, content: bytes) -> Any:
        return client.post(
            f"/api/v1/bundle-cases/{draft['number']}/materials",
            {"name": name, "file": SimpleUploadedFile("f.pdf", content)},
            **headers,
        )

    for name in draft["missing_uploads"]:
        assert upload(name, PDF).status_code == 201
    number = ok(
        client.post(
            f"/api/v1/bundle-cases/{draft['number']}/actions/submit",
            {"revision": draft["revision"]},
            content_type="application/json",
            **headers,
        )
    )["number"]
    old = BundleMaterial.objects.get(bundle_case__number=number, name="父母结婚证")
    assert upload_to(client, headers, number, "父母结婚证", PNG).status_code == 201
    event = BundleCaseEvent.objects.get(bundle_case__number=number, action="attach_material")
    assert event.data["replaced"][0]["sha256"] == old.sha256
    entry = AuditEntry.objects.get(action="bundle_case.attach_material", object_id=number)
    assert entry.detail["replaced"][0]["sha256"] == old.sha256
    # Each item still holds the file the bundle sent it at submission: that file stays in the storage.
    assert default_storage.exists(old.file.name)


def upload_to(client: Client, headers: dict[str, Any], number: str, name: str, content: bytes) -> Any:
    return client.post(
        f"/api/v1/bundle-cases/{number}/materials",
        {"name": name, "file": SimpleUploadedFile("f.png", content)},
        **headers,
    )
