"""A small world for case tests: 诸暨 with a centre, a clerk, approvers, a head, a supervisor, citizens."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.test import Client

from tongban.accounts.models import User
from tongban.accounts.tokens import issue_token
from tongban.catalogue import services as catalogue
from tongban.catalogue.models import ImplementationVersion
from tongban.catalogue.tests import factories as cf
from tongban.core.identifiers import make_resident_id
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
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


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
