"""The guard in front of every view (pages and API): input no view can handle is answered 4xx here, a page
in Chinese or, under /api/, the API's error shape (core/bad_input.py says what and why)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from .api_errors import error_body
from .bad_input import Refusal, inspect


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            inspect(request)
        except Refusal as refusal:
            return refuse(request, refusal)
        return self.get_response(request)


def refuse(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        body = error_body(refusal.code, refusal.message, refusal.field)
        return JsonResponse(body, status=refusal.status, json_dumps_params={"ensure_ascii": False})
    return render(request, "400.html", {"message": refusal.message, "status": refusal.status}, status=refusal.status)


class ContentSecurityPolicyMiddleware:
    """Django 5.2 has no CSP of its own: the policy of ``TONGBAN_CSP`` on every response that has none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.policy = str(getattr(settings, "TONGBAN_CSP", "") or "")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response
