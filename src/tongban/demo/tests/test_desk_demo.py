"""企业开办 with the demo accounts: the window clerk takes a company formation from its founder (no credit code
yet), for the single item and for the 企业开办一件事 bundle; a citizen founder applies online."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from tongban.accounts.models import User
from tongban.bundles.models import Bundle
from tongban.cases import services as s
from tongban.cases.forms import SHARED_APPLICANT_KEYS, new_token
from tongban.cases.models import BundleCase, Case
from tongban.catalogue.models import ItemImplementation
from tongban.core import clock
from tongban.core.testing import files as samples
from tongban.demo import loader
from tongban.demo.tests.factories import answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch, settings: Any) -> dict[str, Any]:
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 3, 2))
    settings.DEMO_MODE = True  # the demo accounts sign in only in demo mode
    loader.load_demo(cases=False)  # the demo's own cases are loaded on their own days (test_demo_cases)
    return {
        "clerk": User.objects.get(username="zj_window"),
        "founder": User.objects.get(username="zj_citizen_wang"),
        "registration": ItemImplementation.objects.get(
            entry__name="内资企业及分支机构设立登记", division_id="330681000000", published_version__isnull=False
        ),
        "bundle": Bundle.objects.get(name="企业开办一件事", status="published"),
    }


FOUNDING = {
    "kind": "founding",
    "enterprise_name": "诸暨市新芽科技有限公司",
    "phone": "13900000000",
    "identity_check": "读取身份证芯片并人证比对",
    "f_enterprise_type": "有限责任公司（自然人独资）",
    "f_legal_representative": "王",
    "f_registered_address": "诸暨市暨阳街道浣纱南路1号",
    "f_business_scope": "软件开发；信息技术咨询服务",
}


def test_company_formation_with_the_demo_accounts(client: Any, demo: dict[str, Any]) -> None:
    """The demo loads once (a minute): the three journeys in one test."""
    window_single(client, demo)
    window_bundle(client, demo)
    online(demo)


def window_single(client: Any, demo: dict[str, Any]) -> None:
    founder, impl = demo["founder"], demo["registration"]
    client.force_login(demo["clerk"])
    url = f"/cases/window/apply/{impl.code}/"
    assert client.get(url).status_code == 200
    post = {
        **FOUNDING,
        "token": new_token(),
        "name": founder.real_name,
        "id_number": founder.id_number,
        "f_legal_representative": founder.real_name,
        "f_legal_representative_id_number": founder.id_number,
        "paper": [m.name for m in impl.published_version.materials.all()],
    }
    r = client.post(url, post)
    assert r.status_code == 302, r.content.decode()[:3000]
    case = Case.objects.get(implementation=impl)
    assert case.applicant == founder and case.form_data["enterprise_name"] == "诸暨市新芽科技有限公司"
    assert "uscc" not in case.form_data
    # Every material in hand: the clerk accepts it.
    case = s.accept(s.Ctx(demo["clerk"], "window"), case, case.revision)
    assert case.status == "in_progress"


def window_bundle(client: Any, demo: dict[str, Any]) -> None:
    founder, bundle = demo["founder"], demo["bundle"]
    client.force_login(demo["clerk"])
    url = f"/bundles/window/apply/{bundle.code}/"
    assert client.get(url).status_code == 200
    items = list(bundle.items.all())
    asked = {
        f"f_{f['key']}": answer(f)
        for f in s.merged_form(items, "natural")
        if f["key"] not in SHARED_APPLICANT_KEYS and f.get("required")
    }
    assert "f_uscc" not in asked  # not asked: the USCC comes with the 营业执照, within the bundle
    post = {
        **asked,
        **FOUNDING,
        "token": new_token(),
        "action": "apply",
        "items": [i.pk for i in items],
        "name": founder.real_name,
        "id_number": founder.id_number,
        "f_legal_representative": founder.real_name,
    }
    r = client.post(url, post)
    assert r.status_code == 302, re.findall(r"(?:field-error|notice-error)[^>]*>([^<]+)", r.content.decode())
    bc = BundleCase.objects.get(bundle=bundle)
    assert bc.applicant_kind == "natural" and bc.applicant == founder
    assert bc.form_data["enterprise_name"] == "诸暨市新芽科技有限公司"


def online(demo: dict[str, Any]) -> None:
    founder, impl = demo["founder"], demo["registration"]
    ctx = s.Ctx(founder, "online")
    draft = s.start_online(ctx, impl)
    assert draft.form_data.get("applicant_name") == founder.real_name  # the 经办人 is the founder, pre-filled
    assert not draft.form_data.get("uscc")
    # The whole 企业开办一件事 online: the founder has no USCC and is not asked for one.
    bc = s.start_bundle_online(ctx, demo["bundle"])
    items = list(bc.items.all())
    form = s.merged_form(items, bc.applicant_kind)
    assert "uscc" not in {f["key"] for f in form}
    bc = s.save_bundle_draft(ctx, bc, {f["key"]: bc.form_data.get(f["key"]) or answer(f) for f in form})
    for name in s.required_uploads(items):
        s.attach_bundle_material(ctx, bc, name, f"{name}.pdf", samples.pdf(name))
    bc = s.submit_bundle(ctx, BundleCase.objects.get(pk=bc.pk))
    assert bc.phase == "submitted" and bc.applicant == founder
