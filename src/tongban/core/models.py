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


class RateCounter(models.Model):
    """One rate limit's count for one key (an address, an address and a purpose) until ``expires``.

    In the database, so every web process counts the same requests (a per-process cache would let each of N
    workers allow the limit again). Written by one statement of SQL (core/ratelimit.py).
    """

    key = models.CharField("键", max_length=200, unique=True)
    count = models.PositiveIntegerField("次数", default=0)
    expires = models.FloatField("窗口结束（Unix 时间）")

    class Meta:
        verbose_name = "访问频率计数"
        verbose_name_plural = "访问频率计数"

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
