"""This node's entry in the federation directory: its items offered to other regions (domain/offers.py),
registered with the transport's ``offers`` provider (the launcher collects it when it signs the directory)."""

from __future__ import annotations

from tongban.catalogue.models import ItemImplementation
from tongban.federation import offers as directory_offers

from .domain.offers import ItemFacts, offer_of


def offered_items() -> list[dict]:
    """Every published item of this node (a node's database holds its own region's) that other regions may use."""
    rows = (
        ItemImplementation.objects.filter(published_version__isnull=False)
        .select_related("published_version")
        .order_by("code")
    )
    out = []
    for impl in rows:
        version = impl.published_version
        assert version is not None
        facts = ItemFacts(
            impl.code, version.name, version.scope, int(version.online_depth or 0), version.joint_handling
        )
        entry = offer_of(facts)
        if entry is not None:
            out.append(entry)
    return out


def register() -> None:
    """Offer this node's items through the transport's directory provider."""
    directory_offers.provider(offered_items)
