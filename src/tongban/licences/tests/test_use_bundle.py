"""Bundles pass licences between their items (出生医学证明 → 新生儿入户): when the prerequisite's result is a
licence, the waiting item holds a reference to that licence (identifier, version, digest), not a file, and
its clerk sees it verified."""

from __future__ import annotations

import pytest
from django.test import Client

from tongban.cases import services as s
from tongban.cases.models import BundleCase, CaseMaterial
from tongban.cases.tests.factories import (
    BUNDLE_FORM,
    BUNDLE_UPLOADS,
    PDF,
    BundleCaseFactory,
    child,
    grant_item,
    make_env,
)
from tongban.catalogue.models import ImplementationVersion
from tongban.core.errors import DomainError

from ..models import Licence
from .factories import issued, licence_type, licence_world

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


def test_a_bundle_application_takes_the_applicants_licence_or_asks_for_the_material() -> None:
    # The platform issues 居民身份证 here, so the bundle items' ID card material is licence-backed.
    w = licence_world(name="居民身份证", face_title="居民身份证")
    env = make_env(w)
    applicant = s.Ctx(w.applicant, "online")
    bc = s.start_bundle_online(applicant, env.bundle, None, {**BUNDLE_FORM, "applicant_name": w.applicant.real_name})
    for name in BUNDLE_UPLOADS:
        s.attach_bundle_material(applicant, bc, name, f"{name}.pdf", PDF)
    bc = BundleCase.objects.get(pk=bc.pk)
    with pytest.raises(DomainError) as refused:  # no licence held: the ID card must be brought after all
        s.submit_bundle(applicant, bc, bc.revision)
    assert refused.value.code == "materials_missing" and "居民身份证" in refused.value.message

    person = {"name": w.applicant.real_name, "id_number": w.applicant.id_number or "", "phone": "13800000001"}
    _, licence = issued(w, channel="window", window_applicant=person)  # now 张三 holds a valid one
    bc = s.submit_bundle(applicant, bc, bc.revision)
    rows = CaseMaterial.objects.filter(case__bundle_case=bc, name="居民身份证")
    assert rows.count() == 3
    assert {(r.state, r.licence_identifier) for r in rows} == {("replaced", licence.identifier)}
