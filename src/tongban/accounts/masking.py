"""Masking of personal identifiers for lists and profile pages (pure; no Django).

Only the ends stay readable, enough for a person to recognise their own number or a clerk to tell two records
apart, never enough to reconstruct the number: 3304**********0071, 138****5678, 9111**********341L.
"""

from __future__ import annotations

MASK_CHAR = "*"


def mask_middle(value: str | None, keep_start: int, keep_end: int) -> str:
    """Replace all but the first ``keep_start`` and last ``keep_end`` characters with ``*``.

    A value too short to keep both ends and still hide something is masked entirely, so a short or
    malformed number never leaks whole.
    """
    v = (value or "").strip()
    if not v:
        return ""
    if len(v) <= keep_start + keep_end:
        return MASK_CHAR * len(v)
    return v[:keep_start] + MASK_CHAR * (len(v) - keep_start - keep_end) + v[len(v) - keep_end :]


def mask_resident_id(value: str | None) -> str:
    """330481199001010071 → 3304**********0071 (birth date and order code hidden)."""
    return mask_middle(value, 4, 4)


def mask_phone(value: str | None) -> str:
    """13812345678 → 138****5678."""
    return mask_middle(value, 3, 4)


def mask_uscc(value: str | None) -> str:
    """91110000600037341L → 9111**********341L."""
    return mask_middle(value, 4, 4)


def mask_name(value: str | None) -> str:
    """张三 → 张*, 欧阳小明 → 欧***; a one-character value is kept (nothing to hide behind)."""
    v = (value or "").strip()
    if len(v) <= 1:
        return v
    return v[0] + MASK_CHAR * (len(v) - 1)
