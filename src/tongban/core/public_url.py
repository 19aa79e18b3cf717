"""The deployment's public address, for links that leave the page: QR codes on notices and receipts.

TONGBAN_PUBLIC_BASE_URL when a deployment sets it (behind a proxy only it knows the public name). Otherwise the
address the person is using — the request's own scheme and host, which Django has checked against
ALLOWED_HOSTS — and, with no request at hand (a worker), the local server on the port ``make run`` started
(PORT).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def public_base_url(request: HttpRequest | None = None) -> str:
    configured = str(getattr(settings, "TONGBAN_PUBLIC_BASE_URL", "") or "").strip()
    if configured:
        return configured.rstrip("/")
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return str(settings.TONGBAN_LOCAL_BASE_URL).rstrip("/")
