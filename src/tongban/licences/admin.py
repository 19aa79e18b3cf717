"""E-licences in the admin: licences (scoped: the issuing department's staff and whoever may see the case),
the issuing bodies' keys and the status lists (system administrators: retire a key, re-sign a list now), and
the record of checks. Nothing here writes a licence: the licence page's actions go through services.perform,
and the upload of earlier systems' licences (存量证照归集) through services.existing."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from tongban.accounts.masking import mask_name, mask_resident_id, mask_uscc
from tongban.accounts.models import User
from tongban.accounts.permissions import is_system_admin
from tongban.audit.services import client_ip
from tongban.cases.admin import ReadOnlyAdmin
from tongban.cases.selectors import visible_cases
from tongban.cases.services import Ctx
from tongban.core.actor import Role, actor_of
from tongban.core.errors import DomainError

from .models import Licence, LicenceUse, LookupRecord, ShowCode, SigningKey, StatusList, VerificationRecord
from .services import existing, keys, status


class ExistingUploadForm(forms.Form):
    file = forms.FileField(label="证照文件（CSV 或 .xlsx）")
    source_system = forms.CharField(label="原签发系统", max_length=100, initial="原电子证照系统")


@admin.register(Licence)
class LicenceAdmin(ReadOnlyAdmin):
    view_perm = "licences.view_licence"
    list_display = ["name", "identifier", "holder", "holder_code_masked", "issuer_name", "status", "issued_on"]
    list_filter = ["status", "source", "type_code"]
    search_fields = ["=identifier", "^case__number"]
    search_help_text = "按证照标识或办件编号查找"
    list_select_related = ["case"]
    fields = readonly_fields = (
        "page",
        "identifier",
        "name",
        "type_code",
        "number",
        "status",
        "version",
        "issuer_name",
        "issuer_code",
        "jurisdiction_code",
        "item_name",
        "case",
        "issued_on",
        "valid_from",
        "valid_until",
        "source",
        "source_system",
    )
    change_list_template = "admin/licences/licence/change_list.html"

    def get_urls(self) -> list:
        view = self.admin_site.admin_view(self.import_existing_view)
        return [path("import-existing/", view, name="licences_licence_import_existing"), *super().get_urls()]

    @staticmethod
    def may_import(request: HttpRequest) -> bool:
        actor = actor_of(request.user)
        return actor.system_admin or actor.has_role(Role.APPROVER, Role.DEPARTMENT_HEAD)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        extra = {"may_import": self.may_import(request), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def import_existing_view(self, request: HttpRequest) -> HttpResponse:
        """存量证照归集: upload a CSV or Excel file; each row is registered (or found again) and every refused
        row is listed with its line."""
        if not self.may_import(request):
            raise PermissionDenied
        report = None
        form = ExistingUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            ctx = Ctx(cast(User, request.user), "admin", ip=client_ip(request))
            try:
                report = existing.import_file(ctx, upload.read(), upload.name, form.cleaned_data["source_system"])
            except DomainError as exc:
                form.add_error("file", exc.message)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "存量证照归集",
            "form": form,
            "report": report,
            "columns": list(existing.COLUMNS),
        }
        return TemplateResponse(request, "admin/licences/licence/import_existing.html", context)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        if is_system_admin(request.user):
            return qs
        actor = actor_of(request.user)
        return qs.filter(Q(issuer_id=actor.department_id) | Q(case__in=visible_cases(request.user).values("pk")))

    @admin.display(description="持证主体")
    def holder(self, obj: Licence) -> str:
        return mask_name(obj.holder_name)

    @admin.display(description="持证主体代码")
    def holder_code_masked(self, obj: Licence) -> str:
        return mask_resident_id(obj.holder_code) if obj.holder_code_type == "111" else mask_uscc(obj.holder_code)

    @admin.display(description="证照页面")
    def page(self, obj: Licence) -> str:
        return format_html('<a href="{}">查看证照、管理与打印</a>', reverse("licences:detail", args=[obj.identifier]))


class SystemAdminOnly(ReadOnlyAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_system_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_admin(request.user)

    def get_actions(self, request: HttpRequest) -> dict:
        return admin.ModelAdmin.get_actions(self, request)


@admin.register(SigningKey)
class SigningKeyAdmin(SystemAdminOnly):
    list_display = ["body", "kid", "purpose", "backend", "valid_from", "valid_until"]
    list_filter = ["purpose", "backend"]
    fields = readonly_fields = (
        "kid",
        "purpose",
        "body",
        "body_code",
        "public_key",
        "backend",
        "key_ref",
        "valid_from",
        "valid_until",
    )
    actions = ["retire"]

    @admin.action(description="停用所选密钥（此后签发的证照不再认可；已签发的仍可核验）")
    def retire(self, request: HttpRequest, queryset: QuerySet[SigningKey]) -> None:
        for key in queryset:
            keys.retire_key(key, actor=request.user)
        self.message_user(
            request, f"已停用 {queryset.count()} 个密钥；颁发机构下次签发时自动生成新密钥。", messages.SUCCESS
        )


@admin.register(StatusList)
class StatusListAdmin(SystemAdminOnly):
    list_display = ["number", "allocated", "generation", "signed_generation", "signed_at"]
    fields = readonly_fields = ("number", "allocated", "generation", "signed_generation", "signed_at")
    actions = ["sign_now"]

    @admin.action(description="立即重新签名所选状态列表")
    def sign_now(self, request: HttpRequest, queryset: QuerySet[StatusList]) -> None:
        for row in queryset:
            status.publish(row.number, force=True)
        self.message_user(request, f"已重新签名 {queryset.count()} 个状态列表。", messages.SUCCESS)


@admin.register(VerificationRecord)
class VerificationRecordAdmin(SystemAdminOnly):
    list_display = ["at", "channel", "identifier", "outcome", "ip"]
    list_filter = ["channel", "outcome"]
    search_fields = ["=identifier"]
    fields = readonly_fields = (
        "at",
        "channel",
        "ip",
        "user_agent",
        "user",
        "query",
        "identifier",
        "licence",
        "outcome",
    )

    def get_actions(self, request: HttpRequest) -> dict:
        return {}


@admin.register(ShowCode)
class ShowCodeAdmin(SystemAdminOnly):
    """亮证码 for the system administrator's oversight (the short code and token stay hidden: they open a licence)."""

    list_display = ["created_at", "licence", "purpose", "audience", "status", "expires_at"]
    list_filter = ["status"]
    fields = readonly_fields = (
        "licence",
        "version",
        "holder",
        "audience",
        "purpose",
        "status",
        "created_at",
        "expires_at",
        "withdrawn_at",
    )

    def get_actions(self, request: HttpRequest) -> dict:
        return {}


@admin.register(LicenceUse)
class LicenceUseAdmin(SystemAdminOnly):
    list_display = ["at", "kind", "identifier", "department_name", "case_number", "outcome", "ip"]
    list_filter = ["kind", "outcome"]
    search_fields = ["=identifier", "=case_number"]
    fields = readonly_fields = (
        "at",
        "kind",
        "licence",
        "identifier",
        "user",
        "department_name",
        "ip",
        "show_code",
        "case_number",
        "purpose",
        "outcome",
    )

    def get_actions(self, request: HttpRequest) -> dict:
        return {}


@admin.register(LookupRecord)
class LookupRecordAdmin(SystemAdminOnly):
    list_display = ["at", "case_number", "type_name", "department_name", "found", "ip"]
    search_fields = ["=case_number"]
    fields = readonly_fields = (
        "at",
        "user",
        "department_name",
        "case_number",
        "type_name",
        "reason",
        "ip",
        "found",
    )

    def get_actions(self, request: HttpRequest) -> dict:
        return {}
