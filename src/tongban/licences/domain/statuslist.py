"""Signed status lists (证照状态列表), in the manner of the W3C Bitstring Status List v1.0. Pure.

Each licence version owns one index in one list. A list holds one bitstring per purpose, each of ``SIZE``
bits (131,072, the W3C minimum, so a list says nothing about how many licences exist or which one a
verifier asks about): ``revocation`` (注销, 吊销, 撤销: final), ``suspension`` (挂失: may be lifted) and
``supersession`` (a 变更 made a newer version). Bit 0 is the most significant bit of the first byte; each
bitstring is GZIP-compressed and written in multibase base64url (``u`` + unpadded base64url), as the W3C
``encodedList``. The document is signed (SM2 over its canonical JSON without ``signature``) with the
platform's status key from the published key list; an offline verifier downloads it once.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import io
from dataclasses import dataclass
from typing import Any

SIZE = 131_072
PURPOSES = ("revocation", "suspension", "supersession")
DOCUMENT_TYPE = "TongbanLicenceStatusList"


class StatusListError(ValueError):
    pass


class Bitstring:
    def __init__(self, size: int = SIZE, data: bytes | None = None):
        if size % 8:
            raise StatusListError("状态列表长度应为8的倍数")
        self.size = size
        self.bits = bytearray(data) if data is not None else bytearray(size // 8)
        if len(self.bits) != size // 8:
            raise StatusListError("状态列表长度与声明不符")

    def set(self, index: int, value: bool = True) -> None:
        self._check(index)
        mask = 0x80 >> (index % 8)
        if value:
            self.bits[index // 8] |= mask
        else:
            self.bits[index // 8] &= ~mask & 0xFF

    def get(self, index: int) -> bool:
        self._check(index)
        return bool(self.bits[index // 8] & (0x80 >> (index % 8)))

    def _check(self, index: int) -> None:
        if not 0 <= index < self.size:
            raise StatusListError(f"状态索引 {index} 超出列表范围")

    def encode(self) -> str:
        # mtime=0: the same bits always compress to the same text
        packed = gzip.compress(bytes(self.bits), compresslevel=9, mtime=0)
        return "u" + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, text: str, size: int = SIZE) -> Bitstring:
        if not text.startswith("u"):
            raise StatusListError("状态列表应为 multibase base64url 编码（以 u 开头）")
        body = text[1:]
        try:
            packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            # never inflate more than the declared size (a small file must not expand into gigabytes)
            with gzip.GzipFile(fileobj=io.BytesIO(packed)) as stream:
                data = stream.read(size // 8 + 1)
        except (binascii.Error, OSError, EOFError, ValueError) as exc:
            raise StatusListError("状态列表无法解压") from exc
        return cls(size, data)


def allocation_index(counter: int, size: int = SIZE) -> int:
    """The ``counter``-th index handed out in a list: a fixed odd stride modulo the (power of two) size visits
    every index once and keeps neighbouring licences far apart, so an index tells nothing of issue order."""
    if not 0 <= counter < size:
        raise StatusListError("状态列表已满")
    return (counter * 92_821 + 40_503) % size


@dataclass(frozen=True)
class StatusEntry:
    revoked: bool
    suspended: bool
    superseded: bool


def unsigned_document(
    number: int, issued: str, valid_until: str, kid: str, lists: dict[str, Bitstring]
) -> dict[str, Any]:
    return {
        "type": DOCUMENT_TYPE,
        "list": number,
        "size": SIZE,
        "issued": issued,
        "valid_until": valid_until,
        "kid": kid,
        "lists": {purpose: lists[purpose].encode() for purpose in PURPOSES},
    }


def entry(document: dict[str, Any], index: int) -> StatusEntry:
    size = int(document.get("size") or 0)
    if size < SIZE:
        raise StatusListError(f"状态列表至少应有 {SIZE} 项")
    lists = document.get("lists") or {}
    try:
        bits = {p: Bitstring.decode(str(lists[p]), size) for p in PURPOSES}
    except KeyError as exc:
        raise StatusListError(f"状态列表缺少 {exc.args[0]}") from exc
    return StatusEntry(bits["revocation"].get(index), bits["suspension"].get(index), bits["supersession"].get(index))
