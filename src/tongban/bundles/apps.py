from django.apps import AppConfig


class BundlesConfig(AppConfig):
    name = "tongban.bundles"
    verbose_name = "一件事一次办"

    def ready(self) -> None:
        from . import services  # noqa: F401  (connects the case_transitioned receiver)
