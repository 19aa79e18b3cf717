from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from tongban.core.models import AppendOnlyModel


class AuditEntry(AppendOnlyModel):
    """Every view of personal data and every case transition, chained by hashes (see chain.py)."""

    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField("操作人", max_length=150, blank=True)
    action = models.CharField("操作", max_length=40, db_index=True)
    object_type = models.CharField("对象类型", max_length=40)
    object_id = models.CharField("对象", max_length=120, db_index=True)  # an e-licence identifier is ~75 characters
    detail = models.JSONField("详情", default=dict, blank=True)
    ip = models.CharField("来源地址", max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"

    def chained_fields(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "detail": self.detail,
            "ip": self.ip,
        }


class AuditHead(models.Model):
    """The single row whose lock serialises appends, so the chain never forks under concurrency."""

    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.last_hash


class AuditCheckpoint(AppendOnlyModel):
    """A signed, numbered statement of how far the chain went (chain.py): taken periodically by the worker and
    on demand (``tongban audit checkpoint``); the latest is also written outside the database."""

    number = models.PositiveIntegerField("编号", unique=True)
    at = models.DateTimeField("时间")
    entry_id = models.BigIntegerField("最后一条记录")
    entry_hash = models.CharField("最后一条记录的哈希", max_length=64)
    count = models.PositiveBigIntegerField("记录条数")
    prev_signature = models.CharField("上一检查点签名", max_length=64, blank=True)
    key_id = models.CharField("签名密钥标识", max_length=16)
    signature = models.CharField("签名", max_length=64)

    class Meta:
        verbose_name = "审计检查点"
        verbose_name_plural = "审计检查点"
        ordering = ["number"]

    def __str__(self) -> str:
        return f"第{self.number}号检查点（至第{self.entry_id}条记录）"
