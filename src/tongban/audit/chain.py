"""Hash chaining of audit entries (pure; no Django).

Each entry's hash covers its own canonical content and the previous entry's hash, so changing, removing or
reordering any entry breaks every hash after it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

GENESIS = "0" * 64


def canonical(fields: Mapping[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def entry_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    return hashlib.sha256((prev_hash + "\n" + canonical(fields)).encode("utf-8")).hexdigest()


def first_broken(entries: Iterable[tuple[int, str, str, Mapping[str, Any]]]) -> int | None:
    """Entries as (id, prev_hash, hash, fields) in chain order. Returns the id of the first bad one, or None."""
    expected_prev = GENESIS
    for entry_id, prev_hash, stored_hash, fields in entries:
        if prev_hash != expected_prev or entry_hash(prev_hash, fields) != stored_hash:
            return entry_id
        expected_prev = stored_hash
    return None
