"""What the case domain adds to the public pages of the layers below it: 在线申请 on a guide
(catalogue.guide_sections) and on a bundle's page (bundles.pages), offered as the one policy says
(policy.offers_online_application: applicants and visitors, never staff), and the bundle's indicators (what
applying together saved, from its bundle cases)."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from tongban.bundles import pages
from tongban.bundles.models import Bundle
from tongban.catalogue.guide_sections import GuideLink, register_guide_action
from tongban.catalogue.models import ImplementationVersion, ItemImplementation
from tongban.core.actor import actor_of

from .domain import policy

APPLY_ONLINE = "在线申请"


def _offered(request: HttpRequest) -> bool:
    return policy.offers_online_application(actor_of(getattr(request, "user", None)))


@pages.register_link
def apply_online(request: HttpRequest, bundle: Bundle) -> pages.PageLink | None:
    if not _offered(request):
        return None
    return pages.PageLink(APPLY_ONLINE, reverse("bundle_cases:apply", args=[bundle.code]), "apply-online")


def apply_online_for_guide(
    request: HttpRequest, implementation: ItemImplementation, version: ImplementationVersion
) -> GuideLink | None:
    """Only the current version of a guide that is handled online can be applied for."""
    if version.pk != implementation.published_version_id or "online" not in (version.handling_forms or []):
        return None
    if not _offered(request):
        return None
    return GuideLink(APPLY_ONLINE, reverse("cases:apply", args=[implementation.code]), "apply-online")


register_guide_action("cases.apply_online", apply_online_for_guide)


@pages.register_section
def indicators(request: HttpRequest, bundle: Bundle) -> SafeString:
    html = render_to_string("bundle_cases/case_indicators.html", {"bundle": bundle, "request": request}, request)
    return mark_safe(html)  # rendered by the template engine, which escaped every value
