from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "tongban.workdays"
    verbose_name = "工作日历"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import checks  # noqa: F401  (registers the system check)
        from .models import CalendarDay, CalendarYear
        from .selectors import calendar_changed

        for model in (CalendarYear, CalendarDay):
            post_save.connect(calendar_changed, sender=model, dispatch_uid=f"calendar_saved_{model.__name__}")
            post_delete.connect(calendar_changed, sender=model, dispatch_uid=f"calendar_deleted_{model.__name__}")
