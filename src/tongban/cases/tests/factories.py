"""A small world for case tests: 诸暨 with a centre, a clerk, approvers, a head, a supervisor, citizens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tongban.accounts.models import User
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
