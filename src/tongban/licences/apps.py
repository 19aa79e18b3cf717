from django.apps import AppConfig


class LicencesConfig(AppConfig):
    name = "tongban.licences"
    verbose_name = "电子证照"

    def ready(self) -> None:
        # A granted case whose guide names a licence type yields its licence as the result is issued: the case
        # domain calls this hook inside its closing transition, and never imports licences.
        from tongban.cases.services import register_result_hook

        from .services.issue import LicenceResultHook

        register_result_hook("licence", LicenceResultHook())
        # 免证办: the case domain asks for the applicant's licences through this seam (cases/licence_refs.py).
        from tongban.cases.licence_refs import register_licence_source

        from .services.use import PlatformLicences

        register_licence_source(PlatformLicences())
