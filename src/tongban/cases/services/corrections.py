"""The form part of a correction (补正 before acceptance, 退回补正 during handling): the office names fields of
the application form beside the materials; the applicant's corrected answers to those fields (and no others)
are checked against the form and kept, each change on the event (domain/corrections.py). A case's form is its
guide's; a bundle case's is the one merged form of its items."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tongban.catalogue.formschema import validate_submission
from tongban.core.errors import DomainError

from ..domain import corrections
from ..facts import version_of
from ..models import Case
from .context import FormInvalid


def named(schema: Sequence[Mapping[str, Any]], items: list[str], fields: Sequence[str]) -> tuple[list[str], list[str]]:
    """The named fields (each once) and the correction list with one item per field (the notice lists it too)."""
    labels = corrections.labels_of(schema)
    unknown = corrections.unknown_fields(fields, labels)
    if unknown:
        raise DomainError("unknown_field", "申请表中没有以下栏目：" + "、".join(unknown), "fields")
    keys = list(dict.fromkeys(fields))
    return keys, corrections.with_field_items(items, keys, labels)


def name_fields(c: Case, items: list[str], fields: Sequence[str]) -> list[str]:
    """Record the named fields on the case; the correction list with an item per field."""
    c.correction_fields, listed = named(version_of(c).form_schema, items, fields)
    return listed


def corrected(
    schema: Sequence[Mapping[str, Any]],
    data: Mapping[str, Any],
    fields: Sequence[str],
    submitted: Mapping[str, Any] | None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The form's answers with the corrected ones to the named ``fields``, and the changes as event data.
    Refuses a change to a field the list did not name, and a corrected answer the form does not accept."""
    named_keys = list(fields or [])
    labels = corrections.labels_of(schema)
    try:
        found = corrections.changes(named_keys, labels, data, dict(submitted or {}))
    except corrections.NotNamed as stray:
        names = "、".join(labels.get(k, k) for k in stray.fields)
        raise DomainError(
            "field_not_named", f"补正只能修改补正通知列明的申请表栏目，不能修改：{names}", stray.fields[0]
        ) from None
    if not found:
        return dict(data), []
    merged = {**data, **{ch.field: ch.after for ch in found}}
    cleaned, errors = validate_submission(list(schema), merged)
    errors = {k: v for k, v in errors.items() if k in named_keys}  # what the applicant was asked to fix
    if errors:
        raise FormInvalid(errors)
    return {**merged, **{k: cleaned[k] for k in named_keys if k in cleaned}}, [ch.as_data() for ch in found]


def correct_form(c: Case, submitted: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Apply the corrected answers to the named fields; the changes as event data. Clears the named fields."""
    c.form_data, changed = corrected(version_of(c).form_schema, c.form_data, c.correction_fields, submitted)
    c.correction_fields = []
    return changed
