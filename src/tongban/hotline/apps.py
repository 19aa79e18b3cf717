from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "tongban.hotline"
    verbose_name = "12345热线"
    default_auto_field = "django.db.models.BigAutoField"
