from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "tongban.federation"
    verbose_name = "跨地区联邦"
