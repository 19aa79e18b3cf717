from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "tongban.sharing"
    verbose_name = "数据共享"

    def ready(self) -> None:
        from . import providers

        providers.register_builtin()
        # 一窗受理 and the online form fill from shared data through the case domain's seam (cases/shared_data.py).
        from tongban.cases.shared_data import register_shared_source

        from .services.filling import PlatformSharedData

        register_shared_source(PlatformSharedData())
        # The supervision board's line: this month's look-ups and the materials shared data replaced (减材料).
        from tongban.cases.page_extras import register_board_lines

        from .views import board_lines

        register_board_lines(board_lines)
