from __future__ import annotations

import re

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "not healthy", never a 500
        return JsonResponse(
            {"status": "unavailable", "database": "unreachable", "detail": type(exc).__name__}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok"})


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico: pages without an icon link (the admin's, a PDF opened in a tab) make browsers ask here;
    the platform's icon instead of a 404 in every console."""
    return HttpResponsePermanentRedirect(static("tongban/favicon.svg"))


# Django's own messages are English and may name internals; a message meant for people is Chinese.
_HAN = re.compile(r"[\u4e00-\u9fff]")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403: the Chinese 403 page with a way back (the workspace, sign-in, the home page)."""
    message = str(exception or "").strip().rstrip("。")
    return render(request, "403.html", {"message": message if _HAN.search(message) else ""}, status=403)
