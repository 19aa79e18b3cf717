"""The service catalogue: basic catalogue entries (基本目录), implementations (实施清单) and their versioned
guides (办事指南).

An ``ItemImplementation`` is the stable identity of an item as implemented by one department in one
jurisdiction; its content lives in ``ImplementationVersion`` rows that move through the workflow of
``workflow.py``. A published or retired version never changes: ``ImmutableVersionError`` guards that here,
below the services, so no code path can edit what citizens and cases already rely on.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse

from tongban.core.models import AppendOnlyModel

from . import licence_types as lt
from . import vocab
from .guide_files import format_size
from .rules import stops_clock
from .workflow import ACTION_LABELS, STATUS_LABELS, VersionStatus


class ImmutableVersionError(Exception):
    """Raised on an attempt to change a version (or its parts) that is no longer a draft."""


def _choices(labels: dict) -> list[tuple[str, str]]:
    return [(k.value, v) for k, v in labels.items()]


class Theme(models.Model):
    """自然人 / 法人 theme (主题分类) used for browsing."""

    code = models.CharField("编码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=50)
    audience = models.CharField("服务对象", max_length=10, choices=vocab.SERVICE_OBJECTS)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "主题分类"
        verbose_name_plural = "主题分类"
        ordering = ["audience", "order", "code"]

    def __str__(self) -> str:
        return f"{self.get_audience_display()}·{self.name}"


class LicenceType(models.Model):
    """A kind of licence (证照类型) the catalogue defines: who defines it, what its face shows and where each
    value comes from, how long it is valid (licence_types.py). An implementation whose result is a licence
    names it by ``code`` (ImplementationVersion.result_licence_type)."""

    code = models.CharField(
        "证照类型代码", max_length=21, unique=True, help_text="证照定义机构的统一社会信用代码加3位数字，共21位"
    )
    name = models.CharField("证照类型名称", max_length=100)
    defining_body = models.CharField("证照定义机构", max_length=100)
    defining_body_code = models.CharField("证照定义机构统一社会信用代码", max_length=18)
    holder_kind = models.CharField("持证主体类型", max_length=10, choices=lt.HOLDER_KINDS, default="natural")
    face_fields = models.JSONField(
        "照面字段",
        default=list,
        help_text='[{"key": "spouse_name", "label": "配偶姓名", "type": "text", "source": "form.spouse_name", '
        '"required": true}]；source 为 form.<申请表字段> 或 holder_name、issued_on 等办件信息',
    )
    validity_rule = models.CharField("有效期规则", max_length=10, choices=lt.VALIDITY_RULES, default="permanent")
    validity_years = models.PositiveSmallIntegerField("有效年限", null=True, blank=True)
    valid_until = models.DateField("统一截止日期", null=True, blank=True)
    face_title = models.CharField("照面标题", max_length=100, help_text="打印在证照照面顶部，如“营业执照”")
    face_layout = models.CharField("照面版式", max_length=12, choices=lt.FACE_LAYOUTS, default="certificate")
    is_active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "证照类型"
        verbose_name_plural = "证照类型"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class CatalogueEntry(models.Model):
    """A basic catalogue item, defined once (nationally or provincially) and implemented locally.

    Its ``standard_*`` fields are the 六统一 baseline every implementation is compared against.
    """

    code = models.CharField("基本编码", max_length=40, unique=True)
    name = models.CharField("事项名称", max_length=200)
    parent = models.ForeignKey(
        "self", verbose_name="主项", null=True, blank=True, on_delete=models.PROTECT, related_name="sub_items"
    )
    business_type = models.CharField("业务办理项类型", max_length=10, choices=vocab.BUSINESS_TYPES, blank=True)
    item_type = models.CharField("事项类型", max_length=2, choices=vocab.ITEM_TYPES)
    defining_level = models.CharField("设立层级", max_length=10, choices=vocab.LEVELS, default="national")
    competent_department = models.CharField("主管部门", max_length=100)
    department_kind = models.CharField("部门类别", max_length=40, db_index=True)
    service_objects = models.JSONField("服务对象", default=list, help_text='如 ["natural"] 或 ["natural", "legal"]')
    themes = models.ManyToManyField(Theme, verbose_name="主题分类", blank=True, related_name="entries")
    legal_basis = models.TextField("设定依据")
    power_source = models.CharField("权力来源", max_length=100, default="法定本级行使")
    statutory_days = models.PositiveIntegerField("法定办结时限（工作日）")
    standard_materials = models.JSONField("标准申请材料", default=list, blank=True)
    standard_steps = models.JSONField("标准办理环节", default=list, blank=True)
    standard_fees = models.JSONField("标准收费项目", default=list, blank=True)
    cross_region = models.BooleanField("列入跨省通办清单", default=False)
    keywords = models.TextField("检索关键词", blank=True, help_text="空格或逗号分隔，市民常用说法")
    aliases = models.TextField("别名/俗称", blank=True, help_text="空格或逗号分隔")
    description = models.TextField("事项简介", blank=True)
    is_active = models.BooleanField("有效", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "基本目录事项"
        verbose_name_plural = "基本目录事项"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class ItemImplementation(models.Model):
    """The item as implemented by one department in one jurisdiction (实施清单条目)."""

    code = models.CharField("实施编码", max_length=80, unique=True)
    entry = models.ForeignKey(
        CatalogueEntry, verbose_name="基本目录事项", on_delete=models.PROTECT, related_name="implementations"
    )
    division = models.ForeignKey(
        "jurisdictions.Division", verbose_name="实施区划", on_delete=models.PROTECT, related_name="implementations"
    )
    department = models.ForeignKey(
        "jurisdictions.Department", verbose_name="实施机关", on_delete=models.PROTECT, related_name="implementations"
    )
    # Denormalised pointer to the version citizens see now; set only by services.publish_version.
    published_version = models.ForeignKey(
        "ImplementationVersion",
        verbose_name="现行版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "实施清单事项"
        verbose_name_plural = "实施清单事项"
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["entry", "department"], name="uniq_impl_per_department")]

    def __str__(self) -> str:
        version = self.published_version
        name = version.name if version else self.entry.name
        return f"{name}（{self.department}）"


class ImplementationVersion(models.Model):
    """One version of an implementation's guide. Only drafts may change."""

    STATUS_CHOICES: ClassVar = _choices(STATUS_LABELS)

    implementation = models.ForeignKey(
        ItemImplementation, verbose_name="实施清单事项", on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField("版本号")
    status = models.CharField(
        "状态", max_length=20, choices=STATUS_CHOICES, default=VersionStatus.DRAFT.value, db_index=True
    )

    # identity
    name = models.CharField("事项名称", max_length=200)
    legal_basis = models.TextField("实施依据", help_text="法律法规名称及条款原文")
    exercise_level = models.CharField("行使层级", max_length=10, choices=vocab.LEVELS)
    service_objects = models.JSONField("服务对象", default=list)
    conditions = models.TextField("受理条件", blank=True)
    # handling
    review_type = models.CharField("审查类型", max_length=10, choices=vocab.REVIEW_TYPES)
    handling_type = models.CharField("办件类型", max_length=10, choices=vocab.HANDLING_TYPES)
    statutory_days = models.PositiveIntegerField("法定办结时限", help_text="按“时限单位”计算")
    promised_days = models.PositiveIntegerField("承诺办结时限", help_text="按“时限单位”计算；0 表示即办")
    limit_unit = models.CharField(
        "时限单位",
        max_length=10,
        choices=vocab.LIMIT_UNITS,
        default="working",
        help_text="行政许可法按工作日计算；其他法律规定按日计算的（如居民身份证法第十二条60日）选“自然日”",
    )
    correction_counted = models.BooleanField(
        "补正期间是否计入办理时限",
        default=False,
        help_text="办理中退回申请人补正的期间是否计入办理时限（依本地规定）",
    )
    # channels
    online = models.BooleanField("是否网办", default=True)
    online_depth = models.PositiveSmallIntegerField("网上办理深度", choices=vocab.ONLINE_DEPTHS, default=3)
    visits = models.PositiveSmallIntegerField("到办事现场次数", default=1)
    onsite_reason = models.TextField("必须现场办理原因说明", blank=True)
    handling_forms = models.JSONField("办理形式", default=list, help_text='如 ["window", "online", "post"]')
    appointment = models.BooleanField("是否支持预约", default=True)
    scope = models.CharField("通办范围", max_length=10, choices=vocab.SCOPES, default="city")
    joint_handling = models.BooleanField(
        "可作为多地联办环节",
        default=False,
        help_text="需要两地或多地部门依次办理的事项（如户口迁移的迁出地与迁入地、养老保险关系转出地与转入地）",
    )
    proxy_allowed = models.BooleanField("是否可代办", default=True)
    nearby = models.BooleanField("是否就近办理", default=False)
    intermediary = models.BooleanField("是否有中介服务", default=False)
    # result
    result_name = models.CharField("审批结果名称", max_length=200)
    result_type = models.CharField("审批结果类型", max_length=10, choices=vocab.RESULT_TYPES)
    result_sample = models.CharField("结果样本", max_length=200, blank=True)
    result_licence_type = models.CharField(
        "结果电子证照类型",
        max_length=60,
        blank=True,
        help_text="结果为电子证照时填写证照类型代码（21位）；办结出件时据此自动签发电子证照",
    )
    delivery_methods = models.JSONField("送达方式", default=list)
    delivery_days = models.PositiveIntegerField(
        "送达时限（工作日）", default=0, help_text="作出决定后出件送达的期限；0 为行政许可法第四十四条的10个工作日"
    )
    courier = models.BooleanField("是否支持物流快递", default=False)
    # fees
    charged = models.BooleanField("是否收费", default=False)
    fee_basis = models.TextField("收费依据", blank=True)
    fees = models.JSONField("收费项目", default=list, blank=True, help_text='[{"item": "工本费", "amount": "20.00"}]')
    online_payment = models.BooleanField("是否支持网上支付", default=False)
    # contact
    location = models.CharField("办理地点", max_length=300)
    office_hours = models.CharField("办理时间", max_length=200)
    phone = models.CharField("咨询电话", max_length=60)
    complaint_phone = models.CharField("监督投诉电话", max_length=60)
    faq = models.JSONField("常见问题", default=list, blank=True, help_text='[{"q": "…", "a": "…"}]')
    # the application form the applicant fills (see formschema.py)
    form_schema = models.JSONField("申请表单", default=list, blank=True)
    keywords = models.TextField("检索关键词", blank=True)
    aliases = models.TextField("别名/俗称", blank=True)

    change_note = models.CharField("修改说明", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    # Fields that may still change once a version is published (by workflow transitions only).
    MUTABLE_AFTER_PUBLISH: ClassVar = frozenset({"status"})

    class Meta:
        verbose_name = "办事指南版本"
        verbose_name_plural = "办事指南版本"
        ordering = ["implementation_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["implementation", "number"], name="uniq_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}（{self.get_status_display()}）"

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT

    def content_fields(self) -> list[str]:
        skip = {"id", "implementation", "number", "status", "created_by", "created_at", "published_at"}
        return [f.name for f in self._meta.concrete_fields if f.name not in skip]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).values("status").first()
            if stored and stored["status"] != VersionStatus.DRAFT:
                update_fields = kwargs.get("update_fields")
                if not update_fields or not set(update_fields) <= {"status", "published_at"}:
                    raise ImmutableVersionError("已提交或已发布的版本不能修改，请新建版本。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any):
        if self.status != VersionStatus.DRAFT:
            raise ImmutableVersionError("只有草稿版本可以删除。")
        return super().delete(*args, **kwargs)


class VersionPart(models.Model):
    """A row that belongs to one version's content: editable only while that version is a draft."""

    class Meta:
        abstract = True

    def _check_editable(self) -> None:
        status = ImplementationVersion.objects.filter(pk=self.version_id).values_list("status", flat=True).first()  # type: ignore[attr-defined]
        if status is not None and status != VersionStatus.DRAFT:
            raise ImmutableVersionError("已提交或已发布的版本不能修改，请新建版本。")

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._check_editable()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any):
        self._check_editable()
        return super().delete(*args, **kwargs)


class GuideFile(models.Model):
    """A file people download from a guide (空白表格, 示例样表): kept once per content and name, never changed.
    Versions share it (a new version copies the reference); a new file is a new row (guide_files.py)."""

    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    file = models.FileField("文件", max_length=200)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "指南文件"
        verbose_name_plural = "指南文件（空白表格、示例样表）"
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["sha256", "name"], name="uniq_guide_file")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:file", args=[self.pk, self.name])

    @property
    def size_label(self) -> str:
        return format_size(self.size)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and type(self)._default_manager.filter(pk=self.pk).exists():
            raise ImmutableVersionError("已保存的指南文件不能修改，请上传新文件。")
        super().save(*args, **kwargs)


