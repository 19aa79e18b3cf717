"""好差评: ratings of services, bad ratings' handling (核实、整改、回访、申诉) and its append-only history."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tongban.core.clock import now as clock_now
from tongban.core.models import AppendOnlyModel

from .domain.scale import CHANNEL_LABELS, LEVEL_LABELS
from .domain.workflow import ACTION_LABELS, STATUS_LABELS, RectificationStatus

LEVEL_CHOICES = [(int(k), v) for k, v in LEVEL_LABELS.items()]


class Dimension(models.Model):
    """A dimension a rating may score (办事效率, 服务态度, 办事指南准确性, 便利程度 …): kept by administrators."""

    code = models.SlugField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=50)
    order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "评价维度"
        verbose_name_plural = "评价维度"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Evaluation(models.Model):
    """One rating of one service. ``service_key`` names the service (a case for 一事一评, a window service of a
    case for 一次一评, the rater and department for 综合点评), so a second rating of it is refused by the database."""

    service_key = models.CharField("服务标识", max_length=80, unique=True)
    channel = models.CharField("评价渠道", max_length=12, choices=[(k.value, v) for k, v in CHANNEL_LABELS.items()])
    level = models.PositiveSmallIntegerField("评价等级", choices=LEVEL_CHOICES)
    scores = models.JSONField("分项评价", default=dict, blank=True, help_text="评价维度代码 → 等级")
    comment = models.TextField("评价内容", blank=True)
    case = models.ForeignKey(
        "cases.Case", verbose_name="办件", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="评价人账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rater_name = models.CharField("评价人", max_length=100, blank=True)
    rater_phone = models.CharField("联系电话", max_length=20, blank=True)
    anonymous = models.BooleanField("匿名", default=False)
    department = models.ForeignKey(
        "jurisdictions.Department", verbose_name="办理部门", on_delete=models.PROTECT, related_name="+"
    )
    division = models.ForeignKey(
        "jurisdictions.Division", verbose_name="地区", on_delete=models.PROTECT, related_name="+"
    )
    implementation = models.ForeignKey(
        "catalogue.ItemImplementation",
        verbose_name="事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    centre = models.ForeignKey(
        "jurisdictions.ServiceCentre",
        verbose_name="服务中心",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    window = models.ForeignKey(
        "jurisdictions.Window", verbose_name="窗口", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="服务人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # An upheld appeal takes the rating out of every figure (the rating itself stays on the record).
    excluded = models.BooleanField("不计入统计", default=False)
    ip = models.CharField("来源地址", max_length=45, blank=True)
    created_at = models.DateTimeField("评价时间", default=clock_now, editable=False)

    class Meta:
        verbose_name = "评价"
        verbose_name_plural = "评价"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["department", "excluded"], name="evaluation_department"),
            models.Index(fields=["case"], name="evaluation_case"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.get_level_display()}"


class Rectification(models.Model):
    """The handling of one bad rating by the office (差评核实整改); its state moves only through services.perform."""

    evaluation = models.OneToOneField(
        Evaluation, verbose_name="评价", on_delete=models.PROTECT, related_name="rectification"
    )
    status = models.CharField(
        "状态",
        max_length=12,
        choices=[(k.value, v) for k, v in STATUS_LABELS.items()],
        default=RectificationStatus.PENDING.value,
    )
    revision = models.PositiveIntegerField("修订号", default=0)
    department = models.ForeignKey(
        "jurisdictions.Department", verbose_name="办理部门", on_delete=models.PROTECT, related_name="+"
    )
    division = models.ForeignKey(
        "jurisdictions.Division", verbose_name="地区", on_delete=models.PROTECT, related_name="+"
    )
    named = models.BooleanField("实名", default=True)
    deadline_days = models.PositiveSmallIntegerField("整改期限（工作日）", null=True, blank=True)
    due_on = models.DateField("整改截止日期", null=True, blank=True)
    rectification = models.TextField("整改措施及结果", blank=True)
    explanation = models.TextField("解释说明", blank=True)
    appealed = models.BooleanField("已申诉", default=False)
    called_back = models.BooleanField("已回访", default=False)
    satisfaction_after = models.PositiveSmallIntegerField("回访满意度", choices=LEVEL_CHOICES, null=True, blank=True)
    handled_on = models.DateField("整改（说明）日期", null=True, blank=True)
    created_at = models.DateTimeField("收到时间", default=clock_now, editable=False)

    class Meta:
        verbose_name = "差评整改"
        verbose_name_plural = "差评整改"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["department", "status"], name="rectification_department")]

    def __str__(self) -> str:
        return f"{self.evaluation_id} {self.get_status_display()}"


class RectificationEvent(AppendOnlyModel):
    rectification = models.ForeignKey(
        Rectification, verbose_name="差评整改", on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField("操作", max_length=20, choices=[(k.value, v) for k, v in ACTION_LABELS.items()])
    from_status = models.CharField("原状态", max_length=12)
    to_status = models.CharField("新状态", max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_role = models.CharField("操作人角色", max_length=30, blank=True)
    note = models.TextField("说明", blank=True)
    data = models.JSONField("附加信息", default=dict, blank=True)
    at = models.DateTimeField("时间", default=clock_now, editable=False)

    class Meta:
        verbose_name = "差评整改过程"
        verbose_name_plural = "差评整改过程"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.rectification_id} {self.get_action_display()}"


class CallBack(AppendOnlyModel):
    """One call-back of a bad rating (who called, when, whether the applicant was reached, the outcome and the
    satisfaction afterwards)."""

    rectification = models.ForeignKey(
        Rectification, verbose_name="差评整改", on_delete=models.PROTECT, related_name="callbacks"
    )
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="回访人", on_delete=models.PROTECT, related_name="+"
    )
    reached = models.BooleanField("已联系上")
    outcome = models.TextField("回访情况")
    satisfaction_after = models.PositiveSmallIntegerField("回访满意度", choices=LEVEL_CHOICES, null=True, blank=True)
    at = models.DateTimeField("回访时间", default=clock_now, editable=False)

    class Meta:
        verbose_name = "回访记录"
        verbose_name_plural = "回访记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.rectification_id} 回访"


class Invitation(models.Model):
    """The one-time token of a window rating screen (一次一评): bound to the case and the window service the
    clerk just gave; only its digest is kept."""

    token_hash = models.CharField("令牌摘要", max_length=64, unique=True)
    case = models.ForeignKey("cases.Case", verbose_name="办件", on_delete=models.PROTECT, related_name="+")
    event_id = models.PositiveBigIntegerField("窗口服务（办件过程）")
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="窗口人员", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=clock_now, editable=False)
    expires_at = models.DateTimeField("失效时间")
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    class Meta:
        verbose_name = "现场评价令牌"
        verbose_name_plural = "现场评价令牌"

    def __str__(self) -> str:
        return f"{self.case_id} {self.event_id}"


class FlaggedAttempt(models.Model):
    """A rating refused as scripted or abusive (too many from one account or address, a burst): kept for the
    supervisors to look at."""

    reason = models.CharField("原因", max_length=30)
    ip = models.CharField("来源地址", max_length=45, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    detail = models.JSONField("详情", default=dict, blank=True)
    at = models.DateTimeField("时间", default=clock_now, editable=False)

    class Meta:
        verbose_name = "异常评价"
        verbose_name_plural = "异常评价"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.reason} {self.ip}"
