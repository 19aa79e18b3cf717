"""factory_boy factories for tests across apps: themes, catalogue entries, and guides that pass every
consistency rule — ``DraftVersionFactory`` (a new implementation with its first, draft version) and
``PublishedVersionFactory`` (the same, published through the catalogue services). Divisions and departments
come from jurisdictions' factories, users from accounts'.
"""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from tongban.accounts import services as account_services
from tongban.accounts.models import User
from tongban.catalogue import services
from tongban.catalogue.models import (
    CatalogueEntry,
    GuideFile,
    HandlingStep,
    ImplementationVersion,
    ItemImplementation,
    LicenceType,
    MaterialRequirement,
    SpecialStep,
    Theme,
    VersionEvent,
)
from tongban.core.identifiers import make_uscc
from tongban.jurisdictions.models import Division
from tongban.jurisdictions.tests.factories import DepartmentFactory, DivisionFactory


class ThemeFactory(DjangoModelFactory[Theme]):
    class Meta:
        model = Theme
        django_get_or_create = ("code",)

    code = "N01"
    name = "户籍办理"
    audience = "natural"


class CatalogueEntryFactory(DjangoModelFactory[CatalogueEntry]):
    """A 基本目录 entry (新生儿入户 unless named otherwise) with a unique structured code."""

    class Meta:
        model = CatalogueEntry

    code = factory.Sequence(lambda n: f"00010500{n + 1:04d}")
    name = "新生儿入户"
    item_type = "07"
    competent_department = "公安部"
    department_kind = "police"
    service_objects = factory.LazyFunction(lambda: ["natural"])
    legal_basis = "《中华人民共和国户口登记条例》第七条：婴儿出生后一个月以内，由户主、亲属、抚养人或者邻居向婴儿常住地户口登记机关申报出生登记。"
    statutory_days = 20
    standard_materials = factory.LazyFunction(lambda: ["居民身份证", "出生医学证明"])
    standard_steps = factory.LazyFunction(lambda: ["受理", "审核", "办结"])
    keywords = "上户口 报户口"
    aliases = "宝宝落户"


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


class DraftVersionFactory(DjangoModelFactory[ImplementationVersion]):
    """A new implementation of a new catalogue entry in ``division`` by ``department``, with its first version
    as a draft, made by catalogue.services.create_implementation. Any other keyword is guide content
    (``guide_content``): ``DraftVersionFactory(name="预防接种证", promised_days=3)``."""

    class Meta:
        model = ImplementationVersion

    name = "新生儿入户"
    division = factory.SubFactory(DivisionFactory)
    department = factory.SubFactory(DepartmentFactory, division=factory.SelfAttribute("..division"))
    entry = factory.SubFactory(CatalogueEntryFactory, name=factory.SelfAttribute("..name"))
    materials = factory.LazyFunction(lambda: materials())
    steps = factory.LazyFunction(lambda: steps())
    special_steps = factory.LazyFunction(list)
    actor = None

    @classmethod
    def _create(cls, model_class: type[ImplementationVersion], *args: Any, **kwargs: Any) -> ImplementationVersion:
        entry, division, department = kwargs.pop("entry"), kwargs.pop("division"), kwargs.pop("department")
        parts = {key: kwargs.pop(key) for key in ("materials", "steps", "special_steps")}
        actor = kwargs.pop("actor")
        return services.create_implementation(
            entry=entry,
            division=division,
            department=department,
            code=f"{entry.code}-{division.code}-000-{department.uscc}-1-00",
            content=guide_content(**kwargs),
            actor=actor,
            **parts,
        )


class PublishedVersionFactory(DraftVersionFactory):
    """The same, published (catalogue.services.publish_now): what citizens see and apply for."""

    @classmethod
    def _create(cls, model_class: type[ImplementationVersion], *args: Any, **kwargs: Any) -> ImplementationVersion:
        return services.publish_now(super()._create(model_class, *args, **kwargs))


def browse_catalogue() -> dict[str, Any]:
    """Items in 诸暨市, its province, another city, plus a legal-person item and an unpublished one."""
    zhuji = DivisionFactory(code="330681")
    province = DivisionFactory(code="33")  # the ancestor 诸暨市 implies
    pinghu = DivisionFactory(code="330482")
    household = ThemeFactory(code="N01", name="户籍办理", audience="natural")
    business = ThemeFactory(code="L01", name="设立变更", audience="legal")
    police = DepartmentFactory(division=zhuji, name="诸暨市公安局", kind="police")
    hrss = DepartmentFactory(division=province, name="浙江省人力资源和社会保障厅", kind="hrss")
    pinghu_police = DepartmentFactory(division=pinghu, name="平湖市公安局", kind="police")
    amr = DepartmentFactory(division=zhuji, name="诸暨市市场监督管理局", kind="market_regulation")

    newborn = PublishedVersionFactory(name="新生儿入户", division=zhuji, department=police)
    newborn.implementation.entry.themes.add(household)
    pension = PublishedVersionFactory(name="企业职工基本养老保险关系转移接续", division=province, department=hrss)
    elsewhere = PublishedVersionFactory(name="首次申领居民身份证", division=pinghu, department=pinghu_police)
    company = PublishedVersionFactory(
        name="内资企业及分支机构设立登记", division=zhuji, department=amr, service_objects=["legal"], scope="province"
    )
    company.implementation.entry.themes.add(business)
    draft = DraftVersionFactory(name="未发布事项", division=zhuji, department=police)
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


def food_licence_type() -> str:
    """The code of a 食品经营许可证 licence type (saved once), for guides whose result is an e-licence: publishing
    checks that the type a guide names exists."""
    body_code = make_uscc("1", "1", "100000", "00005005")
    code = f"{body_code}002"
    if not LicenceType.objects.filter(code=code).exists():
        services.save_licence_type(
            {
                "code": code,
                "name": "食品经营许可证",
                "defining_body": "国家市场监督管理总局",
                "defining_body_code": body_code,
                "holder_kind": "market",
                "face_title": "食品经营许可证",
                "face_fields": [{"key": "operator", "label": "经营者名称", "type": "text", "source": "holder_name"}],
                "validity_rule": "years",
                "validity_years": 5,
                "valid_until": None,
            }
        )
    return code
