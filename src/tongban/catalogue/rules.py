"""Consistency rules a guide must meet before it is published (domain.md §1). Pure; no Django.

``guide_violations`` takes a plain snapshot (see services.snapshot) and returns every violation at once,
each naming the field, in Chinese — the same rules provincial checkers enforce.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .formschema import schema_errors
from .licence_types import form_keys_used, holder_served
from .vocab import LICENSING, STATUTORY_SPECIAL_STEPS


@dataclass(frozen=True)
class Violation:
    field: str
    message: str


REQUIRED_TEXT = {
    "name": "事项名称",
    "legal_basis": "实施依据",
    "result_name": "审批结果名称",
    "location": "办理地点",
    "office_hours": "办理时间",
    "phone": "咨询电话",
    "complaint_phone": "监督投诉电话",
}


def stops_clock(name: str, legal_basis: str, counted_in_limit: bool) -> bool:
    """Whether a special step's time is left out of the limit (行政许可法 Art. 45): only the procedures the law
    names, or a step the guide gives its own legal basis, and only where the guide does not count it anyway."""
    if counted_in_limit:
        return False
    return name.strip() in STATUTORY_SPECIAL_STEPS or bool(legal_basis.strip())


# Art. 44: the result is issued within 10 working days of the decision; a guide may promise less.
MAX_DELIVERY_DAYS = 10


def guide_violations(g: dict[str, Any]) -> list[Violation]:
    out: list[Violation] = []

    def add(field: str, message: str) -> None:
        out.append(Violation(field, message))

    for field, label in REQUIRED_TEXT.items():
        if not str(g.get(field) or "").strip():
            add(field, f"{label}不能为空")
    if not g.get("service_objects"):
        add("service_objects", "服务对象不能为空（自然人或法人）")
    if not g.get("delivery_methods"):
        add("delivery_methods", "送达方式至少选择一种")
    if not g.get("handling_forms"):
        add("handling_forms", "办理形式至少选择一种")

    promised, statutory = int(g.get("promised_days") or 0), int(g.get("statutory_days") or 0)
    immediate = promised == 0
    if immediate and g.get("handling_type") != "immediate":
        add("handling_type", "承诺办结时限为0（即办）时，办件类型应为“即办件”")
    if not immediate and g.get("handling_type") != "promised":
        add("handling_type", "承诺办结时限大于0时，办件类型应为“承诺件”")
    if immediate and g.get("review_type") != "instant":
        add("review_type", "承诺办结时限为0（即办）时，审查类型应为“即审即办”")
    if not immediate and g.get("review_type") != "review":
        add("review_type", "承诺办结时限大于0时，审查类型应为“前审后批”")
    unit = "日" if g.get("limit_unit") == "calendar" else "个工作日"
    if promised > statutory:
        add("promised_days", f"承诺办结时限（{promised}{unit}）不能超过法定办结时限（{statutory}{unit}）")

    depth, visits = int(g.get("online_depth") or 1), int(g.get("visits") or 0)
    forms = set(g.get("handling_forms") or [])
    if depth == 4 and visits != 0:
        add("visits", "网上办理深度为Ⅳ级（全程网办）时，到办事现场次数应为0")
    if depth >= 3 and not g.get("online"):
        add("online", "网上办理深度为Ⅲ级及以上时，应设置为“网办”")
    if g.get("online") and "online" not in forms:
        add("handling_forms", "支持网办的事项，办理形式应包含“网上办理”")
    if visits == 0 and not g.get("online") and "post" not in forms:
        add("handling_forms", "到办事现场次数为0且不支持网办时，必须提供邮寄申请")
    if visits > 0 and not str(g.get("onsite_reason") or "").strip():
        add("onsite_reason", "需要到现场办理时，必须填写必须现场办理原因说明")

    fees = g.get("fees") or []
    if not g.get("charged"):
        if g.get("online_payment"):
            add("online_payment", "不收费的事项不能设置网上支付")
        if fees:
            add("fees", "不收费的事项不能列出收费项目")
    else:
        if not fees:
            add("fees", "收费事项必须列出收费项目及标准")
        if not str(g.get("fee_basis") or "").strip():
            add("fee_basis", "收费事项必须填写收费依据")
        for i, fee in enumerate(fees, start=1):
            if not str(fee.get("item") or "").strip() or not str(fee.get("amount") or "").strip():
                add("fees", f"第{i}个收费项目缺少名称或金额")

    if g.get("courier") and "post" not in (g.get("delivery_methods") or []):
        add("delivery_methods", "支持物流快递时，送达方式应包含“邮寄”")

    steps = g.get("steps") or []
    if not steps:
        add("steps", "至少需要一个办理环节")
    if g.get("item_type") == LICENSING and not immediate:
        total = sum(int(s.get("days") or 0) for s in steps)
        if total > promised:
            add("steps", f"行政许可事项各环节时限之和（{total}个工作日）不能超过承诺办结时限（{promised}个工作日）")
    for i, step in enumerate(steps, start=1):
        if not str(step.get("name") or "").strip():
            add("steps", f"第{i}个办理环节缺少名称")

    for i, m in enumerate(g.get("materials") or [], start=1):
        if not str(m.get("name") or "").strip():
            add("materials", f"第{i}份申请材料缺少名称")
        if int(m.get("copies") or 0) < 1:
            add("materials", f"申请材料“{m.get('name', i)}”份数至少为1")
        if m.get("licence_replaceable") and m.get("source") != "government":
            add("materials", f"申请材料“{m.get('name', i)}”可用电子证照免提交时，来源渠道应为“政府部门核发”")
    if int(g.get("delivery_days") or 0) > MAX_DELIVERY_DAYS:
        add("delivery_days", f"送达时限不能超过{MAX_DELIVERY_DAYS}个工作日（行政许可法第四十四条）")
    if g.get("limit_unit") not in (None, "working", "calendar"):
        add("limit_unit", "时限单位应为“工作日”或“自然日”")
    statutory_names = "、".join(STATUTORY_SPECIAL_STEPS)
    for i, s in enumerate(g.get("special_steps") or [], start=1):
        name = str(s.get("name") or "").strip()
        if not name:
            add("special_steps", f"第{i}个特殊环节缺少名称")
            continue
        if int(s.get("max_days") or 0) < 1:
            add("special_steps", f"特殊环节“{name}”须填写最长时限（工作日）")
        counted = bool(s.get("counted_in_limit"))
        if not counted and not stops_clock(name, str(s.get("legal_basis") or ""), counted):
            add(
                "special_steps",
                f"特殊环节“{name}”不是行政许可法第四十五条规定的程序（{statutory_names}），"
                "不计入办理时限的须填写其法律依据，否则应计入办理时限",
            )

    for _path, message in schema_errors(g.get("form_schema") or []):
        add("form_schema", message)
    return out


def uniformity_differences(entry: dict[str, Any], g: dict[str, Any]) -> list[Violation]:
    """六统一: where an implementation departs from its catalogue entry (materials, limits, fees, process)."""
    out: list[Violation] = []
    std_materials = set(entry.get("standard_materials") or [])
    own = {m["name"] for m in g.get("materials") or []}
    if std_materials:
        for name in sorted(std_materials - own):
            out.append(Violation("materials", f"缺少基本目录规定的申请材料“{name}”"))
        for name in sorted(own - std_materials):
            out.append(Violation("materials", f"增加了基本目录之外的申请材料“{name}”"))
    if entry.get("statutory_days") is not None and int(entry["statutory_days"]) != int(g.get("statutory_days") or 0):
        out.append(
            Violation(
                "statutory_days",
                f"法定办结时限为{g.get('statutory_days')}个工作日，基本目录为{entry['statutory_days']}个工作日",
            )
        )
    std_fees = {(f.get("item"), str(f.get("amount"))) for f in entry.get("standard_fees") or []}
    own_fees = {(f.get("item"), str(f.get("amount"))) for f in g.get("fees") or []}
    if std_fees != own_fees and (std_fees or own_fees):

        def fmt(fees: set) -> str:
            return "、".join(f"{i}{a}元" for i, a in sorted(fees)) or "不收费"

        out.append(Violation("fees", f"收费为{fmt(own_fees)}，基本目录为{fmt(std_fees)}"))
    std_steps = list(entry.get("standard_steps") or [])
    own_steps = [s["name"] for s in g.get("steps") or []]
    if std_steps and std_steps != own_steps:
        out.append(Violation("steps", f"办理环节为“{'→'.join(own_steps)}”，基本目录为“{'→'.join(std_steps)}”"))
    return out


def licence_type_violations(g: dict[str, Any], licence_type: dict[str, Any] | None) -> list[Violation]:
    """A guide whose result is an e-licence names a defined, active licence type whose face the item can fill:
    every form field the face takes must be in the guide's form, and the type's holder must be among the
    item's service objects. ``licence_type`` is the named type's row (None: no such type)."""
    code = str(g.get("result_licence_type") or "").strip()
    if not code:
        return []
    where = "result_licence_type"
    if licence_type is None:
        return [Violation(where, f"结果电子证照类型“{code}”不存在，请填写已定义的证照类型代码（21位）")]
    out: list[Violation] = []
    if not licence_type.get("is_active"):
        out.append(Violation(where, f"证照类型“{licence_type['name']}”已停用"))
    if g.get("result_type") != "licence":
        out.append(Violation("result_type", "结果为电子证照时，审批结果类型应为“出证办结”"))
    form_keys = {str(f.get("key")) for f in g.get("form_schema") or [] if isinstance(f, dict)}
    missing = [key for key in form_keys_used(licence_type.get("face_fields") or []) if key not in form_keys]
    if missing:
        out.append(
            Violation(
                "form_schema",
                f"证照类型“{licence_type['name']}”的照面取自申请表字段 {'、'.join(missing)}，申请表中没有这些字段",
            )
        )
    holder = licence_type.get("holder_kind")
    if holder and not holder_served(str(holder), g.get("service_objects") or []):
        out.append(Violation("service_objects", f"证照类型“{licence_type['name']}”的持证主体不在本事项的服务对象中"))
    return out
