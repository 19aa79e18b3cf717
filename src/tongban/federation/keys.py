"""This node's SM2 key pair and the directory's public key, both kept outside the database (settings)."""

from __future__ import annotations

import contextlib
import functools
import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tongban.core import sm2


def write_private_key(path: Path, private: bytes) -> None:
    """A PEM file readable by its owner only, never overwritten."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        out.write(sm2.private_key_pem(private))


@functools.lru_cache(maxsize=4)
def _load_private(path: str, create: bool) -> bytes:
    file = Path(path)
    if not file.exists():
        if not create:
            raise ImproperlyConfigured(f"节点签名私钥 {path} 不存在（TONGBAN_NODE_KEY_FILE）")
        private, _ = sm2.generate_keypair()
        with contextlib.suppress(FileExistsError):  # another process of this node made it first
            write_private_key(file, private)
    return sm2.private_key_from_pem(file.read_text(encoding="ascii"))


def node_private_key() -> bytes:
    """Made on first use in demo and test installations; a production node must be given its key."""
    return _load_private(str(settings.TONGBAN_NODE_KEY_FILE), not settings.PRODUCTION)


def node_public_key() -> bytes:
    return sm2.public_key_of(node_private_key())


def read_public_key(value: str) -> bytes:
    """A PEM given inline or as the path of a PEM file."""
    text = value if value.lstrip().startswith("-----BEGIN") else Path(value).read_text(encoding="ascii")
    return sm2.public_key_from_pem(text)


def directory_public_key() -> bytes | None:
    value = settings.TONGBAN_FEDERATION_DIRECTORY_KEY
    return read_public_key(value) if value else None
