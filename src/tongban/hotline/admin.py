"""The hotline in the admin: the classification tree and the time limits are configured here; orders, their
history and calls are read-only (every change goes through the services)."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from . import services
from .models import Call, Category, DeadlineRule, Open311Client, Seat, WorkOrder, WorkOrderEvent


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "limit_value", "limit_unit", "department_kind", "active")
    list_filter = ("active", "limit_unit")
    search_fields = ("code", "name", "keywords")
    autocomplete_fields = ("parent",)


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ("key", "value", "unit")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = WorkOrderEvent
    fields = ("at", "action", "from_status", "to_status", "actor", "department", "text")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin):
    list_display = ("number", "order_type", "title", "status", "department", "created_at", "deadline")
    list_filter = ("status", "order_type", "channel")
    search_fields = ("number", "title")
    exclude = ("caller_phone", "caller_name")
    inlines = [EventInline]


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin):
    list_display = ("call_id", "direction", "started_at", "order")


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    list_display = ("user", "duty")
    raw_id_fields = ("user",)


class Open311ClientForm(forms.ModelForm):
    class Meta:
        model = Open311Client
        fields = ("name", "active")


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    """A new client gets a random api_key, shown once; only its digest is kept."""

    form = Open311ClientForm
    list_display = ("name", "active")

    def save_model(self, request: HttpRequest, obj: Open311Client, form: Any, change: bool) -> None:
        if not change:
            key = secrets.token_urlsafe(24)
            obj.key_digest = services.key_digest(key)
            messages.warning(request, f"api_key（只显示这一次，请妥善转交）：{key}")
        super().save_model(request, obj, form, change)
