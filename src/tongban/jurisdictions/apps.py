from django.apps import AppConfig


class JurisdictionsConfig(AppConfig):
    name = "tongban.jurisdictions"
    verbose_name = "行政区划与部门"
