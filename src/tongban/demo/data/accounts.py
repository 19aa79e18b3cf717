"""Demo accounts: the main ones of 诸暨市 (one per staff role, two citizens, one enterprise), and the staff every
journey needs to finish.

Besides the main accounts, each department that decides a demo item has an approver
(``<region>_<kind>_approver``), and a department head (``<region>_<kind>_head``) where one of its items has a
time limit that may be extended (行政许可法 Art. 42) or a special step; each service centre has a window clerk
(``<region>_window``, or ``<region>_<place>_window`` for a township's convenience centre). Names and phone
numbers are made from the username, so a reload always produces the same account.

Their passwords are published (README, ``tongban demo accounts``): accounts.backends refuses them unless
the deployment runs in demo mode.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace

from tongban.core.identifiers import make_resident_id, make_uscc

from .catalogue import IMPLEMENTATIONS, Implementation
from .regions import CENTRES, REGION_PREFIXES, ZJ, CentreSpec

DEMO_PASSWORD = "Tongban@2026"


@dataclass(frozen=True)
class AccountSpec:
    username: str
    kind: str  # citizen / enterprise / staff
    real_name: str
    role: str = ""
    department: str = ""  # department kind in the account's division (a county)
    service_centre: str = ""
    id_number: str | None = None
    uscc: str | None = None
    legal_representative: str = ""
    phone: str = ""
    address: str = ""
    password: str = DEMO_PASSWORD
    division: str = ZJ  # where the account works or lives (6-, 9- or 12-digit code)
    main: bool = False  # listed one by one in the README; the others follow its naming rules

    @property
    def label(self) -> str:
        """What ``tongban demo accounts`` prints as the account's role."""
        return self.role or self.kind


CENTRE = "诸暨市政务服务中心"

MAIN_ACCOUNTS: list[AccountSpec] = [
    AccountSpec(
        "zj_window",
        "staff",
        "周晓敏",
        role="window_clerk",
        department="government_services",
        service_centre=CENTRE,
        phone="13957500101",
        main=True,
    ),
    AccountSpec(
        "zj_police_approver",
        "staff",
        "陈立军",
        role="approver",
        department="police",
        phone="13957500102",
        main=True,
    ),
    AccountSpec(
        "zj_hrss_approver", "staff", "何佳颖", role="approver", department="hrss", phone="13957500103", main=True
    ),
    AccountSpec(
        "zj_head", "staff", "宣国华", role="department_head", department="hrss", phone="13957500104", main=True
    ),
    AccountSpec(
        "zj_environment_approver",
        "staff",
        "蒋文涛",
        role="approver",
        department="environment",
        phone="13957500108",
        main=True,
    ),
    AccountSpec(
        "zj_environment_head",
        "staff",
        "孟丽华",
        role="department_head",
        department="environment",
        phone="13957500109",
        main=True,
    ),
    AccountSpec(
        "zj_supervisor",
        "staff",
        "楼建平",
        role="supervisor",
        department="government_services",
        phone="13957500105",
        main=True,
    ),
    AccountSpec(
        "zj_catalogue",
        "staff",
        "赵雅琴",
        role="catalogue_admin",
        department="government_services",
        phone="13957500106",
        main=True,
    ),
    AccountSpec(
        "zj_admin",
        "staff",
        "斯晨阳",
        role="system_admin",
        department="government_services",
        phone="13957500107",
        main=True,
    ),
    AccountSpec(
        "zj_citizen_wang",
        "citizen",
        "王晓燕",
        id_number=make_resident_id(ZJ, dt.date(1992, 5, 16), 128),
        phone="13857510001",
        address="浙江省诸暨市暨阳街道浣纱南路88号3幢2单元501室",
        main=True,
    ),
    AccountSpec(
        "zj_citizen_chen",
        "citizen",
        "陈建国",
        id_number=make_resident_id(ZJ, dt.date(1964, 9, 3), 317),
        phone="13857510002",
        address="浙江省诸暨市店口镇解放路126号",
        main=True,
    ),
    AccountSpec(
        "zj_enterprise",
        "enterprise",
        "诸暨市暨阳织造有限公司",
        uscc=make_uscc("9", "1", ZJ, "MA2JY7C3"),
        legal_representative="陈建国",
        phone="13857510003",
        address="浙江省诸暨市陶朱街道望云路288号",
        main=True,
    ),
]

