from django.apps import AppConfig


class CrossregionConfig(AppConfig):
    name = "tongban.crossregion"
    verbose_name = "跨域通办"

    def ready(self) -> None:
        from . import handlers  # noqa: F401  (the inbox handlers and the case core's transition hook)
        from .offers import register

        register()
