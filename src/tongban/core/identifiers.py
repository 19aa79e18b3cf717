"""Check digits of Chinese identifiers (pure; no Django).

- Resident ID number, GB 11643-1999.
- Unified social credit code (USCC), GB 32100-2015. Registration-authority codes may be letters (e.g. ``Y``).
- Administrative division codes, GB/T 2260 (6 digits) and the 12-digit form.
Each validator returns ``None`` when the value is valid, otherwise a Chinese message saying what is wrong.
"""

from __future__ import annotations

import datetime as dt
import re

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

_ID_RE = re.compile(r"^\d{17}[\dX]$")
_USCC_RE = re.compile(rf"^[{USCC_CHARSET}]{{18}}$")


def resident_id_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def normalize_resident_id(value: str) -> str:
    return value.strip().upper().replace(" ", "")


def resident_id_error(value: str, today: dt.date | None = None) -> str | None:
    v = normalize_resident_id(value)
    if len(v) != 18:
        return f"公民身份号码应为18位，当前为{len(v)}位"
    if not _ID_RE.match(v):
        return "公民身份号码前17位应为数字，最后一位为数字或X"
    try:
        birth = dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return "公民身份号码中的出生日期无效"
    if birth < dt.date(1880, 1, 1) or birth > (today or dt.date.today()):
        return "公民身份号码中的出生日期不在合理范围内"
    if v[:2] not in _PROVINCE_PREFIXES:
        return "公民身份号码的地址码无效"
    if resident_id_check_char(v[:17]) != v[17]:
        return "公民身份号码校验位不正确，请核对后重新输入"
    return None


def resident_id_birth_date(value: str) -> dt.date:
    v = normalize_resident_id(value)
    return dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))


def resident_id_is_male(value: str) -> bool:
    return int(normalize_resident_id(value)[16]) % 2 == 1


def make_resident_id(address6: str, birth: dt.date, order3: int) -> str:
    first17 = f"{address6}{birth:%Y%m%d}{order3:03d}"
    return first17 + resident_id_check_char(first17)


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def normalize_uscc(value: str) -> str:
    return value.strip().upper().replace(" ", "")


def uscc_error(value: str) -> str | None:
    v = normalize_uscc(value)
    if len(v) != 18:
        return f"统一社会信用代码应为18位，当前为{len(v)}位"
    if not _USCC_RE.match(v):
        return "统一社会信用代码只能由数字和大写字母组成（不含 I、O、Z、S、V）"
    if not v[2:8].isdigit():
        return "统一社会信用代码第3至8位应为行政区划代码"
    if uscc_check_char(v[:17]) != v[17]:
        return "统一社会信用代码校验位不正确，请核对后重新输入"
    return None


def make_uscc(authority: str, kind: str, area6: str, org8: str) -> str:
    """Build a valid USCC; the organisation code's own check character is computed by GB 11714."""
    org9 = org8 + _org_code_check_char(org8)
    first17 = f"{authority}{kind}{area6}{org9}"
    return first17 + uscc_check_char(first17)


_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_code_check_char(org8: str) -> str:
    def value(c: str) -> int:
        return int(c) if c.isdigit() else ord(c) - ord("A") + 10

    check = 11 - sum(value(c) * w for c, w in zip(org8, _ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def division_code_error(value: str) -> str | None:
    v = value.strip()
    if len(v) not in (6, 9, 12) or not v.isdigit():
        return "行政区划代码应为6位（县级及以上）、9位或12位数字"
    if v[:2] not in _PROVINCE_PREFIXES:
        return "行政区划代码的省级代码无效"
    return None


def division_level(code: str) -> int:
    """1 province, 2 city, 3 county, 4 township, 5 village (from a 6- or 12-digit code)."""
    c = code.ljust(12, "0")
    if c[2:] == "0" * 10:
        return 1
    if c[4:] == "0" * 8:
        return 2
    if c[6:] == "0" * 6:
        return 3
    if c[9:] == "000":
        return 4
    return 5


# GB/T 2260 province-level prefixes (71 台湾, 81 香港, 82 澳门 included).
_PROVINCE_PREFIXES = frozenset(
    {
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    }
)
