"""What apps built on the catalogue add to the guide page (办事指南): sections and badges in the guide's head.

The catalogue knows nothing of those apps. Each registers a provider in its ``AppConfig.ready()``
(``register_guide_section``); the guide page asks every provider about the implementation shown and renders
what they return, in registration order. The bundles app, for one, lists the bundles (一件事) an item belongs to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .models import ItemImplementation


@dataclass(frozen=True, slots=True)
class GuideLink:
    text: str
    url: str


@dataclass(frozen=True, slots=True)
class GuideSection:
    anchor: str  # the section's id, a link target (/items/<code>/#bundles)
    title: str
    intro: str
    links: tuple[GuideLink, ...]
    badges: tuple[str, ...] = ()  # shown in the guide's head


Provider = Callable[[ItemImplementation], GuideSection | None]

_providers: dict[str, Provider] = {}


def register_guide_section(key: str, provider: Provider) -> None:
    """Add a provider of one section (None: nothing to show for that implementation). Registering again under
    the same key replaces the provider, so a ``ready()`` that runs twice adds nothing twice."""
    _providers[key] = provider


def unregister_guide_section(key: str) -> None:
    _providers.pop(key, None)


def guide_sections(implementation: ItemImplementation) -> list[GuideSection]:
    """The sections registered providers contribute to this implementation's guide page."""
    return [section for provider in _providers.values() if (section := provider(implementation)) is not None]
