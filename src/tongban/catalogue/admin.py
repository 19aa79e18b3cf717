"""Catalogue administration (事项管理) in the Django admin.

Every write goes through ``services``: implementations are created with ``create_implementation``, drafts
are saved with ``update_draft`` (so the history records who changed which fields), and the workflow buttons
and list actions call ``submit_version`` / ``reject_version`` / ``publish_version`` / ``retire_version`` /
``start_new_version``. Versions that are no longer drafts are shown read-only. Catalogue administrators see
only their own division's subtree (see ``tongban.jurisdictions.admin``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe

from tongban.core.actor import actor_of
from tongban.core.errors import DomainError
from tongban.jurisdictions.admin import (
    RoleScopedAdmin,
    RoleScopedInline,
    scope_model,
    scope_queryset,
)
from tongban.jurisdictions.kinds import department_kind_label
from tongban.jurisdictions.models import Department, Division

from . import guide_files, services, vocab
from .access import manages_a_province
from .formschema import FIELD_TYPES, schema_errors
from .licence_types import CASE_SOURCES
from .models import (
    CatalogueEntry,
    HandlingStep,
    ImplementationVersion,
    ItemImplementation,
    LicenceType,
    MaterialRequirement,
    SpecialStep,
    Theme,
    VersionEvent,
)
from .rules import Violation
from .uniformity import ASPECTS, uniformity_report, version_differences
from .workflow import ACTION_LABELS, STATUS_LABELS, VersionAction, VersionStatus, allowed_actions

# Rows a catalogue administrator sees: those of their own division's subtree (jurisdictions.admin).
scope_model(
    "catalogue.itemimplementation", "division__path", choice_related=("entry", "department", "published_version")
)
scope_model("catalogue.implementationversion", "implementation__division__path")
scope_model("catalogue.versionevent", "version__implementation__division__path")

# --- labels ------------------------------------------------------------------------------------------------


def field_label(name: str) -> str:
    """The Chinese label of a guide field (a rule's Violation.field), e.g. "complaint_phone" → 监督投诉电话."""
    for model in (ImplementationVersion, CatalogueEntry):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        verbose_name = getattr(field, "verbose_name", None)
        if verbose_name:
            return str(verbose_name)
        related = getattr(field, "related_model", None)
        if related is not None:  # materials / steps / special_steps
            return str(related._meta.verbose_name_plural)
    return name


_STATUS_BY_VALUE = {status.value: label for status, label in STATUS_LABELS.items()}


def status_label(value: str | None) -> str:
    return _STATUS_BY_VALUE.get(value or "", value or "")


def labelled(violations: list[Violation]) -> list[dict[str, str]]:
    return [{"field": v.field, "label": field_label(v.field), "message": v.message} for v in violations]


def version_label(version: ImplementationVersion) -> str:
    return f"“{version.name or version.implementation.entry.name}”第{version.number}版"


def preview_url(version: ImplementationVersion) -> str:
    """The public guide page for a version citizens may see; the staff-only preview for drafts and reviews."""
    if version.status in (VersionStatus.PUBLISHED, VersionStatus.RETIRED):
        page = reverse("catalogue:guide", args=[version.implementation.code])
        return f"{page}?{urlencode({'version': version.number})}"
    return reverse("admin:catalogue_implementationversion_preview", args=[version.pk])


# --- form fields ---------------------------------------------------------------------------------------------


class PrettyJSONField(forms.JSONField):
    """JSON in a textarea, indented and with Chinese left readable; empty means an empty list."""

    def __init__(self, *args: Any, rows: int = 6, **kwargs: Any):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", forms.Textarea(attrs={"rows": rows, "class": "vLargeTextField json-input", "spellcheck": "false"})
        )
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Any:
        converted = super().to_python(value)
        return [] if converted is None else converted

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2, cls=self.encoder)


