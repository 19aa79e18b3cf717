"""One signed licence version: its canonical content, digest, seal and signature."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tongban.core import sm2

from ..domain.canonical import canonical_bytes
from ..domain.seal import Seal
from ..models import Licence, LicenceVersion, SigningKey
from . import keys
from .sequences import next_status_slot


def seal_of(version: LicenceVersion) -> Seal:
    content = version.content
    return Seal(
        bytes.fromhex(version.key.kid),
        version.identifier,
        bytes.fromhex(version.content_digest),
        version.status_list,
        version.status_index,
        dt.date.fromisoformat(content["valid_from"]),
        dt.date.fromisoformat(content["valid_until"]) if content.get("valid_until") else None,
        bytes.fromhex(version.signature),
    )


def signed_version(
    licence: Licence, number: int, identifier: str, content: dict[str, Any], key: SigningKey, reason: str = ""
) -> LicenceVersion:
    """Sign ``content`` (which gets its status slot and identifier here) and keep it as version ``number``."""
    status_list, status_index = next_status_slot()
    content = {**content, "identifier": identifier, "version": number}
    content["status"] = {"list": status_list, "index": status_index}
    digest = sm2.sm3(canonical_bytes(content))
    valid_until = content.get("valid_until")
    seal = Seal(
        bytes.fromhex(key.kid),
        identifier,
        digest,
        status_list,
        status_index,
        dt.date.fromisoformat(content["valid_from"]),
        dt.date.fromisoformat(valid_until) if valid_until else None,
    )
    signature = keys.sign(key, seal.signed_bytes())
    return LicenceVersion.objects.create(
        licence=licence,
        number=number,
        identifier=identifier,
        content=content,
        content_digest=digest.hex(),
        key=key,
        signature=signature.hex(),
        status_list=status_list,
        status_index=status_index,
        change_reason=reason,
    )
