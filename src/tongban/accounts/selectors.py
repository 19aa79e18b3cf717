"""Reads of accounts: what a profile shows (personal numbers masked), the authorisations in force."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .masking import mask_phone, mask_resident_id, mask_uscc
from .models import Authorisation, User
from .roles import ACCOUNT_KIND_LABELS, ROLE_LABELS, AccountKind, Role


def profile_rows(user: User) -> list[tuple[str, str]]:
    """(label, value) pairs for the "我的账号" page; identifiers and phone masked, empty values left out."""
    kind = AccountKind(user.kind)
    rows: list[tuple[str, str]] = [("账号类型", ACCOUNT_KIND_LABELS[kind]), ("用户名", user.username)]
    if kind == AccountKind.ENTERPRISE:
        rows += [
            ("单位名称", user.real_name),
            ("统一社会信用代码", mask_uscc(user.uscc)),
            ("法定代表人", user.legal_representative),
            ("联系人手机号码", mask_phone(user.phone)),
        ]
    else:
        rows += [("姓名", user.real_name)]
        if user.id_number:
            rows.append(("公民身份号码", mask_resident_id(user.id_number)))
        rows.append(("手机号码", mask_phone(user.phone)))
    if kind == AccountKind.STAFF:
        rows += [
            ("岗位角色", ROLE_LABELS[Role(user.role)] if user.role else ""),
            ("所属区划", user.division.full_name if user.division else ""),
            ("所属部门", user.department.name if user.department else ""),
            ("所在服务中心", user.service_centre.name if user.service_centre else ""),
        ]
    rows.append(("地址", user.address))
    if user.is_demo:
        rows.append(("说明", "演示账号（密码公开，仅在演示模式下可用）"))
    return [(label, value) for label, value in rows if value]


def authorisation_in_force(
    agent: User, principal_id_number: str, implementation_codes: Iterable[str], day: dt.date
) -> Authorisation | None:
    """The authorisation under which ``agent`` may apply for the principal with that ID number or credit code,
    for those items (one, or a bundle's), on ``day``: recorded, not revoked, valid on the day, covering each.
    A window clerk's check of an agency (``principal_check`` set) was for the application made there only."""
    codes = list(implementation_codes)
    candidates = Authorisation.objects.filter(
        principal_check="",
        agent=agent,
        principal_id_number=principal_id_number,
        revoked_at__isnull=True,
        valid_from__lte=day,
        valid_until__gte=day,
    ).order_by("-recorded_at")
    return next((a for a in candidates if all(a.covers(code) for code in codes)), None)
