from django.contrib import admin

from .models import AuditCheckpoint, AuditEntry


class RecordAdmin(admin.ModelAdmin):
    """The log and its checkpoints are read here, never written: only the services append to them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(RecordAdmin):
    list_display = ("at", "actor_label", "action", "object_type", "object_id", "ip")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "actor_label")
    date_hierarchy = "at"


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(RecordAdmin):
    list_display = ("number", "at", "entry_id", "count", "key_id")
    date_hierarchy = "at"
