from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "tongban.delivery"
    verbose_name = "快递送达"

    def ready(self) -> None:
        # The case domain offers "post" at its result desk only through this registration.
        from tongban.cases.services import register_result_channel

        from .channel import PostalResultChannel

        register_result_channel("post", PostalResultChannel())
