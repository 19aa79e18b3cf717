"""SM2 signatures with SM3 (GB/T 32918; domain.md §6), by the maintained pure-Python ``gmalg`` (its SM2 is
checked against the standard's vectors in tests/test_sm2.py). No Django: the offline verifier uses it too.

- The signer's user ID is the standard's default ``1234567812345678`` (OpenSSL's ``distid``).
- A signature is kept and carried as 64 raw bytes (r ‖ s, 32 each, big-endian), converted to and from the
  DER ``SEQUENCE {r, s}`` that OpenSSL writes.
- Keys: the private key as 32 bytes, the public key uncompressed (``04 ‖ x ‖ y``, 65 bytes); PEM in the
  forms OpenSSL 3 reads and writes (PKCS#8 and SubjectPublicKeyInfo with the SM2 curve's OID).
- A key id is the first 8 bytes of SM3 over the uncompressed public key.
"""

from __future__ import annotations

import base64
import functools
import re

import gmalg
from cryptography.hazmat.primitives import hashes

USER_ID = b"1234567812345678"
SIGNATURE_SIZE = 64
KEY_ID_SIZE = 8

_EC_PUBLIC_KEY_OID = bytes.fromhex("06072a8648ce3d0201")  # 1.2.840.10045.2.1 id-ecPublicKey
_SM2_CURVE_OID = bytes.fromhex("06082a811ccf5501822d")  # 1.2.156.10197.1.301 sm2p256v1
_ALGORITHM = b"\x30" + bytes([len(_EC_PUBLIC_KEY_OID) + len(_SM2_CURVE_OID)]) + _EC_PUBLIC_KEY_OID + _SM2_CURVE_OID


class SignatureError(ValueError):
    """A key or signature that cannot be used (malformed, off the curve)."""


def sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def generate_keypair() -> tuple[bytes, bytes]:
    """A new (private key, public key) from the operating system's CSPRNG (gmalg uses ``secrets``)."""
    private, public = gmalg.SM2().generate_keypair()
    private = private.rjust(32, b"\0")
    return private, public_key_of(private) if public[0] != 4 else public


def public_key_of(private: bytes) -> bytes:
    return gmalg.SM2().generate_pk(private)


def key_id(public: bytes) -> bytes:
    return sm3(public)[:KEY_ID_SIZE]


@functools.lru_cache(maxsize=4096)
def _valid_point(public: bytes) -> bool:
    """On the curve and of the group's order: a whole scalar multiplication (~60 ms in pure Python), done once
    per key and process, not on every check that reads the key list."""
    return bool(gmalg.SM2().verify_pk(public))


def check_public_key(public: bytes) -> None:
    if len(public) != 65 or public[0] != 4:
        raise SignatureError("SM2 公钥应为65字节的未压缩点（04 开头）")
    try:
        valid = _valid_point(public)
    except Exception as exc:  # gmalg raises its own errors for points it cannot parse
        raise SignatureError("SM2 公钥无效") from exc
    if not valid:
        raise SignatureError("SM2 公钥不在曲线上")


def sign(private: bytes, message: bytes, public: bytes | None = None) -> bytes:
    """r ‖ s over SM3(Z_A ‖ message), Z_A from the default user ID and the public key (computed from the
    private key when not given: never a Z_A without the signer's public key)."""
    signer = gmalg.SM2(private, USER_ID, public or public_key_of(private))
    r, s = signer.sign(message)
    return r.rjust(32, b"\0") + s.rjust(32, b"\0")


def verify(public: bytes, message: bytes, signature: bytes) -> bool:
    if len(signature) != SIGNATURE_SIZE:
        return False
    try:
        return bool(gmalg.SM2(None, USER_ID, public).verify(message, signature[:32], signature[32:]))
    except Exception:  # a malformed key or point: not a valid signature
        return False


# ---- DER and PEM, for OpenSSL and anyone else ------------------------------------------------------------


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _tlv(tag: int, body: bytes) -> bytes:
    return bytes([tag]) + _length(len(body)) + body


