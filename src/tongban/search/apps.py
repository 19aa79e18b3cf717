from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "tongban.search"
    verbose_name = "检索"

    def ready(self) -> None:
        from . import signals

        signals.connect()
