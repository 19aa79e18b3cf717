from django.apps import AppConfig


class CrossregionConfig(AppConfig):
    name = "tongban.crossregion"
    verbose_name = "跨域通办"

    def ready(self) -> None:
        from . import (
            board,
            guide,
            handlers,  # noqa: F401  (the inbox handlers and the case core's transition hook)
            offers,
        )

        offers.register()
        guide.register()  # the guide page's 跨域通办 section
        board.register()  # the supervision board's line: taken and not yet forwarded, past the limit
