"""The outbox's tables: one row per message to deliver, one row per periodic job (its next occurrence)."""

from __future__ import annotations

import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class Message(models.Model):
    """Something to do after a commit (a notice to send, a parcel to book), written in the same transaction as
    the change that calls for it. Its id is the deduplication key every receiver uses."""

    class Status(models.TextChoices):
        PENDING = "pending", "待投递"
        DELIVERED = "delivered", "已投递"
        DEAD = "dead", "投递失败（死信）"

    id = models.UUIDField("消息编号", primary_key=True, default=uuid.uuid4, editable=False)
    topic = models.CharField("主题", max_length=60)
    payload = models.JSONField("内容", default=dict, encoder=DjangoJSONEncoder)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField("已尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试时间", default=timezone.now)
    # The lease: a worker that claims the message holds it until then; after that (the worker died) another
    # worker may claim it again. claimed_by tells the holder's own writes from a later holder's.
    claimed_until = models.DateTimeField("占用至", null=True, blank=True)
    claimed_by = models.CharField("占用者", max_length=32, blank=True)
    last_error = models.TextField("最近一次错误", blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField("投递时间", null=True, blank=True)

    class Meta:
        verbose_name = "发件箱消息"
        verbose_name_plural = "发件箱消息"
        ordering = ["-created_at"]
        indexes = [
            # The sweeper's query: due pending messages, oldest due first.
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["topic", "status"], name="outbox_topic"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.id}"


class PeriodicJobState(models.Model):
    """When a periodic job runs next. Workers claim an occurrence by moving next_run_at on with a conditional
    UPDATE, so of several workers exactly one enqueues it."""

    name = models.CharField("任务", max_length=60, primary_key=True)
    next_run_at = models.DateTimeField("下次运行时间")
    last_enqueued_at = models.DateTimeField("最近排入时间", null=True, blank=True)
    last_started_at = models.DateTimeField("最近开始时间", null=True, blank=True)
    last_finished_at = models.DateTimeField("最近完成时间", null=True, blank=True)
    last_result = models.CharField("最近结果", max_length=200, blank=True)
    last_error = models.TextField("最近一次错误", blank=True)

    class Meta:
        verbose_name = "周期任务"
        verbose_name_plural = "周期任务"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
