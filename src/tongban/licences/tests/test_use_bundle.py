"""Bundles pass licences between their items (出生医学证明 → 新生儿入户): when the prerequisite's result is a
licence, the waiting item holds a reference to that licence (identifier, version, digest), not a file, and
its clerk sees it verified."""

from __future__ import annotations

import pytest
from django.test import Client

from tongban.cases import services as s
from tongban.cases.models import CaseMaterial
from tongban.cases.tests.factories import BundleCaseFactory, child, grant_item, make_env
from tongban.catalogue.models import ImplementationVersion

from ..models import Licence
from .factories import licence_type

pytestmark = pytest.mark.django_db


def test_the_waiting_item_receives_the_prerequisites_licence(client: Client) -> None:
    env = make_env()
    kind = licence_type(name="出生医学证明", face_title="出生医学证明")
    cert = env.items["出生医学证明"].implementation
    ImplementationVersion.objects.filter(implementation=cert).update(result_licence_type=kind.code)
    bc = BundleCaseFactory(env=env, phase="in_progress", result_mode="separate")
    granted = grant_item(env, bc, "出生医学证明")
    waiting = child(bc, "新生儿入户")
    row = CaseMaterial.objects.get(case=waiting, name="出生医学证明")
    assert row.state == "result" and not row.licence_identifier  # decided: no licence until the result is issued

    clerk = s.Ctx(env.w.clerk, "window", env.w.window)
    s.issue_bundle_results(clerk, bc.number, "window", None, numbers=[granted.number])
    licence = Licence.objects.get(case=granted)
    version = licence.versions.get()
    row.refresh_from_db()
    assert (row.state, row.licence_identifier, row.licence_version, row.licence_digest) == (
        "result",
        version.identifier,
        1,
        version.content_digest,
    )
    assert not row.file
    client.force_login(env.w.approver)
    page = client.get(f"/cases/{waiting.number}/").content.decode()
    assert "已核验" in page and version.identifier in page


def test_the_bundle_indicators_count_materials_a_licence_replaced(client: Client) -> None:
    env = make_env()
    kind = licence_type(name="出生医学证明", face_title="出生医学证明")
    cert = env.items["出生医学证明"].implementation
    ImplementationVersion.objects.filter(implementation=cert).update(result_licence_type=kind.code)
    bc = BundleCaseFactory(env=env, phase="in_progress", result_mode="separate")
    before = client.get(f"/api/v1/bundles/{env.bundle.code}/indicators").json()
    assert before["licence_materials_avoided"] == 0
    granted = grant_item(env, bc, "出生医学证明")
    s.issue_bundle_results(
        s.Ctx(env.w.clerk, "window", env.w.window), bc.number, "window", None, numbers=[granted.number]
    )
    after = client.get(f"/api/v1/bundles/{env.bundle.code}/indicators").json()
    assert after["licence_materials_avoided"] == 1
