"""The federation's tables: the message log of each direction (append-only: a message's body, hash and
signatures are written once; only its delivery state moves on), per-case sequence counters, refusals, the
verified directory's versions and the operator's alerts."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class TimeStampBatch(models.Model):
    """A time-stamping authority's token over a batch of this node's logged messages (both directions): the
    ordered body hashes, their digest, the signed token. Written once."""

    authority = models.CharField("时间戳服务", max_length=200)
    key_id = models.CharField("服务密钥标识", max_length=64)
    serial = models.BigIntegerField("时间戳序号")
    digest = models.CharField("批次摘要（SM3）", max_length=64)
    hashes = models.JSONField("所含报文摘要（按序）")
    token = models.JSONField("时间戳")
    signature = models.CharField("时间戳签名", max_length=128)
    stamped_at = models.DateTimeField("时间戳时间", db_index=True)
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = "消息日志时间戳"
        verbose_name_plural = "消息日志时间戳"
        ordering = ["-stamped_at"]

    def __str__(self) -> str:
        return f"{self.authority} #{self.serial} ({len(self.hashes)} 条)"


class IssuedTimeStamp(models.Model):
    """The time-stamping service this node runs when it holds a TSA key (TONGBAN_TSA_KEY_FILE): every token
    it issued, numbered by this table, so the service can show what it signed and never reuse a serial."""

    serial = models.BigAutoField("序号", primary_key=True)
    digest = models.CharField("摘要", max_length=64)
    requester = models.CharField("申请方", max_length=100, blank=True)
    stamped_at = models.DateTimeField("时间")
    signature = models.CharField("签名", max_length=128, blank=True)

    class Meta:
        verbose_name = "签发的时间戳"
        verbose_name_plural = "签发的时间戳"
        ordering = ["-serial"]

    def __str__(self) -> str:
        return f"#{self.serial} {self.digest[:12]}"


class LoggedMessage(models.Model):
    """What both sides log of a message: the signed body byte for byte, its hash, the sender's signature and
    the receiver's signed receipt (签收回执)."""

    sender = models.CharField("发送节点", max_length=6)
    recipient = models.CharField("接收节点", max_length=6)
    case_ref = models.CharField("办件", max_length=100)
    message_type = models.CharField("消息类型", max_length=100)
    sequence = models.PositiveIntegerField("办件内序号")
    payload = models.JSONField("内容", default=dict)
    sent_at = models.DateTimeField("签发时间")
    body = models.TextField("签名的报文")  # the canonical JSON the signature covers
    body_hash = models.CharField("报文摘要（SM3）", max_length=64)
    signature = models.CharField("发送方签名（SM2）", max_length=128)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    last_error = models.TextField("最近一次失败", blank=True)
    receipt = models.JSONField("签收回执", null=True, blank=True)
    receipt_signature = models.CharField("回执签名（接收方）", max_length=128, blank=True)
    time_stamp = models.ForeignKey(
        TimeStampBatch, verbose_name="时间戳", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True


class OutgoingMessage(LoggedMessage):
    """A message this node sent (签发), written in the transaction of the case change that causes it."""

    class Status(models.TextChoices):
        PENDING = "pending", "待签收"
        ACKNOWLEDGED = "acknowledged", "已签收"
        UNDELIVERABLE = "undeliverable", "无法投递（对方已不在目录中）"

    id = models.UUIDField("消息编号", primary_key=True, default=uuid.uuid4, editable=False)
    outbox_message_id = models.UUIDField("发件箱消息", null=True, blank=True)
    status = models.CharField("状态", max_length=14, choices=Status.choices, default=Status.PENDING)
    last_attempt_at = models.DateTimeField("最近投递时间", null=True, blank=True)
    acknowledged_at = models.DateTimeField("签收时间", null=True, blank=True)

    class Meta:
        verbose_name = "发出的联邦消息"
        verbose_name_plural = "发出的联邦消息"
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "case_ref", "sequence"], name="federation_out_sequence")
        ]
        indexes = [models.Index(fields=["recipient", "status", "sent_at"], name="federation_out_queue")]

    @property
    def message_id(self) -> str:
        return str(self.pk)

    def __str__(self) -> str:
        return f"{self.message_type} → {self.recipient} {self.case_ref}#{self.sequence}"


