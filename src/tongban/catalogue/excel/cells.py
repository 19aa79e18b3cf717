"""Converting between stored values and cells, both ways, with a Chinese message for every bad cell."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .layout import (
    AMOUNT,
    BOOL,
    CHOICE,
    CODE,
    FEE_LINES,
    INT,
    LABELS,
    LINES,
    LIST_SEPARATOR,
    NUMBER,
    WORDS,
    Column,
)

YES, NO = "是", "否"
_TRUE = {YES, "true", "TRUE", "True", "Y", "y"}
_FALSE = {NO, "false", "FALSE", "False", "N", "n"}
_LABEL_SPLIT = re.compile(r"[、，,；;\n]+")
_FEE_SEP = re.compile(r"[：:]")


class CellError(ValueError):
    """A cell that cannot be read; the message is Chinese and names what was expected."""


def is_empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _plain(raw: Any) -> str:
    """Cell content as text: whole floats lose their ".0" (Excel stores every number as a float)."""
    if isinstance(raw, bool):
        return YES if raw else NO
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime | dt.date):
        return raw.isoformat()
    return str(raw)


def choice_lookup(column: Column) -> dict[str, Any]:
    """Every spelling accepted for a controlled value: its label, its stored value, the label's first word."""
    lookup: dict[str, Any] = {}
    for value, label in column.choices:
        for spelling in (str(value), label.split(" ")[0], label):
            if spelling:
                lookup[spelling] = value
    return lookup


def _choice_hint(column: Column) -> str:
    return "、".join(label for value, label in column.choices if value != "")


def amount_text(raw: Any) -> str:
    text = _plain(raw).strip() if not isinstance(raw, float) else format(Decimal(repr(raw)).normalize(), "f")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CellError(f"“{text}”不是有效的金额（如 20.00）") from None
    if not value.is_finite() or value < 0:
        raise CellError(f"“{text}”不是有效的金额（如 20.00）")
    return text


def _int(raw: Any, column: Column) -> int:
    if isinstance(raw, bool):
        raise CellError("应为整数")
    if isinstance(raw, float):
        if not raw.is_integer():
            raise CellError(f"应为整数，不能是“{raw}”")
        raw = int(raw)
    if isinstance(raw, str):
        text = raw.strip()
        if not re.fullmatch(r"[+-]?\d+", text):
            raise CellError(f"应为整数，不能是“{text}”")
        raw = int(text)
    if not isinstance(raw, int):
        raise CellError("应为整数")
    if raw < 0:
        raise CellError("不能为负数")
    if column.max_value is not None and raw > column.max_value:
        raise CellError(f"不能大于{column.max_value}")
    return raw


def _number(raw: Any) -> int | float:
    if isinstance(raw, bool):
        raise CellError("应为数字")
    if isinstance(raw, int | float):
        return int(raw) if isinstance(raw, float) and raw.is_integer() and abs(raw) < 2**53 else raw
    text = str(raw).strip()
    try:
        return int(text) if re.fullmatch(r"[+-]?\d+", text) else float(text)
    except ValueError:
        raise CellError(f"应为数字，不能是“{text}”") from None


def _check_length(text: str, column: Column) -> str:
    if column.max_length is not None and len(text) > column.max_length:
        raise CellError(f"不能超过{column.max_length}个字（现有{len(text)}个字）")
    return text


def parse_cell(column: Column, raw: Any) -> Any:
    """The stored value of a cell, or CellError. Empty cells give the column's default."""
    if is_empty(raw):
        if column.required:
            raise CellError("不能为空")
        return column.empty_value()
    kind = column.kind
    if kind == CODE:
        return _check_length(_plain(raw).strip(), column)
    if kind == INT:
        return _int(raw, column)
    if kind == NUMBER:
        return _number(raw)
    if kind == BOOL:
        if isinstance(raw, bool):
            return raw
        text = _plain(raw).strip()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise CellError(f"应填写“是”或“否”，不能是“{text}”")
    if kind == CHOICE:
        text = _plain(raw).strip()
        lookup = choice_lookup(column)
        if text not in lookup:
            raise CellError(f"“{text}”不是有效选项（可选：{_choice_hint(column)}）")
        return lookup[text]
    if kind == LABELS:
        lookup = choice_lookup(column)
        values: list[Any] = []
        bad: list[str] = []
        for part in _LABEL_SPLIT.split(_plain(raw)):
            part = part.strip()
            if not part:
                continue
            if part not in lookup:
                bad.append(part)
            elif lookup[part] not in values:
                values.append(lookup[part])
        if bad:
            raise CellError(f"“{'、'.join(bad)}”不是有效选项（可选：{_choice_hint(column)}，多个用“、”分隔）")
        return values
    if kind == WORDS:
        return [w.strip() for w in _plain(raw).split(LIST_SEPARATOR) if w.strip()]
    if kind == LINES:
        return [line.strip() for line in _plain(raw).splitlines() if line.strip()]
    if kind == FEE_LINES:
        fees = []
        for n, line in enumerate(_plain(raw).splitlines(), start=1):
            if not line.strip():
                continue
            parts = _FEE_SEP.split(line.strip())
            if len(parts) < 2 or not parts[0].strip():
                raise CellError(f"第{n}行“{line.strip()}”应为“项目名称：金额”")
            item = "：".join(p.strip() for p in parts[:-1])
            try:
                fees.append({"item": item, "amount": amount_text(parts[-1])})
            except CellError as exc:
                raise CellError(f"第{n}行{exc}") from None
        return fees
    if kind == AMOUNT:
        return amount_text(raw)
    # TEXT: kept exactly as written, only Windows line ends normalised (the file format does that too).
    text = _plain(raw).replace("\r\n", "\n")
    return _check_length(text, column)


def format_cell(column: Column, value: Any) -> Any:
    """The cell for a stored value. Unknown controlled values are written as they are, so that a later
    import names them instead of losing them."""
    kind = column.kind
    if value is None or value == "" or value == []:
        return None
    if kind == BOOL:
        return YES if value else NO
    if kind == CHOICE:
        return dict(column.choices).get(value, value)
    if kind == LABELS:
        labels = dict(column.choices)
        return LIST_SEPARATOR.join(str(labels.get(v, v)) for v in value)
    if kind == WORDS:
        return LIST_SEPARATOR.join(str(v) for v in value)
    if kind == LINES:
        return "\n".join(str(v) for v in value)
    if kind == FEE_LINES:
        return "\n".join(f"{f.get('item', '')}：{amount_str(f.get('amount'))}" for f in value)
    if kind == AMOUNT:
        return amount_str(value)
    if kind in (INT, NUMBER) and isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return clean_text(str(value))


def amount_str(value: Any) -> str:
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    return "" if value is None else str(value).strip()


def clean_text(text: str) -> str:
    # Control characters cannot be stored in an .xlsx file at all.
    return ILLEGAL_CHARACTERS_RE.sub("", text)
