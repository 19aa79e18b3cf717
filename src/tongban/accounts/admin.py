"""User admin, in Chinese: identifiers masked in lists; staff roles and bindings editable by system admins only.

``is_staff`` and the role groups are not edited by hand: they follow the role (services.sync_role_groups).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.http import HttpRequest

from tongban.audit.services import client_ip
from tongban.audit.services import record as audit

from . import services
from .masking import mask_phone, mask_resident_id, mask_uscc
from .models import Authorisation, User
from .permissions import is_system_admin
from .roles import AccountKind

STAFF_FIELDS = (
    "kind",
    "role",
    "department",
    "division",
    "service_centre",
    "is_superuser",
    "groups",
    "user_permissions",
    "is_demo",
)
# Shown in full on a user's change page (masked in the list): each showing is audited.
PERSONAL_FIELDS = ("id_number", "uscc", "phone", "address")
UNIQUE_MESSAGES = {
    "id_number": {"unique": services.DUPLICATE_ID_NUMBER},
    "uscc": {"unique": services.DUPLICATE_USCC},
    "username": {"unique": services.DUPLICATE_USERNAME},
}


class StaffBindingMixin:
    """Checks the role against the kind and the department/division/centre it is bound to."""

    def _value(self, name: str) -> Any:
        if name in self.fields:  # type: ignore[attr-defined]
            return self.cleaned_data.get(name)  # type: ignore[attr-defined]
        return getattr(self.instance, name, None)  # type: ignore[attr-defined]

    def _error(self, name: str, message: str) -> None:
        self.add_error(name if name in self.fields else None, message)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()  # type: ignore[misc]
        kind, role = self._value("kind"), self._value("role")
        department, division = self._value("department"), self._value("division")
        if department is not None and division is None and "division" in self.fields:  # type: ignore[attr-defined]
            division = cleaned["division"] = department.division
        if role and kind != AccountKind.STAFF:
            self._error("role", "只有工作人员账号可以设置岗位角色")
        elif kind == AccountKind.STAFF and role:
            for name, message in services.role_binding_errors(
                role, department=department, division=division, centre=self._value("service_centre")
            ).items():
                self._error(name, message)
        return cleaned


class UserAdminChangeForm(StaffBindingMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):  # type: ignore[name-defined]
        model = User
        fields = "__all__"
        error_messages = UNIQUE_MESSAGES


class UserAdminCreationForm(StaffBindingMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):  # type: ignore[name-defined]
        model = User
        fields = ("username",)
        error_messages = UNIQUE_MESSAGES


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    list_display = (
        "username",
        "real_name",
        "kind",
        "role",
        "masked_id_number",
        "masked_uscc",
        "masked_phone",
        "division",
        "department",
        "is_active",
        "is_demo",
    )
    list_filter = (
        "kind",
        "role",
        ("division", admin.RelatedOnlyFieldListFilter),
        ("department", admin.RelatedOnlyFieldListFilter),
        "is_active",
        "is_demo",
    )
    # Exact matches only on identifiers: finding a person needs the whole number, browsing never shows it.
    search_fields = ("username", "real_name", "=id_number", "=uscc", "=phone")
    list_select_related = ("division", "department")
    ordering = ("username",)
    autocomplete_fields = ("division", "department", "service_centre")
    readonly_fields = ("is_staff", "last_login", "date_joined")
    actions = ["unlock_logins"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            "身份信息",
            {"fields": ("kind", "real_name", "id_number", "uscc", "legal_representative", "phone", "email", "address")},
        ),
        (
            "岗位与权限",
            {
                "fields": (
                    "role",
                    "division",
                    "department",
                    "service_centre",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ),
                "description": "“后台登录”权限由岗位角色决定：事项管理员和系统管理员可以登录管理后台。",
            },
        ),
        ("其他", {"fields": ("is_demo", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        ("身份信息", {"fields": ("kind", "real_name", "id_number", "uscc", "legal_representative", "phone")}),
        ("岗位", {"fields": ("role", "division", "department", "service_centre")}),
    )

    @admin.display(description="公民身份号码", ordering="id_number")
    def masked_id_number(self, obj: User) -> str:
        return mask_resident_id(obj.id_number)

    @admin.display(description="统一社会信用代码", ordering="uscc")
    def masked_uscc(self, obj: User) -> str:
        return mask_uscc(obj.uscc)

    @admin.display(description="手机号码")
    def masked_phone(self, obj: User) -> str:
        return mask_phone(obj.phone)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fields = tuple(super().get_readonly_fields(request, obj))
        if not is_system_admin(request.user):
            fields += STAFF_FIELDS
        return fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Creating an account sets its kind and role, which only system administrators decide.
        return super().has_add_permission(request) and is_system_admin(request.user)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        response = super().change_view(request, object_id, form_url, extra_context)
        # The change form shows identifiers in full (to correct them): every such look is on the record.
        user = getattr(response, "context_data", {}).get("original") if response.status_code == 200 else None
        if isinstance(user, User):
            shown = [name for name in PERSONAL_FIELDS if getattr(user, name)]
            if shown:
                detail = {"fields": shown, "surface": "admin"}
                audit("user.view", "user", user.pk, actor=request.user, ip=client_ip(request), detail=detail)
        return response

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # After the form's groups are saved, so the role group cannot be dropped by the form.
        services.sync_role_groups(form.instance)

    @admin.action(description="解除所选账号的登录锁定")
    def unlock_logins(self, request: HttpRequest, queryset: Any) -> None:
        from axes.utils import reset

        removed = sum(reset(username=username) for username in queryset.values_list("username", flat=True))
        self.message_user(request, f"已清除 {removed} 条登录失败记录，所选账号可以重新登录。", messages.SUCCESS)


class AuthorisationForm(forms.ModelForm):
    """What an administrator records; the service's checks (services.authorisation_errors) by field."""

    scope_text = forms.CharField(
        label="授权事项",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="实施清单编码，每行一个；留空表示全部事项",
    )
    document_file = forms.FileField(label="授权委托书", required=False, help_text="PDF、JPEG、PNG或OFD，按内容检查")

    class Meta:
        model = Authorisation
        fields = [
            "agent",
            "principal_name",
            "principal_id_number",
            "valid_from",
            "valid_until",
            "verified_by",
            "verification_note",
        ]

    def document(self) -> tuple[str, bytes] | None:
        upload = self.cleaned_data.get("document_file")
        if not upload:
            return None
        upload.seek(0)
        return upload.name or "document", upload.read()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        errors = services.authorisation_errors(
            agent=cleaned.get("agent"),
            principal_name=cleaned.get("principal_name", ""),
            principal_id_number=cleaned.get("principal_id_number", ""),
            valid_from=cleaned.get("valid_from"),
            valid_until=cleaned.get("valid_until"),
            document=self.document(),
            verified_by=cleaned.get("verified_by"),
            verification_note=cleaned.get("verification_note", ""),
        )
        for name, message in errors.items():
            self.add_error("document_file" if name == "document" else name, message)
        return cleaned


