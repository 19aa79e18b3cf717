"""A small world for case tests: 诸暨 with a centre, a clerk, approvers, a head, a supervisor, citizens."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tongban.accounts.models import User
from tongban.accounts.tokens import issue_token
from tongban.bundles.models import Bundle, BundleItem
from tongban.bundles.services import publish_bundle
from tongban.cases.forms import new_token
from tongban.cases.forms_bundles import material_field
from tongban.catalogue import services as catalogue
from tongban.catalogue.models import ImplementationVersion
from tongban.catalogue.tests import factories as cf
from tongban.core.identifiers import make_resident_id
from tongban.core.testing import files as samples
from tongban.jurisdictions.models import Department, ServiceCentre, Window

PASSWORD = "Tongban@2026"


def user(username: str, **fields: Any) -> User:
    u = User.objects.create_user(username=username, password=PASSWORD, **fields)
    return u


def citizen(username: str = "zhangsan", order: int = 11, **fields: Any) -> User:
    import datetime as dt

    return user(
        username,
        kind="citizen",
        real_name=fields.pop("real_name", "张三"),
        id_number=make_resident_id("330681", dt.date(1990, 1, 1), order),
        phone="13800000001",
        **fields,
    )


@dataclass
class World:
    centre: ServiceCentre
    window: Window
    police: Department
    hrss: Department
    clerk: User
    approver: User
    other_approver: User
    head: User
    supervisor: User
    applicant: User
    other_citizen: User
    version: ImplementationVersion  # a published, reviewed item of 公安 with an expert-review special step


def world() -> World:
    div = cf.division()
    police = cf.department(div, "诸暨市公安局", "police")
    hrss = cf.department(div, "诸暨市人力资源和社会保障局", "hrss")
    centre = ServiceCentre.objects.create(
        division=div, name="诸暨市政务服务中心", kind="government", address="诸暨市暨阳街道", opening_hours="周一至周五"
    )
    centre.departments.add(police, hrss)
    window = Window.objects.create(centre=centre, number="3", name="综合窗口", kind="general")
    draft = cf.draft_implementation("新生儿入户", div=div, dept=police)
    catalogue.update_draft(
        draft,
        steps=[
            {"name": "受理", "days": 1},
            {"name": "审核", "days": 2},
            {"name": "审批", "days": 1},
            {"name": "办结", "days": 1},
        ],
        special_steps=[{"name": "专家评审", "max_days": 10, "counted_in_limit": False}],
        materials=[*cf.materials(), {"name": "结婚证", "source": "applicant", "copies": 1, "necessity": "deferrable"}],
    )
    version = catalogue.publish_now(draft)
    staff = {"kind": "staff", "division": div}
    return World(
        centre=centre,
        window=window,
        police=police,
        hrss=hrss,
        clerk=user("clerk", role="window_clerk", service_centre=centre, real_name="窗口王", **staff),
        approver=user("approver", role="approver", department=police, real_name="审批李", **staff),
        other_approver=user("approver2", role="approver", department=hrss, real_name="人社赵", **staff),
        head=user("head", role="department_head", department=police, real_name="局长陈", **staff),
        supervisor=user("supervisor", role="supervisor", real_name="督办周", **staff),
        applicant=citizen(),
        other_citizen=citizen("lisi", order=13, real_name="李四"),
        version=version,
    )


def form(w: World) -> dict[str, str]:
    return {
        "applicant_name": "张三",
        "applicant_id_number": w.applicant.id_number or "",
        "child_name": "张小宝",
        "child_birth_date": "2026-11-01",
    }


# --- the case API (/api/v1) as a client with one user's token ---------------------------------------------

TODAY = dt.date(2026, 9, 29)  # before National Day: deadlines cross a holiday and a make-up Saturday
PNG = samples.png()


class Api:
    """A client of /api/v1 acting with one user's bearer token (or none)."""

    def __init__(self, client: Client, who: Any = None):
        self.client, self.user = client, who
        self.headers: dict[str, Any] = {}
        if who is not None:
            raw, _ = issue_token(who)
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"

    def get(self, path: str, params: dict | None = None) -> Any:
        return self.client.get("/api/v1" + path, params or {}, **self.headers)

    def post(self, path: str, body: Any = None, *, raw: str | bytes | None = None, **headers: Any) -> Any:
        data = raw if raw is not None else json.dumps({} if body is None else body)
        return self.client.post("/api/v1" + path, data, content_type="application/json", **self.headers, **headers)

    def upload(self, number: str, name: str, filename: str, content: bytes) -> Any:
        from django.core.files.uploadedfile import SimpleUploadedFile

        return self.client.post(
            f"/api/v1/cases/{number}/materials",
            {"name": name, "file": SimpleUploadedFile(filename, content)},
            **self.headers,
        )

    def act(self, case: dict | str, action: str, revision: int | None = None, **body: Any) -> Any:
        number = case if isinstance(case, str) else case["number"]
        if revision is None and isinstance(case, dict):
            revision = case["revision"]
        return self.post(f"/cases/{number}/actions/{action}", {"revision": revision, **body})

    def apply(self, w: World, *, submit: bool = True, key: str | None = None, **form_extra: Any) -> Any:
        headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
        return self.post(
            "/cases",
            {"implementation": w.version.implementation.code, "form_data": {**form(w), **form_extra}, "submit": submit},
            **headers,
        )


# --- bundle applications ------------------------------------------------------------------------------------

PDF = samples.pdf()


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
    publish_bundle(bundle)
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
    return new_token()


def files(**named: bytes) -> dict[str, Any]:
    return {
        material_field(name): SimpleUploadedFile(f"{name}.pdf", content, "application/pdf")
        for name, content in named.items()
    }


def auth(user: Any) -> dict[str, str]:
    raw, _ = issue_token(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def calendar_year_post(year: int, basis: str, days: list[tuple[dt.date, str, str]]) -> dict[str, str]:
    """The admin's 年度节假日安排 form (workdays.admin) with its inline days: (date, kind, name)."""
    data = {
        "year": str(year),
        "basis": basis,
        "days-TOTAL_FORMS": str(len(days)),
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
    }
    for i, (date, kind, name) in enumerate(days):
        data.update({f"days-{i}-date": date.isoformat(), f"days-{i}-kind": kind, f"days-{i}-name": name})
    return data


def holding_all(case: Any) -> Any:
    """The case (or case number) with every material its guide requires held, as a window clerk ticks the
    paper copies checked: acceptance says the materials are complete, so it needs them all."""
    from tongban.cases.facts import case_facts
    from tongban.cases.models import Case, CaseMaterial

    row = Case.objects.get(number=case) if isinstance(case, str) else case
    if isinstance(case, dict):
        row = Case.objects.get(number=case["number"])
    missing = case_facts(row).missing_required + case_facts(row).missing_deferrable
    CaseMaterial.objects.bulk_create([CaseMaterial(case=row, name=name, paper_checked=True) for name in missing])
    return case


def bundle_holding_all(bundle_case: Any) -> Any:
    """The bundle case (or its number) with every material its items require held (see ``holding_all``)."""
    from tongban.cases.models import BundleCase, Case

    number = bundle_case if isinstance(bundle_case, str) else bundle_case.number
    for child in Case.objects.filter(bundle_case=BundleCase.objects.get(number=number)):
        holding_all(child)
    return bundle_case
