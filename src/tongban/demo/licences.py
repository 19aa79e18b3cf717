"""Demo e-licences: the licence types of the demo catalogue, and licences an earlier system issued to the demo
citizens and enterprise (存量证照归集), so that they already hold valid licences when the demo is loaded.

Type names are exactly the names the demo guides give (an item's ``result_licence``, a material's
``licence=``): a guide's result type is resolved here by name (``type_code_of``), and a material's e-licence
by the same name. The defining bodies' credit codes are made up for the demo (valid check characters, not the
bodies' real codes); type codes are that code + a 3-digit number (GB/T 36904).

Both loaders are idempotent: licence types are saved by code (unchanged rows stay), existing licences are
registered through ``licences.services.existing``, which finds a registration again by type, issuer and face
number.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tongban.core.identifiers import make_resident_id

from .data import accounts as account_data
from .data import regions
from .data.licence_types import LICENCE_TYPES, type_code_of


def _ago(years: int, month: int, day: int) -> dt.date:
    """A date this many years before the current year, so that the demo's licences stay within their validity
    whenever it is loaded (their face numbers, which make them one registration, never change)."""
    return dt.date(dt.date.today().year - years, month, day)


# Licences an earlier system issued to the demo's citizens and enterprise: (account, type name, issuing
# department kind in 诸暨市, face number, issued on, valid until or None for the type's rule, face fields).
EXISTING: list[tuple[str, str, str, str, dt.date, dt.date | None, dict[str, str]]] = [
    ("zj_citizen_wang", "居民户口簿", "police", "330681-HK-018832", _ago(11, 7, 2), None, {}),
    ("zj_citizen_wang", "社会保障卡", "hrss", "330681D156000005", _ago(5, 9, 14), None, {}),
    (
        "zj_citizen_wang",
        "结婚证",
        "civil_affairs",
        "J330681-000731",
        _ago(6, 5, 20),
        None,
        {
            "groom_name": "李志强",
            "groom_id_number": make_resident_id(regions.ZJ, dt.date(1990, 6, 21), 235),
            "bride_name": "王晓燕",
            "bride_id_number": "",  # filled from the account below
        },
    ),
    ("zj_citizen_chen", "社会保障卡", "hrss", "330681D156000017", _ago(7, 4, 8), None, {}),
    (
        "zj_citizen_chen",
        "残疾人证",
        "disabled",
        "330681-CJR-000233",
        _ago(8, 6, 1),
        None,
        {"disability_kind": "肢体残疾"},
    ),
    (
        "zj_enterprise",
        "营业执照",
        "market",
        "330681000088215",
        _ago(10, 8, 18),
        None,
        {"legal_representative": "陈建国"},
    ),
    (
        "zj_enterprise",
        "食品经营许可证",
        "market",
        "JY23306810052718",
        _ago(3, 3, 6),
        None,
        {
            "legal_representative": "陈建国",
            "business_address": "浙江省诸暨市陶朱街道望云路288号（职工食堂）",
            "business_items": "热食类食品制售（单位食堂）",
        },
    ),
]
SOURCE_SYSTEM = "浙江省电子证照库（演示：平台上线前签发）"


def existing_records() -> list[Any]:
    """The records ``licences.services.existing`` registers: holder from the demo account, issuer the 诸暨市
    department, the face's holder fields from the account."""
    from tongban.licences.services.existing import ExistingLicence

    accounts = {a.username: a for a in account_data.ACCOUNTS}
    out = []
    for username, type_name, kind, number, issued_on, valid_until, fields in EXISTING:
        account = accounts.get(username)
        if account is None:
            continue
        holder_code = account.id_number or account.uscc or ""
        department = regions.department(regions.ZJ, kind)
        face = {
            "holder_name": account.real_name,
            "holder_code": holder_code,
            "enterprise_name": account.real_name,
            "uscc": account.uscc or "",
            "issuer_name": department.name,
            "issued_on": issued_on.isoformat(),
            **fields,
        }
        if type_name == "结婚证":
            face["bride_id_number"] = holder_code
            face["registered_on"] = issued_on.isoformat()
        out.append(
            ExistingLicence(
                type_code=type_code_of(type_name),
                number=number,
                holder_name=account.real_name,
                holder_code=holder_code,
                issuer_code=department.uscc,
                issued_on=issued_on,
                valid_until=valid_until,
                fields=face,
                source_system=SOURCE_SYSTEM,
            )
        )
    return out


def load_licence_types(report: Any) -> None:
    """Save each demo licence type by code (before the guides that name them are published)."""
    from tongban.catalogue.models import LicenceType
    from tongban.catalogue.services import save_licence_type

    existing = {t.code: t for t in LicenceType.objects.filter(code__in=[t["code"] for t in LICENCE_TYPES])}
    for wanted in LICENCE_TYPES:
        row = existing.get(wanted["code"])
        if row is not None and all(getattr(row, k) == v for k, v in wanted.items()):
            report.count("licence_type", "unchanged")
            continue
        save_licence_type(dict(wanted))
        report.count("licence_type", "created" if row is None else "updated")


def load_existing_licences(report: Any) -> None:
    """Register the licences the demo holders had before the platform (after departments and accounts)."""
    from tongban.cases.services import SYSTEM
    from tongban.licences.services.existing import register_existing

    for record in existing_records():
        _, created = register_existing(SYSTEM, record)
        report.count("licence", "created" if created else "unchanged")
