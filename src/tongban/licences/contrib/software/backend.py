"""The software backend: SM2 in this process (gmalg), the private key stored encrypted (keystore.py)."""

from __future__ import annotations

from collections.abc import Callable

from tongban.core import sm2

from ... import keystore
from ...signers import NewKey, register


@register("software")
class SoftwareBackend:
    name = "software"

    def generate(self, kid_of: Callable[[bytes], str]) -> NewKey:
        private, public = sm2.generate_keypair()
        return NewKey(public, keystore.encrypt(private, kid_of(public)))

    def sign(self, kid: str, private_key_encrypted: str, key_ref: str, message: bytes) -> bytes:
        private = keystore.decrypt(private_key_encrypted, kid)
        return sm2.sign(private, message)
