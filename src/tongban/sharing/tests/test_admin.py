"""The sharing catalogue in the admin: every save appended to its history with the resource's whole state."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tongban.accounts.tests.factories import SystemAdminFactory
from tongban.cases.tests.factories import world

from ..models import CatalogueChange
from .factories import catalogue

pytestmark = pytest.mark.django_db


def test_saving_a_resource_in_the_admin_appends_its_state_to_the_history(client: Client) -> None:
    w = world()
    resources = catalogue(w)
    population = resources["population"]
    admin = SystemAdminFactory(username="sysadmin", division=w.centre.division)
    client.force_login(admin)
    page = client.get(f"/admin/sharing/dataresource/{population.pk}/change/")
    assert page.status_code == 200 and "共享依据" in page.content.decode()
    data = {
        "code": population.code,
        "name": "人口基础信息（新）",
        "provider": "population",
        "department": w.police.pk,
        "sharing_type": "conditional",
        "legal_basis": "测试依据",
        "update_frequency": "daily",
        "replaces_materials": "",
        "active": "on",
    }
    groups: list[tuple[str, list[Any]]] = [
        ("fields", list(population.fields.all())),
        ("rules", list(population.rules.all())),
    ]
    for prefix, rows in groups:
        data |= {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(len(rows))}
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-id"] = str(row.pk)
            data[f"{prefix}-{i}-resource"] = str(population.pk)
            if prefix == "fields":
                data |= {f"{prefix}-{i}-{k}": str(getattr(row, k)) for k in ("key", "label", "sensitivity", "position")}
            else:
                data |= {f"{prefix}-{i}-role": row.role, f"{prefix}-{i}-fields": json.dumps(row.fields)}
                if row.needs_case:
                    data[f"{prefix}-{i}-needs_case"] = "on"
                if row.needs_consent:
                    data[f"{prefix}-{i}-needs_consent"] = "on"
    saved = client.post(f"/admin/sharing/dataresource/{population.pk}/change/", data)
    assert saved.status_code == 302, saved.content.decode()[-3000:]
    change = CatalogueChange.objects.get()
    assert change.user == admin and change.snapshot["name"] == "人口基础信息（新）"
    assert len(change.snapshot["rules"]) == population.rules.count() and change.snapshot["fields"][0]["key"] == "name"
    assert client.get("/admin/sharing/accessrecord/").status_code == 200
