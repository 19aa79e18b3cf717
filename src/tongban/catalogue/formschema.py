"""Application forms declared in the catalogue (pure; no Django).

A form is a list of fields ``{"key", "label", "type", "required", "options", "max_length", "min", "max",
"pattern", "help"}``. The same key in two items' forms means the same fact, which is how a bundle asks a
shared field once and how earlier answers pre-fill later forms.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from tongban.core.identifiers import division_code_error, resident_id_error, uscc_error

from .vocab import FORM_FIELD_TYPES

FIELD_TYPES = dict(FORM_FIELD_TYPES)
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
_PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def schema_errors(schema: Any) -> list[tuple[str, str]]:
    """Problems with a form declaration, as (path, Chinese message)."""
    if not isinstance(schema, list):
        return [("form_schema", "申请表单应为字段列表")]
    errors: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i, field in enumerate(schema, start=1):
        where = f"form_schema[{i}]"
        if not isinstance(field, Mapping):
            errors.append((where, f"第{i}个字段格式不正确"))
            continue
        key = field.get("key", "")
        if not isinstance(key, str) or not _KEY_RE.match(key):
            errors.append((where, f"第{i}个字段的键名“{key}”无效（小写字母开头，只含小写字母、数字和下划线）"))
        elif key in seen:
            errors.append((where, f"字段键名“{key}”重复"))
        seen.add(str(key))
        if not str(field.get("label", "")).strip():
            errors.append((where, f"第{i}个字段缺少显示名称"))
        ftype = field.get("type")
        if ftype not in FIELD_TYPES:
            errors.append((where, f"第{i}个字段的类型“{ftype}”不受支持"))
        if ftype in ("select", "multiselect") and not field.get("options"):
            errors.append((where, f"字段“{field.get('label', key)}”为选择题，必须提供选项"))
        if field.get("pattern"):
            try:
                re.compile(field["pattern"])
            except re.error:
                errors.append((where, f"字段“{field.get('label', key)}”的校验规则不是有效的正则表达式"))
    return errors


def _type_error(ftype: str, label: str, raw: Any) -> str | None:
    """Each answer must already be of its field's type: nothing is coerced (``12345`` is no text, ``"yes"``
    no boolean, a list no single value). A number field also takes the digits a page posts."""
    if ftype == "boolean":
        return None if isinstance(raw, bool) else f"{label}应为“是”或“否”（true 或 false）"
    if ftype == "multiselect":
        if isinstance(raw, list | tuple) and all(isinstance(v, str) for v in raw):
            return None
        return f"{label}应为选项列表"
    if isinstance(raw, list | tuple | dict):
        return f"{label}只能填写一个值"
    if ftype == "number":
        ok = isinstance(raw, int | float | str) and not isinstance(raw, bool)
        return None if ok else f"{label}应为数字"
    return None if isinstance(raw, str) else f"{label}应填写文字，不能是数字或“是/否”"


def _check_value(field: Mapping[str, Any], raw: Any) -> tuple[Any, str | None]:
    ftype, label = field["type"], field.get("label", field["key"])
    if wrong := _type_error(ftype, label, raw):
        return raw, wrong
    if ftype == "boolean":
        return raw, None
    if ftype == "multiselect":
        values = list(raw)
        bad = [v for v in values if v not in field.get("options", [])]
        return values, (f"{label}包含无效选项：{'、'.join(map(str, bad))}" if bad else None)
    if ftype == "number" and not isinstance(raw, str):
        return _check_number(field, label, raw)
    value = str(raw).strip()
    if ftype in ("text", "textarea"):
        limit = field.get("max_length") or (2000 if ftype == "textarea" else 200)
        if len(value) > limit:
            return value, f"{label}不能超过{limit}个字"
    elif ftype == "number":
        try:
            number = float(value) if "." in value else int(value)
        except ValueError:
            return value, f"{label}应为数字"
        return _check_number(field, label, number)
    elif ftype == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return value, f"{label}应为日期，格式如 2026-01-31"
    elif ftype == "select":
        if value not in field.get("options", []):
            return value, f"{label}请从选项中选择"
    elif ftype == "id_number":
        value = value.upper()
        if msg := resident_id_error(value):
            return value, f"{label}：{msg}"
    elif ftype == "uscc":
        value = value.upper()
        if msg := uscc_error(value):
            return value, f"{label}：{msg}"
    elif ftype == "phone":
        if not _PHONE_RE.match(value):
            return value, f"{label}应为11位手机号码"
    elif ftype == "division":
        if msg := division_code_error(value):
            return value, f"{label}：{msg}"
    elif ftype == "email" and not _EMAIL_RE.match(value):
        return value, f"{label}格式不正确"
    if field.get("pattern") and not re.fullmatch(field["pattern"], value):
        return value, f"{label}格式不正确"
    return value, None


def _check_number(field: Mapping[str, Any], label: str, number: float) -> tuple[Any, str | None]:
    if number != number or number in (float("inf"), float("-inf")):
        return number, f"{label}应为数字"
    if field.get("min") is not None and number < field["min"]:
        return number, f"{label}不能小于{field['min']}"
    if field.get("max") is not None and number > field["max"]:
        return number, f"{label}不能大于{field['max']}"
    return number, None


def answer_type_errors(schema: Iterable[Mapping[str, Any]], data: Mapping[str, Any]) -> dict[str, str]:
    """Answers of the wrong type, as {key: Chinese message}: checked for a draft too, which may be incomplete
    but never keeps ``12345`` for a name or ``"yes"`` for a box."""
    errors: dict[str, str] = {}
    for field in schema:
        key = field.get("key")
        raw = data.get(key) if key else None
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        if message := _type_error(field.get("type", ""), field.get("label", key), raw):
            errors[str(key)] = message
    return errors


def validate_submission(schema: Iterable[Mapping[str, Any]], data: Mapping[str, Any]) -> tuple[dict, dict]:
    """Clean an applicant's answers. Returns (cleaned values, {key: Chinese message}) — every error at once."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in schema:
        key = field["key"]
        raw = data.get(key)
        empty = raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []
        if empty:
            if field.get("required") and field["type"] != "boolean":
                errors[key] = f"请填写{field.get('label', key)}"
            continue
        value, message = _check_value(field, raw)
        if message:
            errors[key] = message
        else:
            cleaned[key] = value
    return cleaned, errors


def merge_forms(forms: Iterable[Iterable[Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """One form from several: a key asked by several forms appears once (required if any requires it)."""
    merged: dict[str, dict[str, Any]] = {}
    for form in forms:
        for field in form:
            if field["key"] in merged:
                merged[field["key"]]["required"] = merged[field["key"]].get("required") or field.get("required")
            else:
                merged[field["key"]] = dict(field)
    return list(merged.values())
