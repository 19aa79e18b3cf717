"""A WSGI application that serves the versioned API through a lean middleware chain.

The API authenticates with bearer tokens and answers JSON: it needs no session, CSRF cookie, messages or
language negotiation, which the pages do. Django builds one middleware chain per handler, so the WSGI entry
point keeps two handlers and picks by path (bench/cases.py: the page chain cost every API request its
session and message machinery). Tests go through Django's test client, which runs the full chain: both
chains reach the same views, and tests/test_wsgi_api_chain.py checks this one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler


class _ApiHandler(WSGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        # Django reads the chain from settings.MIDDLEWARE while it builds it, once, at start-up.
        pages = settings.MIDDLEWARE
        self.middleware_paths = list(settings.API_MIDDLEWARE)
        settings.MIDDLEWARE = self.middleware_paths
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = pages


class PathDispatch:
    """Requests under ``prefix`` to the API handler, everything else to the pages' handler."""

    def __init__(self, prefix: str = "/api/") -> None:
        self.prefix = prefix
        self.pages = WSGIHandler()
        self.api = _ApiHandler()

    def __call__(self, wsgi_env: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        handler = self.api if str(wsgi_env.get("PATH_INFO", "")).startswith(self.prefix) else self.pages
        return handler(wsgi_env, start_response)
