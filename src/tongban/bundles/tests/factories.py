"""Factories for bundle tests: a small published 新生儿出生 bundle, and the world of bundle applications (a
bundle whose materials the applicant uploads, its approvers, form answers, files, tokens)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.accounts.tokens import issue_token
from tongban.bundles import services as b
from tongban.bundles.forms_apply import material_field
from tongban.bundles.models import Bundle, BundleItem
from tongban.cases.tests.factories import World, user, world
from tongban.catalogue import services as catalogue
from tongban.catalogue.tests import factories as cf
from tongban.jurisdictions.models import Department


def newborn_bundle(publish: bool = True) -> Bundle:
    """A small 新生儿出生 bundle: birth certificate and vaccination in parallel, registration after the first."""
    div = cf.division()
    health = cf.department(div, "诸暨市卫生健康局", "health")
    police = cf.department(div, "诸暨市公安局", "police")
    cert = cf.published_implementation("出生医学证明", div=div, dept=health)
    vacc = cf.published_implementation(
        "预防接种证", div=div, dept=health, visits=0, online_depth=4, onsite_reason="", promised_days=3
    )
    reg = cf.published_implementation("新生儿入户", div=div, dept=police)
    bundle = Bundle.objects.create(
        code="B-NEWBORN",
        name="新生儿出生一件事",
        division=div,
        lead_department=health,
        audience="natural",
        life_stage="出生",
        description="新生儿出生后相关事项一次办",
        promised_days=5,
        shared_fields=["applicant_name", "child_name"],
        keywords="孩子刚出生 生娃",
        status=Bundle.Status.DRAFT,
    )
    i1 = BundleItem.objects.create(bundle=bundle, implementation=cert.implementation, order=1)
    BundleItem.objects.create(bundle=bundle, implementation=vacc.implementation, order=2)
    i3 = BundleItem.objects.create(
        bundle=bundle, implementation=reg.implementation, order=3, result_as_material="出生医学证明"
    )
    i3.depends_on.add(i1)
    if publish:
        from tongban.bundles.services import publish_bundle

        publish_bundle(bundle)
    return bundle


# --- bundle applications ------------------------------------------------------------------------------------

TODAY = dt.date(2026, 9, 29)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _material(name: str, necessity: str = "required", replaceable: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "source": "government" if replaceable else "applicant",
        "material_type": "copy",
        "form": "either",
        "copies": 1,
        "necessity": necessity,
        "licence_replaceable": replaceable,
        "licence_type": "居民身份证" if replaceable else "",
    }


ID_CARD = _material("居民身份证", replaceable=True)


def _item(name: str, div: Any, dept: Department, materials: list[dict[str, Any]], **content: Any) -> Any:
    draft = cf.draft_implementation(name, div=div, dept=dept, **content)
    catalogue.update_draft(draft, materials=materials)
    return catalogue.publish_now(draft)


@dataclass
class Env:
    w: World
    bundle: Bundle
    items: dict[str, BundleItem]
    doctor: Any  # approver of the health department
    health: Department


def uploads_bundle(div: Any, police: Department) -> tuple[Bundle, Department]:
    """新生儿出生 with materials the applicant really uploads: 父母结婚证 is needed by all three items
    (uploaded once), the certificate reaches 新生儿入户 as its result, 预防接种登记表 may be deferred."""
    health = cf.department(div, "诸暨市卫生健康局", "health")
    cert = _item("出生医学证明", div, health, [ID_CARD, _material("父母结婚证"), _material("住院分娩记录")])
    vacc = _item(
        "预防接种证",
        div,
        health,
        [ID_CARD, _material("父母结婚证（复印件）"), _material("儿童预防接种登记表", "deferrable")],
        promised_days=3,
    )
    reg = _item(
        "新生儿入户",
        div,
        police,
        [ID_CARD, _material("出生医学证明"), _material("父母结婚证"), _material("居民户口簿")],
    )
    bundle = Bundle.objects.create(
        code="B-NEWBORN",
        name="新生儿出生一件事",
        division=div,
        lead_department=health,
        audience="natural",
        life_stage="出生",
        description="新生儿出生后相关事项一次办",
        promised_days=5,
        shared_fields=["applicant_name", "child_name"],
    )
    i1 = BundleItem.objects.create(bundle=bundle, implementation=cert.implementation, order=1)
    BundleItem.objects.create(bundle=bundle, implementation=vacc.implementation, order=2)
    i3 = BundleItem.objects.create(
        bundle=bundle, implementation=reg.implementation, order=3, result_as_material="出生医学证明"
    )
    i3.depends_on.add(i1)
    b.publish_bundle(bundle)
    return bundle, health


def make_env() -> Env:
    w = world()
    bundle, health = uploads_bundle(w.centre.division, w.police)
    w.centre.departments.add(health)
    doctor = user(
        "health_approver",
        kind="staff",
        role="approver",
        department=health,
        division=w.centre.division,
        real_name="卫健刘",
    )
    items = {i.implementation.entry.name: i for i in bundle.items.all()}
    return Env(w, bundle, items, doctor, health)


def answers(w: World) -> dict[str, Any]:
    return {
        "f_applicant_name": "张三",
        "f_applicant_id_number": w.applicant.id_number,
        "f_child_name": "张小宝",
        "f_child_birth_date": "2026-09-20",
    }


def token() -> str:
    from tongban.cases.forms import new_token

    return new_token()


def files(**named: bytes) -> dict[str, Any]:
    return {
        material_field(name): SimpleUploadedFile(f"{name}.pdf", content, "application/pdf")
        for name, content in named.items()
    }


def auth(user: Any) -> dict[str, str]:
    raw, _ = issue_token(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
