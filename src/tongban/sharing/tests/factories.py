"""A small sharing catalogue and providers' records over the case tests' world (cases.tests.factories)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tongban.cases.domain.workflow import CaseStatus
from tongban.cases.models import Case
from tongban.cases.tests.factories import World, bring_to, world
from tongban.core.identifiers import make_uscc
from tongban.jurisdictions.models import Department

from ..models import (
    CreditMeasure,
    CreditRecord,
    DataResource,
    LegalEntityRecord,
    PopulationRecord,
    ResourceField,
    SharingRule,
    SocialInsuranceRecord,
)
from ..providers import infos

BASIC = ["name", "gender", "address", "household_address"]
ENTITY = ["name", "legal_representative", "address"]
HANDLING = ("window_clerk", "approver", "department_head")


@dataclass
class SharingWorld:
    w: World
    case: Case  # received at the window (open): its centre's clerk and 公安's approver and head handle it
    subject: str  # the case's applicant (w.other_citizen)
    uscc: str
    resources: dict[str, DataResource]


def resource(code: str, provider: str, department: Department, kind: str, replaces: str = "") -> DataResource:
    row = DataResource.objects.create(
        code=code,
        name={"population": "人口基础信息", "legal_entity": "法人登记信息", "credit": "公共信用信息"}.get(
            provider, "社会保险参保信息"
        ),
        provider=provider,
        department=department,
        sharing_type=kind,
        legal_basis="测试依据",
        update_frequency="daily",
        replaces_materials=replaces,
    )
    for i, (key, label) in enumerate(infos()[provider].fields):
        ResourceField.objects.create(resource=row, key=key, label=label, sensitivity="internal", position=i)
    return row


def rule(
    res: DataResource,
    role: str,
    fields: list[str],
    case: bool = False,
    consent: bool = False,
    department: Department | None = None,
) -> None:
    SharingRule.objects.create(
        resource=res, role=role, fields=fields, needs_case=case, needs_consent=consent, department=department
    )


def catalogue(w: World) -> dict[str, DataResource]:
    """人口库 (有条件: basic fields for a case; ethnicity also with consent), 法人库 (无条件; the registered
    capital for 公安's approvers only), 信用库 (有条件),
    社保 (有条件, approvers only, with consent)."""
    population = resource("population-basic", "population", w.police, "conditional", "居民户口簿")
    for role in HANDLING:
        rule(population, role, BASIC, case=True)
        rule(population, role, ["ethnicity"], case=True, consent=True)
    entity = resource("legal-entity-basic", "legal_entity", w.police, "unconditional", "营业执照")
    for role in (*HANDLING, "supervisor"):
        rule(entity, role, ENTITY)
    rule(entity, "approver", ["registered_capital"], department=w.police)  # 公安's approvers only
    credit = resource("credit-standing", "credit", w.police, "conditional")
    for role in HANDLING:
        rule(credit, role, ["standing", "list_name"], case=True)
    CreditMeasure.objects.create(standing="dishonest", measure="no_deferral", basis="国发〔2016〕33号")
    CreditMeasure.objects.create(standing="good", measure="deferral", basis="国发〔2016〕33号")
    social = resource("social-insurance", "social_insurance", w.hrss, "conditional")
    rule(social, "approver", ["employer", "months_paid"], case=True, consent=True)
    return {r.provider: r for r in (population, entity, credit, social)}


def records(id_number: str, name: str, uscc: str) -> None:
    PopulationRecord.objects.create(
        id_number=id_number,
        name=name,
        gender="男",
        ethnicity="汉族",
        birth_date=dt.date(1990, 1, 1),
        address="浙江省诸暨市暨阳街道浣纱南路1号",
        household_address="浙江省诸暨市暨阳街道浣纱南路1号",
        household_head=name,
        relation_to_head="户主",
    )
    LegalEntityRecord.objects.create(
        uscc=uscc,
        name="诸暨市测试织造有限公司",
        legal_representative=name,
        address="浙江省诸暨市陶朱街道望云路1号",
        entity_type="有限责任公司",
        registered_capital="500万元人民币",
        established_on=dt.date(2015, 1, 1),
    )
    CreditRecord.objects.create(
        subject_code=id_number, subject_name=name, standing="dishonest", list_name="失信被执行人名单"
    )
    SocialInsuranceRecord.objects.create(
        id_number=id_number,
        name=name,
        employer="诸暨市测试织造有限公司",
        insured_since=dt.date(2012, 3, 1),
        months_paid=96,
    )


def sharing_world() -> SharingWorld:
    w = world()
    resources = catalogue(w)
    case = bring_to(w, CaseStatus.SUBMITTED, channel="window")
    subject = case.applicant_id_number
    uscc = make_uscc("9", "1", "330681", "MA2TE001")
    records(subject, case.applicant_name, uscc)
    return SharingWorld(w, case, subject, uscc, resources)
