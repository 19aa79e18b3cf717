"""Bundle cases (一件事办件): one application for several items of a bundle, with one form and one material set;
a child Case per chosen item. The bundle's definition (Bundle, BundleItem) is the catalogue-level ``bundles``
app; its applications live here beside single cases, in the case domain.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tongban.catalogue import vocab
from tongban.core.clock import now as clock_now
from tongban.core.models import AppendOnlyModel

from ..domain.bundle_workflow import ACTION_LABELS, PHASE_LABELS, RESULT_MODE_LABELS, BundlePhase, ResultMode
from .case import CLOCK_CHOICES, choices


class BundleCase(models.Model):
    """One application for a bundle (一件事): one form, one material set; a child Case per chosen item."""

    Phase = BundlePhase
    ResultMode = ResultMode

    number = models.CharField("一件事办件编号", max_length=32, unique=True)
    query_code = models.CharField("查询码", max_length=8)
    bundle = models.ForeignKey("bundles.Bundle", verbose_name="一件事", on_delete=models.PROTECT, related_name="cases")
    items = models.ManyToManyField("bundles.BundleItem", verbose_name="所选事项", related_name="+")
    phase = models.CharField(
        "状态", max_length=20, choices=choices(PHASE_LABELS), default=BundlePhase.DRAFT.value, db_index=True
    )
    revision = models.PositiveIntegerField("修订号", default=0)
    applicant = models.ForeignKey(
        "accounts.User",
        verbose_name="申请人账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bundle_cases",
    )
    applicant_kind = models.CharField("申请人类型", max_length=10, choices=vocab.SERVICE_OBJECTS)
    applicant_name = models.CharField("申请人", max_length=100)
    applicant_id_number = models.CharField("证件号码", max_length=18)
    applicant_phone = models.CharField("联系电话", max_length=20, blank=True)
    authorisation = models.ForeignKey(
        "accounts.Authorisation",
        verbose_name="委托授权",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bundle_cases",
    )
    identity_check = models.CharField("身份核验方式", max_length=100, blank=True)
    form_data = models.JSONField("一表申报数据", default=dict, blank=True)
    channel = models.CharField("申请渠道", max_length=10)
    receiving_division = models.ForeignKey(
        "jurisdictions.Division", verbose_name="受理地", on_delete=models.PROTECT, related_name="+"
    )
    receiving_centre = models.ForeignKey(
        "jurisdictions.ServiceCentre",
        verbose_name="受理服务中心",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    result_mode = models.CharField(
        "出件方式", max_length=10, choices=choices(RESULT_MODE_LABELS), default=ResultMode.TOGETHER.value
    )
    correction_items = models.JSONField("补正材料清单", default=list, blank=True)
    # The fields of the one form the open correction list names (their keys): the applicant changes these only.
    correction_fields = models.JSONField("需更正的申请表栏目", default=list, blank=True)
    # Time limits of joint handling (domain/limits.py compute_bundle; services/deadlines.py alone writes them).
    received_on = models.DateField("收件日期", null=True, blank=True)
    acceptance_due = models.DateField("受理期限", null=True, blank=True)
    promised_days = models.PositiveIntegerField("承诺时限", default=0)
    statutory_days = models.PositiveIntegerField("法定时限", default=45, help_text="联合办理不超过45个工作日")
    extension_days = models.PositiveIntegerField("延长天数", default=0)
    extension_approved_by = models.CharField(
        "延期批准人", max_length=100, blank=True, help_text="本级人民政府负责人（行政许可法第四十二条第二款）"
    )
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    promised_due = models.DateField("承诺办结日期", null=True, blank=True)
    statutory_due = models.DateField("法定办结日期", null=True, blank=True)
    clock = models.CharField("当前计时", max_length=10, blank=True, choices=CLOCK_CHOICES)
    clock_due = models.DateField("当前期限", null=True, blank=True)
    paused_left = models.IntegerField("暂停时剩余天数", null=True, blank=True)
    unknown_year = models.PositiveSmallIntegerField("待录入节假日的年度", null=True, blank=True)
    calendar_unknown = models.BooleanField("期限无法计算", default=False)
    created_at = models.DateTimeField("创建时间", default=clock_now, editable=False)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "一件事办件"
        verbose_name_plural = "一件事办件"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.number


class BundleCaseEvent(AppendOnlyModel):
    """Append-only: one row per change of a bundle case (who, role, channel, when, why), as CaseEvent."""

    bundle_case = models.ForeignKey(
        BundleCase, verbose_name="一件事办件", on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField("操作", max_length=30, choices=choices(ACTION_LABELS))
    from_phase = models.CharField("原状态", max_length=20, blank=True)
    to_phase = models.CharField("新状态", max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_role = models.CharField("操作人角色", max_length=30, blank=True)
    channel = models.CharField("渠道", max_length=10, blank=True)
    reason = models.TextField("意见/理由", blank=True)
    data = models.JSONField("附加信息", default=dict, blank=True)
    at = models.DateTimeField("时间", default=clock_now, editable=False)

    class Meta:
        verbose_name = "一件事办件过程"
        verbose_name_plural = "一件事办件过程"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.bundle_case_id} {self.get_action_display()}"


class BundleMaterial(models.Model):
    """A material uploaded once for the bundle; every child case that needs it gets it."""

    bundle_case = models.ForeignKey(
        BundleCase, verbose_name="一件事办件", on_delete=models.CASCADE, related_name="materials"
    )
    name = models.CharField("材料名称", max_length=200)
    file = models.FileField("文件", upload_to="bundles/%Y/%m/", blank=True)
    content_type = models.CharField("文件类型", max_length=60, blank=True)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    sha256 = models.CharField("摘要", max_length=64, blank=True)
    paper_checked = models.BooleanField("已核验纸质材料", default=False)
    uploaded_at = models.DateTimeField("上传时间", default=clock_now, editable=False)

    class Meta:
        verbose_name = "一件事材料"
        verbose_name_plural = "一件事材料"
        constraints = [models.UniqueConstraint(fields=["bundle_case", "name"], name="uniq_bundle_material")]

    def __str__(self) -> str:
        return self.name


class JointStep(models.Model):
    """联合踏勘 / 联合评审 / 联合验收: scheduled once with every department involved."""

    class Kind(models.TextChoices):
        INSPECTION = "inspection", "联合踏勘"
        REVIEW = "review", "联合评审"
        ACCEPTANCE = "acceptance", "联合验收"

    bundle_case = models.ForeignKey(
        BundleCase, verbose_name="一件事办件", on_delete=models.CASCADE, related_name="joint_steps"
    )
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    scheduled_for = models.DateTimeField("安排时间")
    place = models.CharField("地点", max_length=200)
    cases = models.ManyToManyField("cases.Case", verbose_name="涉及办件", related_name="joint_steps")
    outcome = models.TextField("结论", blank=True)
    passed = models.BooleanField("是否通过", null=True)
    recorded_at = models.DateTimeField("记录时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", default=clock_now, editable=False)

    class Meta:
        verbose_name = "联合环节"
        verbose_name_plural = "联合环节"
        ordering = ["scheduled_for"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.scheduled_for:%Y-%m-%d}"
