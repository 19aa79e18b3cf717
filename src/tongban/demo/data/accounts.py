"""Demo accounts in 诸暨市: one per staff role, two citizens and one enterprise.

Their passwords are published (README, ``tongban demo accounts``): accounts.backends refuses them unless
the deployment runs in demo mode.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tongban.core.identifiers import make_resident_id, make_uscc

from .regions import ZJ

DEMO_PASSWORD = "Tongban@2026"


@dataclass(frozen=True)
class AccountSpec:
    username: str
    kind: str  # citizen / enterprise / staff
    real_name: str
    role: str = ""
    department: str = ""  # department kind in 诸暨市
    service_centre: str = ""
    id_number: str | None = None
    uscc: str | None = None
    legal_representative: str = ""
    phone: str = ""
    address: str = ""
    password: str = DEMO_PASSWORD
    division: str = ZJ

    @property
    def label(self) -> str:
        """What ``tongban demo accounts`` prints as the account's role."""
        return self.role or self.kind


CENTRE = "诸暨市政务服务中心"

ACCOUNTS: list[AccountSpec] = [
    AccountSpec(
        "zj_window",
        "staff",
        "周晓敏",
        role="window_clerk",
        department="government_services",
        service_centre=CENTRE,
        phone="13957500101",
    ),
    AccountSpec("zj_police_approver", "staff", "陈立军", role="approver", department="police", phone="13957500102"),
    AccountSpec("zj_hrss_approver", "staff", "何佳颖", role="approver", department="hrss", phone="13957500103"),
    AccountSpec("zj_head", "staff", "宣国华", role="department_head", department="hrss", phone="13957500104"),
    AccountSpec(
        "zj_supervisor", "staff", "楼建平", role="supervisor", department="government_services", phone="13957500105"
    ),
    AccountSpec(
        "zj_catalogue", "staff", "赵雅琴", role="catalogue_admin", department="government_services", phone="13957500106"
    ),
    AccountSpec(
        "zj_admin", "staff", "斯晨阳", role="system_admin", department="government_services", phone="13957500107"
    ),
    AccountSpec(
        "zj_citizen_wang",
        "citizen",
        "王晓燕",
        id_number=make_resident_id(ZJ, dt.date(1992, 5, 16), 128),
        phone="13857510001",
        address="浙江省诸暨市暨阳街道浣纱南路88号3幢2单元501室",
    ),
    AccountSpec(
        "zj_citizen_chen",
        "citizen",
        "陈建国",
        id_number=make_resident_id(ZJ, dt.date(1964, 9, 3), 317),
        phone="13857510002",
        address="浙江省诸暨市店口镇解放路126号",
    ),
    AccountSpec(
        "zj_enterprise",
        "enterprise",
        "诸暨市暨阳织造有限公司",
        uscc=make_uscc("9", "1", ZJ, "MA2JY7C3"),
        legal_representative="陈建国",
        phone="13857510003",
        address="浙江省诸暨市陶朱街道望云路288号",
    ),
]
