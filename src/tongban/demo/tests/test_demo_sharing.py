"""The demo's data sharing works with the demo accounts: the demo window clerk fills an application for the
demo citizen from the population base, the demo enterprise's from the legal-entity base, and the citizen
sees the accesses under 我的数据."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tongban.accounts.models import User
from tongban.catalogue.models import ItemImplementation
from tongban.sharing.models import AccessRecord, LegalEntityRecord, PopulationRecord

pytestmark = pytest.mark.django_db


def _served_item(clerk: User, kind: str) -> ItemImplementation:
    centre = clerk.service_centre
    assert centre is not None
    items = ItemImplementation.objects.filter(
        department__in=centre.departments.all(), published_version__isnull=False
    ).select_related("published_version")
    return next(i for i in items.order_by("code") if kind in (i.published_version.service_objects or []))  # type: ignore[union-attr]


def test_the_demo_clerk_fills_forms_for_the_demo_citizen_and_enterprise(client: Client, demo_db: None) -> None:
    clerk = User.objects.get(username="zj_window")
    wang = User.objects.get(username="zj_citizen_wang")
    enterprise = User.objects.get(username="zj_enterprise")
    assert PopulationRecord.objects.filter(id_number=wang.id_number).exists()
    assert LegalEntityRecord.objects.get(uscc=enterprise.uscc).legal_representative == "陈建国"
    assert PopulationRecord.objects.count() > 60  # the demo accounts and more people
    client.force_login(clerk)
    for kind, code, name in (
        ("natural", wang.id_number, wang.real_name),
        ("legal", enterprise.uscc, enterprise.real_name),
    ):
        url = f"/cases/window/apply/{_served_item(clerk, kind).code}/"
        token = re.search(r'name="token" value="([^"]+)"', client.get(url).content.decode()).group(1)  # type: ignore[union-attr]
        html = client.post(url, {"token": token, "kind": kind, "id_number": code, "action": "fill"}).content.decode()
        assert f'value="{name}"' in html, kind
        assert "诸暨市公安局" in html if kind == "natural" else "诸暨市市场监督管理局" in html
    assert AccessRecord.objects.filter(subject_code=wang.id_number, outcome="given").exists()
    client.force_login(wang)
    page = client.get("/sharing/mine/").content.decode()
    assert "人口基础信息" in page and "周*" in page and "周晓敏" not in page  # the clerk, masked
