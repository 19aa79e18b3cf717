"""Demo data of data sharing (数据共享): the sharing catalogue of the main jurisdiction, and the providers'
local records for every demo citizen and enterprise, plus generated residents and enterprises so look-ups of
people who hold no account work too. Idempotent: a reload updates rows in place."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from tongban.core.identifiers import make_resident_id, make_uscc
from tongban.jurisdictions.models import Department
from tongban.sharing.models import (
    CreditMeasure,
    CreditRecord,
    DataResource,
    LegalEntityRecord,
    PopulationRecord,
    ResourceField,
    SharingRule,
    SocialInsuranceRecord,
)
from tongban.sharing.providers import infos

from .data import accounts as account_data
from .data import regions
from .data.regions import ZJ

CLERK, APPROVER, HEAD, SUPERVISOR = "window_clerk", "approver", "department_head", "supervisor"
HANDLING = (CLERK, APPROVER, HEAD)

# code, name, provider, providing department (kind), sharing type, legal basis, frequency, materials replaced
RESOURCES = [
    (
        "population-basic",
        "人口基础信息",
        "population",
        "police",
        "conditional",
        "《中华人民共和国个人信息保护法》第十三条、第三十四条；《政务信息资源共享管理暂行办法》第九条",
        "daily",
        "居民户口簿、户口簿",
    ),
    (
        "legal-entity-basic",
        "法人登记信息",
        "legal_entity",
        "market",
        "unconditional",
        "《企业信息公示暂行条例》第六条；《政务信息资源共享管理暂行办法》第九条",
        "real_time",
        "营业执照",
    ),
    (
        "credit-standing",
        "公共信用信息",
        "credit",
        "development_reform",
        "conditional",
        "《关于建立完善守信联合激励和失信联合惩戒制度的指导意见》（国发〔2016〕33号）",
        "daily",
        "",
    ),
    (
        "social-insurance",
        "社会保险参保信息",
        "social_insurance",
        "hrss",
        "conditional",
        "《中华人民共和国社会保险法》第七十四条；《个人信息保护法》第十四条（须经本人同意）",
        "monthly",
        "社会保险参保证明",
    ),
    (
        "licence-store",
        "电子证照信息",
        "licences",
        "government_services",
        "conditional",
        "《国务院关于在线政务服务的若干规定》第十一条",
        "real_time",
        "",
    ),
]

SENSITIVITY = {
    ("population", "name"): "sensitive",
    ("population", "gender"): "internal",
    ("population", "ethnicity"): "highly_sensitive",
    ("population", "birth_date"): "sensitive",
    ("population", "address"): "sensitive",
    ("population", "household_address"): "sensitive",
    ("population", "household_head"): "sensitive",
    ("population", "relation_to_head"): "sensitive",
    ("credit", "reason"): "sensitive",
    ("social_insurance", "employer"): "sensitive",
    ("social_insurance", "months_paid"): "sensitive",
}

BASIC_PERSON = ["name", "gender", "address", "household_address", "household_head", "relation_to_head"]
ENTITY = ["name", "legal_representative", "address", "entity_type", "status"]

# resource code → rules: (role, fields, needs_case, needs_consent, condition)
RULES: dict[str, list[tuple[str, list[str], bool, bool, str]]] = {
    "population-basic": [
        *((role, BASIC_PERSON, True, False, "办理本人申请时核验身份、填表") for role in HANDLING),
        *((role, ["ethnicity", "birth_date"], True, True, "须经本人授权") for role in HANDLING),
    ],
    "legal-entity-basic": [
        *(
            (role, [*ENTITY, "registered_capital", "established_on"], False, False, "登记信息依法公示")
            for role in HANDLING
        ),
        (SUPERVISOR, ENTITY, False, False, "监督检查"),
    ],
    "credit-standing": [
        *((role, ["standing", "list_name"], True, False, "失信联合惩戒、守信激励") for role in HANDLING),
        (APPROVER, ["reason", "listed_on"], True, False, "审查失信事由"),
    ],
    "social-insurance": [
        (APPROVER, ["employer", "insured_since", "status", "months_paid"], True, True, "须经本人授权"),
        (HEAD, ["employer", "insured_since", "status", "months_paid"], True, True, "须经本人授权"),
    ],
    "licence-store": [*((role, ["licences", "licence_numbers"], True, False, "办理本人申请") for role in HANDLING)],
}

CREDIT_BASIS = "《关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》（国发〔2016〕33号）"
CREDIT_MEASURES = [
    ("good", "deferral"),
    ("good", "commitment"),
    ("dishonest", "no_deferral"),
    ("dishonest", "no_commitment"),
    ("dishonest", "strict_review"),
]

_STREETS = ["浣纱南路", "望云路", "艮塔西路", "暨阳路", "东二路", "大桥路", "江东路", "永昌路", "苎萝东路", "西施大街"]
_TOWNS = ["暨阳街道", "陶朱街道", "浣东街道", "店口镇", "大唐街道", "枫桥镇", "山下湖镇", "次坞镇"]
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭"
_GIVEN = ["建国", "秀英", "丽娟", "志强", "海燕", "文斌", "晓东", "红梅", "伟民", "雅芳", "俊杰", "静怡"]
_TRADES = ["织造", "五金", "袜业", "珍珠", "机电", "纺织", "建材", "餐饮", "物流", "电子"]
GENERATED_PEOPLE = 60
GENERATED_ENTERPRISES = 20
# Generated subjects on the 失信 list (for the credit journey and the tests).
DISHONEST_EVERY = 15


def _n(seed: str) -> int:
    return int(hashlib.sha256(seed.encode()).hexdigest(), 16)


def _address(seed: str) -> str:
    n = _n(seed)
    return f"浙江省诸暨市{_TOWNS[n % len(_TOWNS)]}{_STREETS[(n // 8) % len(_STREETS)]}{n % 300 + 1}号"


def generated_person(i: int) -> tuple[str, str, str, dt.date]:
    """(resident ID, name, gender, birth date) of the i-th generated resident."""
    born = dt.date(1950, 1, 1) + dt.timedelta(days=(_n(f"born{i}") % 20000))
    order = 500 + i
    gender = "男" if order % 2 else "女"  # the 17th digit: odd for men
    name = _SURNAMES[_n(f"s{i}") % len(_SURNAMES)] + _GIVEN[_n(f"g{i}") % len(_GIVEN)]
    return make_resident_id(ZJ, born, order), name, gender, born


def generated_enterprise(i: int) -> tuple[str, str]:
    code = f"MA3G{i:04d}"
    trade = _TRADES[i % len(_TRADES)]
    return make_uscc("9", "1", ZJ, code), f"诸暨市{_TOWNS[i % len(_TOWNS)][:2]}{trade}有限公司"


def _gender_of(id_number: str) -> str:
    return "男" if int(id_number[16]) % 2 else "女"


def _birth_of(id_number: str) -> dt.date:
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def _upsert(report: Any, kind: str, model: Any, key: dict[str, Any], values: dict[str, Any]) -> Any:
    """Create, update or leave the row, and say which (a second load changes nothing)."""
    row = model.objects.filter(**key).first()
    if row is None:
        report.count(kind, "created")
        return model.objects.create(**key, **values)
    if all(getattr(row, name) == value for name, value in values.items()):
        report.count(kind, "unchanged")
        return row
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    report.count(kind, "updated")
    return row


def _people() -> list[tuple[str, str, str]]:
    """(resident ID, name, address) of every demo citizen with an ID, then the generated ones."""
    found = [
        (spec.id_number, spec.real_name, spec.address or _address(spec.username))
        for spec in account_data.ACCOUNTS
        if spec.kind == "citizen" and spec.id_number
    ]
    for i in range(GENERATED_PEOPLE):
        id_number, name, _, _ = generated_person(i)
        found.append((id_number, name, _address(id_number)))
    return found


def load_sharing(report: Any) -> None:
    codes = {regions.department(ZJ, resource[3]).uscc: resource[3] for resource in RESOURCES}
    departments = {codes[d.uscc]: d for d in Department.objects.filter(uscc__in=codes)}
    provider_fields = {key: info.fields for key, info in infos().items()}
    for code, name, provider, dept, kind, basis, frequency, replaces in RESOURCES:
        resource = _upsert(
            report,
            "sharing_resources",
            DataResource,
            {"code": code},
            {
                "name": name,
                "provider": provider,
                "department": departments[dept],
                "sharing_type": kind,
                "legal_basis": basis,
                "update_frequency": frequency,
                "replaces_materials": replaces,
                "active": True,
            },
        )
        for position, (key, label) in enumerate(provider_fields[provider]):
            ResourceField.objects.update_or_create(
                resource=resource,
                key=key,
                defaults={
                    "label": label,
                    "position": position,
                    "sensitivity": SENSITIVITY.get((provider, key), "internal"),
                },
            )
        wanted = sorted((role, sorted(fields), case, consent, why) for role, fields, case, consent, why in RULES[code])
        have = sorted(
            (r.role, sorted(r.fields), r.needs_case, r.needs_consent, r.condition)
            for r in resource.rules.filter(department=None, item=None)
        )
        if have != wanted or resource.rules.exclude(department=None, item=None).exists():
            resource.rules.all().delete()  # the demo's rules are the catalogue's; a changed load restates them
            SharingRule.objects.bulk_create(
                SharingRule(resource=resource, role=r, fields=f, needs_case=c, needs_consent=n, condition=w)
                for r, f, c, n, w in wanted
            )
    for standing, measure in CREDIT_MEASURES:
        CreditMeasure.objects.update_or_create(
            standing=standing, measure=measure, item=None, defaults={"basis": CREDIT_BASIS}
        )
    _load_records(report)


def _load_records(report: Any) -> None:
    people = _people()
    for index, (id_number, name, address) in enumerate(people):
        born = _birth_of(id_number)
        _upsert(
            report,
            "sharing_population",
            PopulationRecord,
            {"id_number": id_number},
            {
                "name": name,
                "gender": _gender_of(id_number),
                "ethnicity": "汉族",
                "birth_date": born,
                "address": address,
                "household_address": address,
                "household_head": name,
                "relation_to_head": "户主",
            },
        )
        if index % 2 == 0:
            _upsert(
                report,
                "sharing_social_insurance",
                SocialInsuranceRecord,
                {"id_number": id_number},
                {
                    "name": name,
                    "employer": "诸暨市暨阳织造有限公司",
                    "insured_since": dt.date(max(born.year + 22, 2000), 3, 1),
                    "status": "正常参保",
                    "months_paid": 24 + _n(id_number) % 200,
                },
            )
        dishonest = index % DISHONEST_EVERY == DISHONEST_EVERY - 1
        _upsert(
            report,
            "sharing_credit",
            CreditRecord,
            {"subject_code": id_number},
            {
                "subject_name": name,
                "standing": "dishonest" if dishonest else "good",
                "list_name": "失信被执行人名单" if dishonest else "守信激励名单",
                "reason": "未履行生效法律文书确定的给付义务" if dishonest else "",
                "listed_on": dt.date(2025, 6, 1) if dishonest else None,
            },
        )
    enterprises = [
        (spec.uscc, spec.real_name, spec.legal_representative or "陈建国", spec.address or _address(spec.username))
        for spec in account_data.ACCOUNTS
        if spec.kind == "enterprise" and spec.uscc
    ]
    for i in range(GENERATED_ENTERPRISES):
        uscc, name = generated_enterprise(i)
        enterprises.append((uscc, name, people[i][1], _address(uscc)))
    for uscc, name, representative, address in enterprises:
        _upsert(
            report,
            "sharing_legal_entities",
            LegalEntityRecord,
            {"uscc": uscc},
            {
                "name": name,
                "legal_representative": representative,
                "address": address,
                "entity_type": "有限责任公司（自然人投资或控股）",
                "registered_capital": f"{100 + _n(uscc) % 900}万元人民币",
                "established_on": dt.date(2010 + _n(uscc) % 14, 1 + _n(uscc) % 12, 1 + _n(uscc) % 28),
                "status": "存续",
            },
        )
