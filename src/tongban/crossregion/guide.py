"""The guide page's "跨域通办" section (catalogue.guide_sections): how far this item can be handled from
elsewhere (its 通办范围 and modes, as this node offers it in the directory) and at which other nodes."""

from __future__ import annotations

from urllib.parse import quote

from tongban.catalogue.guide_sections import GuideLink, GuideSection, register_guide_section
from tongban.catalogue.models import ItemImplementation

from . import transport
from .domain.offers import ItemFacts, offer_of
from .selectors import MODE_NAMES, SCOPE_LABELS


def cross_region_section(implementation: ItemImplementation) -> GuideSection | None:
    if not transport.local_code():  # no member of a federation: nothing to add, not even a query
        return None
    version = implementation.published_version
    if version is None:
        return None
    offer = offer_of(
        ItemFacts(
            implementation.code, version.name, version.scope, int(version.online_depth or 0), version.joint_handling
        )
    )
    here = transport.local_code()
    others = [n for n in transport.nodes() if n.code != here]
    if offer is None or not others:  # not offered, or this deployment is no member of a federation
        return None
    modes = "、".join(MODE_NAMES[m] for m in offer["modes"])
    return GuideSection(
        anchor="cross-region",
        title=f"跨域通办：{SCOPE_LABELS[offer['scope']]}",
        intro=f"办理方式：{modes}。可在以下地区的政务服务平台申请或到其跨省通办专窗办理：",
        links=tuple(GuideLink(n.name, f"{n.endpoint}/kuayu/?q={quote(version.name)}") for n in others),
        badges=(SCOPE_LABELS[offer["scope"]],),
    )


def register() -> None:
    register_guide_section("crossregion", cross_region_section)
