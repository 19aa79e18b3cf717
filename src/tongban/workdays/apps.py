from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "tongban.workdays"
    verbose_name = "工作日历"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import checks  # noqa: F401  (registers the system check)
        from .models import CalendarDay, CalendarYear
        from .selectors import forget_calendar

        for model in (CalendarYear, CalendarDay):
            post_save.connect(forget_calendar, sender=model, dispatch_uid=f"forget_calendar_save_{model.__name__}")
            post_delete.connect(forget_calendar, sender=model, dispatch_uid=f"forget_calendar_delete_{model.__name__}")
