from __future__ import annotations

from django.db import models


class OutboxMessage(models.Model):
    """What the local notifier "sends": kept so people can read every notice in the admin."""

    recipient_phone = models.CharField("手机号码", max_length=20)
    recipient_name = models.CharField("收件人", max_length=100)
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    case_number = models.CharField("办件编号", max_length=32, blank=True, db_index=True)
    kind = models.CharField("类型", max_length=30, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "通知发件箱"
        verbose_name_plural = "通知发件箱"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject
