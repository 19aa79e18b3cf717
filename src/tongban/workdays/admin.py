from __future__ import annotations

from django.contrib import admin, messages

from tongban.outbox.services import enqueue

from .models import CalendarDay, CalendarYear
from .selectors import CALENDAR_CHANGED_TOPIC, missing_years


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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # the year's days are saved by now
        _calendar_edited(request, form.instance.year)

    def delete_model(self, request, obj):
        year = obj.year
        super().delete_model(request, obj)
        _calendar_edited(request, year)

    def delete_queryset(self, request, queryset):
        years = list(queryset.values_list("year", flat=True))
        super().delete_queryset(request, queryset)
        for year in years:
            _calendar_edited(request, year)


def _calendar_edited(request, year: int) -> None:
    """Deadlines of open cases follow the new calendar: the recomputation is queued with the edit (outbox)."""
    enqueue(CALENDAR_CHANGED_TOPIC, {"year": year, "by": request.user.get_username()})
    messages.info(request, f"{year}年工作日历已更新，在办办件的办结期限将在后台按新日历重算。")
