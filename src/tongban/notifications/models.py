from __future__ import annotations

from django.db import models


class LocalSmsMessage(models.Model):
    """What the local SMS-gateway stand-in "sends": kept so people can read every notice in the admin.

    Like a real gateway given a client reference, it keeps one row per outbox message: a redelivered message
    (the outbox delivers at least once) is counted in ``duplicates`` and not sent again."""

    outbox_id = models.UUIDField("消息编号", unique=True, help_text="发件箱消息编号；重复投递的同一消息只发一次")
    recipient_phone = models.CharField("手机号码", max_length=20)
    recipient_name = models.CharField("收件人", max_length=100)
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    case_number = models.CharField("办件编号", max_length=32, blank=True, db_index=True)
    kind = models.CharField("类型", max_length=30, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    duplicates = models.PositiveIntegerField("重复投递次数", default=0)

    class Meta:
        verbose_name = "本地短信网关"
        verbose_name_plural = "本地短信网关"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject
