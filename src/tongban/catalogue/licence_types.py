"""Licence types (证照类型) as the catalogue defines them (pure; no Django): the type code, the fields of the
licence face and where each value comes from, and the validity rule.

- Type code: the defining body's (证照定义机构) unified social credit code + a 3-digit type number (GB/T
  36904; domain.md §6), 21 characters.
- Face fields ``{"key", "label", "type", "source", "required"}``: ``type`` one of ``FACE_FIELD_TYPES``;
  ``source`` where the value comes from when the licence is issued from a case: ``form.<key>`` (the
  application form's answer), or one of ``CASE_SOURCES`` (the holder, the decision, the issuer …).
- Validity: ``years`` (fixed years from the issue date), ``until`` (a fixed end date), ``permanent`` (长期).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from tongban.core.identifiers import uscc_error

FACE_FIELD_TYPES = [("text", "文本"), ("date", "日期"), ("number", "数字"), ("code", "代码/编号")]
CASE_SOURCES = {
    "holder_name": "持证主体名称（申请人）",
    "holder_code": "持证主体代码（申请人证件号码）",
    "case_number": "办件编号",
    "decided_on": "决定日期",
    "issued_on": "颁发日期",
    "issuer_name": "颁发机构名称",
    "jurisdiction_name": "管辖区划名称",
    "item_name": "关联事项名称",
}
VALIDITY_RULES = [("years", "固定年限"), ("until", "至指定日期"), ("permanent", "长期有效")]
# "market": a market entity of either kind (营业执照: a company, or a 个体工商户 registered by a natural person).
HOLDER_KINDS = [("natural", "自然人"), ("legal", "法人"), ("market", "市场主体（法人或个体工商户）")]
FACE_LAYOUTS = [("certificate", "证书式（A4 竖版）"), ("card", "卡证式（A5 横版）")]
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def type_code_error(code: str, defining_code: str) -> str | None:
    problem = uscc_error(defining_code)
    if problem:
        return f"证照定义机构的统一社会信用代码有误：{problem}"
    if not re.fullmatch(r"\d{3}", code[18:]) or len(code) != 21:
        return "证照类型代码应为证照定义机构的统一社会信用代码加3位数字，共21位"
    if code[:18] != defining_code:
        return "证照类型代码的前18位应为证照定义机构的统一社会信用代码"
    return None


def face_field_errors(fields: Any) -> list[str]:
    if not isinstance(fields, list) or not fields:
        return ["证照照面应至少有一个字段"]
    errors: list[str] = []
    seen: set[str] = set()
    types = dict(FACE_FIELD_TYPES)
    for i, field in enumerate(fields, start=1):
        if not isinstance(field, Mapping):
            errors.append(f"第{i}个照面字段格式不正确")
            continue
        key = str(field.get("key", ""))
        if not _KEY.match(key):
            errors.append(f"第{i}个照面字段的键名“{key}”无效（小写字母开头，只含小写字母、数字和下划线）")
        elif key in seen:
            errors.append(f"照面字段键名“{key}”重复")
        seen.add(key)
        if not str(field.get("label", "")).strip():
            errors.append(f"照面字段“{key}”缺少显示名称")
        if field.get("type", "text") not in types:
            errors.append(f"照面字段“{key}”的类型“{field.get('type')}”不受支持")
        source = str(field.get("source", ""))
        if not (source in CASE_SOURCES or (source.startswith("form.") and _KEY.match(source[5:]))):
            errors.append(f"照面字段“{key}”的取值来源“{source}”无效（应为 form.<申请表字段> 或办件信息）")
    return errors


def validity_errors(rule: str, years: int | None, until: dt.date | None) -> list[str]:
    if rule == "years" and not (years and 0 < years <= 100):
        return ["固定年限的证照须填写1至100年的有效年限"]
    if rule == "until" and until is None:
        return ["至指定日期有效的证照须填写截止日期"]
    if rule not in dict(VALIDITY_RULES):
        return [f"有效期规则“{rule}”不受支持"]
    return []


def validity_end(rule: str, years: int | None, until: dt.date | None, issued_on: dt.date) -> dt.date | None:
    """The last day of validity of a licence issued on ``issued_on`` (None: 长期). Ten years from 1 May 2026
    run to 30 April 2036; from 29 February, to 28 February."""
    if rule == "permanent":
        return None
    if rule == "until":
        return until
    assert years
    try:
        same_day = issued_on.replace(year=issued_on.year + years)
    except ValueError:  # 29 February into a common year
        same_day = issued_on.replace(year=issued_on.year + years, day=28) + dt.timedelta(days=1)
    return same_day - dt.timedelta(days=1)


def form_keys_used(fields: Iterable[Mapping[str, Any]]) -> list[str]:
    return [str(f["source"])[5:] for f in fields if str(f.get("source", "")).startswith("form.")]


def holder_served(holder_kind: str, service_objects: Iterable[str]) -> bool:
    """Whether an item serving ``service_objects`` can be the source of a licence held by ``holder_kind``."""
    objects = set(service_objects)
    if holder_kind == "market":
        return bool(objects & {"natural", "legal"})
    return holder_kind in objects
