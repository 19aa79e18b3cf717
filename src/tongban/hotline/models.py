"""The 12345 hotline's tables: the classification tree, deadline rules, work orders and their history, the
duplicate index, calls from the call-centre system, hotline duties and Open311 clients."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tongban.core.models import AppendOnlyModel

from .domain.deadlines import UNIT_LABELS, URGENT, Limit
from .domain.flow import (
    ACTION_LABELS,
    CHANNEL_LABELS,
    SATISFACTION_LABELS,
    STATUS_LABELS,
    TYPE_LABELS,
    Status,
)
from .domain.policy import DUTY_LABELS

UNIT_CHOICES = [(u.value, label) for u, label in UNIT_LABELS.items()]


class Category(models.Model):
    """A node of the classification tree (GB/T 39666 style: 大类 › 中类 › 小类), with its own time limit where
    it differs from the type's, the department kind that usually handles it and words that point to it."""

    code = models.CharField("分类代码", max_length=20, unique=True)
    name = models.CharField("分类名称", max_length=60)
    parent = models.ForeignKey(
        "self", verbose_name="上级分类", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    limit_value = models.PositiveIntegerField("办理时限", null=True, blank=True, help_text="空：按诉求类型的时限")
    limit_unit = models.CharField("时限单位", max_length=20, choices=UNIT_CHOICES, blank=True)
    department_kind = models.CharField("默认承办部门类别", max_length=40, blank=True, help_text="如 utility_water")
    keywords = models.TextField("关键词", blank=True, help_text="以空格或逗号分隔，用于推荐分类和承办部门")
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "诉求分类"
        verbose_name_plural = "诉求分类"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        names: list[str] = []
        node: Category | None = self
        seen: set[int] = set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            names.append(node.name)
            node = node.parent
        return " › ".join(reversed(names))

    def own_limit(self) -> Limit | None:
        if self.limit_value is None or not self.limit_unit:
            return None
        return Limit(self.limit_value, self.limit_unit)

    def effective_limit(self) -> Limit | None:
        """Its own limit, else the nearest ancestor's."""
        node: Category | None = self
        seen = set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            if node.own_limit() is not None:
                return node.own_limit()
            node = node.parent
        return None

    def effective_department_kind(self) -> str:
        node: Category | None = self
        seen = set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            if node.department_kind:
                return node.department_kind
            node = node.parent
        return ""


class DeadlineRule(models.Model):
    """A type's time limit, or the emergency limit: replaces the built-in default (domain/deadlines.py)."""

    KEYS = [(URGENT, "紧急诉求"), *[(t.value, label) for t, label in TYPE_LABELS.items()]]

    key = models.CharField("适用于", max_length=20, choices=KEYS, unique=True)
    value = models.PositiveIntegerField("时限")
    unit = models.CharField("单位", max_length=20, choices=UNIT_CHOICES)

    class Meta:
        verbose_name = "办理时限规则"
        verbose_name_plural = "办理时限规则"

    def __str__(self) -> str:
        return f"{self.get_key_display()}：{Limit(self.value, self.unit)}"


class WorkOrder(models.Model):
    number = models.CharField("工单编号", max_length=20, unique=True)
    order_type = models.CharField("诉求类型", max_length=20, choices=list(TYPE_LABELS.items()), db_index=True)
    channel = models.CharField("来源渠道", max_length=20, choices=list(CHANNEL_LABELS.items()))
    status = models.CharField(
        "状态", max_length=20, choices=list(STATUS_LABELS.items()), default=Status.RECEIVED, db_index=True
    )
    revision = models.PositiveIntegerField("版本", default=1)
    category = models.ForeignKey(Category, verbose_name="诉求分类", null=True, blank=True, on_delete=models.PROTECT)
    title = models.CharField("诉求标题", max_length=100)
    content = models.TextField("诉求内容")
    urgent = models.BooleanField("紧急", default=False)
    confidential = models.BooleanField("为诉求人保密", default=False)
    caller_name = models.CharField("诉求人", max_length=50, blank=True)
    caller_phone = models.CharField("联系电话", max_length=20, blank=True, db_index=True)
    call_id = models.CharField("通话记录号", max_length=64, blank=True)
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    division = models.ForeignKey(
        "jurisdictions.Division", verbose_name="所在区划", null=True, blank=True, on_delete=models.PROTECT
    )
    address = models.CharField("详细地址", max_length=200, blank=True)
    lat = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    department = models.ForeignKey(
        "jurisdictions.Department",
        verbose_name="承办部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    merged_into = models.ForeignKey(
        "self", verbose_name="并入工单", null=True, blank=True, on_delete=models.PROTECT, related_name="repeats"
    )
    answer = models.TextField("答复/办理结果", blank=True)
    answered_at_once = models.BooleanField("当场解答", default=False)
    satisfaction = models.CharField("满意度", max_length=20, choices=list(SATISFACTION_LABELS.items()), blank=True)
    supervisions = models.PositiveIntegerField("督办次数", default=0)
    created_at = models.DateTimeField("受理时间", db_index=True)
    dispatched_at = models.DateTimeField("派单时间", null=True, blank=True)
    accepted_at = models.DateTimeField("签收时间", null=True, blank=True)
    replied_at = models.DateTimeField("回复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    deadline = models.DateTimeField("办理期限", null=True, blank=True)
    limit_text = models.CharField("时限", max_length=20, blank=True)
    external_token = models.CharField("外部请求号", max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = "工单"
        verbose_name_plural = "工单"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["department", "status"]), models.Index(fields=["division", "address"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class WorkOrderEvent(AppendOnlyModel):
    """One step of an order's history (append-only)."""

    order = models.ForeignKey(WorkOrder, verbose_name="工单", on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=20, choices=[("receive", "受理"), *ACTION_LABELS.items()])
    from_status = models.CharField("原状态", max_length=20, blank=True)
    to_status = models.CharField("新状态", max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "jurisdictions.Department",
        verbose_name="部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField("意见/内容", blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)
    at = models.DateTimeField("时间")
    idempotency_key = models.CharField("幂等键", max_length=80, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = "工单记录"
        verbose_name_plural = "工单记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.get_action_display()}"


class DuplicateKey(models.Model):
    """One LSH band key of an order's text (domain/similarity.py): the index repeated requests are found by."""

    key = models.CharField(max_length=16)
    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "重复诉求索引"
        verbose_name_plural = "重复诉求索引"
        indexes = [models.Index(fields=["key", "order"])]

    def __str__(self) -> str:
        return self.key


class Call(models.Model):
    """A call the call-centre system reported (the local telephony adapter keeps them here)."""

    class Direction(models.TextChoices):
        INBOUND = "inbound", "来电"
        OUTBOUND = "outbound", "回拨"

    call_id = models.CharField("通话记录号", max_length=64, unique=True)
    direction = models.CharField("方向", max_length=10, choices=Direction.choices)
    number = models.CharField("对方号码", max_length=20, db_index=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="话务员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    order = models.ForeignKey(
        WorkOrder, verbose_name="工单", null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    started_at = models.DateTimeField("开始时间")

    class Meta:
        verbose_name = "通话"
        verbose_name_plural = "通话"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return self.call_id


class Seat(models.Model):
    """A staff account's hotline duty (话务员 or 派单督办员)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.CASCADE, related_name="hotline_seat"
    )
    duty = models.CharField("职责", max_length=20, choices=list(DUTY_LABELS.items()))

    class Meta:
        verbose_name = "热线岗位"
        verbose_name_plural = "热线岗位"

    def __str__(self) -> str:
        return f"{self.user} {self.get_duty_display()}"


class Open311Client(models.Model):
    """A client of the Open311 endpoint: POST requests need its api_key (kept as a SHA-256 digest)."""

    name = models.CharField("名称", max_length=100)
    key_digest = models.CharField("密钥摘要", max_length=64, unique=True)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "Open311 客户端"
        verbose_name_plural = "Open311 客户端"

    def __str__(self) -> str:
        return self.name
