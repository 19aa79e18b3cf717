from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "tongban.cases"
    verbose_name = "办件"

    def ready(self) -> None:
        from . import bundle_pages  # noqa: F401  (the apply link and the indicators on a bundle's public page)
