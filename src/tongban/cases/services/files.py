"""Uploaded files of cases and bundle cases: stored before the row that names them, removed again if that row
never commits, and a replaced file deleted once its replacement commits (docs/adr/0010-safe-inputs.md)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from ..models import BundleMaterial, CaseMaterial
from .perform import Outcome

Material = CaseMaterial | BundleMaterial


def file_facts(material: Material) -> dict[str, Any]:
    """What the record keeps of a stored file (its content stays only as long as it is current)."""
    uploaded = material.uploaded_at
    return {
        "sha256": material.sha256,
        "size": material.size,
        "content_type": material.content_type,
        "uploaded_at": uploaded.isoformat() if uploaded else None,
    }


def discard_after_commit(name: str) -> None:
    """Delete a replaced file from storage once the replacement commits (never if it rolls back), unless
    another row still points at it (a bundle's item shares its bundle's upload)."""
    if not name:
        return

    def discard() -> None:
        if CaseMaterial.objects.filter(file=name).exists() or BundleMaterial.objects.filter(file=name).exists():
            return
        default_storage.delete(name)

    transaction.on_commit(discard)


def put_in_place(material: Material, previous: Iterable[Material], name: str) -> Outcome:
    """Save ``material`` instead of ``previous`` (its rows deleted, its files after commit); the event's and
    the audit entry's record of it: the new file and, for a replacement, the old files' hashes."""
    replaced_rows = list(previous)
    type(material)._default_manager.filter(pk__in=[p.pk for p in replaced_rows]).delete()
    material.save()
    for old in replaced_rows:
        discard_after_commit(old.file.name)
    record: dict[str, Any] = {"material": name, "file": file_facts(material)}
    replaced = [file_facts(old) for old in replaced_rows if old.sha256]
    if replaced:
        record["replaced"] = replaced
    return Outcome(reason=f"{'更换' if replaced else '上传'}“{name}”", data=record, audit=record)


def stored_for(material: Material, content: bytes, prefix: str, write: Callable[[], object]) -> None:
    """Store the file, then ``write`` the row; if the write fails, the file goes again (nothing names it)."""
    material.file.save(f"{prefix}-{uuid.uuid4().hex[:8]}", ContentFile(content), save=False)
    try:
        write()
    except BaseException:
        default_storage.delete(material.file.name)
        raise
