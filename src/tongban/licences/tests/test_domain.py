"""The seal, the status lists, the state table, the policy and the offline verdict (pure, fast)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongban.core import sm2
from tongban.core.actor import SYSTEM, AccountKind, Actor, Role

from ..domain import policy, statuslist
from ..domain.canonical import canonical_bytes
from ..domain.seal import Seal, SealError, from_bytes, qr_text, read
from ..domain.verdict import Outcome, decide, read_keys
from ..domain.workflow import LicenceAction, LicenceStatus, guard

A, S = LicenceAction, LicenceStatus
IDENTIFIER = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U"
TODAY = dt.date(2026, 6, 1)
PRIVATE, PUBLIC = sm2.generate_keypair()
STATUS_PRIVATE, STATUS_PUBLIC = sm2.generate_keypair()


def key_list(issuer_code: str = "11430000006122244L") -> dict:
    return {
        "type": "TongbanLicenceKeys",
        "keys": [
            {"kid": sm2.key_id(PUBLIC).hex(), "purpose": "licence", "body": "某局", "body_code": issuer_code,
             "public_key": PUBLIC.hex(), "valid_from": "2020-01-01", "valid_until": None},
            {"kid": sm2.key_id(STATUS_PUBLIC).hex(), "purpose": "status", "body": "平台", "body_code": "",
             "public_key": STATUS_PUBLIC.hex(), "valid_from": "2020-01-01", "valid_until": None},
        ],
    }  # fmt: skip


def seal(**overrides) -> Seal:
    fields: dict[str, Any] = {
        "key_id": sm2.key_id(PUBLIC),
        "identifier": IDENTIFIER,
        "content_digest": sm2.sm3(canonical_bytes({"a": 1})),
        "status_list": 1,
        "status_index": 4242,
        "valid_from": dt.date(2026, 1, 1),
        "valid_until": dt.date(2035, 12, 31),
    }
    fields.update(overrides)
    unsigned = Seal(**fields)
    return Seal(**fields, signature=sm2.sign(PRIVATE, unsigned.signed_bytes()))


def status_document(revoked=(), suspended=(), superseded=(), number: int = 1, private: bytes = STATUS_PRIVATE) -> dict:
    lists = {p: statuslist.Bitstring() for p in statuslist.PURPOSES}
    for purpose, indexes in (("revocation", revoked), ("suspension", suspended), ("supersession", superseded)):
        for i in indexes:
            lists[purpose].set(i)
    public = sm2.public_key_of(private)
    document = statuslist.unsigned_document(
        number, "2026-05-31T00:00:00+08:00", "2026-06-02T00:00:00+08:00", sm2.key_id(public).hex(), lists
    )
    document["signature"] = sm2.sign(private, canonical_bytes(document)).hex()
    return document


def test_the_seal_round_trips_and_fits_one_qr_code():
    s = seal()
    assert from_bytes(s.to_bytes()) == s
    assert len(s.to_bytes()) == 174 and len(s.code()) == 279
    text = qr_text("https://zwfw.example.gov.cn", s)
    assert read(text) == s and read(s.code()) == s and read(s.code().lower()) == s


def test_a_valid_seal_is_valid():
    verdict = decide(seal().code(), read_keys(key_list()), [status_document()], TODAY)
    assert verdict.outcome is Outcome.VALID and verdict.status_checked and verdict.exit_code == 0


@settings(max_examples=60)
@given(st.data())
def test_any_changed_byte_of_the_seal_is_refused(data):
    raw = bytearray(seal().to_bytes())
    position = data.draw(st.integers(0, len(raw) - 1))
    raw[position] ^= data.draw(st.integers(1, 255))
    try:
        changed = from_bytes(bytes(raw))
    except SealError:
        return  # not even readable: refused
    from ..domain import base32

    verdict = decide(base32.encode(changed.to_bytes()), read_keys(key_list()), [status_document()], TODAY)
    assert verdict.outcome is Outcome.FORGED


def test_a_cut_or_foreign_code_is_forged():
    keys = read_keys(key_list())
    assert decide(seal().code()[:-3], keys, [], TODAY).outcome is Outcome.FORGED
    assert decide("HELLO", keys, [], TODAY).outcome is Outcome.FORGED
    other_private, other_public = sm2.generate_keypair()
    stranger = Seal(sm2.key_id(other_public), IDENTIFIER, b"\0" * 32, 1, 1, dt.date(2026, 1, 1), None)
    stranger = Seal(**{**stranger.__dict__, "signature": sm2.sign(other_private, stranger.signed_bytes())})
    assert decide(stranger.code(), keys, [], TODAY).outcome is Outcome.FORGED


def test_a_key_of_another_body_cannot_sign_for_this_issuer():
    verdict = decide(seal().code(), read_keys(key_list("91110000600037341L")), [], TODAY)
    assert verdict.outcome is Outcome.FORGED and "颁发机构" in verdict.reasons[0]


def test_content_must_hash_to_the_signed_digest():
    keys = read_keys(key_list())
    assert decide(seal().code(), keys, [], TODAY, content={"a": 1}).outcome is Outcome.VALID
    assert decide(seal().code(), keys, [], TODAY, content={"a": 2}).outcome is Outcome.FORGED


@pytest.mark.parametrize(
    ("document", "outcome"),
    [
        (dict(revoked=[4242]), Outcome.REVOKED),
        (dict(suspended=[4242]), Outcome.SUSPENDED),
        (dict(superseded=[4242]), Outcome.SUPERSEDED),
        (dict(revoked=[4241, 4243]), Outcome.VALID),
    ],
)
def test_the_status_list_decides(document, outcome):
    assert decide(seal().code(), read_keys(key_list()), [status_document(**document)], TODAY).outcome is outcome


def test_expiry_and_not_yet_valid():
    keys = read_keys(key_list())
    assert decide(seal().code(), keys, [status_document()], dt.date(2036, 1, 1)).outcome is Outcome.EXPIRED
    forever = seal(valid_until=None)
    assert decide(forever.code(), keys, [status_document()], dt.date(2099, 1, 1)).outcome is Outcome.VALID
    assert decide(seal().code(), keys, [status_document()], dt.date(2025, 1, 1)).outcome is Outcome.NOT_YET_VALID


def test_a_forged_or_foreign_status_list_is_not_believed():
    keys = read_keys(key_list())
    forged = status_document(revoked=[4242])
    forged["lists"]["revocation"] = status_document()["lists"]["revocation"]  # bits changed after signing
    verdict = decide(seal().code(), keys, [forged], TODAY)
    assert verdict.outcome is Outcome.VALID and not verdict.status_checked
    assert any("签名无效" in r for r in verdict.reasons)
    stranger = status_document(revoked=[4242], private=sm2.generate_keypair()[0])
    assert not decide(seal().code(), keys, [stranger], TODAY).status_checked


def test_bitstrings_compress_and_respect_the_size():
    bits = statuslist.Bitstring()
    bits.set(0)
    bits.set(131_071)
    encoded = bits.encode()
    assert encoded.startswith("u") and len(encoded) < 400  # 16 KiB of zeros compress to a few hundred bytes
    back = statuslist.Bitstring.decode(encoded)
    assert back.get(0) and back.get(131_071) and not back.get(1)
    assert statuslist.SIZE >= 131_072


def test_allocation_visits_every_index_once():
    seen = {statuslist.allocation_index(i, 4096) for i in range(4096)}
    assert seen == set(range(4096))
    assert abs(statuslist.allocation_index(1) - statuslist.allocation_index(0)) > 1000


# ---- the state table and the policy ---------------------------------------------------------------------

HEAD = Actor(user_id=1, kind=AccountKind.STAFF, role=Role.DEPARTMENT_HEAD, department_id=7)
APPROVER = Actor(user_id=2, kind=AccountKind.STAFF, role=Role.APPROVER, department_id=7)
OTHER_APPROVER = Actor(user_id=3, kind=AccountKind.STAFF, role=Role.APPROVER, department_id=8)
CLERK = Actor(user_id=4, kind=AccountKind.STAFF, role=Role.WINDOW_CLERK, department_id=None)
CITIZEN = Actor(user_id=5, kind=AccountKind.CITIZEN)


def facts(status: LicenceStatus = S.VALID, **more) -> policy.LicenceFacts:
    return policy.LicenceFacts(status=status, issuer_department_id=7, **more)


def code_of(refusal: Any) -> str:
    assert refusal is not None
    return str(refusal.code)


def status_of(denied: Any) -> int:
    assert denied is not None
    return int(denied.status)


def test_transitions_and_guards():
    assert guard(S.VALID, A.REVOKE, reason="违法") is None
    assert code_of(guard(S.REVOKED, A.RESUME, reason="x")) == "bad_transition"
    assert code_of(guard(S.VALID, A.REVOKE)) == "reason_required"
    assert code_of(guard(S.VALID, A.EXPIRE, valid_until=TODAY, today=TODAY)) == "not_expired"
    assert guard(S.VALID, A.EXPIRE, valid_until=TODAY - dt.timedelta(days=1), today=TODAY) is None
    assert code_of(guard(S.VALID, A.EXPIRE, valid_until=None, today=TODAY)) == "not_expired"  # 长期
    assert code_of(guard(S.VALID, A.CHANGE, reason="x", changes={})) == "nothing_changed"
    assert code_of(guard(S.SUSPENDED, A.CHANGE, reason="x", changes={"a": "b"})) == "bad_transition"


def test_who_may_do_what():
    assert policy.actions(HEAD, facts()) == [A.CHANGE, A.ANNOTATE, A.SUSPEND, A.CANCEL, A.REVOKE, A.ANNUL]
    assert A.REVOKE not in policy.actions(APPROVER, facts())
    assert policy.actions(APPROVER, facts(S.SUSPENDED)) == [A.ANNOTATE, A.RESUME, A.CANCEL]
    assert status_of(policy.denial(OTHER_APPROVER, facts(), A.SUSPEND, reason="x")) == 404
    assert status_of(policy.denial(OTHER_APPROVER, facts(case_visible=True), A.SUSPEND, reason="x")) == 403
    assert status_of(policy.denial(CITIZEN, facts(), A.SUSPEND, reason="丢失")) == 404
    assert policy.denial(CITIZEN, facts(is_holder=True), A.SUSPEND, reason="丢失") is None
    assert status_of(policy.denial(CITIZEN, facts(is_holder=True), A.REVOKE, reason="x")) == 403
    assert status_of(policy.denial(APPROVER, facts(), A.REVOKE, reason="x")) == 403
    assert status_of(policy.denial(HEAD, facts(S.REVOKED), A.REVOKE, reason="x")) == 409
    assert policy.denial(SYSTEM, facts(), A.EXPIRE, valid_until=TODAY - dt.timedelta(days=1), today=TODAY) is None
    assert not policy.may_view(CLERK, facts()) and policy.may_view(CLERK, facts(case_visible=True))
    assert not policy.may_view(Actor(), facts(is_holder=True))  # signed out: never
