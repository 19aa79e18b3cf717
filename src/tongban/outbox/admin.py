"""The outbox in the admin: read-only, filtered by topic and status; dead or pending messages can be resent."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from . import services
from .models import Message, PeriodicJobState
from .registry import periodic_job


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # The list may carry actions (change permission); a message's own page is read-only.
        return obj is None and super().has_change_permission(request)


@admin.register(Message)
class MessageAdmin(ReadOnly):
    list_display = ["created_at", "topic", "status", "attempts", "next_attempt_at", "delivered_at", "error_line"]
    list_filter = ["topic", "status"]
    search_fields = ["=id"]
    search_help_text = "按消息编号查找"
    date_hierarchy = "created_at"
    actions = ["resend"]
    fields = readonly_fields = (
        "id",
        "topic",
        "status",
        "payload_pretty",
        "attempts",
        "next_attempt_at",
        "claimed_until",
        "claimed_by",
        "created_at",
        "delivered_at",
        "last_error",
    )

    @admin.display(description="内容")
    def payload_pretty(self, obj: Message) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, ensure_ascii=False, indent=2))

    @admin.display(description="最近一次错误")
    def error_line(self, obj: Message) -> str:
        lines = [line for line in obj.last_error.strip().splitlines() if line.strip()]
        return lines[-1][:120] if lines else "—"

    @admin.action(description="重新发送所选的死信或待投递消息", permissions=["change"])
    def resend(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        count = services.resend(queryset)
        skipped = queryset.count() - count
        self.message_user(request, f"已重新排入 {count} 条消息。", messages.SUCCESS)
        if skipped > 0:
            self.message_user(request, f"{skipped} 条已投递的消息未重新发送。", messages.WARNING)


@admin.register(PeriodicJobState)
class PeriodicJobStateAdmin(ReadOnly):
    list_display = ["name", "label", "next_run_at", "last_started_at", "last_finished_at", "last_result", "failed"]
    fields = readonly_fields = (
        "name",
        "label",
        "next_run_at",
        "last_enqueued_at",
        "last_started_at",
        "last_finished_at",
        "last_result",
        "last_error",
    )

    def get_actions(self, request: HttpRequest) -> dict:
        return {}

    @admin.display(description="说明")
    def label(self, obj: PeriodicJobState) -> str:
        job = periodic_job(obj.name)
        return job.label if job else "（已不再注册）"

    @admin.display(description="最近一次出错", boolean=True)
    def failed(self, obj: PeriodicJobState) -> bool:
        return bool(obj.last_error)
