"""API: bundles (一件事) with their items, shared form, merged materials and what applying together saves.

Reads through bundles.selectors, as the bundle pages do (同源发布).
"""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import Count
from django.http import HttpRequest
from ninja import Field, Router, Schema

from tongban.catalogue import vocab
from tongban.catalogue.schemas import (
    Coded,
    DepartmentRef,
    FormFieldOut,
    ItemRef,
    RegionRef,
    coded,
    department_ref,
    form_fields,
    item_ref,
    region_ref,
)
from tongban.core.api_errors import (
    ERRORS,
    ApiError,
    DivisionCode,
    ErrorOut,
    Limit,
    NotFound,
    Offset,
    lookup_key,
    paged,
    shown,
)
from tongban.jurisdictions.api import resolve_region

from .models import Bundle, BundleItem
from .savings import DependencyError, Savings
from .selectors import bundle_overview, get_bundle, published_bundles

TAG = "一件事"
router = Router()

Audience = Literal["natural", "legal"]  # = vocab.SERVICE_OBJECTS (checked in tests)


class BundleOut(Schema):
    code: str
    name: str = Field(..., examples=["新生儿出生一件事"])
    region: RegionRef = Field(..., description="实施区划")
    lead_department: DepartmentRef = Field(..., description="牵头部门")
    audience: Coded = Field(..., description="服务对象")
    life_stage: str = Field(..., description="生命周期阶段")
    policy_basis: str = Field(..., description="政策依据")
    description: str
    statutory_days: int = Field(..., description="法定办结时限（工作日）")
    promised_days: int = Field(..., description="承诺办结时限（工作日）")
    item_count: int = Field(..., description="包含事项数")


class BundlePage(Schema):
    total: int
    limit: int
    offset: int
    results: list[BundleOut]


class BundleItemOut(Schema):
    order: int
    implementation: str | None = Field(..., description="实施编码")
    name: str = Field(..., description="事项名称（现行版本）")
    item: ItemRef = Field(..., description="基本目录事项")
    region: RegionRef
    department: DepartmentRef = Field(..., description="实施机关")
    version: int | None = Field(None, description="现行版本号；为 null 表示该事项暂无已发布的办事指南")
    required: bool = Field(..., description="必选（法律要求一并办理）")
    depends_on: list[str] = Field(..., description="前置事项的实施编码：这些事项出结果后本事项才开始办理")
    result_as_material: str = Field(..., description="前置事项结果自动作为本事项的哪份材料")
    stage: int = Field(..., description="办理批次，从1起；同一批次的事项并联办理")


class SharedField(Schema):
    key: str
    label: str


class MergedMaterial(Schema):
    name: str = Field(..., description="材料名称")
    items: list[str] = Field(..., description="需要该材料的事项")
    provided_by_result: bool = Field(..., description="由前置事项的办理结果提供，申请人无需提交")
    licence_replaceable: bool = Field(..., description="可用电子证照免提交")


class SavingsOut(Schema):
    items: int = Field(..., description="事项数")
    forms_separate: int = Field(..., description="分别申请需填表数")
    forms_together: int = Field(..., description="一件事申请需填表数")
    forms_saved: int
    fields_separate: int = Field(..., description="分别申请需填写的字段数")
    fields_together: int = Field(..., description="一表申报需填写的字段数")
    fields_saved: int
    materials_separate: int = Field(..., description="分别申请需提交的材料份数")
    materials_together: int = Field(..., description="一套材料的份数")
    materials_saved: int
    trips_separate: int = Field(..., description="分别申请的跑动次数")
    trips_together: int = Field(..., description="一件事申请的跑动次数")
    trips_saved: int
    days_separate: int = Field(..., description="逐项办理的承诺时限之和（工作日）")
    days_together: int = Field(..., description="并联办理的承诺时限（工作日）")
    days_saved: int
    shared_materials: list[str] = Field(..., description="多个事项共用、只需提交一次的材料")


class BundleDetail(BundleOut):
    keywords: list[str] = Field(..., description="检索关键词")
    shared_fields: list[SharedField] = Field(..., description="各事项表单中只需填写一次的字段")
    items: list[BundleItemOut]
    stages: list[list[str]] = Field(..., description="按办理批次分组的实施编码")
    form: list[FormFieldOut] = Field(..., description="合并后的一张申请表")
    materials: list[MergedMaterial] = Field(..., description="合并后的一套材料")
    savings: SavingsOut = Field(..., description="一件事办理与逐项办理相比节省的表单、材料、跑动和时间")


