from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "tongban.demo"
    verbose_name = "演示数据"