class MaterialRequirement(VersionPart):
    version = models.ForeignKey(
        ImplementationVersion, verbose_name="版本", on_delete=models.CASCADE, related_name="materials"
    )
    order = models.PositiveSmallIntegerField("序号", default=0)
    name = models.CharField("材料名称", max_length=200)
    source = models.CharField("来源渠道", max_length=20, choices=vocab.MATERIAL_SOURCES, default="applicant")
    material_type = models.CharField("材料类型", max_length=10, choices=vocab.MATERIAL_TYPES, default="original")
    form = models.CharField("材料形式", max_length=12, choices=vocab.MATERIAL_FORMS, default="either")
    copies = models.PositiveSmallIntegerField("份数", default=1)
    necessity = models.CharField("必要性", max_length=12, choices=vocab.NECESSITIES, default="required")
    # The name (or a link) of the blank form and of the sample; the file itself, when the catalogue keeps it.
    blank_form = models.CharField("空白表格", max_length=200, blank=True)
    sample = models.CharField("示例样表", max_length=200, blank=True)
    blank_form_file = models.ForeignKey(
        GuideFile, verbose_name="空白表格文件", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sample_file = models.ForeignKey(
        GuideFile, verbose_name="示例样表文件", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    instructions = models.TextField("填报须知", blank=True)
    acceptance_standard = models.TextField("受理标准", blank=True)
    licence_replaceable = models.BooleanField("可用电子证照免提交", default=False)
    licence_type = models.CharField("对应电子证照类型", max_length=60, blank=True)

    class Meta:
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"
        ordering = ["version_id", "order", "id"]

    def __str__(self) -> str:
        return self.name


class HandlingStep(VersionPart):
    version = models.ForeignKey(
        ImplementationVersion, verbose_name="版本", on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField("序号", default=0)
    name = models.CharField("环节名称", max_length=50, help_text="受理 / 审核 / 审批 / 办结 / 送达")
    days = models.PositiveIntegerField("环节时限（工作日）", default=0)
    handler = models.CharField("办理人员", max_length=50, blank=True)
    criteria = models.TextField("审查标准", blank=True)

    class Meta:
        verbose_name = "办理环节"
        verbose_name_plural = "办理环节"
        ordering = ["version_id", "order", "id"]

    def __str__(self) -> str:
        return self.name


class SpecialStep(VersionPart):
    """A special step (特殊环节). Its time is left out of the limit only for the procedures of 行政许可法 Art. 45
    (听证, 招标, 拍卖, 检验, 检测, 检疫, 鉴定, 专家评审) or with a legal basis of its own (rules.stops_clock)."""

    version = models.ForeignKey(
        ImplementationVersion, verbose_name="版本", on_delete=models.CASCADE, related_name="special_steps"
    )
    name = models.CharField(
        "特殊环节名称",
        max_length=50,
        help_text="行政许可法第四十五条：听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审",
    )
    max_days = models.PositiveIntegerField("最长时限（工作日）", default=0)
    counted_in_limit = models.BooleanField("是否计算在法定办结时限内", default=False)
    legal_basis = models.TextField(
        "法律依据", blank=True, help_text="第四十五条以外的特殊环节不计入办理时限的，须写明法律法规名称及条款"
    )
    description = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "特殊环节"
        verbose_name_plural = "特殊环节"
        ordering = ["version_id", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def stops_clock(self) -> bool:
        """Its time is left out of the limit (what the guide, the case page and the notices say)."""
        return stops_clock(self.name, self.legal_basis, self.counted_in_limit)


class VersionEvent(AppendOnlyModel):
    """Append-only history: who did what to which version, when."""

    version = models.ForeignKey(
        ImplementationVersion, verbose_name="版本", on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField("操作", max_length=20, choices=_choices(ACTION_LABELS))
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
    at = models.DateTimeField("时间", auto_now_add=True)
    note = models.TextField("说明", blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)

    class Meta:
        verbose_name = "版本历史"
        verbose_name_plural = "版本历史"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class CatalogueGeneration(models.Model):
    """A counter bumped in the same transaction as every publish: search indexes rebuild when it moves."""

    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "目录发布代次"
        verbose_name_plural = "目录发布代次"

    def __str__(self) -> str:
        return str(self.value)
