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
    """GB/T 32918.2 §7: t = r + s, (x1, y1) = s·G + t·P, valid when r = e + x1 (mod n). Verification handles
    public data only, so it runs here in Jacobian coordinates (one inversion instead of one per addition,
    about 5× gmalg's); tests/test_sm2.py holds it to gmalg and OpenSSL."""
    if len(signature) != SIGNATURE_SIZE:
        return False
    try:
        check_public_key(public)
    except SignatureError:
        return False
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    if not (0 < r < _N and 0 < s < _N):
        return False
    t = (r + s) % _N
    if t == 0:
        return False
    e = int.from_bytes(sm3(_za(public) + message), "big")
    point = (int.from_bytes(public[1:33], "big"), int.from_bytes(public[33:], "big"))
    x1 = _shamir(s, t, point)
    return x1 is not None and (e + x1) % _N == r


# The recommended curve (GB/T 32918.5): y² = x³ + ax + b over F_p, a = p − 3, base point G of order n.
_P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
_A = _P - 3
_B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
_N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
_G = (
    0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7,
    0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0,
)
_Jacobian = tuple[int, int, int] | None


def _za(public: bytes) -> bytes:
    """Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A)."""
    curve = b"".join(v.to_bytes(32, "big") for v in (_A, _B, *_G))
    return sm3((len(USER_ID) * 8).to_bytes(2, "big") + USER_ID + curve + public[1:])


def _double(q: _Jacobian) -> _Jacobian:
    if q is None or q[1] == 0:
        return None
    x, y, z = q
    delta, gamma = z * z % _P, y * y % _P
    beta = x * gamma % _P
    alpha = 3 * (x - delta) * (x + delta) % _P  # a = −3
    x3 = (alpha * alpha - 8 * beta) % _P
    z3 = ((y + z) ** 2 - gamma - delta) % _P
    y3 = (alpha * (4 * beta - x3) - 8 * gamma * gamma) % _P
    return x3, y3, z3


def _add_affine(q: _Jacobian, x2: int, y2: int) -> _Jacobian:
    if q is None:
        return x2, y2, 1
    x1, y1, z1 = q
    zz = z1 * z1 % _P
    h = (x2 * zz - x1) % _P
    rr = 2 * (y2 * z1 * zz - y1) % _P
    if h == 0:
        return _double(q) if rr == 0 else None
    hh = h * h % _P
    i = 4 * hh % _P
    j = h * i % _P
    v = x1 * i % _P
    x3 = (rr * rr - j - 2 * v) % _P
    y3 = (rr * (v - x3) - 2 * y1 * j) % _P
    z3 = ((z1 + h) ** 2 - zz - hh) % _P
    return x3, y3, z3


def _affine_x(q: _Jacobian) -> int | None:
    if q is None:
        return None
    z_inv = pow(q[2], -1, _P)
    return q[0] * z_inv * z_inv % _P


def _to_affine(q: _Jacobian) -> tuple[int, int] | None:
    if q is None:
        return None
    z_inv = pow(q[2], -1, _P)
    return q[0] * z_inv * z_inv % _P, q[1] * z_inv * z_inv * z_inv % _P


def _shamir(k1: int, k2: int, point: tuple[int, int]) -> int | None:
    """The affine x of k1·G + k2·point (None: the point at infinity), both scalars in one pass."""
    both = _to_affine(_add_affine((*_G, 1), *point))
    acc: _Jacobian = None
    for i in range(max(k1.bit_length(), k2.bit_length()) - 1, -1, -1):
        acc = _double(acc)
        bits = (k1 >> i & 1, k2 >> i & 1)
        if bits == (1, 1):
            if both is None:
                continue  # G + point is the point at infinity
            acc = _add_affine(acc, *both)
        elif bits == (1, 0):
            acc = _add_affine(acc, *_G)
        elif bits == (0, 1):
            acc = _add_affine(acc, *point)
    return _affine_x(acc)


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
