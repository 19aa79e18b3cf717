"""Time-stamping adapters (时间戳服务). The directory names the authorities the federation trusts, each with
its protocol; a plugin per protocol lives in its own folder under contrib/<protocol>/ and registers here.

An adapter has one job: given a digest, obtain the authority's signed token for it. What a node then does
with the token (check it against the directory's key, bind it to a batch of its message log) is the
services' business, the same for every protocol. A GB/T 20520 / RFC 3161 authority would be one more
plugin under the same interface.
"""

from __future__ import annotations

import importlib
import re
from typing import Protocol

from .domain.directory import TimeStampAuthority

_NAME = re.compile(r"[a-z0-9_-]{1,40}")


class TimeStampUnavailable(Exception):
    """The authority could not be reached or refused the request; the batch waits for the next run."""


class TimeStamper(Protocol):
    def stamp(self, digest: str, *, requester: str) -> tuple[dict, str]:
        """The authority's token for ``digest`` and its signature (hex)."""
        ...


_registry: dict[str, type] = {}


def register(protocol: str):
    def wrap(cls: type) -> type:
        _registry[protocol] = cls
        return cls

    return wrap


def stamper_for(authority: TimeStampAuthority) -> TimeStamper:
    protocol = authority.protocol
    if protocol not in _registry:
        if not _NAME.fullmatch(protocol):
            raise TimeStampUnavailable(f"时间戳协议“{protocol}”无效")
        try:
            importlib.import_module(f"{__package__}.contrib.{protocol.replace('-', '_')}.client")
        except ModuleNotFoundError as exc:
            raise TimeStampUnavailable(f"本节点不支持时间戳协议“{protocol}”") from exc
    return _registry[protocol](authority)  # type: ignore[no-any-return]
