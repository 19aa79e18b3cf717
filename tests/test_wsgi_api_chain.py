"""The WSGI entry point serves /api/ through its lean middleware chain (tongban.core.handlers): the same
answers as through the pages' chain, for a token, a read, a write and an error; pages keep theirs."""

from __future__ import annotations

import io
import json
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from tongban.cases.tests.factories import PASSWORD, form, world
from tongban.core.handlers import PathDispatch

pytestmark = pytest.mark.django_db


def call(app: PathDispatch, method: str, path: str, body: dict[str, Any] | None = None, token: str = "") -> Any:
    raw = json.dumps(body).encode() if body is not None else b""
    environ: dict[str, Any] = {"REQUEST_METHOD": method, "PATH_INFO": path, "wsgi.input": io.BytesIO(raw),
                               "CONTENT_LENGTH": str(len(raw)), "CONTENT_TYPE": "application/json"}  # fmt: skip
    if token:
        environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    setup_testing_defaults(environ)
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)

    # As Django's test client does: the handler's signals would close the test's connection, which holds
    # the test's transaction (on PostgreSQL; SQLite's in-memory database ignores the close).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        content = b"".join(app(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], content


def test_the_api_answers_alike_through_its_lean_chain(settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    w = world()
    app = PathDispatch()
    assert "django.contrib.sessions.middleware.SessionMiddleware" not in app.api.middleware_paths
    assert app.api.middleware_paths != list(settings.MIDDLEWARE)
    status, _, content = call(app, "POST", "/api/v1/auth/token", {"username": w.applicant.username, "password": "x"})
    assert status == 401 and json.loads(content)["error"]["code"] == "invalid_credentials"
    status, _, content = call(
        app, "POST", "/api/v1/auth/token", {"username": w.applicant.username, "password": PASSWORD}
    )
    assert status == 200
    token = json.loads(content)["token"]
    body = {"implementation": w.version.implementation.code, "form_data": form(w), "submit": True}
    status, _, content = call(app, "POST", "/api/v1/cases", body, token)
    assert status == 201, content
    number = json.loads(content)["number"]
    status, headers, content = call(app, "GET", f"/api/v1/cases/{number}", token=token)
    assert status == 200 and json.loads(content)["status"] == "submitted"
    assert "Set-Cookie" not in headers  # no session, no CSRF cookie
    status, _, content = call(app, "GET", "/api/v1/cases/330681-20260101-999999", token=token)
    assert status == 404 and json.loads(content)["error"]["code"] == "not_found"
    status, headers, _ = call(app, "GET", "/healthz")
    assert status == 200
    status, _, content = call(app, "GET", "/")
    assert status == 200 and "通办" in content.decode()
