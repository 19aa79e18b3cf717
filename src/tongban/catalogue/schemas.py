"""API schemas of the catalogue, and the functions that turn models into them.

Coded values are given as ``{"code", "label"}`` so a client needs no vocabulary table. JSON fields that
administrators fill in (fees, FAQ, form fields) are normalised here, so a malformed row is shown as well as it
can be rather than failing the response.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from ninja import Field, Schema

from tongban.jurisdictions.api import RegionRef, region_ref
from tongban.jurisdictions.kinds import department_kind_label
from tongban.jurisdictions.models import Department

from . import vocab
from .models import CatalogueEntry, ImplementationVersion, ItemImplementation, Theme
from .workflow import STATUS_LABELS, VersionStatus

# --- shared pieces ---------------------------------------------------------------------------------------


class Coded(Schema):
    code: str = Field(..., description="取值代码")
    label: str = Field(..., description="中文名称")


class DepartmentRef(Schema):
    uscc: str = Field(..., description="统一社会信用代码")
    name: str
    kind: Coded = Field(..., description="部门类别")


class ThemeRef(Schema):
    code: str
    name: str
    audience: Coded


class ItemRef(Schema):
    code: str = Field(..., description="基本编码")
    name: str
    item_type: Coded


class Fee(Schema):
    item: str = Field(..., description="收费项目")
    amount: str = Field(..., description="收费标准（元）")


def coded(code: Any, labels: Mapping[Any, str]) -> dict[str, str]:
    label = labels.get(code, str(code)) if isinstance(code, str | int) else str(code)
    return {"code": str(code), "label": label}


def coded_list(codes: Any, labels: Mapping[Any, str]) -> list[dict[str, str]]:
    return [coded(c, labels) for c in codes] if isinstance(codes, list) else []


def department_ref(department: Department) -> dict[str, Any]:
    return {
        "uscc": department.uscc,
        "name": department.name,
        "kind": {"code": department.kind, "label": department_kind_label(department.kind)},
    }


def theme_ref(theme: Theme) -> dict[str, Any]:
    return {"code": theme.code, "name": theme.name, "audience": coded(theme.audience, vocab.SERVICE_OBJECT_LABELS)}


def item_ref(entry: CatalogueEntry) -> dict[str, Any]:
    return {"code": entry.code, "name": entry.name, "item_type": coded(entry.item_type, vocab.ITEM_TYPE_LABELS)}


STATUS = {s.value: label for s, label in STATUS_LABELS.items()}
LEVEL_LABELS = dict(vocab.LEVELS)
REVIEW_TYPE_LABELS = dict(vocab.REVIEW_TYPES)
LIMIT_UNIT_LABELS = vocab.LIMIT_UNIT_LABELS
HANDLING_TYPE_LABELS = dict(vocab.HANDLING_TYPES)
ONLINE_DEPTH_LABELS = {str(k): v for k, v in vocab.ONLINE_DEPTHS}
SCOPE_LABELS = dict(vocab.SCOPES)
RESULT_TYPE_LABELS = dict(vocab.RESULT_TYPES)
BUSINESS_TYPE_LABELS = dict(vocab.BUSINESS_TYPES)
MATERIAL_SOURCE_LABELS = dict(vocab.MATERIAL_SOURCES)
MATERIAL_TYPE_LABELS = dict(vocab.MATERIAL_TYPES)
MATERIAL_FORM_LABELS = dict(vocab.MATERIAL_FORMS)
NECESSITY_LABELS = dict(vocab.NECESSITIES)
FORM_FIELD_TYPE_LABELS = dict(vocab.FORM_FIELD_TYPES)


# --- catalogue entries (基本目录) ------------------------------------------------------------------------


class ItemOut(Schema):
    code: str = Field(..., description="基本编码")
    name: str = Field(..., description="事项名称")
    item_type: Coded = Field(..., description="事项类型")
    business_type: Coded | None = Field(None, description="业务办理项类型（新设、变更、延续、注销）")
    defining_level: Coded = Field(..., description="设立层级")
    competent_department: str = Field(..., description="主管部门")
    department_kind: Coded = Field(..., description="部门类别")
    service_objects: list[Coded] = Field(..., description="服务对象")
    themes: list[ThemeRef] = Field(..., description="主题分类")
    cross_region: bool = Field(..., description="是否列入跨省通办清单")
    statutory_days: int = Field(..., description="法定办结时限（工作日）")
    implementation_count: int = Field(..., description="已发布的实施清单事项数")


class ItemPage(Schema):
    total: int = Field(..., description="符合条件的总数")
    limit: int
    offset: int
    results: list[ItemOut]


class ImplementationRef(Schema):
    code: str = Field(..., description="实施编码")
    name: str
    region: RegionRef
    department: DepartmentRef
    version: int = Field(..., description="现行版本号")
    published_at: dt.datetime | None


class ItemDetail(ItemOut):
    parent: ItemRef | None = Field(None, description="主项（本事项为子项时）")
    sub_items: list[ItemRef] = Field(..., description="子项")
    legal_basis: str = Field(..., description="设定依据")
    power_source: str = Field(..., description="权力来源")
    description: str = Field(..., description="事项简介")
    aliases: list[str] = Field(..., description="别名/俗称")
    standard_materials: list[str] = Field(..., description="标准申请材料（六统一基准）")
    standard_steps: list[str] = Field(..., description="标准办理环节（六统一基准）")
    standard_fees: list[Fee] = Field(..., description="标准收费项目（六统一基准）")
    implementations: list[ImplementationRef] = Field(..., description="各地已发布的实施清单事项")


def split_words(text: str) -> list[str]:
    return [w for w in text.replace("，", " ").replace(",", " ").replace("、", " ").split() if w]


def _texts(values: Any) -> list[str]:
    """Names from a JSON list of names (or of objects with a ``name``)."""
    if not isinstance(values, list):
        return []
    out = []
    for v in values:
        if isinstance(v, Mapping):
            v = v.get("name", "")
        if str(v).strip():
            out.append(str(v))
    return out


def fees(values: Any) -> list[dict[str, str]]:
    if not isinstance(values, list):
        return []
    return [
        {"item": str(f.get("item") or ""), "amount": str(f.get("amount") or "")}
        for f in values
        if isinstance(f, Mapping)
    ]


def item_row(entry: CatalogueEntry) -> dict[str, Any]:
    return {
        "code": entry.code,
        "name": entry.name,
        "item_type": coded(entry.item_type, vocab.ITEM_TYPE_LABELS),
        "business_type": coded(entry.business_type, BUSINESS_TYPE_LABELS) if entry.business_type else None,
        "defining_level": coded(entry.defining_level, LEVEL_LABELS),
        "competent_department": entry.competent_department,
        "department_kind": {"code": entry.department_kind, "label": department_kind_label(entry.department_kind)},
        "service_objects": coded_list(entry.service_objects, vocab.SERVICE_OBJECT_LABELS),
        "themes": [theme_ref(t) for t in entry.themes.all()],
        "cross_region": entry.cross_region,
        "statutory_days": entry.statutory_days,
        "implementation_count": getattr(entry, "published_count", 0),
    }


def item_detail(entry: CatalogueEntry, implementations: Iterable[ItemImplementation]) -> dict[str, Any]:
    row = item_row(entry)
    row.update(
        {
            "parent": item_ref(entry.parent) if entry.parent else None,
            "sub_items": [item_ref(e) for e in entry.sub_items.all()],
            "legal_basis": entry.legal_basis,
            "power_source": entry.power_source,
            "description": entry.description,
            "aliases": split_words(entry.aliases),
            "standard_materials": _texts(entry.standard_materials),
            "standard_steps": _texts(entry.standard_steps),
            "standard_fees": fees(entry.standard_fees),
            "implementations": [implementation_ref(i) for i in implementations],
        }
    )
    return row


# --- implementations (实施清单) and their guides (办事指南) -----------------------------------------------


def implementation_ref(impl: ItemImplementation) -> dict[str, Any]:
    version = impl.published_version
    assert version is not None  # callers pass published implementations only
    return {
        "code": impl.code,
        "name": version.name,
        "region": region_ref(impl.division),
        "department": department_ref(impl.department),
        "version": version.number,
        "published_at": version.published_at,
    }


class ImplementationOut(Schema):
    code: str = Field(..., description="实施编码")
    name: str = Field(..., description="事项名称（现行版本）")
    item: ItemRef = Field(..., description="基本目录事项")
    region: RegionRef = Field(..., description="实施区划")
    department: DepartmentRef = Field(..., description="实施机关")
    version: int = Field(..., description="现行版本号")
    published_at: dt.datetime | None = Field(None, description="现行版本发布时间")
    service_objects: list[Coded]
    scope: Coded = Field(..., description="通办范围")
    online_depth: Coded = Field(..., description="网上办理深度（1–4级）")
    visits: int = Field(..., description="到办事现场次数")
    promised_days: int = Field(..., description="承诺办结时限（工作日），0 为即办")
    cross_region: bool = Field(..., description="跨省通办（列入清单或通办范围为跨省）")


class ImplementationPage(Schema):
    total: int
    limit: int
    offset: int
    results: list[ImplementationOut]


def implementation_row(impl: ItemImplementation) -> dict[str, Any]:
    version = impl.published_version
    assert version is not None
    return {
        "code": impl.code,
        "name": version.name,
        "item": item_ref(impl.entry),
        "region": region_ref(impl.division),
        "department": department_ref(impl.department),
        "version": version.number,
        "published_at": version.published_at,
        "service_objects": coded_list(version.service_objects, vocab.SERVICE_OBJECT_LABELS),
        "scope": coded(version.scope, SCOPE_LABELS),
        "online_depth": coded(str(version.online_depth), ONLINE_DEPTH_LABELS),
        "visits": version.visits,
        "promised_days": version.promised_days,
        "cross_region": impl.entry.cross_region or version.scope == "national",
    }


class GuideFileOut(Schema):
    name: str = Field(..., description="文件名")
    url: str = Field(..., description="下载地址（本平台的路径；同一地址的内容永不改变）")
    content_type: str = Field(..., description="文件类型（MIME）")
    size: int = Field(..., description="大小（字节）")
    sha256: str = Field(..., description="文件内容的 SHA-256，可用于核验下载的文件")


def guide_file(stored: Any) -> dict[str, Any] | None:
    if stored is None:
        return None
    return {
        "name": stored.name,
        "url": stored.get_absolute_url(),
        "content_type": stored.content_type,
        "size": stored.size,
        "sha256": stored.sha256,
    }


class MaterialOut(Schema):
    order: int = Field(..., description="序号")
    name: str = Field(..., description="材料名称")
    source: Coded = Field(..., description="来源渠道")
    material_type: Coded = Field(..., description="材料类型（原件/复印件）")
    form: Coded = Field(..., description="材料形式（纸质/电子）")
    copies: int = Field(..., description="份数")
    necessity: Coded = Field(..., description="必要性（必要/非必要/容缺后补）")
    blank_form: str = Field(..., description="空白表格（名称或链接）")
    sample: str = Field(..., description="示例样表（名称或链接）")
    blank_form_file: GuideFileOut | None = Field(..., description="空白表格文件（可下载；无文件时为 null）")
    sample_file: GuideFileOut | None = Field(..., description="示例样表文件（可下载；无文件时为 null）")
    instructions: str = Field(..., description="填报须知")
    acceptance_standard: str = Field(..., description="受理标准")
    licence_replaceable: bool = Field(..., description="可用电子证照免提交")
    licence_type: str = Field(..., description="对应电子证照类型")


class StepOut(Schema):
    order: int
    name: str = Field(..., description="环节名称")
    days: int = Field(..., description="环节时限（工作日）")
    handler: str = Field(..., description="办理人员")
    criteria: str = Field(..., description="审查标准")


class SpecialStepOut(Schema):
    name: str = Field(..., description="特殊环节名称（听证、检测、专家评审、公示……）")
    max_days: int = Field(..., description="最长时限（工作日）")
    counted_in_limit: bool = Field(..., description="指南填写的“是否计算在法定办结时限内”")
    legal_basis: str = Field(..., description="不计入时限的法律依据（行政许可法第四十五条以外的环节须填写）")
    stops_clock: bool = Field(
        ..., description="所需时间是否不计入办理时限：仅第四十五条规定的程序或有法律依据的环节，且指南未设为计入"
    )
    description: str


class FaqOut(Schema):
    q: str = Field(..., description="问题")
    a: str = Field(..., description="解答")


class FormFieldOut(Schema):
    key: str = Field(..., description="字段键名；不同事项表单中的同一键名表示同一项信息")
    label: str
    type: Coded = Field(..., description="字段类型")
    required: bool
    options: list[str] = Field(..., description="选择题的选项")
    max_length: int | None = None
    min: float | None = None
    max: float | None = None
    pattern: str | None = Field(None, description="校验用正则表达式")
    help: str = ""


class GuideOut(Schema):
    code: str = Field(..., description="实施编码")
    item: ItemRef = Field(..., description="基本目录事项")
    region: RegionRef = Field(..., description="实施区划")
    region_full_name: str
    department: DepartmentRef = Field(..., description="实施机关")
    version: int = Field(..., description="本指南的版本号")
    status: Coded = Field(..., description="版本状态：已发布或已停用（历史版本）")
    is_current: bool = Field(..., description="是否为现行版本")
    current_version: int | None = Field(None, description="现行版本号")
    published_at: dt.datetime | None
    change_note: str = Field(..., description="修改说明")
    # identity
    name: str = Field(..., description="事项名称")
    legal_basis: str = Field(..., description="实施依据")
    exercise_level: Coded = Field(..., description="行使层级")
    service_objects: list[Coded] = Field(..., description="服务对象")
    conditions: str = Field(..., description="受理条件")
    # handling
    review_type: Coded = Field(..., description="审查类型")
    handling_type: Coded = Field(..., description="办件类型")
    statutory_days: int = Field(..., description="法定办结时限（单位见 limit_unit）")
    promised_days: int = Field(..., description="承诺办结时限（单位见 limit_unit），0 为即办")
    limit_unit: Coded = Field(..., description="时限单位：working 工作日，calendar 自然日")
    correction_counted: bool = Field(..., description="办理中退回补正的期间是否计入办理时限")
    steps: list[StepOut] = Field(..., description="办理环节")
    special_steps: list[SpecialStepOut] = Field(..., description="特殊环节（不计入或计入时限）")
    # channels
    online: bool = Field(..., description="是否网办")
    online_depth: Coded = Field(..., description="网上办理深度")
    visits: int = Field(..., description="到办事现场次数")
    onsite_reason: str = Field(..., description="必须现场办理原因说明")
    handling_forms: list[Coded] = Field(..., description="办理形式")
    appointment: bool = Field(..., description="是否支持预约")
    scope: Coded = Field(..., description="通办范围")
    proxy_allowed: bool = Field(..., description="是否可代办")
    joint_handling: bool = Field(False, description="可作为多地联办环节（两地或多地依次办理）")
    nearby: bool = Field(..., description="是否就近办理")
    intermediary: bool = Field(..., description="是否有中介服务")
    # materials
    materials: list[MaterialOut] = Field(..., description="申请材料")
    # result
    result_name: str = Field(..., description="审批结果名称")
    result_type: Coded = Field(..., description="审批结果类型")
    result_sample: str = Field(..., description="结果样本")
    result_licence_type: str = Field(..., description="结果电子证照类型")
    delivery_methods: list[Coded] = Field(..., description="送达方式")
    delivery_days: int = Field(..., description="送达时限（工作日）：决定后出件送达的期限；0 为法定的10个工作日")
    courier: bool = Field(..., description="是否支持物流快递")
    # fees
    charged: bool = Field(..., description="是否收费")
    fee_basis: str = Field(..., description="收费依据")
    fees: list[Fee] = Field(..., description="收费项目")
    online_payment: bool = Field(..., description="是否支持网上支付")
    # contact
    location: str = Field(..., description="办理地点")
    office_hours: str = Field(..., description="办理时间")
    phone: str = Field(..., description="咨询电话")
    complaint_phone: str = Field(..., description="监督投诉电话")
    faq: list[FaqOut] = Field(..., description="常见问题")
    # the application form
    form_schema: list[FormFieldOut] = Field(..., description="申请表单字段")


class VersionOut(Schema):
    number: int
    status: Coded
    published_at: dt.datetime | None
    is_current: bool


class VersionList(Schema):
    code: str = Field(..., description="实施编码")
    current_version: int | None = Field(None, description="现行版本号")
    versions: list[VersionOut] = Field(..., description="版本，新版在前；匿名访问只列出已发布和已停用的版本")


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        try:
            return float(str(value)) if value not in (None, "") else None
        except ValueError:
            return None
    return value


def _int(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None else None


def form_fields(schema: Any) -> list[dict[str, Any]]:
    if not isinstance(schema, list):
        return []
    out = []
    for f in schema:
        if not isinstance(f, Mapping) or not f.get("key"):
            continue
        options = f.get("options")
        out.append(
            {
                "key": str(f["key"]),
                "label": str(f.get("label") or f["key"]),
                "type": coded(str(f.get("type") or "text"), FORM_FIELD_TYPE_LABELS),
                "required": bool(f.get("required")),
                "options": [str(o) for o in options] if isinstance(options, list) else [],
                "max_length": _int(f.get("max_length")),
                "min": _number(f.get("min")),
                "max": _number(f.get("max")),
                "pattern": str(f["pattern"]) if f.get("pattern") else None,
                "help": str(f.get("help") or ""),
            }
        )
    return out


def faq(values: Any) -> list[dict[str, str]]:
    if not isinstance(values, list):
        return []
    return [{"q": str(x.get("q") or ""), "a": str(x.get("a") or "")} for x in values if isinstance(x, Mapping)]


def guide(
    impl: ItemImplementation, v: ImplementationVersion, full_region_name: str, current_number: int | None
) -> dict[str, Any]:
    current = impl.published_version_id
    return {
        "code": impl.code,
        "item": item_ref(impl.entry),
        "region": region_ref(impl.division),
        "region_full_name": full_region_name,
        "department": department_ref(impl.department),
        "version": v.number,
        "status": coded(v.status, STATUS),
        "is_current": v.pk == current,
        "current_version": current_number,
        "published_at": v.published_at,
        "change_note": v.change_note,
        "name": v.name,
        "legal_basis": v.legal_basis,
        "exercise_level": coded(v.exercise_level, LEVEL_LABELS),
        "service_objects": coded_list(v.service_objects, vocab.SERVICE_OBJECT_LABELS),
        "conditions": v.conditions,
        "review_type": coded(v.review_type, REVIEW_TYPE_LABELS),
        "handling_type": coded(v.handling_type, HANDLING_TYPE_LABELS),
        "statutory_days": v.statutory_days,
        "promised_days": v.promised_days,
        "limit_unit": coded(v.limit_unit, LIMIT_UNIT_LABELS),
        "correction_counted": v.correction_counted,
        "steps": [
            {"order": s.order, "name": s.name, "days": s.days, "handler": s.handler, "criteria": s.criteria}
            for s in v.steps.all()
        ],
        "special_steps": [
            {
                "name": s.name,
                "max_days": s.max_days,
                "counted_in_limit": s.counted_in_limit,
                "legal_basis": s.legal_basis,
                "stops_clock": s.stops_clock,
                "description": s.description,
            }
            for s in v.special_steps.all()
        ],
        "online": v.online,
        "online_depth": coded(str(v.online_depth), ONLINE_DEPTH_LABELS),
        "visits": v.visits,
        "onsite_reason": v.onsite_reason,
        "handling_forms": coded_list(v.handling_forms, vocab.HANDLING_FORM_LABELS),
        "appointment": v.appointment,
        "scope": coded(v.scope, SCOPE_LABELS),
        "proxy_allowed": v.proxy_allowed,
        "joint_handling": v.joint_handling,
        "nearby": v.nearby,
        "intermediary": v.intermediary,
        "materials": [
            {
                "order": m.order,
                "name": m.name,
                "source": coded(m.source, MATERIAL_SOURCE_LABELS),
                "material_type": coded(m.material_type, MATERIAL_TYPE_LABELS),
                "form": coded(m.form, MATERIAL_FORM_LABELS),
                "copies": m.copies,
                "necessity": coded(m.necessity, NECESSITY_LABELS),
                "blank_form": m.blank_form,
                "sample": m.sample,
                "blank_form_file": guide_file(m.blank_form_file),
                "sample_file": guide_file(m.sample_file),
                "instructions": m.instructions,
                "acceptance_standard": m.acceptance_standard,
                "licence_replaceable": m.licence_replaceable,
                "licence_type": m.licence_type,
            }
            for m in v.materials.all()
        ],
        "result_name": v.result_name,
        "result_type": coded(v.result_type, RESULT_TYPE_LABELS),
        "result_sample": v.result_sample,
        "result_licence_type": v.result_licence_type,
        "delivery_methods": coded_list(v.delivery_methods, vocab.DELIVERY_METHOD_LABELS),
        "delivery_days": v.delivery_days,
        "courier": v.courier,
        "charged": v.charged,
        "fee_basis": v.fee_basis,
        "fees": fees(v.fees),
        "online_payment": v.online_payment,
        "location": v.location,
        "office_hours": v.office_hours,
        "phone": v.phone,
        "complaint_phone": v.complaint_phone,
        "faq": faq(v.faq),
        "form_schema": form_fields(v.form_schema),
    }


def version_row(v: ImplementationVersion, current_id: int | None) -> dict[str, Any]:
    return {
        "number": v.number,
        "status": coded(v.status, STATUS),
        "published_at": v.published_at,
        "is_current": v.pk == current_id and v.status == VersionStatus.PUBLISHED,
    }
