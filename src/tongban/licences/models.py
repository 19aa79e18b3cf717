"""E-licences (电子证照): the licence, its signed versions, its history and annotations, the issuing bodies'
SM2 keys, the serial sequences, the status lists and the record of every verification.

A ``Licence`` is the stable thing a holder has (its status moves by domain/workflow.py through
services/perform.py alone); each ``LicenceVersion`` is one signed content with its own identifier (GB/T 36904:
the version is part of it), never changed; a 变更 adds a version and the older one stays verifiable as
superseded. Events, annotations and verification records are append-only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tongban.core.models import AppendOnlyModel

from .domain.showing import REDEMPTION_WORDS
from .domain.showing import STATUS_LABELS as CODE_STATUS_LABELS
from .domain.workflow import ACTION_LABELS, STATUS_LABELS, LicenceStatus

STATUS_CHOICES = [(k.value, v) for k, v in STATUS_LABELS.items()]
ACTION_CHOICES = [(k.value, v) for k, v in ACTION_LABELS.items()]
HOLDER_CODE_TYPES = [("111", "公民身份号码"), ("001", "统一社会信用代码")]


class SigningKey(models.Model):
    """An SM2 key pair of an issuing body (purpose ``licence``) or of the platform's status lists (``status``).
    The public half is published (key list); the private half never leaves the server: encrypted with the key
    from TONGBAN_LICENCE_KEY_SECRET (software backend), or held by a hardware module (``backend`` names the
    plugin, ``key_ref`` its handle)."""

    class Purpose(models.TextChoices):
        LICENCE = "licence", "证照签名"
        STATUS = "status", "状态列表签名"

    kid = models.CharField("密钥标识", max_length=16, unique=True, help_text="SM3(公钥) 前8字节，十六进制")
    purpose = models.CharField("用途", max_length=10, choices=Purpose.choices, default=Purpose.LICENCE)
    department = models.ForeignKey(
        "jurisdictions.Department",
        verbose_name="颁发机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="licence_keys",
    )
    body = models.CharField("机构名称", max_length=100)
    body_code = models.CharField("机构统一社会信用代码", max_length=18, blank=True)
    public_key = models.CharField("公钥（04‖x‖y，十六进制）", max_length=130)
    backend = models.CharField("签名方式", max_length=40, default="software")
    private_key_encrypted = models.TextField("加密的私钥", blank=True)
    key_ref = models.CharField("硬件密钥句柄", max_length=200, blank=True)
    valid_from = models.DateField("启用日期")
    valid_until = models.DateField("停用日期", null=True, blank=True, help_text="此后签发的证照不再认可该密钥")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "签名密钥"
        verbose_name_plural = "签名密钥"
        ordering = ["purpose", "body", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.body} {self.kid}"


class LicenceSerial(models.Model):
    """The last serial given out per licence type, issuer and year (流水号 = year + 7 digits)."""

    type_code = models.CharField(max_length=21)
    issuer_code = models.CharField(max_length=18)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["type_code", "issuer_code", "year"], name="uniq_licence_serial")]

    def __str__(self) -> str:
        return f"{self.type_code}.{self.issuer_code}.{self.year}:{self.last}"


class StatusList(models.Model):
    """One signed status list of 131,072 entries (domain/statuslist.py): how many indexes are handed out, and
    the latest signed document that verifiers download."""

    number = models.PositiveIntegerField("列表编号", unique=True)
    allocated = models.PositiveIntegerField("已分配", default=0)
    # Moved by every change of a status it carries; the signed document says which one it shows.
    generation = models.PositiveBigIntegerField("变更代次", default=0)
    signed_generation = models.PositiveBigIntegerField("已签名代次", default=0)
    document = models.JSONField("已签名的状态列表", default=dict, blank=True)
    signed_at = models.DateTimeField("签名时间", null=True, blank=True)

    class Meta:
        verbose_name = "证照状态列表"
        verbose_name_plural = "证照状态列表"
        ordering = ["number"]

    def __str__(self) -> str:
        return f"状态列表 {self.number}"


class Licence(models.Model):
    """A licence the platform holds: issued with a case's result (``source`` platform), or one an earlier system
    issued and the platform registered (存量证照归集, ``source`` existing: its face number kept, its
    identifier, key and signature the platform's own, as for every licence)."""

    class Source(models.TextChoices):
        PLATFORM = "platform", "本平台签发"
        EXISTING = "existing", "存量证照归集"

    identifier = models.CharField("证照标识", max_length=120, unique=True, help_text="现行版本的证照标识")
    licence_type = models.ForeignKey(
        "catalogue.LicenceType", verbose_name="证照类型", on_delete=models.PROTECT, related_name="licences"
    )
    type_code = models.CharField("证照类型代码", max_length=21)
    name = models.CharField("证照名称", max_length=100)
    number = models.CharField("证照编号", max_length=40, help_text="照面上的编号：流水号")
    holder_name = models.CharField("持证主体", max_length=100)
    holder_code = models.CharField("持证主体代码", max_length=18, db_index=True)
    holder_code_type = models.CharField("持证主体代码类型", max_length=3, choices=HOLDER_CODE_TYPES)
    issuer = models.ForeignKey(
        "jurisdictions.Department", verbose_name="颁发机构", on_delete=models.PROTECT, related_name="licences"
    )
    issuer_name = models.CharField("颁发机构名称", max_length=100)
    issuer_code = models.CharField("颁发机构代码", max_length=18)
    jurisdiction_code = models.CharField("所属管辖属地编码", max_length=12)
    item_code = models.CharField("关联事项编码", max_length=80, blank=True)
    item_name = models.CharField("关联事项", max_length=200, blank=True)
    case = models.ForeignKey(
        "cases.Case", verbose_name="关联办件", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=12, choices=STATUS_CHOICES, default=LicenceStatus.VALID.value)
    revision = models.PositiveIntegerField("修订号", default=0)
    version = models.PositiveSmallIntegerField("现行版本号", default=1)
    issued_on = models.DateField("颁发日期")
    valid_from = models.DateField("有效期起")
    valid_until = models.DateField("有效期止", null=True, blank=True, help_text="空为长期有效")
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.PLATFORM)
    source_system = models.CharField("原签发系统", max_length=100, blank=True, help_text="存量证照：原来签发它的系统")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "电子证照"
        verbose_name_plural = "电子证照"
        ordering = ["-created_at"]
        constraints = [
            # One registration per earlier licence: a second import of the same file finds it again.
            models.UniqueConstraint(
                fields=["type_code", "issuer_code", "number"],
                condition=models.Q(source="existing"),
                name="uniq_existing_licence",
            )
        ]
        indexes = [
            models.Index(fields=["holder_code", "type_code"], name="licence_holder_type"),
            models.Index(fields=["status", "valid_until"], name="licence_status_until"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.identifier}"


class LicenceVersion(AppendOnlyModel):
    """One signed content of a licence: the canonical content, its SM3 digest, the seal's SM2 signature and
    where its bits lie in the status lists. Never changed; a newer version supersedes it."""

    licence = models.ForeignKey(Licence, verbose_name="电子证照", on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField("版本号")
    identifier = models.CharField("证照标识", max_length=120, unique=True)
    content = models.JSONField("签名内容")
    content_digest = models.CharField("内容摘要（SM3）", max_length=64)
    key = models.ForeignKey(SigningKey, verbose_name="签名密钥", on_delete=models.PROTECT, related_name="+")
    signature = models.CharField("签名（r‖s）", max_length=128)
    status_list = models.PositiveIntegerField("状态列表")
    status_index = models.PositiveIntegerField("状态索引")
    change_reason = models.CharField("变更理由", max_length=300, blank=True)
    created_at = models.DateTimeField("签发时间", auto_now_add=True)

    class Meta:
        verbose_name = "证照版本"
        verbose_name_plural = "证照版本"
        ordering = ["licence_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["licence", "number"], name="uniq_licence_version"),
            models.UniqueConstraint(fields=["status_list", "status_index"], name="uniq_licence_status_index"),
        ]

    def __str__(self) -> str:
        return self.identifier


class LicenceEvent(AppendOnlyModel):
    licence = models.ForeignKey(Licence, verbose_name="电子证照", on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=12, choices=ACTION_CHOICES)
    from_status = models.CharField("原状态", max_length=12, blank=True, choices=STATUS_CHOICES)
    to_status = models.CharField("新状态", max_length=12, choices=STATUS_CHOICES)
    version = models.PositiveSmallIntegerField("版本号")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_role = models.CharField("操作人角色", max_length=30, blank=True)
    reason = models.TextField("理由", blank=True)
    data = models.JSONField("附加信息", default=dict, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "证照过程"
        verbose_name_plural = "证照过程"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.licence_id} {self.get_action_display()}"


class Annotation(AppendOnlyModel):
    """加注件: a note added to a licence beside its signed content (which it never changes)."""

    licence = models.ForeignKey(Licence, verbose_name="电子证照", on_delete=models.PROTECT, related_name="annotations")
    version = models.PositiveSmallIntegerField("加注时版本号")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="加注人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    author_name = models.CharField("加注机构/人员", max_length=100)
    reason = models.CharField("加注事由", max_length=300)
    text = models.TextField("加注内容")
    valid_from = models.DateField("加注有效期起")
    valid_until = models.DateField("加注有效期止", null=True, blank=True)
    at = models.DateTimeField("加注时间", auto_now_add=True)

    class Meta:
        verbose_name = "加注件"
        verbose_name_plural = "加注件"
        ordering = ["licence_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.licence_id} {self.reason}"


class VerificationRecord(AppendOnlyModel):
    """Every check of a licence, online or through the API: when, from where, what was asked, what was said."""

    at = models.DateTimeField("时间", auto_now_add=True)
    channel = models.CharField("方式", max_length=12, choices=[("page", "核验页面"), ("qr", "扫码"), ("api", "接口")])
    ip = models.CharField("来源地址", max_length=45, blank=True)
    user_agent = models.CharField("浏览器/设备", max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核验人账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    query = models.CharField("核验内容", max_length=400)
    identifier = models.CharField("证照标识", max_length=120, blank=True, db_index=True)
    licence = models.ForeignKey(
        Licence, verbose_name="电子证照", null=True, blank=True, on_delete=models.PROTECT, related_name="checks"
    )
    outcome = models.CharField("核验结果", max_length=20)

    class Meta:
        verbose_name = "核验记录"
        verbose_name_plural = "核验记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.identifier or self.query[:20]} {self.outcome}"


class ShowCode(models.Model):
    """亮证码: a holder lets staff (one department's, or any clerk's) see one licence for one purpose, for a
    short time. Its status moves by domain/showing.py through services/showing.py; expiry is read from
    ``expires_at``, never written."""

    licence = models.ForeignKey(Licence, verbose_name="电子证照", on_delete=models.PROTECT, related_name="show_codes")
    version = models.ForeignKey(LicenceVersion, verbose_name="出示的版本", on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="持证人账号", on_delete=models.PROTECT, related_name="+"
    )
    short_code = models.CharField("亮证码", max_length=12, unique=True)
    token = models.CharField("二维码令牌", max_length=64, unique=True)
    audience = models.ForeignKey(
        "jurisdictions.Department",
        verbose_name="限定查验部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="空为任何窗口或部门工作人员",
    )
    purpose = models.CharField("用途", max_length=100)
    status = models.CharField(
        "状态", max_length=10, choices=[(k.value, v) for k, v in CODE_STATUS_LABELS.items()], default="active"
    )
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    expires_at = models.DateTimeField("失效时间")
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)

    class Meta:
        verbose_name = "亮证码"
        verbose_name_plural = "亮证码"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.short_code} {self.licence_id}"


class LicenceUse(AppendOnlyModel):
    """Every time staff saw a licence through its holder's code (亮证) or as a case's material (免证办): who, when,
    from where, for what (look-ups for a case are ``LookupRecord``). The holder sees these in the wallet."""

    class Kind(models.TextChoices):
        SHOWN = "shown", "亮证查验"
        CASE = "case", "免证办核验"

    kind = models.CharField("方式", max_length=10, choices=Kind.choices)
    licence = models.ForeignKey(Licence, verbose_name="电子证照", on_delete=models.PROTECT, related_name="uses")
    identifier = models.CharField("证照标识", max_length=120)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="查看人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department_name = models.CharField("查看人所属部门", max_length=100, blank=True)
    ip = models.CharField("来源地址", max_length=45, blank=True)
    show_code = models.ForeignKey(
        ShowCode, verbose_name="亮证码", null=True, blank=True, on_delete=models.PROTECT, related_name="uses"
    )
    case_number = models.CharField("办件编号", max_length=40, blank=True)
    purpose = models.CharField("用途/理由", max_length=300, blank=True)
    outcome = models.CharField("核验结果", max_length=40, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "证照使用记录"
        verbose_name_plural = "证照使用记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["licence", "at"], name="licence_use_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.identifier}"

    @property
    def outcome_words(self) -> str:
        """The outcome as the holder reads it (a redemption by its code; a case check says it in words)."""
        return REDEMPTION_WORDS.get(self.outcome, self.outcome)


class LookupRecord(AppendOnlyModel):
    """Every look-up for a case (by holder code and type), also those that found nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="查询人", on_delete=models.PROTECT, related_name="+"
    )
    department_name = models.CharField("查询人所属部门", max_length=100, blank=True)
    case_number = models.CharField("办件编号", max_length=40)
    holder_code = models.CharField("持证主体代码", max_length=18, db_index=True)
    type_name = models.CharField("证照类型", max_length=100)
    reason = models.CharField("理由", max_length=300)
    ip = models.CharField("来源地址", max_length=45, blank=True)
    found = models.ForeignKey(
        Licence, verbose_name="查到的证照", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "证照查询记录"
        verbose_name_plural = "证照查询记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_number} {self.type_name}"