class LinesField(forms.CharField):
    """A list of names edited one per line."""

    widget = forms.Textarea(attrs={"rows": 4, "class": "vLargeTextField"})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(str(v) for v in value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        return [line.strip() for line in str(text or "").splitlines() if line.strip()]

    def validate(self, value: Any) -> None:
        super().validate(value)
        duplicates = sorted({v for v in value if value.count(v) > 1})
        if duplicates:
            raise forms.ValidationError(f"重复的项目：{'、'.join(duplicates)}")


def choice_list(label: str, choices: list[tuple[str, str]], **kwargs: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=label, choices=choices, widget=forms.CheckboxSelectMultiple, **kwargs)


def fee_errors(value: Any) -> list[str]:
    if not isinstance(value, list):
        return ['收费项目应为列表，如 [{"item": "工本费", "amount": "20.00"}]']
    errors = []
    for i, fee in enumerate(value, start=1):
        if not isinstance(fee, dict) or not str(fee.get("item") or "").strip():
            errors.append(f"第{i}个收费项目缺少名称（item）")
            continue
        try:
            amount = float(str(fee.get("amount")))
        except ValueError:
            errors.append(f"收费项目“{fee['item']}”的金额（amount）应为数字")
            continue
        if amount < 0:
            errors.append(f"收费项目“{fee['item']}”的金额不能为负数")
    return errors


def faq_errors(value: Any) -> list[str]:
    if not isinstance(value, list):
        return ['常见问题应为列表，如 [{"q": "问题", "a": "解答"}]']
    return [
        f"第{i}个常见问题缺少问题（q）或解答（a）"
        for i, item in enumerate(value, start=1)
        if not isinstance(item, dict) or not str(item.get("q") or "").strip() or not str(item.get("a") or "").strip()
    ]


# --- list filters --------------------------------------------------------------------------------------------


class RegionFilter(admin.SimpleListFilter):
    """A division and its whole subtree; offers only divisions that (or whose descendants) have rows."""

    title = "实施区划"
    parameter_name = "region"
    path_lookup = "division__path"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        paths = model_admin.get_queryset(request).order_by().values_list(self.path_lookup, flat=True).distinct()
        codes = {code for p in paths for code in p.split("/") if code}
        divisions = scope_queryset(Division.objects.filter(code__in=codes), request.user, "path")
        return [(d.code, "　" * (d.level - 1) + d.name) for d in divisions.order_by("path")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if not self.value():
            return queryset
        division = Division.objects.filter(code=self.value()).first()
        if division is None:
            return queryset.none()
        return queryset.filter(**{f"{self.path_lookup}__startswith": division.path})


class VersionRegionFilter(RegionFilter):
    path_lookup = "implementation__division__path"


class DepartmentKindFilter(admin.SimpleListFilter):
    title = "部门类别"
    parameter_name = "department_kind"
    kind_lookup = "department__kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        kinds = model_admin.get_queryset(request).order_by().values_list(self.kind_lookup, flat=True).distinct()
        return sorted(((k, department_kind_label(k)) for k in set(kinds) if k), key=lambda pair: pair[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(**{self.kind_lookup: self.value()}) if self.value() else queryset


class VersionDepartmentKindFilter(DepartmentKindFilter):
    kind_lookup = "implementation__department__kind"


class EntryDepartmentKindFilter(DepartmentKindFilter):
    kind_lookup = "department_kind"


class NewestStatusFilter(admin.SimpleListFilter):
    title = "最新版本状态"
    parameter_name = "newest_status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(s.value, label) for s, label in STATUS_LABELS.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(newest_status=self.value()) if self.value() else queryset


# --- themes and catalogue entries ----------------------------------------------------------------------------


class BaseCatalogueAdmin(RoleScopedAdmin):
    """The basic catalogue is shared by every region: changed by platform-wide or province administrators."""

    role_may_delete = False

    def scoped_user_may_edit(self, request: HttpRequest) -> bool:
        return manages_a_province(actor_of(request.user))


@admin.register(Theme)
class ThemeAdmin(BaseCatalogueAdmin):
    list_display = ("name", "code", "audience", "order")
    list_filter = ("audience",)
    search_fields = ("code", "name")
    ordering = ("audience", "order", "code")


class LicenceTypeForm(forms.ModelForm):
    face_fields = PrettyJSONField(
        label="照面字段",
        rows=10,
        required=True,
        help_text='每个字段 {"key", "label", "type", "source", "required"}；type 为 text、date、number 或 code；'
        "source 为 form.<申请表字段键名>，或 " + "、".join(f"{k}（{v}）" for k, v in CASE_SOURCES.items()),
    )

    class Meta:
        model = LicenceType
        fields = [
            "code", "name", "defining_body", "defining_body_code", "holder_kind", "face_title", "face_layout",
            "face_fields", "validity_rule", "validity_years", "valid_until", "is_active",
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk and data.get("code") != self.instance.code:
            self.add_error("code", "证照类型代码已被证照使用，不能修改")
        for field, message in services.licence_type_errors(data).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return data


@admin.register(LicenceType)
class LicenceTypeAdmin(BaseCatalogueAdmin):
    """证照类型: defined once for the whole platform, by province or platform administrators."""

    form = LicenceTypeForm
    list_display = ("name", "code", "defining_body", "holder_kind", "validity_rule", "is_active")
    list_filter = ("holder_kind", "validity_rule", "is_active")
    search_fields = ("code", "name", "defining_body")
    fieldsets = [
        (None, {"fields": ["code", "name", "defining_body", "defining_body_code", "holder_kind", "is_active"]}),
        ("照面", {"fields": ["face_title", "face_layout", "face_fields"]}),
        ("有效期", {"fields": ["validity_rule", "validity_years", "valid_until"]}),
    ]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = services.save_licence_type(dict(form.cleaned_data), actor=request.user)
        obj.pk = saved.pk


class CatalogueEntryForm(forms.ModelForm):
    service_objects = choice_list("服务对象", vocab.SERVICE_OBJECTS)
    standard_materials = LinesField(label="标准申请材料", required=False, help_text="每行一份材料，六统一比对以此为准")
    standard_steps = LinesField(
        label="标准办理环节", required=False, help_text="每行一个环节，按办理顺序，如 受理、审核、办结"
    )
    standard_fees = PrettyJSONField(
        label="标准收费项目", rows=4, help_text='如 [{"item": "工本费", "amount": "20.00"}]，不收费留空'
    )

    class Meta:
        model = CatalogueEntry
        fields = [
            f.name
            for f in CatalogueEntry._meta.get_fields()
            if getattr(f, "editable", False) and not f.auto_created and f.name != "updated_at"
        ]

    def clean_standard_fees(self) -> Any:
        value = self.cleaned_data.get("standard_fees")
        if errors := fee_errors(value):
            raise forms.ValidationError(errors)
        return value

    def clean_parent(self) -> Any:
        parent = self.cleaned_data.get("parent")
        if parent is not None and self.instance.pk and parent.pk == self.instance.pk:
            raise forms.ValidationError("主项不能是事项本身")
        return parent


@admin.register(CatalogueEntry)
class CatalogueEntryAdmin(BaseCatalogueAdmin):
    form = CatalogueEntryForm
    list_display = ("code", "name", "item_type", "kind_label", "cross_region", "is_active")
    list_filter = ("item_type", EntryDepartmentKindFilter, "cross_region", "themes", "is_active")
    search_fields = ("code", "name", "keywords", "aliases")
    filter_horizontal = ("themes",)
    autocomplete_fields = ("parent",)
    readonly_fields = ("updated_at",)
    fieldsets = [
        (
            "事项信息",
            {
                "fields": [
                    "code",
                    "name",
                    "parent",
                    "business_type",
                    "item_type",
                    "defining_level",
                    "competent_department",
                    "department_kind",
                    "service_objects",
                    "themes",
                    "description",
                    "is_active",
                ]
            },
        ),
        ("设定依据", {"fields": ["legal_basis", "power_source"]}),
        (
            "六统一标准",
            {
                "fields": ["statutory_days", "standard_materials", "standard_steps", "standard_fees"],
                "description": "各地实施清单与这里的标准比对，差异列入“六统一比对报告”。",
            },
        ),
        ("通办与检索", {"fields": ["cross_region", "keywords", "aliases", "updated_at"]}),
    ]

    @admin.display(description="部门类别", ordering="department_kind")
    def kind_label(self, obj: CatalogueEntry) -> str:
        return department_kind_label(obj.department_kind, obj.competent_department)


# --- implementations -----------------------------------------------------------------------------------------

LEVEL_BY_DIVISION = {1: "province", 2: "city", 3: "county", 4: "township", 5: "village"}


def initial_guide(entry: CatalogueEntry, division: Division) -> tuple[dict[str, Any], list[dict], list[dict]]:
    """A first draft copied from the catalogue entry's standard, so the implementation starts uniform."""
    days = entry.statutory_days
    content: dict[str, Any] = {
        "name": entry.name,
        "legal_basis": entry.legal_basis,
        "exercise_level": LEVEL_BY_DIVISION.get(division.level, "county"),
        "service_objects": list(entry.service_objects or []),
        "review_type": "review" if days else "instant",
        "handling_type": "promised" if days else "immediate",
        "statutory_days": days,
        "promised_days": days,
        "charged": bool(entry.standard_fees),
        "fees": list(entry.standard_fees or []),
        "online_payment": False,
        "keywords": entry.keywords,
        "aliases": entry.aliases,
        "change_note": "依据基本目录新建",
    }
    materials = [{"name": name} for name in entry.standard_materials or []]
    steps = [{"name": name} for name in entry.standard_steps or []]
    return content, materials, steps


class ImplementationAddForm(forms.ModelForm):
    code = forms.CharField(
        label="实施编码",
        max_length=80,
        required=False,
        help_text="留空则按“基本编码-区划代码-000-实施机关统一社会信用代码-1-00”生成",
    )

    class Meta:
        model = ItemImplementation
        fields = ["entry", "division", "department", "code"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        entry, division, department = data.get("entry"), data.get("division"), data.get("department")
        if division is not None and department is not None and department.division_id != division.pk:
            self.add_error("department", f"实施机关“{department}”不属于所选实施区划“{division}”")
        elif entry is not None and division is not None and department is not None and not data.get("code"):
            data["code"] = f"{entry.code}-{division.code}-000-{department.uscc}-1-00"
        return data


class VersionInline(RoleScopedInline, admin.TabularInline):
    model = ImplementationVersion
    fields = ("version_link", "name", "status", "created_by", "created_at", "published_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "版本"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("created_by").order_by("-number")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="版本号")
    def version_link(self, obj: ImplementationVersion) -> str:
        url = reverse("admin:catalogue_implementationversion_change", args=[obj.pk])
        return format_html('<a href="{}">第{}版</a>', url, obj.number)


def _newest_versions() -> QuerySet:
    return ImplementationVersion.objects.filter(implementation=OuterRef("pk")).order_by("-number")


@admin.register(ItemImplementation)
class ItemImplementationAdmin(RoleScopedAdmin):
    list_display = ("display_name", "short_code", "division", "department", "current_version", "newest_version")
    list_display_links = ("display_name",)
    list_select_related = ("entry", "division", "department", "published_version")
    list_filter = (RegionFilter, DepartmentKindFilter, NewestStatusFilter, "entry__cross_region")
    search_fields = ("code", "entry__name", "entry__code", "versions__name")
    autocomplete_fields = ("entry", "division", "department")
    inlines = [VersionInline]
    role_may_delete = False
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        newest = _newest_versions()
        related = ("entry", "division", "department", "published_version")  # what __str__ and the list read
        return (
            super()
            .get_queryset(request)
            .select_related(*related)
            .annotate(
                newest_status=Subquery(newest.values("status")[:1]),
                newest_number=Subquery(newest.values("number")[:1]),
                newest_id=Subquery(newest.values("pk")[:1]),
            )
        )

    # Identity (code, entry, region, department) is fixed once created: cases and bundles refer to it.
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def may_act(self, request: HttpRequest, obj: ItemImplementation) -> bool:
        return super().has_change_permission(request) and self.in_scope(request, obj)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list:
        if obj is None:
            return [
                (
                    None,
                    {
                        "fields": ["entry", "division", "department", "code"],
                        "description": "保存后生成第1版草稿（内容取自基本目录），再在草稿中完善办事指南。",
                    },
                )
            ]
        return [(None, {"fields": ["code", "entry", "division", "department", "published_version", "created_at"]})]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = ImplementationAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_inlines(self, request: HttpRequest, obj: Any) -> list:
        return self.inlines if obj is not None else []

    @admin.display(description="事项名称", ordering="entry__name")
    def display_name(self, obj: ItemImplementation) -> str:
        return obj.published_version.name if obj.published_version else obj.entry.name

    @admin.display(description="实施编码", ordering="code")
    def short_code(self, obj: ItemImplementation) -> str:
        return format_html('<code style="font-size: 0.85em">{}</code>', obj.code)

    @admin.display(description="现行版本")
    def current_version(self, obj: ItemImplementation) -> str:
        if obj.published_version_id is None:
            return "—（未发布）"
        url = reverse("admin:catalogue_implementationversion_change", args=[obj.published_version_id])
        return format_html('<a href="{}">第{}版</a>', url, obj.published_version.number)  # type: ignore[union-attr]

    @admin.display(description="最新版本", ordering="newest_number")
    def newest_version(self, obj: Any) -> str:
        if obj.newest_id is None:
            return "—"
        url = reverse("admin:catalogue_implementationversion_change", args=[obj.newest_id])
        return format_html('<a href="{}">第{}版 · {}</a>', url, obj.newest_number, status_label(obj.newest_status))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            raise PermissionDenied
        content, materials, steps = initial_guide(obj.entry, obj.division)
        version = services.create_implementation(
            entry=obj.entry,
            division=obj.division,
            department=obj.department,
            code=obj.code,
            content=content,
            materials=materials,
            steps=steps,
            special_steps=[],
            actor=request.user,
            note="在管理后台新建",
        )
        created = version.implementation
        obj.pk, obj.created_at = created.pk, created.created_at
        obj._state.adding, obj._state.db = False, created._state.db
        request._tongban_new_draft = version  # type: ignore[attr-defined]

    def response_add(self, request: HttpRequest, obj: Any, post_url_continue: str | None = None) -> HttpResponse:
        version = getattr(request, "_tongban_new_draft", None)
        if version is None or "_popup" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        messages.success(request, f"已新建实施清单事项“{obj.code}”，并生成第1版草稿。请完善办事指南后提交审核。")
        return HttpResponseRedirect(reverse("admin:catalogue_implementationversion_change", args=[version.pk]))

    def get_urls(self) -> list:
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("uniformity/", self.admin_site.admin_view(self.uniformity_view), name=f"{info}_uniformity"),
            path(
                "<path:object_id>/new-version/",
                self.admin_site.admin_view(self.new_version_view),
                name=f"{info}_new_version",
            ),
            *super().get_urls(),
        ]

    def new_version_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        impl = self.get_object(request, object_id)
        if not self.may_act(request, impl):
            raise PermissionDenied
        existing = impl.versions.filter(status=VersionStatus.DRAFT).first()
        try:
            draft = services.start_new_version(impl, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("admin:catalogue_itemimplementation_change", args=[impl.pk]))
        if existing is not None:
            messages.info(request, f"第{draft.number}版草稿已存在，请继续编辑。")
        else:
            messages.success(request, f"已新建第{draft.number}版草稿（复制自上一版），修改后提交审核。")
            self.log_change(request, impl, f"新建第{draft.number}版")
        return HttpResponseRedirect(reverse("admin:catalogue_implementationversion_change", args=[draft.pk]))

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict,
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None:
            context.update(self.implementation_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def implementation_context(self, request: HttpRequest, impl: ItemImplementation) -> dict[str, Any]:
        versions = list(impl.versions.order_by("-number"))
        newest = versions[0] if versions else None
        compared = impl.published_version or newest
        events = (
            VersionEvent.objects.filter(version__implementation=impl)
            .select_related("actor", "version")
            .order_by("-at", "-id")[:50]
        )
        may_act = self.may_act(request, impl)
        return {
            "newest_version": newest,
            "workflow": workflow_buttons(newest, may_act) if newest else [],
            "may_act": may_act,
            "can_start_version": may_act and not any(v.status == VersionStatus.IN_REVIEW for v in versions),
            "open_draft": next((v for v in versions if v.status == VersionStatus.DRAFT), None),
            "compared_version": compared,
            "differences": labelled(version_differences(compared, impl.entry)) if compared else [],
            "history": history_rows(events, with_version=True),
            "uniformity_url": reverse("admin:catalogue_itemimplementation_uniformity"),
        }

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        extra = {"uniformity_url": reverse("admin:catalogue_itemimplementation_uniformity"), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def uniformity_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        base = scope_queryset(ItemImplementation.objects.all(), request.user, "division__path")
        published = base.filter(published_version__isnull=False)
        region_code = request.GET.get("region", "")
        department_id = request.GET.get("department", "")
        aspect = request.GET.get("aspect", "") if request.GET.get("aspect", "") in ASPECTS else ""
        only_departing = request.GET.get("only") == "1"

        paths = published.order_by().values_list("division__path", flat=True).distinct()
        codes = {code for p in paths for code in p.split("/") if code}
        regions = scope_queryset(Division.objects.filter(code__in=codes), request.user, "path")
        region = regions.filter(code=region_code).first() if region_code else None
        scoped = published.filter(division__path__startswith=region.path) if region else published
        departments = Department.objects.filter(pk__in=scoped.values("department_id")).select_related("division")
        department = departments.filter(pk=department_id).first() if department_id.isdigit() else None
        if department is not None:
            scoped = scoped.filter(department=department)

        report = uniformity_report(scoped)
        rows = report.select(aspect=aspect, only_departing=only_departing)
        page = Paginator(rows, 100).get_page(request.GET.get("p"))
        query = {
            k: v
            for k, v in (
                ("region", region.code if region else ""),
                ("department", str(department.pk) if department else ""),
            )
            if v
        }
        context = {
            **self.admin_site.each_context(request),
            "title": "六统一比对报告",
            "subtitle": region.full_name if region else None,
            "opts": self.opts,
            "report": report,
            "aspect_counts": [
                (key, label, count, "?" + urlencode({**query, "aspect": key}))
                for key, label, count in report.aspect_counts()
            ],
            "page": page,
            "rows": [{"row": r, "differences": labelled(r.differences)} for r in page.object_list],
            "regions": [(d.code, "　" * (d.level - 1) + d.name) for d in regions.order_by("path")],
            "departments": departments.order_by("division__path", "name"),
            "region": region,
            "department": department,
            "aspect": aspect,
            "aspects": ASPECTS,
            "only_departing": only_departing,
            "page_query": urlencode(
                {**query, **({"aspect": aspect} if aspect else {}), **({"only": "1"} if only_departing else {})}
            ),
        }
        return TemplateResponse(request, "admin/catalogue/itemimplementation/uniformity.html", context)


# --- versions --------------------------------------------------------------------------------------------------

ACTION_RUNNERS: dict[VersionAction, Callable[..., ImplementationVersion]] = {
    VersionAction.SUBMIT: services.submit_version,
    VersionAction.REJECT: services.reject_version,
    VersionAction.PUBLISH: services.publish_version,
    VersionAction.RETIRE: services.retire_version,
}
ACTION_DONE = {
    VersionAction.SUBMIT: "已提交审核",
    VersionAction.REJECT: "已退回修改",
    VersionAction.PUBLISH: "已发布，办事指南页面和接口现在显示这一版",
    VersionAction.RETIRE: "已停用",
}


def workflow_buttons(version: ImplementationVersion, may_act: bool) -> list[dict[str, Any]]:
    if not may_act:
        return []
    return [
        {
            "action": a.value,
            "label": ACTION_LABELS[a],
            "needs_note": a == VersionAction.REJECT,
            "url": reverse("admin:catalogue_implementationversion_workflow", args=[version.pk, a.value]),
        }
        for a in allowed_actions(version.status)
        if a in ACTION_RUNNERS
    ]


def run_workflow_action(
    request: HttpRequest,
    version: ImplementationVersion,
    action: VersionAction,
    note: str = "",
    *,
    name_version: bool = False,
) -> bool:
    """Run one workflow action through the services; report the outcome (every violation) as messages."""
    label = version_label(version)
    try:
        ACTION_RUNNERS[action](version, actor=request.user, note=note)
    except services.PublishRejected as exc:
        messages.error(request, f"{label}未发布：发布前检查发现{len(exc.violations)}个问题，版本未作任何改动。")
        for v in exc.violations:
            prefix = f"{label} · " if name_version else ""
            messages.error(request, f"{prefix}{field_label(v.field)}：{v.message}")
        return False
    except DomainError as exc:
        messages.error(request, f"{label}：{exc.message}")
        return False
    messages.success(request, f"{label}{ACTION_DONE[action]}。")
    return True


def _short(value: Any, limit: int = 80) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def history_rows(events: Any, *, with_version: bool = False) -> list[dict[str, Any]]:
    rows = []
    for e in events:
        changes = []
        for name, pair in (e.changes or {}).items():
            old, new = pair if isinstance(pair, list | tuple) and len(pair) == 2 else ("", pair)
            if name in services.PART_MODELS:  # parts are recorded as row counts before and after
                old, new = f"{old}项", f"{new}项"
            changes.append({"label": field_label(name), "old": _short(old), "new": _short(new)})
        rows.append(
            {
                "at": e.at,
                "action": e.get_action_display(),
                "actor": str(e.actor) if e.actor_id else "系统",
                "from_status": status_label(e.from_status),
                "to_status": status_label(e.to_status),
                "note": e.note,
                "changes": changes,
                "version": e.version if with_version else None,
            }
        )
    return rows


class VersionForm(forms.ModelForm):
    service_objects = choice_list("服务对象", vocab.SERVICE_OBJECTS, required=False)
    handling_forms = choice_list("办理形式", vocab.HANDLING_FORMS, required=False)
    delivery_methods = choice_list("送达方式", vocab.DELIVERY_METHODS, required=False)
    fees = PrettyJSONField(label="收费项目", rows=4, help_text='如 [{"item": "工本费", "amount": "20.00"}]，不收费留空')
    faq = PrettyJSONField(label="常见问题", rows=6, help_text='如 [{"q": "可以网上办理吗？", "a": "可以。"}]')
    form_schema = PrettyJSONField(
        label="申请表单",
        rows=14,
        help_text=(
            '字段列表，每项如 {"key": "applicant_name", "label": "申请人姓名", "type": "text", '
            '"required": true}；type 可为 '
            + "、".join(f"{k}（{v}）" for k, v in FIELD_TYPES.items())
            + "；相同 key 在不同事项中表示同一信息，一件事中只填一次。"
        ),
    )

    class Meta:
        model = ImplementationVersion
        fields = ImplementationVersion().content_fields()

    def clean_form_schema(self) -> Any:
        value = self.cleaned_data.get("form_schema")
        if errors := schema_errors(value):
            raise forms.ValidationError([message for _path, message in errors])
        return value

    def clean_fees(self) -> Any:
        value = self.cleaned_data.get("fees")
        if errors := fee_errors(value):
            raise forms.ValidationError(errors)
        return value

    def clean_faq(self) -> Any:
        value = self.cleaned_data.get("faq")
        if errors := faq_errors(value):
            raise forms.ValidationError(errors)
        return value


class VersionPartInline(RoleScopedInline):
    """Parts of a version's content: editable while the version is a draft, read-only afterwards."""

    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and obj.is_editable and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and obj.is_editable and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and obj.is_editable and super().has_delete_permission(request, obj)


_SMALL_TEXT = {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}


FILE_FIELDS = {"blank_form": ("blank_form_file_id", "空白表格"), "sample": ("sample_file_id", "示例样表")}


class MaterialForm(forms.ModelForm):
    """A material with its files: uploading one keeps it (services.store_guide_file) for this draft; 删除文件
    takes it off this draft only (published versions keep theirs)."""

    blank_form_upload = forms.FileField(
        label="上传空白表格", required=False, help_text=f"可用格式：{guide_files.ACCEPTED}"
    )
    blank_form_remove = forms.BooleanField(label="删除空白表格文件", required=False)
    sample_upload = forms.FileField(label="上传示例样表", required=False, help_text=f"可用格式：{guide_files.ACCEPTED}")
    sample_remove = forms.BooleanField(label="删除示例样表文件", required=False)

    class Meta:
        model = MaterialRequirement
        fields = [
            "order", "name", "copies", "source", "material_type", "form", "necessity", "licence_replaceable",
            "licence_type", "blank_form", "sample", "instructions", "acceptance_standard",
        ]  # fmt: skip

    def _checked(self, key: str) -> Any:
        upload = self.cleaned_data.get(f"{key}_upload")
        if upload is None:
            return None
        if upload.size and upload.size > guide_files.MAX_BYTES:
            raise forms.ValidationError(guide_files.too_large(upload.name))
        data = upload.read()
        reason = guide_files.problem(upload.name, data)
        if reason:
            raise forms.ValidationError(reason)
        upload.checked_bytes = data
        return upload

    def clean_blank_form_upload(self) -> Any:
        return self._checked("blank_form")

    def clean_sample_upload(self) -> Any:
        return self._checked("sample")

    def file_changes(self, actor: Any) -> dict[str, Any]:
        """The row's file fields after this form: a stored upload (named after it), a removal, or nothing."""
        changes: dict[str, Any] = {}
        for key, (id_key, _label) in FILE_FIELDS.items():
            upload = self.cleaned_data.get(f"{key}_upload")
            if upload is not None:
                stored = services.store_guide_file(upload.name, upload.checked_bytes, actor)
                changes[id_key] = stored.pk
                if not self.cleaned_data.get(key):
                    changes[key] = stored.name
            elif self.cleaned_data.get(f"{key}_remove"):
                changes[id_key] = None
        return changes


class MaterialInline(VersionPartInline, admin.StackedInline):
    model = MaterialRequirement
    form = MaterialForm
    readonly_fields = ["current_files"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("order", "name", "copies"),
                    ("source", "material_type", "form", "necessity"),
                    ("licence_replaceable", "licence_type"),
                    ("blank_form", "sample"),
                    "current_files",
                    ("blank_form_upload", "blank_form_remove"),
                    ("sample_upload", "sample_remove"),
                    "instructions",
                    "acceptance_standard",
                ]
            },
        )
    ]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list:
        if obj is not None and not obj.is_editable:  # a public version's files are shown, not replaced
            return [(None, {**opts, "fields": [f for f in opts["fields"] if "_upload" not in str(f)]})
                    for _title, opts in self.fieldsets]  # fmt: skip
        return self.fieldsets

    @admin.display(description="已有文件")
    def current_files(self, obj: MaterialRequirement | None) -> str:
        if obj is None or obj.pk is None:
            return "—"
        links = [
            format_html(
                '{}：<a href="{}">{}</a>（{}）', label, stored.get_absolute_url(), stored.name, stored.size_label
            )
            for key, (_id_key, label) in FILE_FIELDS.items()
            if (stored := getattr(obj, f"{key}_file")) is not None
        ]
        return format_html_join(mark_safe("<br>"), "{}", ((link,) for link in links)) if links else "无"

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name in ("instructions", "acceptance_standard"):
            kwargs.update(_SMALL_TEXT)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class CompactTabularInline(VersionPartInline, admin.TabularInline):
    """Narrow inputs so the table fits the page: {field: widget}."""

    compact_widgets: dict[str, forms.Widget] = {}

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name in self.compact_widgets:
            kwargs["widget"] = self.compact_widgets[db_field.name]
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class HandlingStepInline(CompactTabularInline):
    model = HandlingStep
    fields = ("order", "name", "days", "handler", "criteria")
    compact_widgets = {
        "name": forms.TextInput(attrs={"size": 12}),
        "handler": forms.TextInput(attrs={"size": 10}),
        "criteria": forms.Textarea(attrs={"rows": 2, "cols": 28}),
    }


class SpecialStepInline(CompactTabularInline):
    model = SpecialStep
    fields = ("name", "max_days", "counted_in_limit", "legal_basis", "description")
    compact_widgets = {
        "name": forms.TextInput(attrs={"size": 12}),
        "description": forms.Textarea(attrs={"rows": 2, "cols": 32}),
        "legal_basis": forms.Textarea(attrs={"rows": 2, "cols": 24}),
    }


PART_KEYS = {model: key for key, model in services.PART_MODELS.items()}

VERSION_META_FIELDS = ["implementation", "number", "status", "change_note", "created_by", "created_at", "published_at"]
VERSION_FIELDSETS: list[tuple[str, dict[str, Any]]] = [
    ("版本", {"fields": VERSION_META_FIELDS}),
    ("基本信息", {"fields": ["name", "legal_basis", "exercise_level", "service_objects", "conditions"]}),
    (
        "办理时限",
        {
            "fields": [
                "review_type",
                "handling_type",
                "statutory_days",
                "promised_days",
                "limit_unit",
                "correction_counted",
            ]
        },
    ),
    (
        "办理渠道",
        {
            "fields": [
                "online",
                "online_depth",
                "visits",
                "onsite_reason",
                "handling_forms",
                "appointment",
                "scope",
                "joint_handling",
                "proxy_allowed",
                "nearby",
                "intermediary",
            ]
        },
    ),
    (
        "审批结果",
        {
            "fields": [
                "result_name",
                "result_type",
                "result_sample",
                "result_licence_type",
                "delivery_methods",
                "delivery_days",
                "courier",
            ]
        },
    ),
    ("收费", {"fields": ["charged", "fee_basis", "fees", "online_payment"]}),
    ("咨询与监督", {"fields": ["location", "office_hours", "phone", "complaint_phone", "faq"]}),
    ("申请表单", {"fields": ["form_schema"]}),
    ("检索", {"fields": ["keywords", "aliases"]}),
]
# On a read-only version, lists are shown with their Chinese labels rather than as raw JSON.
READONLY_DISPLAY = {
    "service_objects": "show_service_objects",
    "handling_forms": "show_handling_forms",
    "delivery_methods": "show_delivery_methods",
    "fees": "show_fees",
    "faq": "show_faq",
    "form_schema": "show_form_schema",
}


def _labels(values: Any, choices: list[tuple[str, str]]) -> str:
    names = dict(choices)
    return "、".join(names.get(v, str(v)) for v in values or []) or "—"


@admin.register(ImplementationVersion)
class ImplementationVersionAdmin(RoleScopedAdmin):
    form = VersionForm
    list_display = (
        "implementation_code",
        "name",
        "number",
        "status",
        "division",
        "department",
        "created_at",
        "published_at",
    )
    list_display_links = ("name",)
    list_filter = ("status", VersionRegionFilter, VersionDepartmentKindFilter)
    search_fields = ("name", "implementation__code", "implementation__entry__name", "implementation__entry__code")
    list_select_related = ("implementation__division", "implementation__department", "implementation__entry")
    inlines = [MaterialInline, HandlingStepInline, SpecialStepInline]
    actions = ["submit_selected", "publish_selected", "retire_selected"]
    role_may_delete = False
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .select_related(
                "implementation__entry", "implementation__division", "implementation__department", "created_by"
            )
        )

    # Versions are created by services only (new implementation, 新建版本); no version is ever deleted.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not obj.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def may_act(self, request: HttpRequest, obj: ImplementationVersion) -> bool:
        return super().has_change_permission(request) and self.in_scope(request, obj)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list:
        if obj is not None and not obj.is_editable:
            return [
                (title, {**opts, "fields": [READONLY_DISPLAY.get(f, f) for f in opts["fields"]]})
                for title, opts in VERSION_FIELDSETS
            ]
        return VERSION_FIELDSETS

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f for f in VERSION_META_FIELDS if f != "change_note"]

    @admin.display(description="实施编码", ordering="implementation__code")
    def implementation_code(self, obj: ImplementationVersion) -> str:
        return obj.implementation.code

    @admin.display(description="实施区划", ordering="implementation__division__path")
    def division(self, obj: ImplementationVersion) -> str:
        return str(obj.implementation.division)

    @admin.display(description="实施机关")
    def department(self, obj: ImplementationVersion) -> str:
        return str(obj.implementation.department)

    @admin.display(description="服务对象")
    def show_service_objects(self, obj: ImplementationVersion) -> str:
        return _labels(obj.service_objects, vocab.SERVICE_OBJECTS)

    @admin.display(description="办理形式")
    def show_handling_forms(self, obj: ImplementationVersion) -> str:
        return _labels(obj.handling_forms, vocab.HANDLING_FORMS)

    @admin.display(description="送达方式")
    def show_delivery_methods(self, obj: ImplementationVersion) -> str:
        return _labels(obj.delivery_methods, vocab.DELIVERY_METHODS)

    @admin.display(description="收费项目")
    def show_fees(self, obj: ImplementationVersion) -> str:
        return "、".join(f"{f.get('item')} {f.get('amount')}元" for f in obj.fees or [] if isinstance(f, dict)) or "—"

    @admin.display(description="常见问题")
    def show_faq(self, obj: ImplementationVersion) -> str:
        items = [(f.get("q", ""), f.get("a", "")) for f in obj.faq or [] if isinstance(f, dict)]
        return format_html_join("", "<p><strong>问：{}</strong><br>答：{}</p>", items) if items else "—"

    @admin.display(description="申请表单")
    def show_form_schema(self, obj: ImplementationVersion) -> str:
        rows = [
            (
                f.get("label", ""),
                f.get("key", ""),
                FIELD_TYPES.get(str(f.get("type")), f.get("type")),
                "必填" if f.get("required") else "选填",
            )
            for f in obj.form_schema or []
            if isinstance(f, dict)
        ]
        if not rows:
            return "—"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}（{}，{}，{}）</li>", rows))

    # --- saving a draft through services.update_draft ---

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Nothing is written here: save_related sends content and parts to services.update_draft at once,
        # so the history gets a single event with every changed field and the actor.
        if not change:
            raise PermissionDenied

    def save_related(self, request: HttpRequest, form: Any, formsets: list, change: bool) -> None:
        version = form.instance
        content_names = set(version.content_fields())
        content = {name: form.cleaned_data[name] for name in form.changed_data if name in content_names}
        parts: dict[str, list[dict[str, Any]]] = {}
        for formset in formsets:
            # construct_change_message reads these; the rows themselves are written by the service.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            key = PART_KEYS.get(formset.model)
            if key and formset.has_changed():
                parts[key] = part_rows(formset, request.user)
        note = form.cleaned_data.get("change_note", "") if "change_note" in form.changed_data else ""
        try:
            services.update_draft(
                version,
                content=content,
                materials=parts.get("materials"),
                steps=parts.get("steps"),
                special_steps=parts.get("special_steps"),
                actor=request.user,
                note=note,
            )
        except DomainError as exc:
            request._tongban_save_error = exc.message  # type: ignore[attr-defined]

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        if getattr(request, "_tongban_save_error", None):
            return None
        return super().log_change(request, obj, message)

    def response_change(self, request: HttpRequest, obj: Any) -> HttpResponse:
        error = getattr(request, "_tongban_save_error", None)
        if error:
            messages.error(request, f"未保存：{error}")
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    # --- page context: workflow, checks, 六统一, history ---

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict,
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None:
            may_act = self.may_act(request, obj)
            events = obj.events.select_related("actor").order_by("at", "id")
            context.update(
                {
                    "version": obj,
                    "implementation_url": reverse(
                        "admin:catalogue_itemimplementation_change", args=[obj.implementation_id]
                    ),
                    "preview_url": preview_url(obj),
                    "workflow": workflow_buttons(obj, may_act),
                    "violations": (
                        labelled(services.publish_violations(obj))
                        if obj.status in (VersionStatus.DRAFT, VersionStatus.IN_REVIEW)
                        else None
                    ),
                    "differences": labelled(version_differences(obj)),
                    "history": history_rows(events),
                    "status_label": obj.get_status_display(),
                }
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- workflow ---

    def get_urls(self) -> list:
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/workflow/<str:action>/",
                self.admin_site.admin_view(self.workflow_view),
                name=f"{info}_workflow",
            ),
            path("<path:object_id>/preview/", self.admin_site.admin_view(self.preview_view), name=f"{info}_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The guide exactly as citizens would see it, for a version not yet public (staff only)."""
        from .views import guide_context  # the public page's own context: preview and page cannot drift

        version = self.get_object(request, object_id)
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        return TemplateResponse(request, "catalogue/guide.html", guide_context(version.implementation, version))

    def workflow_view(self, request: HttpRequest, object_id: str, action: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            chosen = VersionAction(action)
        except ValueError:
            raise Http404("未知操作") from None
        if chosen not in ACTION_RUNNERS:
            raise Http404("未知操作")
        version = self.get_object(request, object_id)
        if not self.may_act(request, version):
            raise PermissionDenied
        if run_workflow_action(request, version, chosen, request.POST.get("note", "").strip()):
            self.log_change(request, version, ACTION_LABELS[chosen])
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("admin:catalogue_implementationversion_change", args=[version.pk])
        return HttpResponseRedirect(target)

    def _bulk(self, request: HttpRequest, queryset: QuerySet, action: VersionAction) -> None:
        done = 0
        for version in queryset.order_by("implementation__code", "number"):
            if run_workflow_action(request, version, action, name_version=True):
                self.log_change(request, version, ACTION_LABELS[action])
                done += 1
        total = queryset.count()
        if total > 1:
            level = messages.SUCCESS if done == total else messages.WARNING
            self.message_user(request, f"{ACTION_LABELS[action]}：共{total}个版本，成功{done}个。", level)

    @admin.action(description="提交审核所选版本", permissions=["change"])
    def submit_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._bulk(request, queryset, VersionAction.SUBMIT)

    @admin.action(description="发布所选版本（逐一检查）", permissions=["change"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._bulk(request, queryset, VersionAction.PUBLISH)

    @admin.action(description="停用所选版本", permissions=["change"])
    def retire_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._bulk(request, queryset, VersionAction.RETIRE)


def part_rows(formset: Any, actor: Any = None) -> list[dict[str, Any]]:
    """The rows an inline formset now describes (kept, changed and added; not deleted), in order; a
    material's uploaded files are stored (as ``actor``) and referenced."""
    model = formset.model
    names = [f.attname for f in model._meta.concrete_fields if f.name not in ("id", "version")]
    rows: list[dict[str, Any]] = []
    for form in formset.forms:
        if not getattr(form, "cleaned_data", None) or (formset.can_delete and form.cleaned_data.get("DELETE")):
            continue
        if form.instance.pk is None and not form.has_changed():
            continue
        row = {name: getattr(form.instance, name) for name in names}
        if isinstance(form, MaterialForm):
            row.update(form.file_changes(actor))
        if "order" in row and form.instance.pk is None and not row["order"]:
            # A new row without a position goes last rather than first.
            row["order"] = max([r["order"] for r in rows] + [0]) + 1
        rows.append(row)
    return rows


@admin.register(VersionEvent)
class VersionEventAdmin(RoleScopedAdmin):
    """The append-only history, searchable across versions (read-only)."""

    list_display = ("at", "version", "action", "status_change", "actor", "note")
    list_filter = ("action",)
    search_fields = ("version__name", "version__implementation__code", "actor__username", "actor__real_name", "note")
    list_select_related = ("version", "actor")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="状态变化")
    def status_change(self, obj: VersionEvent) -> str:
        before, after = status_label(obj.from_status), status_label(obj.to_status)
        return f"{before} → {after}" if before and before != after else after


# The admin index links to the 六统一 report and the review queue (template in catalogue/templates/admin/).
admin.site.index_template = "admin/catalogue/index.html"
