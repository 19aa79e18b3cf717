"""Correcting the application form during 补正 (pure; no Django).

The office names the form fields to correct beside the materials (one complete list, 一次告知); the applicant
then changes those fields and no others. Each change is recorded on the event as field, label, before and after.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: Any
    after: Any

    def as_data(self) -> dict[str, Any]:
        return {"field": self.field, "label": self.label, "before": self.before, "after": self.after}


class NotNamed(ValueError):
    """A field the correction list did not name: the applicant may not change it now."""

    def __init__(self, fields: Sequence[str]):
        self.fields = tuple(fields)
        super().__init__("、".join(fields))


def labels_of(schema: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    return {str(f["key"]): str(f.get("label") or f["key"]) for f in schema if isinstance(f, Mapping) and f.get("key")}


def list_item(label: str) -> str:
    """How a named field appears in the one complete list (and on the notice)."""
    return f"申请表“{label}”栏需更正"


def with_field_items(items: Sequence[str], fields: Sequence[str], labels: Mapping[str, str]) -> list[str]:
    """The correction list with each named field as an item of its own (once)."""
    out = list(items)
    for key in fields:
        item = list_item(labels.get(key, key))
        if item not in out:
            out.append(item)
    return out


def unknown_fields(fields: Iterable[str], labels: Mapping[str, str]) -> list[str]:
    return [f for f in fields if f not in labels]


def changes(
    named: Sequence[str], labels: Mapping[str, str], before: Mapping[str, Any], submitted: Mapping[str, Any]
) -> list[FieldChange]:
    """What the applicant changed among the named fields; NotNamed for any other field they tried to change."""
    changed = {k: v for k, v in submitted.items() if before.get(k) != v}
    stray = [k for k in changed if k not in named]
    if stray:
        raise NotNamed(stray)
    return [FieldChange(k, labels.get(k, k), before.get(k), changed[k]) for k in named if k in changed]
