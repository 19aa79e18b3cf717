"""Process-local caches, registered here so that tests (and an operator's shell) can forget them all at once.

Each cache keeps something the platform reads on every request but that changes rarely or never: a published
guide version (immutable once published), an API token's owner for a few seconds. A test rolls its rows back
and primary keys are reused, so the test set-up forgets every cache before each test.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_forgetters: list[Callable[[], None]] = []


def register(forget: Callable[[], None]) -> Callable[[], None]:
    _forgetters.append(forget)
    return forget


def forget_all() -> None:
    for forget in _forgetters:
        forget()


def keyed(store: dict[Any, Any]) -> dict[Any, Any]:
    """A plain dict cache, forgotten with the others."""
    register(store.clear)
    return store
