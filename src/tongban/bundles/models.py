"""Bundle definitions (一件事): items applied for together, with their order and shared form fields.

Bundle applications (BundleCase with one child case per item) come with the cases app.
"""

from __future__ import annotations

from django.db import models

from tongban.catalogue import vocab


class Bundle(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"
        RETIRED = "retired", "已停用"

    code = models.CharField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    division = models.ForeignKey(
        "jurisdictions.Division", verbose_name="实施区划", on_delete=models.PROTECT, related_name="bundles"
    )
    lead_department = models.ForeignKey(
        "jurisdictions.Department", verbose_name="牵头部门", on_delete=models.PROTECT, related_name="led_bundles"
    )
    audience = models.CharField("服务对象", max_length=10, choices=vocab.SERVICE_OBJECTS)
    life_stage = models.CharField("生命周期阶段", max_length=30, help_text="如 出生、养老、身后、准入准营")
    policy_basis = models.CharField("政策依据", max_length=200, blank=True, help_text="如 国发〔2024〕3号 第一批")
    description = models.TextField("简介")
    statutory_days = models.PositiveIntegerField(
        "法定办结时限（工作日）", default=45, help_text="联合办理：行政许可法第42条，45个工作日"
    )
    promised_days = models.PositiveIntegerField("承诺办结时限（工作日）")
    shared_fields = models.JSONField(
        "共享表单字段", default=list, blank=True, help_text="各事项表单中只需填写一次的字段键名"
    )
    keywords = models.TextField("检索关键词", blank=True)
    aliases = models.TextField("别名/俗称", blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "一件事"
        verbose_name_plural = "一件事"
        ordering = ["division_id", "code"]

    def __str__(self) -> str:
        return self.name


class BundleItem(models.Model):
    bundle = models.ForeignKey(Bundle, verbose_name="一件事", on_delete=models.CASCADE, related_name="items")
    implementation = models.ForeignKey(
        "catalogue.ItemImplementation", verbose_name="事项", on_delete=models.PROTECT, related_name="bundle_items"
    )
    order = models.PositiveSmallIntegerField("序号", default=0)
    required = models.BooleanField("必选", default=False, help_text="法律要求必须一并办理的事项")
    # Items with no dependency run in parallel; a dependent item starts when its prerequisites have results.
    depends_on = models.ManyToManyField(
        "self", verbose_name="前置事项", symmetrical=False, blank=True, related_name="dependants"
    )
    result_as_material = models.CharField(
        "前置结果作为材料", max_length=200, blank=True, help_text="前置事项的结果自动作为本事项的哪份材料"
    )

    class Meta:
        verbose_name = "一件事包含事项"
        verbose_name_plural = "一件事包含事项"
        ordering = ["bundle_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["bundle", "implementation"], name="uniq_bundle_item")]

    def __str__(self) -> str:
        return f"{self.bundle.name} · {self.implementation}"


class BundleCase(models.Model):
    """One application for a bundle (一件事): one form, one material set; a child Case per chosen item."""

    class Phase(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "待受理"
        CORRECTION = "correction", "待补正"
        IN_PROGRESS = "in_progress", "办理中"
        READY = "ready", "待统一出件"
        CLOSED = "closed", "已办结"
        REFUSED = "refused", "不予受理"
        WITHDRAWN = "withdrawn", "已撤回"

    class ResultMode(models.TextChoices):
        TOGETHER = "together", "统一出件"
        SEPARATE = "separate", "逐项出件"

    number = models.CharField("一件事办件编号", max_length=32, unique=True)
    query_code = models.CharField("查询码", max_length=8)
    bundle = models.ForeignKey(Bundle, verbose_name="一件事", on_delete=models.PROTECT, related_name="cases")
    items = models.ManyToManyField(BundleItem, verbose_name="所选事项", related_name="+")
    phase = models.CharField("状态", max_length=20, choices=Phase.choices, default=Phase.DRAFT, db_index=True)
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
    result_mode = models.CharField("出件方式", max_length=10, choices=ResultMode.choices, default=ResultMode.TOGETHER)
    correction_items = models.JSONField("补正材料清单", default=list, blank=True)
    promised_days = models.PositiveIntegerField("承诺时限", default=0)
    statutory_days = models.PositiveIntegerField("法定时限", default=45)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    promised_due = models.DateField("承诺办结日期", null=True, blank=True)
    statutory_due = models.DateField("法定办结日期", null=True, blank=True)
    calendar_unknown = models.BooleanField("期限无法计算", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "一件事办件"
        verbose_name_plural = "一件事办件"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.number


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
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

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
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "联合环节"
        verbose_name_plural = "联合环节"
        ordering = ["scheduled_for"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.scheduled_for:%Y-%m-%d}"


class BundleIdempotencyRecord(models.Model):
    """A retried bundle application (same key, same user) returns the bundle case it made the first time."""

    key = models.CharField(max_length=100)
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    bundle_case = models.ForeignKey(BundleCase, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="uniq_bundle_idempotency_key")]

    def __str__(self) -> str:
        return self.key
