"""What the case domain adds to a bundle's public page (bundles.pages): the link to apply online and the
bundle's indicators (what applying together saved, from its bundle cases)."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from tongban.bundles import pages
from tongban.bundles.models import Bundle


@pages.register_link
def apply_online(bundle: Bundle) -> pages.PageLink:
    return pages.PageLink("在线申请", reverse("bundle_cases:apply", args=[bundle.code]), "apply-online")


@pages.register_section
def indicators(request: HttpRequest, bundle: Bundle) -> SafeString:
    html = render_to_string("bundle_cases/case_indicators.html", {"bundle": bundle, "request": request}, request)
    return mark_safe(html)  # rendered by the template engine, which escaped every value
