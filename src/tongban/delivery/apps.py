from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "tongban.delivery"
    verbose_name = "快递送达"