@admin.register(Authorisation)
class AuthorisationAdmin(admin.ModelAdmin):
    """Recorded through the service (its checks and its audit entry), never edited: revoked and recorded anew."""

    form = AuthorisationForm
    list_display = (
        "principal_name",
        "masked_principal",
        "agent_shown",
        "valid_from",
        "valid_until",
        "evidence",
        "state",
    )
    list_filter = ("principal_kind",)
    search_fields = ("principal_name", "=principal_id_number", "agent__username")
    autocomplete_fields = ("agent", "verified_by")
    fields = ("agent", "principal_name", "principal_id_number", "scope_text", "valid_from", "valid_until",
              "document_file", "verified_by", "verification_note")  # fmt: skip
    actions = ["revoke"]

    @admin.display(description="委托人证件号码")
    def masked_principal(self, obj: Authorisation) -> str:
        number = obj.principal_id_number
        return (
            mask_uscc(number) if obj.principal_kind == Authorisation.PrincipalKind.LEGAL else mask_resident_id(number)
        )

    @admin.display(description="受托人")
    def agent_shown(self, obj: Authorisation) -> str:
        # A window agency names the agent the clerk checked, who may have no account.
        return str(obj.agent) if obj.agent is not None else obj.agent_name

    @admin.display(description="依据")
    def evidence(self, obj: Authorisation) -> str:
        return obj.evidence

    @admin.display(description="状态")
    def state(self, obj: Authorisation) -> str:
        return "已撤销" if obj.revoked_at else "有效"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Authorisation, form: Any, change: bool) -> None:
        data = form.cleaned_data
        recorded = services.record_authorisation(
            recorded_by=request.user,  # type: ignore[arg-type]
            agent=data["agent"],
            principal_name=data["principal_name"],
            principal_id_number=data["principal_id_number"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            scope_items=data.get("scope_text", "").split(),
            document=form.document(),
            verified_by=data.get("verified_by"),
            verification_note=data.get("verification_note", ""),
        )
        obj.pk = recorded.pk
        obj._state.adding = False

    @admin.action(description="撤销所选委托授权")
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        for authorisation in queryset.filter(revoked_at__isnull=True):
            services.revoke_authorisation(authorisation, by=request.user, reason="管理员在后台撤销")  # type: ignore[arg-type]
        self.message_user(request, "所选委托授权已撤销。", messages.SUCCESS)
