from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "tongban.cases"
    verbose_name = "办件"

    def ready(self) -> None:
        from . import bundle_pages  # noqa: F401  (在线申请 on guides and bundle pages, a bundle's indicators)
