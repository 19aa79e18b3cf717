"""UPU S10 item identifiers (the format of EMS and other postal tracking numbers): two service letters,
an 8-digit serial, a check digit and a two-letter country code, e.g. LC000000125CN. Pure; no Django."""

from __future__ import annotations

import re

_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_PATTERN = re.compile(r"([A-Z]{2})(\d{8})(\d)([A-Z]{2})")


def check_digit(serial: str) -> int:
    if len(serial) != 8 or not serial.isdigit():
        raise ValueError("S10 序号应为8位数字")
    remainder = sum(int(d) * w for d, w in zip(serial, _WEIGHTS, strict=True)) % 11
    check = 11 - remainder
    return {10: 0, 11: 5}.get(check, check)


def make(service: str, number: int, country: str = "CN") -> str:
    if not 0 < number < 10**8:
        raise ValueError("S10 序号超出范围（1–99999999）")
    serial = f"{number:08d}"
    return f"{service}{serial}{check_digit(serial)}{country}"


def is_valid(value: str) -> bool:
    m = _PATTERN.fullmatch((value or "").strip().upper())
    return m is not None and check_digit(m.group(2)) == int(m.group(3))


def readable(value: str) -> str:
    """LC000000125CN → LC 0000 0012 5 CN (as printed on the label)."""
    m = _PATTERN.fullmatch(value)
    if not m:
        return value
    serial = m.group(2)
    return f"{m.group(1)} {serial[:4]} {serial[4:]} {m.group(3)} {m.group(4)}"
