"""The demo catalogue as a whole: every item, and where each is implemented (pure; no Django)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import items_business, items_people, items_social
from .common import Contact, Item, MainItem, build_guide
from .regions import (
    CENTRES,
    WEEKDAY_HOURS,
    ZJ,
    CentreSpec,
    DepartmentSpec,
    code12,
    department,
    level_of,
)

MAIN_ITEMS: list[MainItem] = list(items_people.MAIN_ITEMS)
ITEMS: list[Item] = [*items_people.ITEMS, *items_social.ITEMS, *items_business.ITEMS]
ITEMS_BY_KEY: dict[str, Item] = {i.key: i for i in ITEMS}
MAIN_BY_KEY: dict[str, MainItem] = {i.key: i for i in MAIN_ITEMS}

# The national high-frequency cross-province list (国办发〔2020〕35号) as named in domain.md §3.
CROSS_PROVINCE_NAMES = [
    "个人住房公积金缴存贷款等信息查询",
    "正常退休提取住房公积金",
    "出具贷款职工住房公积金缴存使用证明",
    "住房公积金单位登记开户",
    "住房公积金单位及个人缴存信息变更",
    "提前还清住房公积金贷款",
    "开具住房公积金个人住房贷款全部还清证明",
    "购房提取住房公积金",
    "开具户籍类证明",
    "无犯罪记录证明",
    "工作调动户口迁移",
    "大中专院校录取学生户口迁移",
    "大中专学生毕业户口迁移",
    "夫妻投靠户口迁移",
    "父母投靠子女户口迁移",
    "新生儿入户",
    "首次申领居民身份证",
    "企业职工基本养老保险关系转移接续",
    "城乡居民基本养老保险关系转移接续",
    "失业登记",
    "职业资格证书核验",
    "社会保障卡申领",
    "就医结算备案",
    "门诊费用跨省直接结算",
    "社保参保缴费查询",
    "学历公证",
    "驾驶证公证",
    "内资企业及分支机构设立登记",
    "工业产品生产许可证",
    "排污许可",
    "不动产抵押登记",
    "婚姻登记",
]

# Province-level channels named in guide texts ({app}, {portal}).
PROVINCE_CHANNELS = {
    "33": ("浙里办", "浙江政务服务网"),
    "41": ("豫事办", "河南政务服务网"),
    "37": ("爱山东", "山东政务服务网"),
    "15": ("蒙速办", "内蒙古政务服务网"),
}

_PROVINCE_ONLY = {"industrial_product_licence"}

# Items implemented outside 诸暨市: (division of the implementing department, item keys).
_ELSEWHERE: list[tuple[str, list[str]]] = [
    ("330000", ["industrial_product_licence"]),
    (
        "330482",
        [
            "no_crime_certificate",
            "hukou_move_out",
            "hukou_certificate",
            "newborn_hukou",
            "first_id_card",
            "pension_transfer",
            "unemployment_registration",
            "social_security_card",
            "medical_filing",
            "outpatient_settlement",
            "hf_info_query",
            "hf_purchase_withdrawal",
            "company_registration",
            "marriage_registration",
            "diploma_notarisation",
        ],
    ),
    (
        "419001",
        [
            "no_crime_certificate",
            "hukou_move_out",
            "hukou_certificate",
            "work_transfer_move",
            "pension_transfer",
            "resident_pension_transfer",
            "ss_payment_query",
            "medical_filing",
            "hf_info_query",
            "hf_retirement_withdrawal",
            "company_registration",
            "marriage_registration",
        ],
    ),
    (
        "370402",
        [
            "no_crime_certificate",
            "hukou_move_out",
            "spouse_move",
            "parent_move",
            "pension_transfer",
            "qualification_verification",
            "outpatient_settlement",
            "medical_filing",
            "company_registration",
            "marriage_registration",
        ],
    ),
    ("370400", ["hf_info_query", "hf_loan_certificate"]),
    ("331102", ["no_crime_certificate", "hukou_move_out", "pension_transfer", "medical_filing"]),
    ("330800", ["no_crime_certificate", "hukou_move_out", "pension_transfer", "medical_filing", "hf_info_query"]),
    ("330324", ["no_crime_certificate", "hukou_move_out", "pension_transfer", "medical_filing"]),
    ("150800", ["no_crime_certificate", "hukou_move_out", "pension_transfer", "medical_filing", "hf_info_query"]),
]


@dataclass(frozen=True)
class Implementation:
    item: Item
    division: str  # 6-digit code of the implementing jurisdiction
    department: DepartmentSpec

    @property
    def code(self) -> str:
        """<entry code>-<12-digit area code>-000-<department USCC>-<business serial>-<version 00>."""
        return f"{self.item.code}-{code12(self.division)}-000-{self.department.uscc}-{self.item.business_serial}-00"

    def guide(self) -> tuple[dict[str, Any], list[dict], list[dict], list[dict]]:
        return build_guide(self.item, contact_for(self.division, self.department, self.item))


def _implementations() -> list[Implementation]:
    out = [Implementation(item, ZJ, department(ZJ, item.dept)) for item in ITEMS if item.key not in _PROVINCE_ONLY]
    for division, keys in _ELSEWHERE:
        for key in keys:
            item = ITEMS_BY_KEY[key]
            out.append(Implementation(item, division, department(division, item.dept)))
    return out


IMPLEMENTATIONS: list[Implementation] = _implementations()


def implementation_of(key: str, division: str = ZJ) -> Implementation:
    for impl in IMPLEMENTATIONS:
        if impl.item.key == key and impl.division == division:
            return impl
    raise KeyError(f"{key} is not implemented in {division}")


_LEVELS = {1: "province", 2: "city", 3: "county", 4: "township", 5: "village"}


def _window_label(centre: CentreSpec, item: Item, kind: str) -> str:
    if item.cross_region:
        cross = [w for w in centre.windows if w.kind == "cross_region"]
        general = [w for w in centre.windows if w.kind == "general"]
        if cross and general:
            return f"{general[0].number}-{general[-1].number}号综合窗口、{cross[0].number}号{cross[0].name}"
    dedicated = [w for w in centre.windows if w.kind == "dedicated" and kind in w.departments]
    if dedicated:
        return "、".join(f"{w.number}号{w.name}" for w in dedicated)
    general = [w for w in centre.windows if w.kind == "general"]
    if general:
        return f"{general[0].number}-{general[-1].number}号综合窗口"
    return ""


def contact_for(division: str, dept: DepartmentSpec, item: Item) -> Contact:
    centre = next(
        (c for c in CENTRES if c.division == division and c.kind == "government" and dept.kind in c.departments), None
    )
    if centre is not None:
        location = f"{centre.name}{_window_label(centre, item, dept.kind)}（{centre.address}）"
        hours = centre.opening_hours
    else:
        location = f"{dept.name}政务服务窗口（{dept.address}）"
        hours = WEEKDAY_HOURS
    app, portal = PROVINCE_CHANNELS[division[:2]]
    return Contact(
        location=location,
        office_hours=hours,
        phone=dept.phone,
        exercise_level=_LEVELS[level_of(division)],
        app=app,
        portal=portal,
    )
