from django.contrib import admin

from .models import LocalSmsMessage


@admin.register(LocalSmsMessage)
class LocalSmsMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient_name", "recipient_phone", "kind", "case_number", "subject", "duplicates")
    list_filter = ("kind",)
    search_fields = ("case_number", "recipient_name", "subject", "=outbox_id")
    readonly_fields = [f.name for f in LocalSmsMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
