"""A bundle's item that waits for a prerequisite: it is accepted only with everything its guide requires but
that prerequisite's result (a 容缺后补 material promised instead), the acceptance says what it will need, and it
starts only so — never without what its guide requires."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from tongban.bundles.services import publish_bundle
from tongban.bundles.tests.factories import BundleFactory, BundleItemFactory
from tongban.cases import services as s
from tongban.cases.bundle_notices import render_bundle_notice
from tongban.cases.models import BundleCase, Case, CaseMaterial
from tongban.cases.tests.factories import (
    ID_CARD,
    PDF,
    TODAY,
    Env,
    auth,
    bundle_at_window,
    child,
    grant_item,
    make_env,
    material,
)
from tongban.catalogue.tests.factories import PublishedVersionFactory
from tongban.core import clock
from tongban.core.errors import ConflictError
from tongban.outbox.models import Message

pytestmark = pytest.mark.django_db
DUE = TODAY + dt.timedelta(days=10)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Env:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return make_env()


def clerk(env: Env) -> s.Ctx:
    return s.Ctx(env.w.clerk, "window", env.w.window)


def at_window(env: Env, paper: list[str], bundle: Any = None) -> BundleCase:
    return bundle_at_window(env, paper, bundle)


def fresh(bc: BundleCase) -> BundleCase:
    return BundleCase.objects.get(pk=bc.pk)


def test_a_waiting_item_lacking_a_required_material_blocks_the_bundles_acceptance(env: Env) -> None:
    bc = at_window(env, ["父母结婚证", "住院分娩记录"])  # 新生儿入户's 居民户口簿 not brought
    with pytest.raises(ConflictError, match="新生儿入户：居民户口簿"):
        s.accept_bundle(clerk(env), bc, bc.revision)
    assert {c.status for c in Case.objects.filter(bundle_case=bc)} == {"submitted"}
    # The page says why, and what the waiting item will need.
    client = Client()
    client.force_login(env.w.clerk)
    page = client.get(f"/bundles/cases/{bc.number}/").content.decode()
    assert "新生儿入户：居民户口簿" in page.split('id="acceptance-blocked"')[1].split("</div>")[0]
    needs = re.sub(r"\s+", "", page.split('id="waiting-needs"')[1].split("</div>")[0])
    assert "新生儿入户：“出生医学证明”准予后启动，其结果作为“出生医学证明”" in needs and "居民户口簿" in needs


def deferring_env(env: Env) -> Any:
    """A bundle whose waiting item (新生儿入户) has a 容缺后补 material of its own: 新生儿照片."""
    w, div = env.w, env.w.centre.division
    cert = PublishedVersionFactory(
        name="出生医学证明", division=div, department=env.health, materials=[ID_CARD, material("住院分娩记录")]
    )
    reg = PublishedVersionFactory(
        name="新生儿入户",
        division=div,
        department=w.police,
        materials=[ID_CARD, material("出生医学证明"), material("居民户口簿"), material("新生儿照片", "deferrable")],
    )
    bundle = BundleFactory(code="B-PHOTO", division=div, lead_department=env.health)
    first = BundleItemFactory(bundle=bundle, implementation=cert.implementation, order=1)
    BundleItemFactory(
        bundle=bundle, implementation=reg.implementation, order=2, result_as_material="出生医学证明", depends_on=[first]
    )
    return publish_bundle(bundle)


def test_a_waiting_items_deferral_is_recorded_said_and_it_starts_with_it(
    env: Env, django_capture_on_commit_callbacks: Any
) -> None:
    bundle = deferring_env(env)
    bc = at_window(env, ["住院分娩记录", "居民户口簿"], bundle)
    with pytest.raises(ConflictError, match="新生儿照片"):  # neither brought nor promised
        s.accept_bundle(clerk(env), bc, bc.revision)
    promise = s.Deferral("新生儿照片", DUE, "本人承诺按期补交")
    with django_capture_on_commit_callbacks(execute=True):
        bc = s.accept_bundle(clerk(env), bc, fresh(bc).revision, deferrals=[promise])
    reg = child(bc, "新生儿入户")
    assert reg.status == "waiting" and reg.deferred
    owed = reg.materials.get(name="新生儿照片")
    assert (owed.state, owed.deferred_due, owed.commitment) == ("deferred", DUE, "本人承诺按期补交")
    # The acceptance says what the waiting item will need, on its record, to the applicant and on the notice.
    accepted = fresh(bc).events.get(action="accept")
    assert accepted.data["waiting"] == [
        {
            "case": reg.number,
            "item": "新生儿入户",
            "awaits": ["出生医学证明"],
            "result_material": "出生医学证明",
            "deferred": ["新生儿照片"],
        }
    ]
    told = Message.objects.filter(topic="notify").values_list("payload", flat=True)
    assert any("其结果自动作为本事项的“出生医学证明”" in p["body"] and "新生儿照片" in p["body"] for p in told)
    notice = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(render_bundle_notice(fresh(bc), "acceptance"))).pages
    )
    notice = re.sub(r"\s+", "", notice)
    assert "已受理，待“出生医学证明”准予后开始办理，其结果作为“出生医学证明”（后补：新生儿照片）" in notice
    # The prerequisite granted: it starts, holding everything (the photo promised, the certificate its result).
    grant_item(env, bc, "出生医学证明")
    reg = child(bc, "新生儿入户")
    assert reg.status == "in_progress"
    assert reg.materials.get(name="出生医学证明").state == "result"


def test_an_item_never_starts_without_what_its_guide_requires(env: Env) -> None:
    """A waiting item that lacks a material when its prerequisite is granted (accepted before this rule)
    keeps waiting, says what it lacks, and starts once the desk brings it."""
    bc = at_window(env, ["父母结婚证", "住院分娩记录", "居民户口簿", "儿童预防接种登记表"])
    bc = s.accept_bundle(clerk(env), bc, bc.revision)
    reg = child(bc, "新生儿入户")
    CaseMaterial.objects.filter(case=reg, name="居民户口簿").delete()  # as an acceptance of old let it through
    grant_item(env, bc, "出生医学证明")
    reg = child(bc, "新生儿入户")
    assert reg.status == "waiting" and not reg.materials.filter(name="出生医学证明").exists()
    held = reg.events.get(action="hold_start")
    assert held.data == {"missing": ["居民户口簿"]} and "居民户口簿" in held.reason
    # The receiving desk brings it: the item starts at once, its prerequisite's result arriving with it.
    client = Client()
    response = client.post(
        f"/api/v1/cases/{reg.number}/materials",
        {"name": "居民户口簿", "file": SimpleUploadedFile("hukou.pdf", PDF)},
        **auth(env.w.clerk),
    )
    assert response.status_code == 201, response.content[:300]
    reg = child(bc, "新生儿入户")
    assert reg.status == "in_progress" and reg.materials.get(name="出生医学证明").state == "result"
    # An applicant cannot push a waiting item along by uploading to it.
    other = at_window(env, ["父母结婚证", "住院分娩记录", "居民户口簿", "儿童预防接种登记表"])
    other = s.accept_bundle(clerk(env), other, other.revision)
    refused = client.post(
        f"/api/v1/cases/{child(other, '新生儿入户').number}/materials",
        {"name": "居民户口簿", "file": SimpleUploadedFile("hukou.pdf", PDF)},
        **auth(env.w.other_citizen),
    )
    assert refused.status_code in (403, 404, 409)
