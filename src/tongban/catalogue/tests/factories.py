"""Factories for tests across apps: valid, publishable guides (and, from jurisdictions, a small jurisdiction tree)."""

from __future__ import annotations

import itertools
from typing import Any

from tongban.accounts import services as account_services
from tongban.accounts.models import User
from tongban.catalogue import services
from tongban.catalogue.models import (
    CatalogueEntry,
    GuideFile,
    HandlingStep,
    ImplementationVersion,
    ItemImplementation,
    MaterialRequirement,
    SpecialStep,
    Theme,
    VersionEvent,
)
from tongban.jurisdictions.models import Department, Division
from tongban.jurisdictions.tests.factories import department, division

_seq = itertools.count(1)


def theme(code: str = "N01", name: str = "户籍办理", audience: str = "natural") -> Theme:
    obj, _ = Theme.objects.get_or_create(code=code, defaults={"name": name, "audience": audience})
    return obj


def entry(name: str = "新生儿入户", item_type: str = "07", **extra: Any) -> CatalogueEntry:
    n = next(_seq)
    defaults = {
        "code": f"00010500{n:04d}",
        "name": name,
        "item_type": item_type,
        "competent_department": "公安部",
        "department_kind": "police",
        "service_objects": ["natural"],
        "legal_basis": "《中华人民共和国户口登记条例》第七条：婴儿出生后一个月以内，由户主、亲属、抚养人或者邻居向婴儿常住地户口登记机关申报出生登记。",
        "statutory_days": 20,
        "standard_materials": ["居民身份证", "出生医学证明"],
        "standard_steps": ["受理", "审核", "办结"],
        "keywords": "上户口 报户口",
        "aliases": "宝宝落户",
    }
    defaults.update(extra)
    return CatalogueEntry.objects.create(**defaults)


def guide_content(**overrides: Any) -> dict[str, Any]:
    """Content for ImplementationVersion that passes every consistency rule."""
    content: dict[str, Any] = {
        "name": "新生儿入户",
        "legal_basis": "《中华人民共和国户口登记条例》第七条",
        "exercise_level": "county",
        "service_objects": ["natural"],
        "conditions": "婴儿出生后一个月内由监护人申报。",
        "review_type": "review",
        "handling_type": "promised",
        "statutory_days": 20,
        "promised_days": 5,
        "online": True,
        "online_depth": 3,
        "visits": 1,
        "onsite_reason": "需现场核验监护人身份。",
        "handling_forms": ["window", "online"],
        "appointment": True,
        "scope": "national",
        "result_name": "居民户口簿",
        "result_type": "licence",
        "delivery_methods": ["window", "post"],
        "delivery_days": 1,
        "courier": True,
        "charged": False,
        "fees": [],
        "online_payment": False,
        "location": "诸暨市政务服务中心一楼综合窗口",
        "office_hours": "周一至周五 8:30-12:00，13:30-17:00（法定节假日除外）",
        "phone": "0575-87012345",
        "complaint_phone": "12345",
        "faq": [{"q": "可以网上办理吗？", "a": "可以，在线申报后到窗口领取户口簿。"}],
        "form_schema": [
            {"key": "applicant_name", "label": "申请人姓名", "type": "text", "required": True},
            {"key": "applicant_id_number", "label": "申请人公民身份号码", "type": "id_number", "required": True},
            {"key": "child_name", "label": "新生儿姓名", "type": "text", "required": True},
            {"key": "child_birth_date", "label": "出生日期", "type": "date", "required": True},
        ],
        "keywords": "上户口",
        "aliases": "",
    }
    content.update(overrides)
    return content


def materials() -> list[dict[str, Any]]:
    return [
        {
            "name": "居民身份证",
            "source": "government",
            "material_type": "original",
            "form": "either",
            "copies": 1,
            "necessity": "required",
            "licence_replaceable": True,
            "licence_type": "居民身份证",
        },
        {
            "name": "出生医学证明",
            "source": "government",
            "material_type": "original",
            "form": "either",
            "copies": 1,
            "necessity": "required",
            "licence_replaceable": True,
            "licence_type": "出生医学证明",
        },
    ]


