"""Private keys at rest: SM4-GCM (by ``cryptography``, i.e. OpenSSL) under a key derived (HKDF-SM3) from a
secret in the environment, TONGBAN_LICENCE_KEY_SECRET, never in the database. Several secrets may be given,
comma-separated: the first encrypts, the others still decrypt (rotation). The key id is bound to the
ciphertext as associated data, so an encrypted key copied onto another key's row does not decrypt.

Stored form: ``sm4gcm:<secret fingerprint>:<nonce>:<ciphertext and tag>`` (hex, hex, base64, base64).
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from tongban.core.sm2 import sm3

SCHEME = "sm4gcm"


class KeyStoreError(RuntimeError):
    pass


def _derive(secret: str) -> bytes:
    return HKDF(algorithm=hashes.SM3(), length=16, salt=None, info=b"tongban licence signing keys").derive(
        secret.encode("utf-8")
    )


def _secrets() -> list[bytes]:
    values = list(getattr(settings, "TONGBAN_LICENCE_KEY_SECRETS", []) or [])
    if not values:
        raise KeyStoreError("未配置 TONGBAN_LICENCE_KEY_SECRET：无法加密或解密证照签名私钥")
    return [_derive(v) for v in values]


def _fingerprint(key: bytes) -> str:
    return sm3(b"fingerprint" + key)[:4].hex()


def encrypt(private: bytes, kid: str) -> str:
    key = _secrets()[0]
    nonce = os.urandom(12)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(kid.encode("ascii"))
    sealed = encryptor.update(private) + encryptor.finalize() + encryptor.tag
    b64 = base64.b64encode
    return f"{SCHEME}:{_fingerprint(key)}:{b64(nonce).decode()}:{b64(sealed).decode()}"


def decrypt(stored: str, kid: str) -> bytes:
    try:
        scheme, fingerprint, nonce_text, sealed_text = stored.split(":")
    except ValueError as exc:
        raise KeyStoreError("加密私钥格式无效") from exc
    if scheme != SCHEME:
        raise KeyStoreError(f"不支持的私钥加密方式：{scheme}")
    key = next((k for k in _secrets() if _fingerprint(k) == fingerprint), None)
    if key is None:
        raise KeyStoreError("加密该私钥的密钥不在 TONGBAN_LICENCE_KEY_SECRET 中（密钥轮换时请保留旧密钥）")
    nonce, sealed = base64.b64decode(nonce_text), base64.b64decode(sealed_text)
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, sealed[-16:])).decryptor()
    decryptor.authenticate_additional_data(kid.encode("ascii"))
    try:
        return decryptor.update(sealed[:-16]) + decryptor.finalize()
    except InvalidTag as exc:
        raise KeyStoreError("私钥解密失败：密文被改动或不属于该密钥") from exc
