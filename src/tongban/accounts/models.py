"""Accounts: citizens (resident ID), enterprises (USCC) and staff bound to a department and jurisdiction."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models

from tongban.core.actor import Actor, parse_kind, parse_role_value
from tongban.core.identifiers import normalize_resident_id, normalize_uscc, resident_id_error, uscc_error

from .roles import ACCOUNT_KIND_LABELS, ROLE_LABELS, AccountKind, Role


class UserManager(DjangoUserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # A superuser is a system administrator: give it the staff kind and role so the model's rules hold.
        extra_fields.setdefault("kind", AccountKind.STAFF.value)
        extra_fields.setdefault("role", Role.SYSTEM_ADMIN.value)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    kind = models.CharField(
        "账号类型",
        max_length=20,
        choices=[(k.value, v) for k, v in ACCOUNT_KIND_LABELS.items()],
        default=AccountKind.CITIZEN.value,
    )
    real_name = models.CharField("姓名/名称", max_length=100, blank=True)
    id_number = models.CharField("公民身份号码", max_length=18, unique=True, null=True, blank=True)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True, null=True, blank=True)
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    phone = models.CharField("手机号码", max_length=20, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    role = models.CharField(
        "岗位角色", max_length=30, blank=True, choices=[(r.value, v) for r, v in ROLE_LABELS.items()]
    )
    department = models.ForeignKey(
        "jurisdictions.Department",
        verbose_name="所属部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    division = models.ForeignKey(
        "jurisdictions.Division",
        verbose_name="所属区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    service_centre = models.ForeignKey(
        "jurisdictions.ServiceCentre",
        verbose_name="所在服务中心",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    # Demo accounts have published passwords: refused unless the deployment runs in demo mode.
    is_demo = models.BooleanField("演示账号", default=False)

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.real_name or self.username

    @property
    def role_enum(self) -> Role | None:
        return Role(self.role) if self.role else None

    @property
    def actor(self) -> Actor:
        """What the policies know of this account (tongban.core.actor); the division is read once per
        instance (Django keeps the loaded row)."""
        division = self.division if self.division_id else None
        return Actor(
            user_id=self.pk,
            username=self.get_username(),
            kind=parse_kind(self.kind),
            role=parse_role_value(self.role),
            department_id=self.department_id,
            division_code=self.division_id or "",
            division_path=division.path if division is not None else "",
            centre_id=self.service_centre_id,
            superuser=self.is_superuser,
            admin_site=self.is_staff,
            active=self.is_active,
        )

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.id_number:
            self.id_number = normalize_resident_id(self.id_number)
            if msg := resident_id_error(self.id_number):
                errors["id_number"] = msg
        if self.uscc:
            self.uscc = normalize_uscc(self.uscc)
            if msg := uscc_error(self.uscc):
                errors["uscc"] = msg
        if self.kind == AccountKind.CITIZEN and not self.id_number:
            errors["id_number"] = "自然人账号必须填写公民身份号码"
        if self.kind == AccountKind.ENTERPRISE and not self.uscc:
            errors["uscc"] = "法人账号必须填写统一社会信用代码"
        if self.kind == AccountKind.STAFF and not self.role:
            errors["role"] = "工作人员账号必须指定岗位角色"
        if errors:
            raise ValidationError(errors)


class ApiToken(models.Model):
    """A bearer token for the API (see tokens.py). Only its SHA-256 is stored, so a copy of this table lets
    no one in; it expires, and it can be revoked."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField("令牌摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("签发时间", auto_now_add=True)
    expires_at = models.DateTimeField("过期时间")
    last_used_at = models.DateTimeField("最近使用时间", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    ip = models.CharField("签发来源地址", max_length=45, blank=True)

    class Meta:
        verbose_name = "接口访问令牌"
        verbose_name_plural = "接口访问令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.key_hash[:8]}…"


class Authorisation(models.Model):
    """委托授权: a person or enterprise (the principal, 委托人) lets an account (the agent, 代办人/受托人) apply
    in their name, for some items or all, for a time; on the strength of a signed authorisation document
    (授权委托书) or of a window clerk who checked the principal in person. Applications whose applicant is
    not the signed-in account itself are accepted only under one of these (cases/services/identity.py)."""

    class PrincipalKind(models.TextChoices):
        NATURAL = "natural", "自然人"
        LEGAL = "legal", "法人或其他组织"

    principal_kind = models.CharField("委托人类型", max_length=10, choices=PrincipalKind.choices)
    principal_name = models.CharField("委托人姓名/名称", max_length=100)
    principal_id_number = models.CharField("委托人证件号码", max_length=18, db_index=True)
    principal = models.ForeignKey(
        User, verbose_name="委托人账号", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The agent's account where they have one (it lets them follow the case and apply online for the principal);
    # at a window the agent may have none: then they are known by the name and number checked there.
    agent = models.ForeignKey(
        User,
        verbose_name="受托人账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="authorisations",
    )
    agent_name = models.CharField("受托人姓名", max_length=50, blank=True)
    agent_id_number = models.CharField("受托人公民身份号码", max_length=18, blank=True)
    scope_items = models.JSONField("授权事项", default=list, blank=True, help_text="实施清单编码列表；留空表示全部事项")
    valid_from = models.DateField("有效期起")
    valid_until = models.DateField("有效期至")
    document = models.FileField("授权委托书", upload_to="authorisations/%Y/%m/", blank=True)
    document_sha256 = models.CharField("授权委托书摘要", max_length=64, blank=True)
    verified_by = models.ForeignKey(
        User, verbose_name="窗口核验人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verification_note = models.CharField("核验说明", max_length=200, blank=True)
    # A window clerk's check when the agent applies at the window (cases/services/identity.py): how each one's
    # identity document was checked, and whether the written authorisation (授权委托书) was handed over.
    principal_check = models.CharField("委托人身份核验", max_length=100, blank=True)
    agent_check = models.CharField("受托人身份核验", max_length=100, blank=True)
    written = models.BooleanField("已收取书面授权委托书", default=False)
    recorded_by = models.ForeignKey(User, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoke_reason = models.CharField("撤销原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "委托授权"
        verbose_name_plural = "委托授权"
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["agent", "principal_id_number"], name="authorisation_lookup")]

    def __str__(self) -> str:
        return f"{self.principal_name} 委托 {self.agent or self.agent_name}"

    @property
    def evidence(self) -> str:
        """What the authorisation rests on, in words (case pages, the API, the admin): the window clerk's check of
        both identity documents, or of the principal in person, and the written authorisation. No personal data."""
        parts = []
        if self.principal_check or self.agent_check:
            parts += [f"委托人：{self.principal_check}", f"受托人：{self.agent_check}"]
        elif self.verified_by_id:
            parts.append(
                f"窗口当面核验委托人（{self.verification_note}）" if self.verification_note else "窗口当面核验委托人"
            )
        if self.document:
            parts.append("授权委托书（已扫描存档）")
        elif self.written:
            parts.append("授权委托书（纸质原件）")
        return "；".join(parts)

    def covers(self, implementation_code: str) -> bool:
        return not self.scope_items or implementation_code in self.scope_items