def _bundle_row(bundle: Bundle) -> dict[str, Any]:
    return {
        "code": bundle.code,
        "name": bundle.name,
        "region": region_ref(bundle.division),
        "lead_department": department_ref(bundle.lead_department),
        "audience": coded(bundle.audience, vocab.SERVICE_OBJECT_LABELS),
        "life_stage": bundle.life_stage,
        "policy_basis": bundle.policy_basis,
        "description": bundle.description,
        "statutory_days": bundle.statutory_days,
        "promised_days": bundle.promised_days,
        "item_count": getattr(bundle, "item_count", 0),
    }


def _savings(s: Savings) -> dict[str, Any]:
    return {
        "items": s.items,
        "forms_separate": s.forms_separate,
        "forms_together": s.forms_together,
        "forms_saved": s.forms_saved,
        "fields_separate": s.fields_separate,
        "fields_together": s.fields_together,
        "fields_saved": s.fields_saved,
        "materials_separate": s.materials_separate,
        "materials_together": s.materials_together,
        "materials_saved": s.materials_saved,
        "trips_separate": s.trips_separate,
        "trips_together": s.trips_together,
        "trips_saved": s.trips_saved,
        "days_separate": s.days_separate,
        "days_together": s.days_together,
        "days_saved": s.days_saved,
        "shared_materials": list(s.shared_materials),
    }


def _item_row(item: BundleItem, stage: int) -> dict[str, Any]:
    impl = item.implementation
    version = impl.published_version
    return {
        "order": item.order,
        "implementation": impl.code,
        "name": version.name if version else impl.entry.name,
        "item": item_ref(impl.entry),
        "region": region_ref(impl.division),
        "department": department_ref(impl.department),
        "version": version.number if version else None,
        "required": item.required,
        "depends_on": [d.implementation.code for d in item.depends_on.all()],
        "result_as_material": item.result_as_material,
        "stage": stage,
    }


@router.get(
    "/bundles",
    response={200: BundlePage, **ERRORS},
    summary="一件事列表（已发布）",
    description="`region` 列出该区划、其下级区划和上级区划的一件事；`audience` 为 natural（自然人）或 legal（法人）。",
)
def list_bundles(
    request: HttpRequest,
    region: DivisionCode | None = None,
    audience: Audience | None = None,
    limit: Limit = 20,
    offset: Offset = 0,
):
    division = resolve_region(region)
    qs = published_bundles(division.path if division else None, audience)
    total = qs.count()
    page = qs.select_related("lead_department").annotate(item_count=Count("items"))[offset : offset + limit]
    return paged((_bundle_row(b) for b in page), total, limit, offset)


@router.get(
    "/bundles/{code}",
    response={200: BundleDetail, 409: ErrorOut, **ERRORS},
    summary="一件事详情",
    description="包含的事项（实施编码、实施机关、前置事项、是否必选、办理批次）、共享字段、合并的申请表"
    "和材料，以及一起办理节省了什么。",
)
def get_bundle_detail(request: HttpRequest, code: str):
    key = lookup_key(code)
    bundle = get_bundle(key) if key else None
    if bundle is None:
        raise NotFound(f"未找到编码为“{shown(code)}”的一件事", "code")
    try:
        overview = bundle_overview(bundle)
    except DependencyError as exc:
        # Items were edited after publishing into a cycle: say so instead of failing.
        raise ApiError("invalid_definition", f"该一件事的事项定义有误：{exc}", "items", status=409) from exc
    stage_of = {item.pk: n for n, wave in enumerate(overview.stages, start=1) for item in wave}
    # depends_on rows are BundleItems: reach their implementation codes from the items already loaded.
    by_pk = {item.pk: item for item in overview.items}
    for item in overview.items:
        for dep in item.depends_on.all():
            if dep.pk in by_pk:
                dep.implementation = by_pk[dep.pk].implementation
    labels = {f["key"]: f.get("label", f["key"]) for f in overview.merged_form if isinstance(f, dict)}
    row = _bundle_row(bundle)
    row["item_count"] = len(overview.items)
    row.update(
        {
            "keywords": [w for w in bundle.keywords.replace("，", " ").replace(",", " ").split() if w],
            "shared_fields": [{"key": str(k), "label": str(labels.get(k, k))} for k in bundle.shared_fields or []],
            "items": [_item_row(item, stage_of.get(item.pk, 1)) for item in overview.items],
            "stages": [[item.implementation.code for item in wave] for wave in overview.stages],
            "form": form_fields(overview.merged_form),
            "materials": [
                {
                    "name": str(m["name"]),
                    "items": [str(i) for i in m["items"]],
                    "provided_by_result": bool(m["provided_by_result"]),
                    "licence_replaceable": bool(m.get("licence_replaceable")),
                }
                for m in overview.materials
            ],
            "savings": _savings(overview.savings),
        }
    )
    return row
