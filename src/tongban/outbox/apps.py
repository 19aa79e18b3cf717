from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class OutboxConfig(AppConfig):
    name = "tongban.outbox"
    verbose_name = "发件箱与后台任务"

    def ready(self) -> None:
        # Every app's tasks.py registers its topic handlers and periodic jobs: the web process (which enqueues)
        # and the worker (which delivers) then know the same topics, and the outbox imports no app itself.
        autodiscover_modules("tasks")