# ---------------------------------------------------------------------------------------------------------
# The staff every journey needs, by rule

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蒋蔡余杜叶程魏苏吕丁沈任姚卢傅钟"
_GIVEN = [
    "建国",
    "志强",
    "秀英",
    "丽娟",
    "海燕",
    "文斌",
    "晓东",
    "红梅",
    "伟民",
    "雅芳",
    "国庆",
    "俊杰",
    "静怡",
    "明辉",
    "春燕",
    "振华",
    "慧敏",
    "立新",
    "玉兰",
    "子涵",
]


def _digest(seed: str) -> int:
    return int(hashlib.sha256(seed.encode()).hexdigest(), 16)


def demo_name(seed: str) -> str:
    n = _digest("name:" + seed)
    return _SURNAMES[n % len(_SURNAMES)] + _GIVEN[(n // len(_SURNAMES)) % len(_GIVEN)]


def demo_mobile(seed: str) -> str:
    return "139" + str(_digest("mobile:" + seed) % 10**8).zfill(8)


def may_need_a_head(impl: Implementation) -> bool:
    """An item whose handling a department head may extend (it has a time limit to decide in: a 承诺件) or
    that declares a special step: its department needs a head."""
    return impl.item.promised > 0 or bool(impl.item.special_steps)


def _staff(username: str, role: str, division: str, *, department: str = "", centre: str = "") -> AccountSpec:
    return AccountSpec(
        username,
        "staff",
        demo_name(username),
        role=role,
        department=department,
        service_centre=centre,
        phone=demo_mobile(username),
        division=division,
    )


def department_staff(implementations: list[Implementation], taken: set[tuple[str, str, str]]) -> list[AccountSpec]:
    """An approver for every department deciding a demo item, a head where one may be needed (unless a main
    account holds the role already)."""
    needs_head: dict[tuple[str, str], bool] = {}
    for impl in implementations:
        key = (impl.division, impl.department.kind)
        needs_head[key] = needs_head.get(key, False) or may_need_a_head(impl)
    out = []
    for (division, kind), head in needs_head.items():
        prefix = REGION_PREFIXES[division]
        for role, suffix, wanted in (("approver", "approver", True), ("department_head", "head", head)):
            if wanted and (division, kind, role) not in taken:
                out.append(_staff(f"{prefix}_{kind}_{suffix}", role, division, department=kind))
    return out


def centre_clerk_name(centre: CentreSpec) -> str:
    prefix = REGION_PREFIXES[centre.department_division]
    return f"{prefix}_{centre.short}_window" if centre.short else f"{prefix}_window"


def centre_clerks(centres: list[CentreSpec], taken: set[str]) -> list[AccountSpec]:
    """A window clerk for every service centre that has none among the main accounts."""
    return [
        AccountSpec(
            centre_clerk_name(c),
            "staff",
            demo_name(centre_clerk_name(c)),
            role="window_clerk",
            service_centre=c.name,
            phone=demo_mobile(centre_clerk_name(c)),
            division=c.division,
        )
        for c in centres
        if c.name not in taken
    ]


# The federation demo's other nodes (``make federation``: 市中区, 济源) oversee their own region: its board and
# the node's operator page (跨地区联邦运行情况) are a supervisor's.
NODE_SUPERVISED = ("370402", "419001")


def node_supervisors() -> list[AccountSpec]:
    return [
        replace(_staff(f"{REGION_PREFIXES[code]}_supervisor", "supervisor", code), main=True)
        for code in NODE_SUPERVISED
    ]


def _roles_taken(accounts: list[AccountSpec]) -> set[tuple[str, str, str]]:
    return {(a.division, a.department, a.role) for a in accounts if a.department and a.role}


def hotline_accounts() -> list[AccountSpec]:
    """The 12345 hotline's staff (data/hotline.py)."""
    from .hotline import CENTRE as HOTLINE_CENTRE
    from .hotline import STAFF

    return [
        AccountSpec(
            username,
            "staff",
            name,
            role=role,
            department=kind,
            service_centre=HOTLINE_CENTRE if role == "window_clerk" else "",
            phone=phone,
            main=True,
        )
        for username, name, role, kind, phone in STAFF
    ]


ACCOUNTS: list[AccountSpec] = [
    *MAIN_ACCOUNTS,
    *department_staff(IMPLEMENTATIONS, _roles_taken(MAIN_ACCOUNTS)),
    *centre_clerks(CENTRES, {a.service_centre for a in MAIN_ACCOUNTS if a.service_centre}),
    *hotline_accounts(),
    *node_supervisors(),
]
