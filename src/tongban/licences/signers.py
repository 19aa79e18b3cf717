"""Where signing keys live: the software backend (SM2 in process, private keys encrypted at rest) by default,
or a hardware security module (密码机, HSM) through a plugin. A deployment names its backend in
TONGBAN_LICENCE_SIGNER; each plugin lives in contrib/<name>/backend.py and registers itself here, as couriers
do (delivery/registry.py). Whatever the backend, signatures are SM2 with SM3 and the default user ID, and
the platform keeps the public key and the key id.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class NewKey:
    public_key: bytes  # 04 ‖ x ‖ y
    private_key_encrypted: str = ""  # software keys: encrypted (keystore.py)
    key_ref: str = ""  # hardware keys: the module's handle


class KeyBackend(Protocol):
    name: str

    def generate(self, kid_of: Callable[[bytes], str]) -> NewKey:
        """Make a new SM2 key pair; ``kid_of`` gives the key id of a public key (for binding at rest)."""

    def sign(self, kid: str, private_key_encrypted: str, key_ref: str, message: bytes) -> bytes:
        """r ‖ s over ``message`` with the key."""


class UnknownSigner(RuntimeError):
    pass


_registry: dict[str, type] = {}
_NAME = re.compile(r"[a-z][a-z0-9_]*")


def register(name: str) -> Callable[[type], type]:
    def wrap(cls: type) -> type:
        _registry[name] = cls
        return cls

    return wrap


def backend_name() -> str:
    from django.conf import settings

    return getattr(settings, "TONGBAN_LICENCE_SIGNER", "") or "software"


def get_backend(name: str | None = None) -> KeyBackend:
    name = name or backend_name()
    if name not in _registry:
        if not _NAME.fullmatch(name):
            raise UnknownSigner(f"签名方式名称“{name}”无效，请检查 TONGBAN_LICENCE_SIGNER 配置")
        module = f"tongban.licences.contrib.{name}"
        try:
            importlib.import_module(f"{module}.backend")
        except ModuleNotFoundError as exc:
            if exc.name not in (module, f"{module}.backend"):
                raise
            raise UnknownSigner(f"未找到签名方式“{name}”，请检查 TONGBAN_LICENCE_SIGNER 配置") from exc
        if name not in _registry:
            raise UnknownSigner(f"签名方式“{name}”未注册")
    return _registry[name]()
