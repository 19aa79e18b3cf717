"""Issue 8: a bundle item's submission is on the audit record, like a single case's: the bundle's submission
and each item's, with the account and the address that submitted."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tongban.audit.models import AuditEntry
from tongban.audit.services import verify
from tongban.cases.models import BundleCase
from tongban.core import clock
from tongban.core.testing import files as samples

from .factories import TODAY, auth, make_env

pytestmark = pytest.mark.django_db


def test_a_bundles_submission_is_audited_for_the_bundle_and_each_item(client: Client, monkeypatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    env = make_env()
    headers: dict[str, Any] = {**auth(env.w.applicant), "REMOTE_ADDR": "198.51.100.23"}
    form = {"applicant_name": "张三", "child_name": "张小宝", "child_birth_date": "2026-09-20"}
    draft = client.post(
        "/api/v1/bundle-cases",
        {"bundle": env.bundle.code, "form_data": form},
        content_type="application/json",
        **headers,
    ).json()
    for name in draft["missing_uploads"]:
        client.post(
            f"/api/v1/bundle-cases/{draft['number']}/materials",
            {"name": name, "file": SimpleUploadedFile("f.pdf", samples.pdf())},
            **headers,
        )
    response = client.post(
        f"/api/v1/bundle-cases/{draft['number']}/actions/submit",
        {"revision": draft["revision"]},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200, response.content
    bundle_case = BundleCase.objects.get()
    submitted = AuditEntry.objects.filter(action="bundle_case.submit", object_id=bundle_case.number).get()
    assert submitted.actor_id == env.w.applicant.pk and submitted.ip == "198.51.100.23"
    for child in bundle_case.children.all():
        entry = AuditEntry.objects.filter(action="case.submit", object_id=child.number).get()
        assert entry.actor_id == env.w.applicant.pk and entry.ip == "198.51.100.23"
    assert verify()[1] is None
