from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "tongban.evaluation"
    verbose_name = "好差评"

    def ready(self) -> None:
        # The case domain names nothing of evaluation: a rating link on the case page, the figures on the
        # supervision board and the invitation when a case ends plug in through its seams.
        from . import hooks

        hooks.install()
