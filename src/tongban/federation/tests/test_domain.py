"""The wire format and the directory, without Django: signatures hold, anything altered does not."""

from __future__ import annotations

import datetime as dt
import functools
import socket
import urllib.error
from http.client import RemoteDisconnected

import pytest

from tongban.core import sm2

from ..domain import directory as dirdoc
from ..domain import envelope, failures

NOW = dt.datetime(2026, 12, 4, 2, 0, tzinfo=dt.UTC)


@functools.cache
def keypair(name: str) -> tuple[bytes, bytes]:
    return sm2.generate_keypair()


def message(**changes):
    body = {
        "message_id": "0b5a6f1e-5d4c-4a55-9a8e-1f7a2d3c4b5a",
        "sender": "330681",
        "recipient": "370402",
        "case_ref": "ZJ-2026-000123",
        "message_type": "crossregion.forwarded",
        "sequence": 1,
        "payload": {"申请人": "张三", "materials": [1, 2]},
        "sent_at": envelope.iso(NOW),
    }
    return {**body, **changes}


def request_for(body, private, at=NOW):
    return envelope.signed_request(private, body, at).as_json()


def test_a_signed_request_parses_and_verifies_and_its_receipt_too():
    private, public = keypair("sender")
    parsed = envelope.parse_request(request_for(message(), private))
    envelope.check_signatures(parsed, public)
    receiver_private, receiver_public = keypair("receiver")
    ack = envelope.receipt(parsed.message, parsed.body_hash, "received", NOW)
    envelope.check_receipt(
        ack,
        envelope.sign(receiver_private, ack),
        receiver_public=receiver_public,
        message_id=parsed.message["message_id"],
        body_hash=parsed.body_hash,
    )


def test_canonical_form_does_not_depend_on_key_order():
    assert envelope.canonical({"b": 1, "a": "通办"}) == envelope.canonical({"a": "通办", "b": 1})


def test_a_changed_payload_is_caught_by_the_transmission_hash_and_by_the_signature():
    private, public = keypair("sender")
    data = request_for(message(), private)
    data["message"]["payload"]["申请人"] = "李四"
    with pytest.raises(envelope.EnvelopeError) as caught:
        envelope.parse_request(data)
    assert caught.value.code == "bad_signature"
    # Hash recomputed by the forger: the signatures no longer match.
    data["transmission"]["body_hash"] = envelope.digest(envelope.canonical(data["message"]))
    with pytest.raises(envelope.EnvelopeError) as caught:
        envelope.check_signatures(envelope.parse_request(data), public)
    assert caught.value.code == "bad_signature"


def test_a_message_signed_by_another_key_is_refused():
    _, public = keypair("sender")
    other, _ = keypair("stranger")
    with pytest.raises(envelope.EnvelopeError, match="消息签名无效"):
        envelope.check_signatures(envelope.parse_request(request_for(message(), other)), public)


@pytest.mark.parametrize(
    "broken",
    [
        None,
        {"message": message()},
        {"message": {**message(), "extra": 1}, "transmission": {}},
        {"message": message(sequence=0), "transmission": {}},
        {"message": message(sequence=True), "transmission": {}},
        {"message": message(payload=[1]), "transmission": {}},
        {"message": message(sent_at="yesterday"), "transmission": {}},
        {"message": message(sent_at="2026-12-04T02:00:00"), "transmission": {}},
    ],
)
def test_malformed_requests_are_bad_requests(broken):
    with pytest.raises(envelope.EnvelopeError) as caught:
        envelope.parse_request(broken)
    assert caught.value.code == "bad_request"


def test_the_clock_check_uses_the_transmission_time():
    skew = dt.timedelta(minutes=5)
    envelope.check_clock(NOW - dt.timedelta(minutes=4), NOW, skew)
    with pytest.raises(envelope.EnvelopeError) as caught:
        envelope.check_clock(NOW + dt.timedelta(minutes=6), NOW, skew)
    assert caught.value.code == "clock_skew"