class IncomingMessage(LoggedMessage):
    """A message this node received and signed for; its handler runs once, in sequence per (sender, case)."""

    class Status(models.TextChoices):
        HELD = "held", "等待前序消息"
        PROCESSED = "processed", "已处理"
        FAILED = "failed", "处理出错（将重试）"

    message_id = models.CharField("消息编号", max_length=100)
    received_at = models.DateTimeField("接收时间", default=timezone.now)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.HELD)
    processed_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "收到的联邦消息"
        verbose_name_plural = "收到的联邦消息"
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["sender", "message_id"], name="federation_in_message"),
            models.UniqueConstraint(fields=["sender", "case_ref", "sequence"], name="federation_in_sequence"),
        ]
        indexes = [models.Index(fields=["status", "sender"], name="federation_in_status")]

    def __str__(self) -> str:
        return f"{self.message_type} ← {self.sender} {self.case_ref}#{self.sequence}"


class CaseSequence(models.Model):
    """Per peer and case, the last sequence number given (out: to the peer's messages) or processed (in: of
    the peer's messages; the next to process is last + 1)."""

    class Direction(models.TextChoices):
        OUT = "out", "发出"
        IN = "in", "收到"

    direction = models.CharField(max_length=3, choices=Direction.choices)
    peer = models.CharField(max_length=6)
    case_ref = models.CharField(max_length=100)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["direction", "peer", "case_ref"], name="federation_case_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.peer} {self.case_ref}: {self.last}"


class PeerCircuit(models.Model):
    """The circuit breaker towards one peer, shared by every worker of this node: after a run of failed
    deliveries it opens, and until ``open_until`` nothing is posted to that peer; then one delivery probes it
    (half open). A receipt closes it. While a peer is down this keeps its queue from costing one request (and
    one time-out) per message per retry."""

    peer = models.CharField("节点", max_length=6, unique=True)
    failures = models.PositiveIntegerField("连续失败次数", default=0)
    open_until = models.DateTimeField("暂停投递至", null=True, blank=True)
    opened_at = models.DateTimeField("熔断开始", null=True, blank=True)
    probes = models.PositiveIntegerField("熔断期间探测次数", default=0)
    skipped = models.PositiveIntegerField("熔断期间未发出的投递", default=0)

    class Meta:
        verbose_name = "对端熔断状态"
        verbose_name_plural = "对端熔断状态"

    def __str__(self) -> str:
        return f"{self.peer}: {self.failures}"


class Refusal(models.Model):
    """A request the inbox refused, with the reason it was answered (kept for the operator and for audit)."""

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    remote_addr = models.CharField("来源地址", max_length=64, blank=True)
    claimed_sender = models.CharField("自称发送节点", max_length=100, blank=True)
    message_id = models.CharField("消息编号", max_length=100, blank=True)
    code = models.CharField("原因代码", max_length=40)
    reason = models.CharField("原因", max_length=500)
    body_hash = models.CharField("报文摘要", max_length=64, blank=True)

    class Meta:
        verbose_name = "拒收记录"
        verbose_name_plural = "拒收记录"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.code} {self.claimed_sender} {self.message_id}"


class DirectoryVersion(models.Model):
    """A verified version of the signed directory; the highest version is in force. Never replaced."""

    version = models.PositiveIntegerField("版本", unique=True)
    issued_at = models.DateTimeField("签发时间")
    signed = models.JSONField("签名的目录")
    installed_at = models.DateTimeField("启用时间", default=timezone.now)

    class Meta:
        verbose_name = "联邦目录版本"
        verbose_name_plural = "联邦目录版本"
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"


class Alert(models.Model):
    """A threshold crossed for a peer (queue too deep, oldest message too old, directory not refreshed). One
    open alert per peer and kind; it is closed when the condition is gone."""

    class Kind(models.TextChoices):
        QUEUE_DEPTH = "queue_depth", "待投递消息过多"
        OLDEST_AGE = "oldest_age", "消息积压过久"
        INBOX_FAILED = "inbox_failed", "收到的消息处理出错"
        DIRECTORY = "directory", "联邦目录未能更新"
        TIME_STAMP = "time_stamp", "消息日志未能加盖时间戳"

    peer = models.CharField("节点", max_length=6, blank=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    detail = models.CharField("详情", max_length=500)
    raised_at = models.DateTimeField("发生时间", default=timezone.now)
    cleared_at = models.DateTimeField("解除时间", null=True, blank=True)

    class Meta:
        verbose_name = "联邦告警"
        verbose_name_plural = "联邦告警"
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["peer", "kind"], condition=models.Q(cleared_at__isnull=True), name="federation_open_alert"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.peer}"
