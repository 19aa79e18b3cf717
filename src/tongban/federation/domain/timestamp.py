"""Time stamps on the message log (after X-Road): a batch of logged messages is bound to a moment by a
time-stamping authority (时间戳服务) that neither party controls, so neither can later claim a message was
written at another time. No Django: a stamp can be checked anywhere with the authority's public key.

The batch's digest is the SM3 hash of the ordered list of the messages' body hashes; the authority signs a
token naming itself (by key id), a serial number, that digest and the moment it saw it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from tongban.core import sm2

from . import envelope

TOKEN_FIELDS = {"authority", "key_id", "serial", "digest", "stamped_at"}
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class TimeStampError(ValueError):
    """A token that is malformed, signed by another key, or about another digest."""


@dataclass(frozen=True)
class Token:
    authority: str
    key_id: str
    serial: int
    digest: str
    stamped_at: dt.datetime


def batch_digest(body_hashes: list[str]) -> str:
    """What a batch stamp covers: the messages' body hashes in the order the batch lists them."""
    return envelope.digest(envelope.canonical({"hashes": list(body_hashes)}))


def valid_digest(value: Any) -> bool:
    return isinstance(value, str) and bool(_HEX64.match(value))


def issue(private: bytes, *, authority: str, serial: int, digest: str, at: dt.datetime) -> tuple[dict, str]:
    """The authority's side: the token for ``digest`` at ``at`` and its SM2 signature."""
    if not valid_digest(digest):
        raise TimeStampError("摘要应为64位小写十六进制（SM3）")
    token = {
        "authority": authority,
        "key_id": sm2.key_id(sm2.public_key_of(private)).hex(),
        "serial": serial,
        "digest": digest,
        "stamped_at": envelope.iso(at),
    }
    return token, envelope.sign(private, token)


def check(token: Any, signature: str, public: bytes, *, digest: str) -> Token:
    """The token, if the authority with ``public`` signed it for ``digest``; else TimeStampError."""
    if not isinstance(token, dict) or set(token) != TOKEN_FIELDS:
        raise TimeStampError("时间戳格式无效")
    if token["key_id"] != sm2.key_id(public).hex():
        raise TimeStampError("时间戳不是该时间戳服务的密钥所签")
    if not envelope.verify(public, token, signature):
        raise TimeStampError("时间戳签名无效")
    if token["digest"] != digest:
        raise TimeStampError("时间戳所证明的摘要与这批消息不符")
    try:
        stamped_at = envelope.parse_time(token["stamped_at"], "stamped_at")
    except envelope.EnvelopeError as exc:
        raise TimeStampError(str(exc)) from exc
    if not isinstance(token["serial"], int):
        raise TimeStampError("时间戳序号无效")
    return Token(str(token["authority"]), token["key_id"], token["serial"], digest, stamped_at)
