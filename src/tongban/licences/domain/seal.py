"""The seal (证照码): what the QR code on a licence carries, and what an offline verifier checks. Pure.

A compact binary record, signed with the issuer's SM2 key (the 64-byte signature follows the bytes it signs):

    offset  size  field
    0       1     format (1)
    1       8     key id (the first 8 bytes of SM3 over the issuer's public key)
    9       1     n, the length of the identifier without its constant prefix 1.2.156.3005.2.
    10      n     the identifier (ASCII)
    10+n    32    SM3 digest of the licence version's canonical content (domain/canonical.py)
    42+n    2     status list number   } where this version's bits lie in the signed status lists
    44+n    4     status list index    } (so a verifier cannot be pointed at another licence's bit)
    48+n    2     valid from, days since 1970-01-01
    50+n    2     valid until, days since 1970-01-01; 0 = 长期 (no end)
    52+n    64    SM2 signature (r ‖ s) over bytes 0 … 51+n

With a 58-character identifier the record is 174 bytes, 279 base32 characters: with the verification
address in front, QR version 11 at error correction M (61 × 61 modules), which a phone reads from paper at
30 mm (0.5 mm a module). Text in the QR code: ``<public address>/lv/<base32>``; a verifier takes the part
after the last ``/`` (or the bare code).
"""

from __future__ import annotations

import datetime as dt
import struct
from dataclasses import dataclass

from . import base32
from .identifier import PREFIX, parse

FORMAT = 1
EPOCH = dt.date(1970, 1, 1)
SIGNATURE_SIZE = 64
QR_PATH = "/lv/"


class SealError(ValueError):
    """A code that is not a licence seal at all (cut short, wrong format, malformed identifier)."""


@dataclass(frozen=True)
class Seal:
    key_id: bytes
    identifier: str
    content_digest: bytes
    status_list: int
    status_index: int
    valid_from: dt.date
    valid_until: dt.date | None  # None: 长期
    signature: bytes = b""

    def signed_bytes(self) -> bytes:
        short = self.identifier[len(PREFIX) + 1 :].encode("ascii")
        if len(self.key_id) != 8 or len(self.content_digest) != 32 or not 0 < len(short) < 256:
            raise SealError("证照码字段长度不正确")
        until = (self.valid_until - EPOCH).days if self.valid_until else 0
        return (
            struct.pack(">B8sB", FORMAT, self.key_id, len(short))
            + short
            + self.content_digest
            + struct.pack(">HIHH", self.status_list, self.status_index, (self.valid_from - EPOCH).days, until)
        )

    def to_bytes(self) -> bytes:
        if len(self.signature) != SIGNATURE_SIZE:
            raise SealError("证照码缺少签名")
        return self.signed_bytes() + self.signature

    def code(self) -> str:
        return base32.encode(self.to_bytes())


def from_bytes(data: bytes) -> Seal:
    try:
        fmt, key_id, length = struct.unpack_from(">B8sB", data, 0)
        if fmt != FORMAT:
            raise SealError("不是本平台的证照码（格式版本不符）")
        short = data[10 : 10 + length].decode("ascii")
        digest = data[10 + length : 42 + length]
        status_list, status_index, since, until = struct.unpack_from(">HIHH", data, 42 + length)
        signature = data[52 + length :]
    except (struct.error, UnicodeDecodeError) as exc:
        raise SealError("证照码不完整或已损坏") from exc
    if len(digest) != 32 or len(signature) != SIGNATURE_SIZE:
        raise SealError("证照码不完整或已损坏")
    identifier = f"{PREFIX}.{short}"
    try:
        parse(identifier)
    except ValueError as exc:
        raise SealError(f"证照码中的证照标识无效：{exc}") from exc
    return Seal(
        key_id,
        identifier,
        digest,
        status_list,
        status_index,
        EPOCH + dt.timedelta(days=since),
        EPOCH + dt.timedelta(days=until) if until else None,
        signature,
    )


def extract_code(text: str) -> str:
    """The code from what a scanner read: the whole link or just the code."""
    text = text.strip()
    if "/" in text:
        text = text.rstrip("/").rsplit("/", 1)[-1]
    return text


def read(text: str) -> Seal:
    try:
        data = base32.decode(extract_code(text))
    except ValueError as exc:
        raise SealError(str(exc)) from exc
    return from_bytes(data)


def qr_text(public_base: str, seal: Seal) -> str:
    return f"{public_base.rstrip('/')}{QR_PATH}{seal.code()}"
