from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "tongban.catalogue"
    verbose_name = "事项目录与办事指南"
