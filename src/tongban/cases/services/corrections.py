"""The form part of a correction (补正 before acceptance, 退回补正 during handling): the office names fields of
the application form beside the materials; the applicant's corrected answers to those fields (and no others)
are checked against the form and kept, each change on the event (domain/corrections.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tongban.catalogue.formschema import validate_submission
from tongban.core.errors import DomainError

from ..domain import corrections
from ..facts import version_of
from ..models import Case
from .context import FormInvalid


def name_fields(c: Case, items: list[str], fields: Sequence[str]) -> list[str]:
    """Record the named fields on the case; the list gains one item per field (the notice lists it too)."""
    labels = corrections.labels_of(version_of(c).form_schema)
    unknown = corrections.unknown_fields(fields, labels)
    if unknown:
        raise DomainError("unknown_field", "申请表中没有以下栏目：" + "、".join(unknown), "fields")
    c.correction_fields = list(dict.fromkeys(fields))
    return corrections.with_field_items(items, c.correction_fields, labels)


def correct_form(c: Case, submitted: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Apply the corrected answers to the named fields; the changes as event data. Clears the named fields."""
    named = list(c.correction_fields or [])
    schema = version_of(c).form_schema
    labels = corrections.labels_of(schema)
    try:
        found = corrections.changes(named, labels, c.form_data, dict(submitted or {}))
    except corrections.NotNamed as stray:
        names = "、".join(labels.get(k, k) for k in stray.fields)
        raise DomainError(
            "field_not_named", f"补正只能修改补正通知列明的申请表栏目，不能修改：{names}", stray.fields[0]
        ) from None
    if found:
        merged = {**c.form_data, **{ch.field: ch.after for ch in found}}
        cleaned, errors = validate_submission(schema, merged)
        errors = {k: v for k, v in errors.items() if k in named}  # what the applicant was asked to fix
        if errors:
            raise FormInvalid(errors)
        c.form_data = {**merged, **{k: cleaned[k] for k in named if k in cleaned}}
    c.correction_fields = []
    return [ch.as_data() for ch in found]
