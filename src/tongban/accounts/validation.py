"""Checks of what people type when they register (pure; no Django).

Each ``*_error`` function returns ``None`` when the value is acceptable, otherwise a Chinese message saying
what is wrong. Values are normalised first: people type on phones with Chinese input methods, so full-width
digits and letters (１３８, Ｘ) and stray spaces or hyphens must not make a correct number "wrong".
"""

from __future__ import annotations

import re
import unicodedata

USERNAME_MIN = 4
USERNAME_MAX = 30
_USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@+-]+$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def to_halfwidth(value: str | None) -> str:
    """NFKC folds full-width forms to ASCII (１ → 1, Ｘ → X) and trims surrounding whitespace."""
    return unicodedata.normalize("NFKC", value or "").strip()


def normalize_identifier(value: str | None) -> str:
    """For resident ID numbers and USCCs: half-width, upper case, no inner spaces."""
    return re.sub(r"\s+", "", to_halfwidth(value)).upper()


def normalize_phone(value: str | None) -> str:
    """Drop spaces and hyphens (138-1234-5678) and a leading +86 / 86 country code."""
    v = re.sub(r"[\s\-]", "", to_halfwidth(value))
    if v.startswith("+86"):
        v = v[3:]
    elif v.startswith("86") and len(v) == 13:
        v = v[2:]
    return v


def phone_error(value: str) -> str | None:
    if not value:
        return "请填写手机号码"
    if not value.isdigit():
        return "手机号码只能包含数字"
    if len(value) != 11:
        return f"手机号码应为11位数字，当前为{len(value)}位"
    if not _MOBILE_RE.match(value):
        return "手机号码格式不正确：应以1开头，第二位为3至9"
    return None


def normalize_username(value: str | None) -> str:
    return to_halfwidth(value)


def username_error(value: str) -> str | None:
    if not value:
        return "请填写用户名"
    if not _USERNAME_RE.match(value):
        return "用户名只能包含英文字母、数字和 _ . @ + - 符号"
    if not USERNAME_MIN <= len(value) <= USERNAME_MAX:
        return f"用户名长度应为{USERNAME_MIN}至{USERNAME_MAX}个字符，当前为{len(value)}个"
    return None


def normalize_name(value: str | None) -> str:
    # Keep the middle dot of minority and foreign names in one form (· U+00B7).
    return re.sub(r"\s+", " ", to_halfwidth(value)).replace("•", "·").replace("・", "·")


def person_name_error(value: str) -> str | None:
    if not value:
        return "请填写姓名"
    if len(value) > 50:
        return "姓名不能超过50个字符"
    if any(ch.isdigit() for ch in value):
        return "姓名不能包含数字"
    return None


def organisation_name_error(value: str) -> str | None:
    if not value:
        return "请填写单位名称"
    if len(value) < 2:
        return "单位名称至少2个字符"
    if len(value) > 100:
        return "单位名称不能超过100个字符"
    return None