def _der_int(value: bytes) -> bytes:
    body = value.lstrip(b"\0") or b"\0"
    if body[0] & 0x80:
        body = b"\0" + body
    return _tlv(0x02, body)


def _read(data: bytes, pos: int, tag: int) -> tuple[bytes, int]:
    if pos + 2 > len(data) or data[pos] != tag:
        raise SignatureError("DER 编码无效")
    length, pos = data[pos + 1], pos + 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 2 or pos + count > len(data):
            raise SignatureError("DER 编码无效")
        length, pos = int.from_bytes(data[pos : pos + count], "big"), pos + count
    if pos + length > len(data):
        raise SignatureError("DER 编码无效")
    return data[pos : pos + length], pos + length


def signature_to_der(signature: bytes) -> bytes:
    return _tlv(0x30, _der_int(signature[:32]) + _der_int(signature[32:]))


def signature_from_der(der: bytes) -> bytes:
    body, end = _read(der, 0, 0x30)
    if end != len(der):
        raise SignatureError("DER 签名后有多余数据")
    r, pos = _read(body, 0, 0x02)
    s, pos = _read(body, pos, 0x02)
    if pos != len(body):
        raise SignatureError("DER 签名格式无效")
    r, s = r.lstrip(b"\0"), s.lstrip(b"\0")
    if len(r) > 32 or len(s) > 32:
        raise SignatureError("SM2 签名的 r 或 s 过长")
    return r.rjust(32, b"\0") + s.rjust(32, b"\0")


def _pem(label: str, der: bytes) -> str:
    text = base64.b64encode(der).decode("ascii")
    lines = "\n".join(text[i : i + 64] for i in range(0, len(text), 64))
    return f"-----BEGIN {label}-----\n{lines}\n-----END {label}-----\n"


def _unpem(label: str, pem: str) -> bytes:
    match = re.search(rf"-----BEGIN {label}-----(.*?)-----END {label}-----", pem, re.S)
    if not match:
        raise SignatureError(f"不是 {label} PEM")
    return base64.b64decode("".join(match.group(1).split()))


def public_key_pem(public: bytes) -> str:
    return _pem("PUBLIC KEY", _tlv(0x30, _ALGORITHM + _tlv(0x03, b"\0" + public)))


def public_key_from_pem(pem: str) -> bytes:
    der = _unpem("PUBLIC KEY", pem)
    body, _ = _read(der, 0, 0x30)
    algorithm, pos = _read(body, 0, 0x30)
    if _tlv(0x30, algorithm) != _ALGORITHM:
        raise SignatureError("不是 SM2 公钥")
    bits, _ = _read(body, pos, 0x03)
    public = bits[1:]
    check_public_key(public)
    return public


def private_key_pem(private: bytes) -> str:
    """PKCS#8 (``PRIVATE KEY``) as ``openssl genpkey -algorithm SM2`` writes it; for tests and key export."""
    public = public_key_of(private)
    ec_key = _tlv(0x30, _tlv(0x02, b"\1") + _tlv(0x04, private) + _tlv(0xA1, _tlv(0x03, b"\0" + public)))
    return _pem("PRIVATE KEY", _tlv(0x30, _tlv(0x02, b"\0") + _ALGORITHM + _tlv(0x04, ec_key)))


def private_key_from_pem(pem: str) -> bytes:
    der = _unpem("PRIVATE KEY", pem)
    body, _ = _read(der, 0, 0x30)
    _, pos = _read(body, 0, 0x02)
    algorithm, pos = _read(body, pos, 0x30)
    if _tlv(0x30, algorithm) != _ALGORITHM:
        raise SignatureError("不是 SM2 私钥")
    octets, _ = _read(body, pos, 0x04)
    ec_key, _ = _read(octets, 0, 0x30)
    _, inner = _read(ec_key, 0, 0x02)
    private, _ = _read(ec_key, inner, 0x04)
    return private.rjust(32, b"\0")
