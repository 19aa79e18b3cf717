"""The sharing catalogue in the admin (resources with their fields and rules, each save kept in the history),
the providers' local tables, and the records (consents, accesses, history) read only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from tongban.audit.services import client_ip

from . import providers
from .models import (
    AccessRecord,
    CatalogueChange,
    Consent,
    CreditMeasure,
    CreditRecord,
    DataResource,
    IntakeLink,
    LegalEntityRecord,
    PopulationRecord,
    ResourceField,
    SharingRule,
    SocialInsuranceRecord,
)
from .services.catalogue import record_change


class ResourceFieldInline(admin.TabularInline):
    model = ResourceField
    extra = 0


class SharingRuleInline(admin.TabularInline):
    model = SharingRule
    extra = 0
    autocomplete_fields = ("item",)


class DataResourceForm(forms.ModelForm):
    provider = forms.ChoiceField(label="提供方接口", choices=())

    class Meta:
        model = DataResource
        fields = (
            "code",
            "name",
            "provider",
            "department",
            "sharing_type",
            "legal_basis",
            "update_frequency",
            "replaces_materials",
            "active",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = providers.provider_choices()  # type: ignore[attr-defined]


@admin.register(DataResource)
class DataResourceAdmin(admin.ModelAdmin):
    form = DataResourceForm
    list_display = ("code", "name", "provider", "department", "sharing_type", "update_frequency", "active")
    list_filter = ("sharing_type", "provider", "active")
    search_fields = ("code", "name")
    inlines = [ResourceFieldInline, SharingRuleInline]

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        record_change(request.user, form.instance, "changed" if change else "created", client_ip(request))

    def delete_model(self, request: Any, obj: DataResource) -> None:
        record_change(request.user, obj, "deleted", client_ip(request))
        super().delete_model(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records are appended by the services only."""

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(CreditMeasure)
class CreditMeasureAdmin(admin.ModelAdmin):
    list_display = ("standing", "measure", "item", "basis")
    list_filter = ("standing", "measure")
    autocomplete_fields = ("item",)


@admin.register(CatalogueChange)
class CatalogueChangeAdmin(ReadOnlyAdmin):
    list_display = ("at", "resource_code", "change", "user")
    list_filter = ("change",)
    search_fields = ("resource_code",)


@admin.register(AccessRecord)
class AccessRecordAdmin(ReadOnlyAdmin):
    list_display = ("at", "user_label", "department_name", "resource_code", "case_number", "outcome", "refusal")
    list_filter = ("outcome", "resource_code", "refusal")
    search_fields = ("case_number", "user_label")
    date_hierarchy = "at"


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ("given_at", "subject_name", "resource", "purpose", "collected", "withdrawn_at")
    list_filter = ("collected",)


@admin.register(IntakeLink)
class IntakeLinkAdmin(ReadOnlyAdmin):
    list_display = ("at", "case_number", "materials_replaced")
    search_fields = ("case_number",)


@admin.register(PopulationRecord)
class PopulationRecordAdmin(admin.ModelAdmin):
    list_display = ("name", "gender", "household_address", "updated")
    search_fields = ("id_number", "name")


@admin.register(LegalEntityRecord)
class LegalEntityRecordAdmin(admin.ModelAdmin):
    list_display = ("name", "uscc", "legal_representative", "status")
    search_fields = ("uscc", "name")


@admin.register(CreditRecord)
class CreditRecordAdmin(admin.ModelAdmin):
    list_display = ("subject_name", "standing", "list_name", "listed_on")
    list_filter = ("standing",)
    search_fields = ("subject_code", "subject_name")


@admin.register(SocialInsuranceRecord)
class SocialInsuranceRecordAdmin(admin.ModelAdmin):
    list_display = ("name", "employer", "status", "months_paid")
    search_fields = ("id_number", "name")
