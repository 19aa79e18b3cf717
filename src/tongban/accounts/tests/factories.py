"""Test factories for accounts: a small real division tree (浙江省 › 绍兴市 › 诸暨市, 嘉兴市 › 平湖市) and users."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from tongban.accounts import services
from tongban.accounts.models import User
from tongban.accounts.roles import Role
from tongban.core.identifiers import division_level, make_resident_id, make_uscc
from tongban.jurisdictions.models import Department, Division, ServiceCentre

PASSWORD = "Tongban#2025pass"
_seq = itertools.count(1)

NAMES = {
    "330000": "浙江省",
    "330600": "绍兴市",
    "330681": "诸暨市",
    "330681001": "暨阳街道",
    "330400": "嘉兴市",
    "330482": "平湖市",
    "410000": "河南省",
    "419001": "济源市",
}


def division(code: str) -> Division:
    """The division with a 6/9/12-digit ``code``, its ancestors created as the code implies."""
    code12 = code.ljust(12, "0")
    existing = Division.objects.filter(code=code12).first()
    if existing:
        return existing
    level = division_level(code12)
    parent_code = {1: None, 2: code12[:2], 3: code12[:4], 4: code12[:6], 5: code12[:9]}[level]
    if level == 3 and code12[2:4] == "90":  # province-administered county-level city (济源)
        parent_code = code12[:2]
    parent = division(parent_code) if parent_code else None
    names = {k.ljust(12, "0"): v for k, v in NAMES.items()}
    return Division.objects.create(code=code12, name=names.get(code12, code), level=level, parent=parent)


def department(div: Division | None = None, name: str = "", kind: str = "police") -> Department:
    div = div or division("330681")
    name = name or f"{div.name}公安局"
    obj = Department.objects.filter(division=div, name=name).first()
    if obj:
        return obj
    return Department.objects.create(
        division=div, name=name, kind=kind, uscc=make_uscc("1", "1", div.code[:6], f"{next(_seq):08d}")
    )


def centre(div: Division | None = None, name: str = "") -> ServiceCentre:
    div = div or division("330681")
    return ServiceCentre.objects.create(
        division=div,
        name=name or f"{div.name}政务服务中心{next(_seq)}",
        kind=ServiceCentre.Kind.GOVERNMENT,
        address="示例路1号",
        opening_hours="工作日 8:30-12:00 14:00-17:30",
    )


def resident_id(n: int | None = None, area: str = "330681") -> str:
    n = next(_seq) if n is None else n
    return make_resident_id(area, dt.date(1980, 1, 1) + dt.timedelta(days=n * 37), n % 999 + 1)


def uscc(n: int | None = None, authority: str = "9", kind: str = "1") -> str:
    n = next(_seq) if n is None else n
    return make_uscc(authority, kind, "330681", f"{n:08d}")


def citizen(**extra: Any) -> User:
    n = next(_seq)
    kwargs: dict[str, Any] = {
        "username": f"citizen{n}",
        "password": PASSWORD,
        "real_name": "张三",
        "id_number": resident_id(n),
        "phone": f"138{n:08d}",
    }
    kwargs.update(extra)
    return services.register_citizen(**kwargs)


def enterprise(**extra: Any) -> User:
    n = next(_seq)
    kwargs: dict[str, Any] = {
        "username": f"firm{n}",
        "password": PASSWORD,
        "real_name": "诸暨示例科技有限公司",
        "uscc": uscc(n),
        "legal_representative": "李四",
        "phone": f"139{n:08d}",
    }
    kwargs.update(extra)
    return services.register_enterprise(**kwargs)


def staff(role: Role | str, **extra: Any) -> User:
    n = next(_seq)
    role = Role(role)
    kwargs: dict[str, Any] = {"username": f"staff{n}", "password": PASSWORD, "real_name": "王五", "role": role}
    if role != Role.SYSTEM_ADMIN and "division" not in extra and "department" not in extra:
        kwargs["department"] = department()
    kwargs.update(extra)
    return services.create_staff(**kwargs)
