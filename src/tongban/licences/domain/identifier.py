"""Licence identifiers (证照标识, GB/T 36904; domain.md §6). Pure; no Django.

``1.2.156.3005.2.<type code>.<issuer code>.<serial>.<version, 3 digits>.<check character>``: the type code is
the defining body's unified social credit code and a 3-digit type number, the issuer code the issuing body's
credit code; the check character is ISO/IEC 7064 MOD 37,36 over type code + issuer code + serial + version
written without the dots.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PREFIX = "1.2.156.3005.2"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_MODULUS = len(ALPHABET)  # 36; the hybrid system works modulo 36 and 37

_TYPE_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}\d{3}")
_ISSUER_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")
_SERIAL = re.compile(r"\d{1,20}")


def mod37_36_check(data: str) -> str:
    """The check character of ISO/IEC 7064 MOD 37,36 (a hybrid system over 0-9A-Z) for ``data``."""
    product = _MODULUS
    for char in data:
        try:
            value = ALPHABET.index(char)
        except ValueError as exc:
            raise ValueError(f"字符“{char}”不能出现在证照标识中") from exc
        total = (product + value) % _MODULUS or _MODULUS
        product = (total * 2) % (_MODULUS + 1)
    return ALPHABET[(_MODULUS + 1 - product) % _MODULUS]


def mod37_36_valid(data_with_check: str) -> bool:
    """Whether the last character of the string is the right check character for the rest."""
    if len(data_with_check) < 2:
        return False
    try:
        return mod37_36_check(data_with_check[:-1]) == data_with_check[-1]
    except ValueError:
        return False


@dataclass(frozen=True)
class LicenceId:
    type_code: str
    issuer_code: str
    serial: str
    version: int

    @property
    def check(self) -> str:
        return mod37_36_check(f"{self.type_code}{self.issuer_code}{self.serial}{self.version:03d}")

    def __str__(self) -> str:
        return f"{PREFIX}.{self.type_code}.{self.issuer_code}.{self.serial}.{self.version:03d}.{self.check}"

    def with_version(self, version: int) -> LicenceId:
        return LicenceId(self.type_code, self.issuer_code, self.serial, version)


def build(type_code: str, issuer_code: str, serial: str, version: int) -> str:
    problem = parts_error(type_code, issuer_code, serial, version)
    if problem:
        raise ValueError(problem)
    return str(LicenceId(type_code, issuer_code, serial, version))


def parts_error(type_code: str, issuer_code: str, serial: str, version: int) -> str | None:
    if not _TYPE_CODE.fullmatch(type_code):
        return "证照类型代码应为证照定义机构的统一社会信用代码加3位数字，共21位"
    if not _ISSUER_CODE.fullmatch(issuer_code):
        return "颁发机构代码应为18位统一社会信用代码"
    if not _SERIAL.fullmatch(serial):
        return "证照流水号应为1至20位数字"
    if not 1 <= version <= 999:
        return "证照版本号应在1至999之间"
    return None


def parse(identifier: str) -> LicenceId:
    """The parts of an identifier; ValueError (in Chinese) when it is malformed or its check character is wrong."""
    text = identifier.strip().upper()
    if not text.startswith(PREFIX + "."):
        raise ValueError(f"证照标识应以 {PREFIX} 开头")
    parts = text[len(PREFIX) + 1 :].split(".")
    if len(parts) != 5:
        raise ValueError("证照标识应由类型代码、颁发机构代码、流水号、版本号和校验位五段组成")
    type_code, issuer_code, serial, version, check = parts
    if not re.fullmatch(r"\d{3}", version):
        raise ValueError("证照版本号应为3位数字")
    problem = parts_error(type_code, issuer_code, serial, int(version))
    if problem:
        raise ValueError(problem)
    found = LicenceId(type_code, issuer_code, serial, int(version))
    if found.check != check:
        raise ValueError("证照标识校验位不正确，请核对后重新输入")
    return found


def identifier_error(identifier: str) -> str | None:
    try:
        parse(identifier)
    except ValueError as exc:
        return str(exc)
    return None