def directory_document(version=1, **changes):
    _, public_a = keypair("sender")
    _, public_b = keypair("receiver")
    document = {
        "version": version,
        "issued_at": envelope.iso(NOW),
        "nodes": [
            {
                "code": "330681",
                "name": "浙江省绍兴市诸暨市",
                "endpoint": "https://zj.example.org/",
                "public_key": sm2.public_key_pem(public_a),
                "offers": [
                    {"item_code": "A001", "name": "养老保险关系转移", "scope": "cross_province", "modes": ["joint"]}
                ],
            },
            {
                "code": "370402",
                "name": "山东省枣庄市市中区",
                "endpoint": "https://zz.example.org",
                "public_key": sm2.public_key_pem(public_b),
            },
        ],
        "agreements": [
            {
                "parties": ["330681", "370402"],
                "items": [{"item_code": "B002", "name": "住房公积金转移"}],
                "valid_from": "2026-01-01",
                "valid_to": "2026-12-31",
            }
        ],
    }
    return {**document, **changes}


def test_a_signed_directory_verifies_with_the_directory_key_only():
    signer, public = keypair("directory")
    signed = dirdoc.sign(directory_document(), signer)
    found = dirdoc.verify(signed, public)
    assert [n.code for n in found.nodes] == ["330681", "370402"]
    zhuji = found.node("330681")
    assert zhuji is not None and zhuji.endpoint == "https://zj.example.org"
    assert zhuji.offers[0].scope_label == "跨省通办"
    assert zhuji.offers[0].mode_labels == ["多地联办"]
    assert found.agreements[0].in_force(dt.date(2026, 6, 1))
    assert not found.agreements[0].in_force(dt.date(2027, 1, 1))
    with pytest.raises(dirdoc.DirectoryError, match="签名无效"):
        dirdoc.verify(signed, keypair("sender")[1])
    with pytest.raises(dirdoc.DirectoryError, match="未签名"):
        dirdoc.verify({"directory": signed["directory"]}, public)
    signed["directory"]["nodes"][1]["endpoint"] = "https://attacker.example.org"
    with pytest.raises(dirdoc.DirectoryError, match="签名无效"):
        dirdoc.verify(signed, public)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"version": 0}, "版本号"),
        ({"nodes": []}, "没有节点"),
        ({"agreements": [{"parties": ["330681", "999999"], "items": [{"item_code": "x", "name": "y"}]}]}, "协议"),
    ],
)
def test_a_directory_that_does_not_hold_is_refused_whole(changes, reason):
    with pytest.raises(dirdoc.DirectoryError, match=reason):
        dirdoc.sign(directory_document(**changes), keypair("directory")[0])


def test_offers_name_only_known_scopes_and_modes():
    document = directory_document()
    document["nodes"][0]["offers"][0]["modes"] = ["teleport"]
    with pytest.raises(dirdoc.DirectoryError, match="办理方式"):
        dirdoc.parse(document)


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (urllib.error.URLError(TimeoutError("timed out")), "连接超时（TimeoutError: timed out）"),
        (TimeoutError("timed out"), "连接超时（TimeoutError: timed out）"),
        (urllib.error.URLError(ConnectionRefusedError(111, "Connection refused")), "连接被拒绝"),
        (urllib.error.URLError(socket.gaierror(-2, "Name or service not known")), "无法解析地址"),
        (RemoteDisconnected("Remote end closed connection without response"), "对端未作应答即断开连接"),
        (OSError("Network is unreachable"), "网络错误（OSError: Network is unreachable）"),
        (ValueError("Expecting value: line 1 column 1"), "对端应答无法读取"),
        (envelope.EnvelopeError("bad_receipt", "签收回执签名无效"), "签收回执签名无效"),
    ],
)
def test_delivery_failures_are_told_in_chinese_with_the_original(error, said):
    told = failures.describe(error)
    assert told.startswith(said) and (told == said or "（" in told)
