"""The bundles' section of the guide page: the published bundles (一件事) an item belongs to, as badges in the
guide's head and a section of links (registered in BundlesConfig.ready(), see catalogue/guide_sections.py)."""

from __future__ import annotations

from django.urls import reverse

from tongban.catalogue.guide_sections import GuideLink, GuideSection
from tongban.catalogue.models import ItemImplementation

from .selectors import bundles_of


def guide_section(implementation: ItemImplementation) -> GuideSection | None:
    bundles = bundles_of(implementation)
    if not bundles:
        return None
    return GuideSection(
        anchor="bundles",
        title="一件事一次办",
        intro="本事项可以和相关事项一起申请，一次提交、一套材料：",
        links=tuple(GuideLink(b.name, reverse("bundles:detail", args=[b.code])) for b in bundles),
        badges=tuple(b.name for b in bundles),
    )
