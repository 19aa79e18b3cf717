"""GET /healthz: 200 while the database answers, 503 (never a 500) when it does not."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_with_the_database_reachable(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    # Load balancers must see the live state, never a cached answer.
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_database_cannot_be_reached(client: Client) -> None:
    with mock.patch("tongban.core.views.connection") as connection:
        connection.cursor.side_effect = OperationalError("could not connect to server: Connection refused")
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable", "detail": "OperationalError"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_query_fails(client: Client) -> None:
    with mock.patch("tongban.core.views.connection") as connection:
        cursor = connection.cursor.return_value.__enter__.return_value
        cursor.execute.side_effect = OperationalError("server closed the connection unexpectedly")
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_healthz_does_not_leak_the_error_text(client: Client) -> None:
    with mock.patch("tongban.core.views.connection") as connection:
        connection.cursor.side_effect = OperationalError('password authentication failed for user "secret"')
        response = client.get("/healthz")
    assert response.status_code == 503
    assert b"secret" not in response.content


def test_healthz_answers_head_requests(client: Client) -> None:
    assert client.head("/healthz").status_code == 200


def test_favicon_ico_leads_to_the_platform_icon(client: Client) -> None:
    """The admin's pages have no icon link: browsers asked /favicon.ico and logged a 404 on every visit."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("tongban/favicon.svg")
    assert client.get(response["Location"]).status_code == 200
