from django.apps import AppConfig


class CrossregionConfig(AppConfig):
    name = "tongban.crossregion"
    verbose_name = "跨域通办"

    def ready(self) -> None:
        from . import (
            board,
            case_page,
            guide,
            handlers,  # noqa: F401  (the inbox handlers and the case core's transition hook)
            offers,
        )

        offers.register()
        guide.register()  # the guide page's 跨域通办 section
        case_page.register()  # the deciding node's case page: its cross-region case, earlier legs' results
        board.register()  # the supervision board's line: taken and not yet forwarded, past the limit
