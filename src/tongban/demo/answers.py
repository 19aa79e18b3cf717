"""Plausible answers to the demo items' application forms, for the demo's cases (pure; no Django).

The applicant's own fields come from the person applying; the rest from what such a person would write for
such a form (a child born a few days before, a deceased relative, a shop's address in 诸暨), dated from the day
the form is filled in, so a replayed application reads as one made that day. Answers a scenario needs to be
specific are given as overrides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tongban.core.identifiers import make_resident_id, make_uscc


@dataclass(frozen=True)
class Person:
    """Who applies: a citizen (resident ID) or an enterprise (credit code, with its 经办人)."""

    name: str
    id_number: str
    phone: str
    address: str = "浙江省诸暨市暨阳街道浣纱南路88号"
    uscc: str = ""  # an enterprise
    enterprise_name: str = ""
    legal_representative: str = ""

    @property
    def kind(self) -> str:
        return "legal" if self.uscc else "natural"


def walk_in(serial: int, name: str, born: dt.date, phone: str, address: str) -> Person:
    """Someone who comes to the window without an account (their ID made from the demo's numbering)."""
    return Person(name, make_resident_id("330681", born, 500 + serial), phone, address)


def company_of(agent: Person, name: str, org_code: str, address: str) -> Person:
    """An enterprise of 诸暨市 without an account, represented (and acting at the window) by ``agent``."""
    uscc = make_uscc("9", "1", "330681", org_code)
    return Person(agent.name, agent.id_number, agent.phone, address, uscc, name, agent.name)


SPOUSE_ID = make_resident_id("330681", dt.date(1989, 11, 2), 213)
CHILD_ID = make_resident_id("330681", dt.date(2019, 6, 18), 224)
DECEASED_ID = make_resident_id("330681", dt.date(1941, 3, 27), 331)

# By key: what people write (shared keys mean the same fact in every item).
VALUES: dict[str, Any] = {
    "child_name": "陈小禾",
    "child_gender": "女",
    "birth_place": "诸暨市人民医院",
    "mother_name": "王晓燕",
    "father_name": "陈浩",
    "father_id_number": SPOUSE_ID,
    "household_of": "随母落户",
    "household_address": "浙江省诸暨市暨阳街道浣纱南路88号",
    "deceased_name": "陈阿根",
    "deceased_id_number": DECEASED_ID,
    "relationship_to_deceased": "子女",
    "death_place": "诸暨市中医医院",
    "move_to_address": "浙江省诸暨市浣东街道东旺路16号",
    "move_reason": "投靠配偶，在诸暨共同生活",
    "certificate_kind": "户籍信息证明",
    "purpose": "办理子女入学",
    "receive_method": "窗口领取",
    "renewal_reason": "有效期满",
    "licence_number": "330600123456",
    "travel_purpose": "旅游",
    "residence_address": "浙江省诸暨市陶朱街道艮塔西路138号",
    "legal_representative": "陈建国",
    "seal_types": ["公章", "财务专用章"],
    "seal_maker": "诸暨市华信印章有限公司",
    "query_purpose": "办理业务需要核实信息",
    "groom_name": "陈浩",
    "groom_id_number": SPOUSE_ID,
    "bride_name": "王晓燕",
    "disability_card_number": "33068119641020871144",
    "subsidy_kinds": ["重度残疾人护理补贴"],
    "bank_name": "中国农业银行诸暨支行",
    "bank_account": "6228480329012345678",
    "degree": "学士",
    "school_name": "浙江大学",
    "use_country": "新西兰",
    "child_id_number": CHILD_ID,
    "school_stage": "小学一年级",
    "disability_kind": "肢体残疾",
    "from_region": "330482",
    "to_region": "330681",
    "last_employer": "诸暨市枫桥五金制品厂",
    "certificate_holder": "王晓燕",
    "certificate_number": "S000033060001234",
    "query_scope": "个人",
    "employer_name": "诸暨市暨阳织造有限公司",
    "employee_count": 28,
    "change_items": ["注册地址"],
    "insured_name": "陈小禾",
    "insured_category": "新生儿",
    "filing_kind": "异地长期居住",
    "settle_region": "330100",
    "loan_region": "330681",
    "deposit_rate": 12,
    "loan_contract_number": "ZJGJJ2021-0381",
    "property_address": "浙江省诸暨市暨阳街道望云路19号2幢1单元1202室",
    "property_certificate_number": "浙（2021）诸暨市不动产权第0012345号",
    "enterprise_type": "有限责任公司（自然人独资）",
    "registered_address": "浙江省诸暨市暨阳街道苎萝东路18号",
    "registered_capital": 100,
    "business_scope": "纺织品及针织品制造；服装服饰批发",
    "change_description": "住所由诸暨市陶朱街道望云路288号变更为诸暨市暨阳街道苎萝东路18号",
    "operator_count": 3,
    "business_address": "浙江省诸暨市暨阳街道西施大街56号",
    "business_items": ["热食类食品制售"],
    "operating_area": 120,
    "product_name": "电线电缆",
    "production_address": "浙江省诸暨市店口镇工业区湄池路8号",
    "abnormal_reason": "未按期公示年度报告",
    "decision_number": "诸市监异〔2025〕0123号",
    "invoice_kinds": ["数电发票（普通发票）"],
    "seller_name": "郦美华",
    "seller_id_number": make_resident_id("330681", dt.date(1970, 8, 9), 442),
    "transaction_price": 1280000,
    "mortgagee_name": "中国工商银行诸暨支行",
    "secured_amount": 800000,
    "industry": "纺织业",
    "management_class": "简化管理",
    "vehicle_count": 5,
    "business_kind": ["道路普通货物运输"],
    "plate_numbers": "浙D·6A218、浙D·7C309",
    "sign_address": "浙江省诸暨市暨阳街道西施大街56号",
    "sign_size": "6×1.2",
    "venue_address": "浙江省诸暨市暨阳街道西施大街56号",
    "venue_area": 260,
    "apply_mode": "告知承诺",
    "drain_address": "浙江省诸暨市暨阳街道西施大街56号",
    "daily_discharge": 6,
    "road_section": "诸暨市望云路（艮塔路至东二路段）",
    "install_address": "浙江省诸暨市暨阳街道苎萝东路18号",
    "account_number": "3306810012345",
}

# Dates: days before (negative) or after the day the form is filled in.
DAYS: dict[str, int] = {
    "child_birth_date": -9,
    "death_date": -6,
    "lost_date": -3,
    "residence_since": -200,
    "appointment_date": 7,
    "unemployed_since": -20,
    "retirement_date": -2,
    "filing_start": 3,
    "work_start": 10,
    "work_end": 25,
    "expected_date": 20,
}


def _own(person: Person) -> dict[str, Any]:
    own: dict[str, Any] = {
        "applicant_name": person.name,
        "applicant_id_number": person.id_number,
        "applicant_phone": person.phone,
        "address": person.address,
    }
    if person.uscc:
        own.update(
            enterprise_name=person.enterprise_name,
            uscc=person.uscc,
            legal_representative=person.legal_representative,
            legal_representative_id_number=person.id_number,
        )
    if person.kind == "natural":
        own.update(mother_name=person.name, mother_id_number=person.id_number, bride_id_number=person.id_number)
        own.update(insured_id_number="", certificate_holder=person.name)
    return own


def _by_type(field: Mapping[str, Any], person: Person, day: dt.date) -> Any:
    kind = field.get("type", "text")
    if kind in ("id_number", "uscc", "phone"):  # someone this person names: themself, as far as the demo goes
        return {"id_number": person.id_number, "uscc": person.uscc, "phone": person.phone}[kind]
    if kind == "date":
        return day.isoformat()
    if kind == "number":
        return field.get("min") or 1
    if kind in ("select", "multiselect"):
        options = list(field.get("options") or [""])
        return options[:1] if kind == "multiselect" else options[0]
    if kind == "boolean":
        return True
    if kind == "division":
        return "330681"
    if kind == "textarea":
        return "情况说明见申请材料"
    return "详见申请材料"


def _within_options(field: Mapping[str, Any], value: Any, person: Person, day: dt.date) -> Any:
    """A shared key's usual answer where this form offers it; else the form's own first option."""
    options = field.get("options")
    if not options:
        return value
    chosen = value if isinstance(value, list) else [value]
    if all(v in options for v in chosen):
        return value
    return _by_type(field, person, day)


def fill(
    schema: Iterable[Mapping[str, Any]], person: Person, day: dt.date, overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """An answer to every field of ``schema`` (required or not) as ``person`` would give it on ``day``."""
    given = {**_own(person), **(overrides or {})}
    out: dict[str, Any] = {}
    for field in schema:
        key = field["key"]
        if key in given:
            value = given[key]
        elif key in DAYS:
            value = (day + dt.timedelta(days=DAYS[key])).isoformat()
        elif key == "insurance_start_month":  # 参保起始年月: the month it is filled in
            value = f"{day:%Y-%m}"
        elif key in VALUES:
            value = VALUES[key]
        else:
            value = _by_type(field, person, day)
        value = _within_options(field, value, person, day)
        if value not in ("", None):
            out[key] = value
    return out
