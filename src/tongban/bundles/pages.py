"""What other apps add to a bundle's public page: links to act on it (the case domain's 在线申请) and sections
(its indicators). The bundle definitions import nothing built on them; those apps register here in their
AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.safestring import SafeString

from .models import Bundle


@dataclass(frozen=True)
class PageLink:
    label: str
    url: str
    element_id: str


# A link for whoever asks (None: nothing to offer this person).
LinkProvider = Callable[[HttpRequest, Bundle], PageLink | None]
SectionProvider = Callable[[HttpRequest, Bundle], SafeString]

_links: list[LinkProvider] = []
_sections: list[SectionProvider] = []


def register_link(provider: LinkProvider) -> LinkProvider:
    _links.append(provider)
    return provider


def register_section(provider: SectionProvider) -> SectionProvider:
    _sections.append(provider)
    return provider


def links_for(request: HttpRequest, bundle: Bundle) -> list[PageLink]:
    return [link for provider in _links if (link := provider(request, bundle)) is not None]


def sections_for(request: HttpRequest, bundle: Bundle) -> list[SafeString]:
    return [provider(request, bundle) for provider in _sections]
