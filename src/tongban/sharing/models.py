"""The sharing catalogue (共享目录), consent receipts, and the record of every access to shared data.

The providers' own tables (人口库, 法人库, 信用库, 社保) live with their plugins under contrib/.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tongban.core.actor import Role
from tongban.core.models import AppendOnlyModel

from .contrib.credit.models import CreditRecord
from .contrib.legal_entity.models import LegalEntityRecord
from .contrib.population.models import PopulationRecord
from .contrib.social_insurance.models import SocialInsuranceRecord
from .domain.credit import MEASURE_LABELS, Standing
from .domain.rules import SHARING_TYPE_LABELS, SharingType

__all__ = [
    "AccessRecord",
    "CatalogueChange",
    "Consent",
    "CreditMeasure",
    "CreditRecord",
    "DataResource",
    "IntakeLink",
    "LegalEntityRecord",
    "PopulationRecord",
    "ResourceField",
    "SharingRule",
    "SocialInsuranceRecord",
]

ROLE_CHOICES = [
    (Role.WINDOW_CLERK.value, "综合窗口受理人员"),
    (Role.APPROVER.value, "审批人员"),
    (Role.DEPARTMENT_HEAD.value, "部门负责人"),
    (Role.SUPERVISOR.value, "监督人员"),
]


class DataResource(models.Model):
    class Frequency(models.TextChoices):
        REAL_TIME = "real_time", "实时"
        DAILY = "daily", "每日"
        WEEKLY = "weekly", "每周"
        MONTHLY = "monthly", "每月"

    code = models.SlugField("资源代码", max_length=40, unique=True)
    name = models.CharField("资源名称", max_length=100)
    provider = models.CharField("提供方接口", max_length=30, help_text="数据由哪个数据库（插件）提供")
    department = models.ForeignKey(
        "jurisdictions.Department", verbose_name="提供部门", on_delete=models.PROTECT, related_name="+"
    )
    sharing_type = models.CharField(
        "共享类型", max_length=20, choices=[(k.value, v) for k, v in SHARING_TYPE_LABELS.items()]
    )
    legal_basis = models.TextField("共享依据", help_text="法律法规或政策文件")
    update_frequency = models.CharField("更新频率", max_length=20, choices=Frequency.choices)
    replaces_materials = models.CharField(
        "可代替的材料", max_length=300, blank=True, help_text="以顿号分隔；调取本资源的数据后这些材料免提交（减材料）"
    )
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "共享数据资源"
        verbose_name_plural = "共享数据资源"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def kind(self) -> SharingType:
        return SharingType(self.sharing_type)

    def replaced_material_names(self) -> list[str]:
        return [n.strip() for n in self.replaces_materials.replace(",", "、").split("、") if n.strip()]


class ResourceField(models.Model):
    class Sensitivity(models.TextChoices):
        PUBLIC = "public", "公开"
        INTERNAL = "internal", "内部"
        SENSITIVE = "sensitive", "敏感"
        HIGHLY_SENSITIVE = "highly_sensitive", "高度敏感"

    resource = models.ForeignKey(DataResource, verbose_name="数据资源", on_delete=models.CASCADE, related_name="fields")
    key = models.CharField("数据项代码", max_length=40)
    label = models.CharField("数据项名称", max_length=50)
    sensitivity = models.CharField("敏感级别", max_length=20, choices=Sensitivity.choices)
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "数据项"
        verbose_name_plural = "数据项"
        ordering = ["resource", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["resource", "key"], name="sharing_field_unique")]

    def __str__(self) -> str:
        return self.label


class SharingRule(models.Model):
    """Which role (of which department, or any) may ask which fields of a resource for which item (or any)."""

    resource = models.ForeignKey(DataResource, verbose_name="数据资源", on_delete=models.CASCADE, related_name="rules")
    role = models.CharField("岗位", max_length=30, choices=ROLE_CHOICES)
    department = models.ForeignKey(
        "jurisdictions.Department",
        verbose_name="申请部门",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="留空：任何部门",
    )
    item = models.ForeignKey(
        "catalogue.ItemImplementation",
        verbose_name="事项",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="留空：任何事项",
    )
    fields = models.JSONField("可调取的数据项", default=list, help_text="数据项代码的列表")
    needs_case = models.BooleanField("须有办件", default=False)
    needs_consent = models.BooleanField("须经本人授权", default=False)
    condition = models.CharField("共享条件说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "共享规则"
        verbose_name_plural = "共享规则"
        ordering = ["resource", "role", "id"]

    def __str__(self) -> str:
        return f"{self.resource} · {self.get_role_display()}"


class CatalogueChange(AppendOnlyModel):
    """The catalogue's history: every saved or deleted resource, field and rule, as it was after the change."""

    at = models.DateTimeField("时间", auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    resource_code = models.CharField("数据资源", max_length=40, db_index=True)
    change = models.CharField("变更", max_length=20)
    snapshot = models.JSONField("变更后内容", default=dict)

    class Meta:
        verbose_name = "共享目录变更记录"
        verbose_name_plural = "共享目录变更记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.resource_code} {self.change}"


class CreditMeasure(models.Model):
    """联合奖惩措施: a green channel or a restriction an item applies to applicants of a credit standing."""

    standing = models.CharField(
        "信用状况", max_length=10, choices=[(Standing.GOOD.value, "守信"), (Standing.DISHONEST.value, "失信")]
    )
    measure = models.CharField("措施", max_length=20, choices=[(k.value, v) for k, v in MEASURE_LABELS.items()])
    item = models.ForeignKey(
        "catalogue.ItemImplementation",
        verbose_name="事项",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="留空：所有事项；某事项有自己的措施时只用它自己的",
    )
    basis = models.CharField("依据", max_length=300)

    class Meta:
        verbose_name = "信用奖惩措施"
        verbose_name_plural = "信用奖惩措施"
        ordering = ["standing", "measure", "id"]

    def __str__(self) -> str:
        return f"{self.get_standing_display()} · {self.get_measure_display()}"


class Consent(models.Model):
    """A consent receipt: who agreed that which data be used, for which purpose, by which controllers, when and
    how it was collected, under which version of the privacy policy. Withdrawing it stops every further use."""

    class Collected(models.TextChoices):
        ONLINE_FORM = "online_form", "网上申请表勾选同意"
        WINDOW = "window", "窗口当面确认同意"
        API = "api", "接口提交"

    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="授权人账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sharing_consents",
    )
    subject_code = models.CharField("授权人证件号码", max_length=18, db_index=True)
    subject_name = models.CharField("授权人", max_length=100)
    resource = models.ForeignKey(DataResource, verbose_name="数据资源", on_delete=models.PROTECT, related_name="+")
    fields = models.JSONField("数据项", default=list)
    purpose = models.CharField("用途", max_length=200)
    item_code = models.CharField("事项编码", max_length=60, blank=True)
    controllers = models.CharField("数据使用方", max_length=300, help_text="受理和办理部门")
    collected = models.CharField("收集方式", max_length=20, choices=Collected.choices)
    policy_version = models.CharField("隐私政策版本", max_length=20)
    given_at = models.DateTimeField("授权时间", auto_now_add=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "授权记录"
        verbose_name_plural = "授权记录"
        ordering = ["-given_at", "-id"]
        indexes = [models.Index(fields=["subject_code", "resource"], name="sharing_consent_lookup")]

    def __str__(self) -> str:
        return f"{self.subject_name} · {self.resource}"

    @property
    def in_force(self) -> bool:
        return self.withdrawn_at is None


class AccessRecord(AppendOnlyModel):
    """One access to shared data, given or refused: who asked (department, staff member, role), why, for
    which case and item, about whom, of which provider, which fields asked and given, the hashes of request
    and response. Appended once, never changed; its audit entry chains it."""

    class Outcome(models.TextChoices):
        GIVEN = "given", "已提供"
        NOT_FOUND = "not_found", "无此记录"
        REFUSED = "refused", "已拒绝"

    at = models.DateTimeField("时间", db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="查询人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    user_label = models.CharField("查询人姓名", max_length=100)
    role = models.CharField("岗位", max_length=30)
    department = models.ForeignKey(
        "jurisdictions.Department",
        verbose_name="查询部门",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department_name = models.CharField("查询部门名称", max_length=100, blank=True)
    purpose = models.CharField("用途", max_length=200)
    item_code = models.CharField("事项编码", max_length=60, blank=True)
    case_number = models.CharField("办件编号", max_length=40, blank=True, db_index=True)
    intake_key = models.CharField("收件标识", max_length=80, blank=True, db_index=True)
    subject_code = models.CharField("数据主体", max_length=18, db_index=True)
    resource_code = models.CharField("数据资源", max_length=40)
    provider = models.CharField("提供方", max_length=30)
    fields_asked = models.JSONField("请求的数据项", default=list)
    fields_given = models.JSONField("提供的数据项", default=list)
    request_hash = models.CharField("请求摘要", max_length=64)
    response_hash = models.CharField("应答摘要", max_length=64, blank=True)
    outcome = models.CharField("结果", max_length=20, choices=Outcome.choices)
    refusal = models.CharField("拒绝原因", max_length=40, blank=True)
    flags = models.JSONField("提示", default=list)
    consent = models.ForeignKey(
        Consent, verbose_name="依据的授权", null=True, on_delete=models.PROTECT, related_name="+"
    )
    ip = models.CharField("来源地址", max_length=45, blank=True)

    class Meta:
        verbose_name = "数据访问记录"
        verbose_name_plural = "数据访问记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "at"], name="sharing_access_by_user")]

    def __str__(self) -> str:
        return f"{self.user_label} {self.resource_code} {self.subject_code}"


class IntakeLink(AppendOnlyModel):
    """An application taken with shared data (at the window or online): the case it became, the fields the
    applicant or clerk confirmed from shared data, and the materials the data replaced (减材料)."""

    intake_key = models.CharField("收件标识", max_length=80, unique=True)
    case_number = models.CharField("办件编号", max_length=40, db_index=True)
    subject_code = models.CharField("数据主体", max_length=18, db_index=True)
    confirmed = models.JSONField("确认采用的共享数据项", default=dict)
    materials_replaced = models.JSONField("代替的材料", default=list)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "共享数据采用记录"
        verbose_name_plural = "共享数据采用记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.case_number
