"""The catalogue workbook layout: one sheet per kind of row, Chinese column headers.

docs/catalogue-excel.md documents every sheet and column; ``tests/test_excel.py`` checks that every content
field of ``ImplementationVersion`` has a column or a sheet, so a new model field cannot be silently dropped.
Cell conversions live in ``cells.py``; this module only declares what goes where.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models

from .. import vocab
from ..models import CatalogueEntry, HandlingStep, ImplementationVersion, MaterialRequirement, SpecialStep

# Kinds of cell (see cells.parse_cell / cells.format_cell).
CODE = "code"  # an identifier: trimmed text, numbers accepted
TEXT = "text"  # free text, kept exactly (line breaks included)
INT = "int"  # a non-negative integer
NUMBER = "number"  # any number (form field min/max)
BOOL = "bool"  # 是 / 否
CHOICE = "choice"  # one Chinese label of a controlled vocabulary
LABELS = "labels"  # several Chinese labels joined by 、
WORDS = "words"  # several free words joined by 、 (form options, theme codes)
LINES = "lines"  # one value per line
FEE_LINES = "fee_lines"  # one "项目：金额" per line
AMOUNT = "amount"  # a non-negative amount of yuan, kept as text ("20.00")

LIST_SEPARATOR = "、"


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    kind: str = TEXT
    choices: tuple[tuple[Any, str], ...] = ()
    required: bool = False
    default: Any = None
    max_length: int | None = None
    max_value: int | None = None
    width: int = 14
    note: str = ""
    # A column added after workbooks were in use: a workbook without it still imports, with the default.
    optional: bool = False

    def empty_value(self) -> Any:
        if self.default is not None:
            return list(self.default) if isinstance(self.default, list) else self.default
        if self.kind in (LABELS, WORDS, LINES, FEE_LINES):
            return []
        if self.kind in (TEXT, CODE, CHOICE):
            return ""
        return None


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    note: str = ""
    # For the part sheets: which list of the guide the rows make up.
    part: str = ""
    headers: dict[str, Column] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self.headers.update({c.header: c for c in self.columns})

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


_MAX_SMALL = 32767


def col(model: type[models.Model] | None, header: str, key: str, kind: str = TEXT, **kw: Any) -> Column:
    """A column for a model field: required-ness, default and max length come from the field itself."""
    if model is not None:
        f: Any = model._meta.get_field(key)
        if "max_length" not in kw and getattr(f, "max_length", None) and kind in (TEXT, CODE):
            kw["max_length"] = f.max_length
        if "required" not in kw:
            kw["required"] = not f.blank and not f.has_default() and kind not in (BOOL, LABELS, LINES)
        if "default" not in kw and f.has_default() and not callable(f.default):
            kw["default"] = f.default
        if kind == INT and "max_value" not in kw and isinstance(f, models.PositiveSmallIntegerField):
            kw["max_value"] = _MAX_SMALL
    if "choices" in kw:
        kw["choices"] = tuple(kw["choices"])
    return Column(header, key, kind, **kw)


E, V = CatalogueEntry, ImplementationVersion

ENTRY_SHEET = Sheet(
    "基本目录",
    (
        col(E, "基本编码", "code", CODE, width=20),
        col(E, "事项名称", "name", width=28),
        col(None, "主项编码", "parent", CODE, width=20, note="子项所属主项的基本编码；主项留空"),
        col(E, "业务办理项类型", "business_type", CHOICE, choices=vocab.BUSINESS_TYPES, default=""),
        col(E, "事项类型", "item_type", CHOICE, choices=vocab.ITEM_TYPES),
        col(E, "设立层级", "defining_level", CHOICE, choices=vocab.LEVELS),
        col(E, "主管部门", "competent_department"),
        col(E, "部门类别", "department_kind", CODE, note="部门类别代码，如 police、hrss"),
        col(E, "服务对象", "service_objects", LABELS, choices=vocab.SERVICE_OBJECTS),
        col(None, "主题分类", "themes", WORDS, note="主题分类编码，多个用“、”分隔；须已在系统中存在"),
        col(E, "设定依据", "legal_basis", width=40),
        col(E, "权力来源", "power_source"),
        col(E, "法定办结时限（工作日）", "statutory_days", INT),
        col(E, "标准申请材料", "standard_materials", LINES, width=30, note="每行一份材料名称"),
        col(E, "标准办理环节", "standard_steps", LINES, note="每行一个环节名称，按顺序"),
        col(E, "标准收费项目", "standard_fees", FEE_LINES, note="每行一项，格式“项目名称：金额”，如“工本费：20.00”"),
        col(E, "列入跨省通办清单", "cross_region", BOOL),
        col(E, "检索关键词", "keywords", note="空格或逗号分隔"),
        col(E, "别名/俗称", "aliases"),
        col(E, "事项简介", "description", width=30),
        col(E, "有效", "is_active", BOOL),
    ),
    note="每行一个基本目录事项，按基本编码新增或更新",
)

IMPLEMENTATION_KEYS = ("code", "entry", "division", "department")

IMPLEMENTATION_SHEET = Sheet(
    "实施清单",
    (
        col(None, "实施编码", "code", CODE, required=True, max_length=80, width=48),
        col(None, "基本编码", "entry", CODE, required=True, width=20, note="须在“基本目录”工作表或系统中存在"),
        col(None, "实施区划代码", "division", CODE, required=True, note="GB/T 2260 代码，6位或12位"),
        col(None, "实施机关统一社会信用代码", "department", CODE, required=True, width=22, note="实施机关须属于该区划"),
        col(V, "事项名称", "name", width=28),
        col(V, "实施依据", "legal_basis", width=40),
        col(V, "行使层级", "exercise_level", CHOICE, choices=vocab.LEVELS),
        col(V, "服务对象", "service_objects", LABELS, choices=vocab.SERVICE_OBJECTS),
        col(V, "受理条件", "conditions", width=30),
        col(V, "审查类型", "review_type", CHOICE, choices=vocab.REVIEW_TYPES),
        col(V, "办件类型", "handling_type", CHOICE, choices=vocab.HANDLING_TYPES),
        col(V, "法定办结时限（工作日）", "statutory_days", INT),
        col(V, "承诺办结时限（工作日）", "promised_days", INT, note="0 表示即办"),
        col(
            V,
            "时限单位",
            "limit_unit",
            CHOICE,
            choices=vocab.LIMIT_UNITS,
            optional=True,
            note="法定和承诺办结时限的单位：工作日（默认）或自然日",
        ),
        col(V, "补正期间是否计入办理时限", "correction_counted", BOOL, optional=True, note="默认“否”"),
        col(V, "是否网办", "online", BOOL),
        col(
            V,
            "网上办理深度",
            "online_depth",
            CHOICE,
            choices=vocab.ONLINE_DEPTHS,
            width=22,
            note="也可只填“Ⅲ级”或数字 3",
        ),
        col(V, "到办事现场次数", "visits", INT),
        col(V, "必须现场办理原因说明", "onsite_reason", width=24),
        col(V, "办理形式", "handling_forms", LABELS, choices=vocab.HANDLING_FORMS, width=20),
        col(V, "是否支持预约", "appointment", BOOL),
        col(V, "通办范围", "scope", CHOICE, choices=vocab.SCOPES),
        col(V, "是否可代办", "proxy_allowed", BOOL),
        col(V, "可作为多地联办环节", "joint_handling", BOOL),
        col(V, "是否就近办理", "nearby", BOOL),
        col(V, "是否有中介服务", "intermediary", BOOL),
        col(V, "审批结果名称", "result_name", width=20),
        col(V, "审批结果类型", "result_type", CHOICE, choices=vocab.RESULT_TYPES),
        col(V, "结果样本", "result_sample"),
        col(V, "结果电子证照类型", "result_licence_type"),
        col(V, "送达方式", "delivery_methods", LABELS, choices=vocab.DELIVERY_METHODS, width=20),
        col(V, "送达时限（工作日）", "delivery_days", INT, note="决定后出件的期限，不超过10；0 为法定10个工作日"),
        col(V, "是否支持物流快递", "courier", BOOL),
        col(V, "是否收费", "charged", BOOL),
        col(V, "收费依据", "fee_basis", width=24),
        col(V, "是否支持网上支付", "online_payment", BOOL),
        col(V, "办理地点", "location", width=28),
        col(V, "办理时间", "office_hours", width=28),
        col(V, "咨询电话", "phone"),
        col(V, "监督投诉电话", "complaint_phone"),
        col(V, "检索关键词", "keywords"),
        col(V, "别名/俗称", "aliases"),
        col(V, "修改说明", "change_note", width=20),
    ),
    note="每行一个实施清单事项的办事指南，按实施编码新增或生成新版本",
)

M, S, P = MaterialRequirement, HandlingStep, SpecialStep
_IMPL_CODE = col(None, "实施编码", "implementation", CODE, required=True, width=48, note="须在“实施清单”工作表中")
_ORDER = col(None, "序号", "order", INT, required=True, width=6, note="同一实施编码内的顺序，从1开始")

MATERIAL_SHEET = Sheet(
    "申请材料",
    (
        _IMPL_CODE,
        _ORDER,
        col(M, "材料名称", "name", width=28),
        col(M, "来源渠道", "source", CHOICE, choices=vocab.MATERIAL_SOURCES),
        col(M, "材料类型", "material_type", CHOICE, choices=vocab.MATERIAL_TYPES),
        col(M, "材料形式", "form", CHOICE, choices=vocab.MATERIAL_FORMS),
        col(M, "份数", "copies", INT),
        col(M, "必要性", "necessity", CHOICE, choices=vocab.NECESSITIES),
        col(M, "空白表格", "blank_form"),
        col(M, "示例样表", "sample"),
        col(M, "填报须知", "instructions", width=24),
        col(M, "受理标准", "acceptance_standard", width=24),
        col(M, "可用电子证照免提交", "licence_replaceable", BOOL),
        col(M, "对应电子证照类型", "licence_type"),
    ),
    part="materials",
)

STEP_SHEET = Sheet(
    "办理环节",
    (
        _IMPL_CODE,
        _ORDER,
        col(S, "环节名称", "name"),
        col(S, "环节时限（工作日）", "days", INT),
        col(S, "办理人员", "handler"),
        col(S, "审查标准", "criteria", width=30),
    ),
    part="steps",
)

SPECIAL_STEP_SHEET = Sheet(
    "特殊环节",
    (
        _IMPL_CODE,
        _ORDER,
        col(P, "特殊环节名称", "name"),
        col(P, "时限（工作日）", "max_days", INT, note="最长时限"),
        col(P, "是否计算在法定办结时限内", "counted_in_limit", BOOL),
        col(
            P,
            "法律依据",
            "legal_basis",
            width=30,
            optional=True,
            note="行政许可法第四十五条以外的特殊环节不计入时限的，须写明依据",
        ),
        col(P, "说明", "description", width=30),
    ),
    part="special_steps",
)

FEE_SHEET = Sheet(
    "收费项目",
    (
        _IMPL_CODE,
        _ORDER,
        col(None, "收费项目名称", "item", TEXT, required=True, max_length=200),
        col(None, "收费标准（元）", "amount", AMOUNT, required=True, note="如 20.00"),
    ),
    part="fees",
)

FAQ_SHEET = Sheet(
    "常见问题",
    (
        _IMPL_CODE,
        _ORDER,
        col(None, "问题", "q", TEXT, required=True, width=30),
        col(None, "解答", "a", TEXT, required=True, width=50),
    ),
    part="faq",
)

FORM_SHEET = Sheet(
    "申请表单",
    (
        _IMPL_CODE,
        _ORDER,
        col(
            None,
            "字段键名",
            "key",
            CODE,
            required=True,
            max_length=60,
            width=20,
            note="小写字母开头，只含小写字母、数字和下划线；相同键名在不同事项中表示同一信息",
        ),
        col(None, "显示名称", "label", TEXT, required=True, max_length=100, width=20),
        col(None, "字段类型", "type", CHOICE, choices=vocab.FORM_FIELD_TYPES, required=True),
        col(None, "是否必填", "required", BOOL, default=False),
        col(None, "选项", "options", WORDS, width=24, note="单选、多选的选项，用“、”分隔"),
        col(None, "最大长度", "max_length", INT),
        col(None, "最小值", "min", NUMBER),
        col(None, "最大值", "max", NUMBER),
        col(None, "校验规则", "pattern", TEXT, note="正则表达式"),
        col(None, "填写说明", "help", TEXT, width=24),
    ),
    part="form_schema",
)

# A material's 空白表格 and 示例样表 cells carry its files too: "附件/…" names a file in the package uploaded with
# the workbook (or, as an export writes it, "附件/<SHA-256>/<name>", one the catalogue keeps); the importer turns
# it into the file's id in these fields. Any other value is the form's name or a link, without a file.
FILE_COLUMNS = {"blank_form": "blank_form_file_id", "sample": "sample_file_id"}

PART_SHEETS: tuple[Sheet, ...] = (MATERIAL_SHEET, STEP_SHEET, SPECIAL_STEP_SHEET, FEE_SHEET, FAQ_SHEET, FORM_SHEET)
SHEETS: tuple[Sheet, ...] = (ENTRY_SHEET, IMPLEMENTATION_SHEET, *PART_SHEETS)
SHEETS_BY_NAME = {s.name: s for s in SHEETS}
SHEET_ORDER = {s.name: i for i, s in enumerate(SHEETS)}

# Guide fields kept as JSON lists on the version (not separate part models), filled from their own sheets.
JSON_PARTS = ("fees", "faq", "form_schema")
MODEL_PARTS = ("materials", "steps", "special_steps")

# Where a consistency-rule violation about a field is reported (column of 实施清单, or a sheet name).
FIELD_HEADERS: dict[str, str] = {
    **{c.key: c.header for c in IMPLEMENTATION_SHEET.columns[len(IMPLEMENTATION_KEYS) :]},
    **{s.part: s.name for s in PART_SHEETS},
}


def covered_version_fields() -> set[str]:
    """Content fields of a version that the workbook carries (for the completeness test)."""
    return {c.key for c in IMPLEMENTATION_SHEET.columns[len(IMPLEMENTATION_KEYS) :]} | set(JSON_PARTS)
