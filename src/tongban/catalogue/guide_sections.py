"""What apps built on the catalogue add to the guide page (办事指南): sections and badges in the guide's head,
and the buttons to act on the guide (the case domain's 在线申请).

The catalogue knows nothing of those apps. Each registers a provider in its ``AppConfig.ready()``
(``register_guide_section``, ``register_guide_action``); the guide page asks every provider about the
implementation shown and renders what they return, in registration order. The bundles app, for one, lists
the bundles (一件事) an item belongs to; the case domain offers 在线申请 to those its policy lets apply.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from .models import ImplementationVersion, ItemImplementation


@dataclass(frozen=True, slots=True)
class GuideLink:
    text: str
    url: str
    element_id: str = ""


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


# A button in the guide's head for whoever asks (None: nothing to offer this person for this version).
ActionProvider = Callable[[HttpRequest, ItemImplementation, ImplementationVersion], GuideLink | None]

_actions: dict[str, ActionProvider] = {}


def register_guide_action(key: str, provider: ActionProvider) -> None:
    """Add a provider of one button (registering again under the same key replaces it)."""
    _actions[key] = provider


def guide_actions(
    request: HttpRequest | None, implementation: ItemImplementation, version: ImplementationVersion
) -> list[GuideLink]:
    """The buttons registered providers offer the person asking (none without a request: a preview)."""
    if request is None:
        return []
    return [link for provider in _actions.values() if (link := provider(request, implementation, version)) is not None]
