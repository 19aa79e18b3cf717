"""Cases (办件): one application for one item, from receipt to result.

A case pins the ImplementationVersion valid when it was applied for, so later catalogue edits never change
what it was judged by. Receiving (front desk, possibly another region or another deployment's node) and
deciding (the implementation's department) are kept apart for cross-region handling. ``bundle_case`` is the
seam for bundles (一件事), ``result_licence_id`` for e-licences.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tongban.catalogue.vocab import LIMIT_UNITS
from tongban.core.clock import now as clock_now
from tongban.core.models import AppendOnlyModel

from ..domain.limits import CLOCK_LABELS
from ..domain.workflow import ACTION_LABELS, STATUS_LABELS, CaseStatus


def choices(labels: dict) -> list[tuple[str, str]]:
    return [(k.value, v) for k, v in labels.items()]


CLOCK_CHOICES = [(k.value, v) for k, v in CLOCK_LABELS.items() if k.value]


class Channel(models.TextChoices):
    ONLINE = "online", "网上办理"
    WINDOW = "window", "窗口办理"
    POST = "post", "邮寄申请"
    PROXY = "proxy", "异地代收"


class Case(models.Model):
    number = models.CharField("办件编号", max_length=32, unique=True)
    query_code = models.CharField("查询码", max_length=8)
    implementation = models.ForeignKey(
        "catalogue.ItemImplementation", verbose_name="事项", on_delete=models.PROTECT, related_name="cases"
    )
    version = models.ForeignKey(
        "catalogue.ImplementationVersion", verbose_name="办事指南版本", on_delete=models.PROTECT, related_name="cases"
    )
    status = models.CharField("状态", max_length=20, choices=choices(STATUS_LABELS), default=CaseStatus.DRAFT.value)
    # Optimistic concurrency: every transition increments it; an action names the revision it saw.
    revision = models.PositiveIntegerField("修订号", default=0)
    current_step = models.PositiveSmallIntegerField("当前环节序号", default=0)
    awaiting_decision = models.BooleanField("待决定", default=False, help_text="审查环节已完成，等待准予或不予的决定")

    # applicant (a snapshot: the case keeps what was declared even if the account changes)
    # db_index=False here and on the three scopes below: the composite indexes in Meta start with them, and
    # the extra single-column ones only cost writes and misled the planner (bench/cases_volume.py).
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    applicant_kind = models.CharField("申请人类型", max_length=10, choices=[("natural", "自然人"), ("legal", "法人")])
    applicant_name = models.CharField("申请人", max_length=100)
    applicant_id_number = models.CharField("证件号码", max_length=18, help_text="公民身份号码或统一社会信用代码")
    applicant_phone = models.CharField("联系电话", max_length=20, blank=True)
    agent_name = models.CharField("代办人", max_length=50, blank=True)
    agent_id_number = models.CharField("代办人公民身份号码", max_length=18, blank=True)
    # The proxy's own account (代办人), where they have one: they follow the case and bring what is missing.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="代办人账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proxied_cases",
    )
    # The principal's authorisation when an account applied in someone else's name (cases/services/identity.py).
    authorisation = models.ForeignKey(
        "accounts.Authorisation",
        verbose_name="委托授权",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    identity_check = models.CharField(
        "身份核验方式", max_length=100, blank=True, help_text="如：读取居民身份证芯片并人证比对"
    )
    form_data = models.JSONField("申请表数据", default=dict, blank=True)

    channel = models.CharField("申请渠道", max_length=10, choices=Channel.choices)
    receiving_division = models.ForeignKey(
        "jurisdictions.Division", verbose_name="受理地", on_delete=models.PROTECT, related_name="received_cases"
    )
    receiving_centre = models.ForeignKey(
        "jurisdictions.ServiceCentre",
        verbose_name="受理服务中心",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    receiving_window = models.ForeignKey(
        "jurisdictions.Window",
        verbose_name="受理窗口",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    # Another deployment that received it (跨省通办 proxy acceptance); blank = this node.
    receiving_node = models.CharField("受理节点", max_length=60, blank=True)
    deciding_department = models.ForeignKey(
        "jurisdictions.Department",
        verbose_name="办理部门",
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    deciding_division = models.ForeignKey(
        "jurisdictions.Division",
        verbose_name="办理地",
        on_delete=models.PROTECT,
        related_name="decided_cases",
        db_index=False,
    )
    bundle_case = models.ForeignKey(
        "cases.BundleCase",
        verbose_name="所属一件事办件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    bundle_item = models.ForeignKey(
        "bundles.BundleItem",
        verbose_name="一件事事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    # acceptance
    deferred = models.BooleanField("容缺受理", default=False)
    correction_items = models.JSONField("补正材料清单", default=list, blank=True)
    # The form fields the open correction list names (their keys): the applicant may change these, no others.
    correction_fields = models.JSONField("需更正的申请表栏目", default=list, blank=True)
    refusal_reason = models.TextField("不予受理理由", blank=True)

    # Time limits (domain/limits.py; computed by services/deadlines.py alone): the limits are fixed at
    # acceptance from the pinned version, in its unit; the dates follow the working calendar.
    received_on = models.DateField("收件日期", null=True, blank=True, help_text="申请（或补正后重新提交）的收到日期")
    acceptance_due = models.DateField(
        "受理期限", null=True, blank=True, help_text="收件后5个工作日（行政许可法第三十二条）"
    )
    limit_unit = models.CharField("时限单位", max_length=10, choices=LIMIT_UNITS, default="working")
    statutory_days = models.PositiveIntegerField("法定时限", default=0)
    promised_days = models.PositiveIntegerField("承诺时限", default=0)
    extension_days = models.PositiveIntegerField("延长天数", default=0)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    deemed_accepted = models.BooleanField(
        "视为受理", default=False, help_text="逾期未作出受理决定，依法自收到申请材料之日起视为受理（第三十二条）"
    )
    promised_due = models.DateField("承诺办结日期", null=True, blank=True)
    statutory_due = models.DateField("法定办结日期", null=True, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    result_due = models.DateField("出件期限", null=True, blank=True, help_text="决定后10个工作日或指南更短的送达时限")
    special_due = models.DateField("特殊环节最长期限", null=True, blank=True)
    clock = models.CharField("当前计时", max_length=10, blank=True, choices=CLOCK_CHOICES)
    clock_due = models.DateField("当前期限", null=True, blank=True, help_text="正在计时的期限；暂停或无法计算时为空")
    paused_left = models.IntegerField("暂停时剩余天数", null=True, blank=True)
    unknown_year = models.PositiveSmallIntegerField("待录入节假日的年度", null=True, blank=True)
    calendar_unknown = models.BooleanField("期限无法计算", default=False, help_text="期限涉及尚未录入的年度节假日安排")

    # decision and result
    decision = models.CharField("决定", max_length=10, blank=True, choices=[("granted", "准予"), ("denied", "不予")])
    decision_reason = models.TextField("决定理由及法律依据", blank=True)
    result_delivery = models.CharField(
        "出件方式",
        max_length=12,
        blank=True,
        choices=[("window", "窗口领取"), ("post", "邮寄"), ("electronic", "电子送达")],
    )
    result_licence_id = models.CharField("结果电子证照标识", max_length=120, blank=True)

    created_at = models.DateTimeField("创建时间", default=clock_now, editable=False)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "办件"
        verbose_name_plural = "办件"
        ordering = ["-created_at"]
        # Work queues read 50 rows in (clock_due, id) order and count the bucket (bench/cases_volume.py).
        # A lone due-date index lured PostgreSQL into walking every closed case for "overdue"; these give
        # each bucket an ordered range or a small sort, and index-only counts.
        indexes = [
            models.Index(
                fields=["deciding_department", "status", "awaiting_decision", "clock_due", "id"],
                name="case_dept_queue",
            ),
            models.Index(fields=["deciding_division", "status", "clock_due"], name="case_div_board"),
            models.Index(fields=["receiving_centre", "status", "clock_due", "id"], name="case_centre_queue"),
            models.Index(fields=["applicant", "status"], name="case_applicant"),
            models.Index(fields=["status", "clock_due", "id"], name="case_status_due"),
            # Cases whose clock runs, in due order: due-soon and overdue boards over several divisions.
            models.Index(
                fields=["clock_due", "id"], name="case_clock_due", condition=models.Q(clock_due__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def status_enum(self) -> CaseStatus:
        return CaseStatus(self.status)


class CaseEvent(AppendOnlyModel):
    """Append-only: one row per transition (who, role, channel, window, when, why)."""

    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=30, choices=choices(ACTION_LABELS))
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
    actor_role = models.CharField("操作人角色", max_length=30, blank=True)
    channel = models.CharField("渠道", max_length=10, blank=True)
    window = models.ForeignKey(
        "jurisdictions.Window", verbose_name="窗口", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    step_name = models.CharField("办理环节", max_length=50, blank=True)
    reason = models.TextField("意见/理由", blank=True)
    data = models.JSONField("附加信息", default=dict, blank=True)
    at = models.DateTimeField("时间", default=clock_now, editable=False)

    class Meta:
        verbose_name = "办件过程"
        verbose_name_plural = "办件过程"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_action_display()}"


class CaseMaterial(models.Model):
    class State(models.TextChoices):
        RECEIVED = "received", "已收取"
        DEFERRED = "deferred", "容缺后补"
        MISSING = "missing", "需补正"
        REPLACED = "replaced", "电子证照免提交"
        RESULT = "result", "前置事项结果"

    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.CASCADE, related_name="materials")
    name = models.CharField("材料名称", max_length=200)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.RECEIVED)
    file = models.FileField("文件", upload_to="cases/%Y/%m/", blank=True)
    content_type = models.CharField("文件类型", max_length=60, blank=True)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    sha256 = models.CharField("摘要", max_length=64, blank=True)
    paper_checked = models.BooleanField("已核验纸质材料", default=False)
    deferred_due = models.DateField("承诺补交日期", null=True, blank=True)
    commitment = models.TextField("申请人承诺", blank=True)
    supplied_at = models.DateTimeField("补交时间", null=True, blank=True)
    # 容缺 promise broken: when the applicant was told (once per material; see deferrals.py).
    overdue_notified_at = models.DateTimeField("逾期提醒时间", null=True, blank=True)
    # 免证办: the licence version used instead of the material (its identifier names the version), and the
    # content digest it had when used, so the clerk's check later is of exactly what the applicant offered.
    # db_default: bulk writers that name their columns (bench/generators) need not know these.
    licence_identifier = models.CharField(
        "所用电子证照标识", max_length=120, blank=True, default="", db_default="", db_index=True
    )
    licence_version = models.PositiveSmallIntegerField("所用证照版本号", null=True, blank=True)
    licence_digest = models.CharField("所用证照内容摘要（SM3）", max_length=64, blank=True, default="", db_default="")
    uploaded_at = models.DateTimeField("上传时间", default=clock_now, editable=False)

    class Meta:
        verbose_name = "办件材料"
        verbose_name_plural = "办件材料"
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return self.name


class Suspension(models.Model):
    """A stop of the handling clock: a special step the guide declares (行政许可法 Art. 45) or a return for
    correction; ``counted``: its days count toward the limit after all (decided when it starts)."""

    class Kind(models.TextChoices):
        SPECIAL = "special", "特殊环节"
        CORRECTION = "correction", "退回补正"

    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.PROTECT, related_name="suspensions")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices, default=Kind.SPECIAL)
    step_name = models.CharField("特殊环节", max_length=50)
    counted = models.BooleanField("计入办结时限", default=False)
    max_days = models.PositiveIntegerField("最长时限（工作日）", default=0)
    legal_basis = models.TextField("依据", blank=True)
    reason = models.TextField("说明")
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)

    class Meta:
        verbose_name = "特殊环节（挂起）"
        verbose_name_plural = "特殊环节（挂起）"
        ordering = ["case_id", "started_on"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.step_name}"


class Visit(models.Model):
    """An in-person trip the applicant made (跑动次数)."""

    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.CASCADE, related_name="visits")
    purpose = models.CharField("事由", max_length=50)
    centre = models.ForeignKey(
        "jurisdictions.ServiceCentre",
        verbose_name="服务中心",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField("时间", default=clock_now, editable=False)

    class Meta:
        verbose_name = "现场到访"
        verbose_name_plural = "现场到访"

    def __str__(self) -> str:
        return f"{self.case_id} {self.purpose}"


class SupervisionNotice(models.Model):
    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.PROTECT, related_name="supervision_notices")
    department = models.ForeignKey(
        "jurisdictions.Department", verbose_name="被督办部门", on_delete=models.PROTECT, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="督办人", on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField("督办意见")
    sent_at = models.DateTimeField("督办时间", default=clock_now, editable=False)
    answer = models.TextField("办理回复", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="回复人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField("回复时间", null=True, blank=True)

    class Meta:
        verbose_name = "督办单"
        verbose_name_plural = "督办单"
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.case_id} 督办"


class CaseNumberSequence(models.Model):
    """Per receiving region and day, the last serial handed out (numbers are dense and readable)."""

    region = models.CharField(max_length=12, help_text="区划代码，一件事办件加前缀 YJS")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "day"], name="uniq_case_seq")]

    def __str__(self) -> str:
        return f"{self.region}-{self.day}:{self.last}"
