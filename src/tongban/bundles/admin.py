"""Admin for bundle definitions (一件事): items, which run in parallel and which wait, shared form fields.

Status changes go through ``bundles.services`` (publishing lists every problem); catalogue administrators
see the bundles of their own division's subtree only.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from tongban.catalogue.admin import LinesField, RegionFilter
from tongban.core.errors import DomainError
from tongban.jurisdictions.admin import RoleScopedAdmin, RoleScopedInline, scope_model

from . import services
from .limits import JOINT_HANDLING_DAYS
from .models import Bundle, BundleItem
from .savings import DependencyError, ItemSpec, stages

scope_model("bundles.bundle", "division__path", choice_related=("division",))

_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,59}$")


class BundleForm(forms.ModelForm):
    shared_fields = LinesField(
        label="共享表单字段",
        required=False,
        help_text="每行一个字段键名（如 applicant_name），各事项表单中相同键名的字段只填写一次",
    )

    class Meta:
        model = Bundle
        fields = [
            "code",
            "name",
            "division",
            "lead_department",
            "audience",
            "life_stage",
            "policy_basis",
            "description",
            "statutory_days",
            "promised_days",
            "shared_fields",
            "keywords",
            "aliases",
        ]

    def clean_shared_fields(self) -> list[str]:
        keys = self.cleaned_data.get("shared_fields") or []
        bad = [k for k in keys if not _KEY_RE.match(k)]
        if bad:
            raise forms.ValidationError(f"字段键名无效：{'、'.join(bad)}（小写字母开头，只含小写字母、数字和下划线）")
        return keys

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        promised, statutory = data.get("promised_days"), data.get("statutory_days")
        if statutory is not None and statutory > JOINT_HANDLING_DAYS:
            self.add_error(
                "statutory_days",
                f"联合办理的法定办结时限不能超过{JOINT_HANDLING_DAYS}个工作日（行政许可法第四十二条第二款）",
            )
        if promised is not None and statutory is not None and promised > statutory:
            self.add_error(
                "promised_days", f"承诺办结时限（{promised}个工作日）不能超过法定办结时限（{statutory}个工作日）"
            )
        return data


class BundleItemFormSet(forms.BaseInlineFormSet):
    def _deleted(self, form: Any) -> bool:
        return bool(self.can_delete and (getattr(form, "cleaned_data", None) or {}).get("DELETE"))

    def clean(self) -> None:
        super().clean()
        specs = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or self._deleted(form) or data.get("implementation") is None:
                continue
            depends = list(data.get("depends_on") or [])
            if form.instance.pk and any(d.pk == form.instance.pk for d in depends):
                form.add_error("depends_on", "事项不能以自身为前置事项")
            if data.get("result_as_material") and not depends:
                form.add_error("result_as_material", "填写了前置结果材料，必须同时指定前置事项")
            key = str(form.instance.pk) if form.instance.pk else f"new-{id(form)}"
            specs.append(
                ItemSpec(
                    key=key,
                    name=str(data["implementation"]),
                    visits=0,
                    promised_days=0,
                    materials=(),
                    form_fields=(),
                    depends_on=[str(d.pk) for d in depends if d.pk != form.instance.pk],
                )
            )
        kept = {s.key for s in specs}
        # Dependencies on items being removed would dangle.
        specs = [replace(s, depends_on=[d for d in s.depends_on if d in kept]) for s in specs]
        removed = [f.instance for f in self.forms if f.instance.pk and self._deleted(f)]
        for item in removed:
            for form in self.forms:
                data = getattr(form, "cleaned_data", None) or {}
                if not self._deleted(form) and item in (data.get("depends_on") or []):
                    form.add_error("depends_on", f"前置事项“{item.implementation}”正在被删除，请先取消依赖")
        try:
            stages(specs)
        except DependencyError as exc:
            raise forms.ValidationError(str(exc)) from exc


ITEM_LABEL_RELATED = ("implementation__published_version", "implementation__entry", "implementation__department")


def _item_label(item: BundleItem) -> str:
    impl = item.implementation
    return impl.published_version.name if impl.published_version else impl.entry.name


class BundleItemInline(RoleScopedInline, admin.TabularInline):
    model = BundleItem
    formset = BundleItemFormSet
    fk_name = "bundle"
    extra = 0
    fields = ("order", "implementation", "required", "depends_on", "result_as_material")
    autocomplete_fields = ("implementation",)

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        request._tongban_bundle = obj  # type: ignore[attr-defined]  # read by formfield_for_manytomany
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "depends_on":
            # Prerequisites come from the same bundle (new items can be chosen after a first save).
            bundle = getattr(request, "_tongban_bundle", None)
            kwargs["queryset"] = (
                BundleItem.objects.filter(bundle=bundle).select_related(*ITEM_LABEL_RELATED)
                if bundle is not None
                else BundleItem.objects.none()
            )
            kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
            field = super().formfield_for_manytomany(db_field, request, **kwargs)
            if field is not None:
                field.label_from_instance = _item_label  # the item's name, without the bundle's
            return field
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("bundle", *ITEM_LABEL_RELATED)


@admin.register(Bundle)
class BundleAdmin(RoleScopedAdmin):
    form = BundleForm
    list_display = ("code", "name", "division", "lead_department", "audience", "life_stage", "status", "item_count")
    list_filter = ("status", RegionFilter, "audience", "life_stage")
    search_fields = ("code", "name", "keywords", "aliases", "life_stage")
    list_select_related = ("division", "lead_department")
    autocomplete_fields = ("division", "lead_department")
    readonly_fields = ("status", "updated_at")
    inlines = [BundleItemInline]
    actions = ["publish_selected", "retire_selected"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "code",
                    "name",
                    "status",
                    "division",
                    "lead_department",
                    "audience",
                    "life_stage",
                    "policy_basis",
                    "description",
                ]
            },
        ),
        ("时限", {"fields": ["statutory_days", "promised_days"]}),
        ("一表申报", {"fields": ["shared_fields"]}),
        ("检索", {"fields": ["keywords", "aliases", "updated_at"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_items=Count("items"))

    @admin.display(description="事项数", ordering="_items")
    def item_count(self, obj: Bundle) -> int:
        return getattr(obj, "_items", 0)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A published bundle is withdrawn by retiring it; only drafts are deleted.
        if obj is not None and obj.status != Bundle.Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description="发布所选一件事（逐一检查）", permissions=["change"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for bundle in queryset:
            problems = services.bundle_problems(bundle)
            if problems:
                messages.error(request, f"“{bundle.name}”未发布：发现{len(problems)}个问题。")
                for _field, message in problems:
                    messages.error(request, f"“{bundle.name}”：{message}")
                continue
            try:
                services.publish_bundle(bundle)
            except DomainError as exc:
                messages.error(request, f"“{bundle.name}”：{exc.message}")
                continue
            self.log_change(request, bundle, "发布")
            messages.success(request, f"“{bundle.name}”已发布。")

    @admin.action(description="停用所选一件事", permissions=["change"])
    def retire_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for bundle in queryset:
            services.retire_bundle(bundle)
            self.log_change(request, bundle, "停用")
        messages.success(request, f"已停用{queryset.count()}个一件事。")
