from django.apps import AppConfig


class BundlesConfig(AppConfig):
    name = "tongban.bundles"
    verbose_name = "一件事一次办"

    def ready(self) -> None:
        from tongban.catalogue.guide_sections import register_guide_section

        from .guide import guide_section

        # The guide page lists the bundles an item belongs to; the catalogue does not know bundles.
        register_guide_section("bundles", guide_section)
