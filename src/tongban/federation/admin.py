"""The message log, refusals, directory versions and alerts in the admin: read only (the log is append-only)."""

from __future__ import annotations

from django.contrib import admin

from .models import (
    Alert,
    DirectoryVersion,
    IncomingMessage,
    IssuedTimeStamp,
    OutgoingMessage,
    Refusal,
    TimeStampBatch,
)


class ReadOnly(admin.ModelAdmin):
    # A message's content may hold an applicant's personal data: the case pages show it, masked and audited.
    exclude = ("payload", "body")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(ReadOnly):
    list_display = ("sent_at", "recipient", "case_ref", "sequence", "message_type", "status", "attempts")
    list_filter = ("status", "recipient", "message_type")
    search_fields = ("id", "case_ref")


@admin.register(IncomingMessage)
class IncomingMessageAdmin(ReadOnly):
    list_display = ("received_at", "sender", "case_ref", "sequence", "message_type", "status", "attempts")
    list_filter = ("status", "sender", "message_type")
    search_fields = ("message_id", "case_ref")


@admin.register(Refusal)
class RefusalAdmin(ReadOnly):
    list_display = ("at", "remote_addr", "claimed_sender", "code", "reason")
    list_filter = ("code",)


@admin.register(DirectoryVersion)
class DirectoryVersionAdmin(ReadOnly):
    list_display = ("version", "issued_at", "installed_at")


@admin.register(Alert)
class AlertAdmin(ReadOnly):
    list_display = ("raised_at", "kind", "peer", "detail", "cleared_at")
    list_filter = ("kind",)


@admin.register(TimeStampBatch)
class TimeStampBatchAdmin(ReadOnly):
    list_display = ("stamped_at", "authority", "serial", "digest")
    search_fields = ("digest",)


@admin.register(IssuedTimeStamp)
class IssuedTimeStampAdmin(ReadOnly):
    list_display = ("serial", "stamped_at", "requester", "digest")
    search_fields = ("digest", "requester")
