"""What this node offers to the others, for the directory's operator: apps register a provider that lists the
node's cross-region items (item code, name, scope, modes as in domain/directory.py); ``tongban federation
describe-node`` prints this node's entry for the directory input, the cluster launcher collects them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Provider = Callable[[], list[dict[str, Any]]]
_providers: list[Provider] = []


def provider(func: Provider) -> Provider:
    if func not in _providers:
        _providers.append(func)
    return func


def offered() -> list[dict[str, Any]]:
    return [item for func in _providers for item in func()]
