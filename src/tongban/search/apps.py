from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "tongban.search"
    verbose_name = "检索"
