"""好差评 in the admin: the dimensions administrators keep, and read-only views of ratings, their handling and
the flagged attempts (every change goes through the services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from .models import CallBack, Dimension, Evaluation, FlaggedAttempt, Rectification, RectificationEvent


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "active"]
    list_editable = ["order", "active"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "channel", "level", "department", "excluded"]
    list_filter = ["channel", "level", "excluded"]
    exclude = ["rater", "rater_name", "rater_phone", "ip"]  # personal data: the office sees it, audited, on its page


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "department", "status", "due_on", "called_back"]
    list_filter = ["status"]


@admin.register(RectificationEvent)
class RectificationEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "rectification", "action", "from_status", "to_status", "actor"]


@admin.register(CallBack)
class CallBackAdmin(ReadOnlyAdmin):
    list_display = ["at", "rectification", "caller", "reached", "satisfaction_after"]


@admin.register(FlaggedAttempt)
class FlaggedAttemptAdmin(ReadOnlyAdmin):
    list_display = ["at", "reason", "ip", "user"]
    list_filter = ["reason"]
