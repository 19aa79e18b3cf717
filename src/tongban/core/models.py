"""Model building blocks every app shares (no tables of its own)."""

from __future__ import annotations

from typing import Any

from django.db import models


class AppendOnlyError(Exception):
    """Raised on an attempt to change or delete a row of an append-only history."""


class AppendOnlyModel(models.Model):
    """A history row: saved once, never changed or deleted (version history, case events, audit entries …)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and type(self)._default_manager.filter(pk=self.pk).exists():
            raise AppendOnlyError("历史记录只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any):
        raise AppendOnlyError("历史记录只能追加，不能删除。")