def steps() -> list[dict[str, Any]]:
    return [{"name": "受理", "days": 1}, {"name": "审核", "days": 3}, {"name": "办结", "days": 1}]


def draft_implementation(
    name: str = "新生儿入户",
    *,
    div: Division | None = None,
    dept: Department | None = None,
    actor: Any = None,
    **overrides: Any,
) -> ImplementationVersion:
    div = div or division()
    dept = dept or department(div)
    e = entry(name)
    code = f"{e.code}-{div.code}-000-{dept.uscc}-1-00"
    return services.create_implementation(
        entry=e,
        division=div,
        department=dept,
        code=code,
        content=guide_content(name=name, **overrides),
        materials=materials(),
        steps=steps(),
        special_steps=[],
        actor=actor,
    )


def published_implementation(name: str = "新生儿入户", **kwargs: Any) -> ImplementationVersion:
    return services.publish_now(draft_implementation(name, **kwargs))


def browse_catalogue() -> dict[str, Any]:
    """Items in 诸暨市, its province, another city, plus a legal-person item and an unpublished one."""
    zhuji = division()
    province = division("33", "浙江省")  # the ancestor division() created
    pinghu = division("330482", "平湖市", division("3304", "嘉兴市", province))
    household = theme("N01", "户籍办理", "natural")
    business = theme("L01", "设立变更", "legal")
    police = department(zhuji, "诸暨市公安局", "police")
    hrss = department(province, "浙江省人力资源和社会保障厅", "hrss")
    pinghu_police = department(pinghu, "平湖市公安局", "police")
    amr = department(zhuji, "诸暨市市场监督管理局", "market_regulation")

    newborn = published_implementation("新生儿入户", div=zhuji, dept=police)
    newborn.implementation.entry.themes.add(household)
    pension = published_implementation("企业职工基本养老保险关系转移接续", div=province, dept=hrss)
    elsewhere = published_implementation("首次申领居民身份证", div=pinghu, dept=pinghu_police)
    company = published_implementation(
        "内资企业及分支机构设立登记", div=zhuji, dept=amr, service_objects=["legal"], scope="province"
    )
    company.implementation.entry.themes.add(business)
    draft = draft_implementation("未发布事项", div=zhuji, dept=police)
    return {
        "zhuji": zhuji,
        "province": province,
        "pinghu": pinghu,
        "newborn": newborn.implementation,
        "pension": pension.implementation,
        "elsewhere": elsewhere.implementation,
        "company": company.implementation,
        "draft": draft.implementation,
    }


def catalogue_admin(div: Division) -> User:
    """A 事项管理员 of ``div`` with the role's group and its Django permissions, as in real use (scoping must hold
    despite them)."""
    user = User.objects.create_user(
        "zj_catalogue",
        password="Cat-pass-2024",
        kind="staff",
        role="catalogue_admin",
        division=div,
        is_staff=True,
        real_name="诸暨事项管理员",
    )
    account_services.sync_role_groups(user)
    user = User.objects.get(pk=user.pk)
    assert user.is_staff and user.has_perm("catalogue.change_catalogueentry")
    return user


def wipe_catalogue() -> None:
    """Leave divisions, departments and themes, as on a new deployment; catalogue rows go (queryset deletes
    bypass the append-only and immutability guards on purpose: this stands for an empty database)."""
    ItemImplementation.objects.update(published_version=None)
    VersionEvent.objects.all().delete()
    for model in (MaterialRequirement, HandlingStep, SpecialStep, ImplementationVersion, ItemImplementation):
        model.objects.all().delete()
    CatalogueEntry.objects.update(parent=None)
    CatalogueEntry.objects.all().delete()
    GuideFile.objects.all().delete()
