"""Federation messages on the wire, signed with SM2 (no Django: the log can be verified anywhere).

Three signed documents, each a JSON object in one canonical form (sorted keys, no spaces, UTF-8) so that the
bytes signed are the bytes any verifier rebuilds:

- the **message** (id, sender, recipient, case, type, per-case sequence, payload, time it was written): signed
  once by the sender when the case change writes it, kept by both sides (non-repudiation);
- the **transmission**: the message's hash and the moment of this delivery attempt, signed on every attempt.
  The receiver checks its clock against this moment, so a message that waited hours for a peer that was down
  is not refused for its age, while a captured request cannot be replayed later;
- the **receipt** (签收回执): the receiver's signed statement that it holds the message with that hash.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from tongban.core import sm2

MESSAGE_FIELDS = ("message_id", "sender", "recipient", "case_ref", "message_type", "sequence", "payload", "sent_at")
TRANSMISSION_FIELDS = {"message_id", "sender", "recipient", "body_hash", "transmitted_at"}


class EnvelopeError(ValueError):
    """A message, transmission or receipt that is malformed or not signed by the key it claims."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def canonical(document: dict[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def digest(data: bytes) -> str:
    return sm2.sm3(data).hex()


def sign(private: bytes, document: dict[str, Any]) -> str:
    return sm2.sign(private, canonical(document)).hex()


def verify(public: bytes, document: dict[str, Any], signature_hex: str) -> bool:
    try:
        signature = bytes.fromhex(signature_hex)
    except (TypeError, ValueError):
        return False
    return sm2.verify(public, canonical(document), signature)


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def parse_time(value: Any, field: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise EnvelopeError("bad_request", f"{field} 不是有效的时间") from exc
    if moment.tzinfo is None:
        raise EnvelopeError("bad_request", f"{field} 缺少时区")
    return moment


@dataclass(frozen=True)
class Request:
    """What the inbox receives: the message and the transmission, each with its signature."""

    message: dict[str, Any]
    message_signature: str
    transmission: dict[str, Any]
    transmission_signature: str

    @property
    def body_hash(self) -> str:
        return digest(canonical(self.message))

    def as_json(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "signature": self.message_signature,
            "transmission": self.transmission,
            "transmission_signature": self.transmission_signature,
        }


def transmission_for(message: dict[str, Any], body_hash: str, at: dt.datetime) -> dict[str, Any]:
    return {
        "message_id": message["message_id"],
        "sender": message["sender"],
        "recipient": message["recipient"],
        "body_hash": body_hash,
        "transmitted_at": iso(at),
    }


def signed_request(private: bytes, message: dict[str, Any], at: dt.datetime, signature: str = "") -> Request:
    """The request for one delivery attempt: the message (signed now unless its signature is given) and a
    transmission signed for this moment."""
    transmission = transmission_for(message, digest(canonical(message)), at)
    return Request(message, signature or sign(private, message), transmission, sign(private, transmission))


def parse_request(data: Any) -> Request:
    """The request's shape, before any key is looked up: refuses what no node could have sent."""
    if not isinstance(data, dict):
        raise EnvelopeError("bad_request", "请求应为 JSON 对象")
    message, transmission = data.get("message"), data.get("transmission")
    if not isinstance(message, dict) or set(message) != set(MESSAGE_FIELDS):
        raise EnvelopeError("bad_request", "消息字段不完整或有多余字段")
    if not isinstance(transmission, dict):
        raise EnvelopeError("bad_request", "缺少传输签名信息")
    for field in ("message_id", "sender", "recipient", "case_ref", "message_type"):
        if not isinstance(message[field], str) or not message[field] or len(message[field]) > 100:
            raise EnvelopeError("bad_request", f"消息字段 {field} 无效")
    if not isinstance(message["sequence"], int) or isinstance(message["sequence"], bool) or message["sequence"] < 1:
        raise EnvelopeError("bad_request", "消息序号应为正整数")
    if not isinstance(message["payload"], dict):
        raise EnvelopeError("bad_request", "消息内容应为 JSON 对象")
    parse_time(message["sent_at"], "sent_at")
    request = Request(
        message, str(data.get("signature", "")), transmission, str(data.get("transmission_signature", ""))
    )
    if set(transmission) != TRANSMISSION_FIELDS or any(
        transmission[k] != message[k] for k in ("message_id", "sender", "recipient")
    ):
        raise EnvelopeError("bad_request", "传输信息与消息不符")
    if transmission["body_hash"] != request.body_hash:
        raise EnvelopeError("bad_signature", "传输信息中的摘要与消息内容不符：消息已被改动")
    parse_time(transmission["transmitted_at"], "transmitted_at")
    return request


def check_signatures(request: Request, sender_public: bytes) -> None:
    if not verify(sender_public, request.message, request.message_signature):
        raise EnvelopeError("bad_signature", "消息签名无效：不是发送节点的密钥所签，或内容已被改动")
    if not verify(sender_public, request.transmission, request.transmission_signature):
        raise EnvelopeError("bad_signature", "传输签名无效")


def check_clock(transmitted_at: dt.datetime, now: dt.datetime, max_skew: dt.timedelta) -> None:
    if abs(now - transmitted_at) > max_skew:
        raise EnvelopeError(
            "clock_skew", f"发送时间与本节点时钟相差超过 {max_skew.total_seconds():g} 秒，请检查发送节点的时钟"
        )


def receipt(message: dict[str, Any], body_hash: str, status: str, at: dt.datetime) -> dict[str, Any]:
    """The 签收回执's content: who received which message (by its hash), when, and its state there."""
    return {
        "message_id": message["message_id"],
        "sender": message["sender"],
        "receiver": message["recipient"],
        "body_hash": body_hash,
        "status": status,
        "received_at": iso(at),
    }


def check_receipt(ack: Any, signature: str, *, receiver_public: bytes, message_id: str, body_hash: str) -> None:
    if not isinstance(ack, dict) or ack.get("message_id") != message_id or ack.get("body_hash") != body_hash:
        raise EnvelopeError("bad_receipt", "签收回执与所发消息不符")
    if not verify(receiver_public, ack, signature):
        raise EnvelopeError("bad_receipt", "签收回执签名无效")
