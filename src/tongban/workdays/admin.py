from __future__ import annotations

from django.contrib import admin, messages

from .models import CalendarDay, CalendarYear
from .selectors import missing_years


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 5


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "basis", "entered_by", "entered_at")
    inlines = [CalendarDayInline]
    readonly_fields = ("entered_by", "entered_at")

    def changelist_view(self, request, extra_context=None):
        for year in missing_years():
            messages.warning(request, f"工作日历缺少{year}年的节假日安排，涉及该年的期限无法计算，请尽快录入。")
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.entered_by = request.user
        super().save_model(request, obj, form, change)
