"""The per-process token cache (accounts/tokens.py): one lookup per token for a few seconds, revocation in the
process at once, expiry and the time limit respected."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tongban.accounts import tokens
from tongban.accounts.models import ApiToken
from tongban.accounts.tests.factories import CitizenFactory, StaffFactory
from tongban.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    settings.TONGBAN_API_TOKEN_CACHE_SECONDS = 5.0
    tokens.forget_cached_tokens()
    yield
    tokens.forget_cached_tokens()


def test_a_token_is_looked_up_once_while_cached(cached):
    raw, _ = tokens.issue_token(CitizenFactory())
    first = tokens.authenticate_token(raw)
    with CaptureQueriesContext(connection) as queries:
        again = tokens.authenticate_token(raw)
    assert first is not None and again is not None and again.pk == first.pk and len(queries) == 0
    assert again is not first  # each request gets its own user object


def test_revoking_in_this_process_takes_effect_at_once(cached):
    user = CitizenFactory()
    raw, _ = tokens.issue_token(user)
    assert tokens.authenticate_token(raw) is not None
    assert tokens.revoke_token(raw)
    assert tokens.authenticate_token(raw) is None
    other, _ = tokens.issue_token(user)
    assert tokens.authenticate_token(other) is not None
    tokens.revoke_all(user)
    assert tokens.authenticate_token(other) is None


def test_an_expired_token_is_refused_even_when_cached(cached, monkeypatch):
    raw, token = tokens.issue_token(CitizenFactory(), ttl=dt.timedelta(minutes=1))
    assert tokens.authenticate_token(raw) is not None
    later = timezone.now() + dt.timedelta(minutes=2)
    monkeypatch.setattr(tokens.timezone, "now", lambda: later)
    assert tokens.authenticate_token(raw) is None


def test_past_the_window_the_row_is_read_again(cached, monkeypatch):
    raw, token = tokens.issue_token(CitizenFactory())
    assert tokens.authenticate_token(raw) is not None
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())  # revoked by another process
    assert tokens.authenticate_token(raw) is not None  # within the window: still the cached answer
    start = tokens.time.monotonic()
    monkeypatch.setattr(tokens.time, "monotonic", lambda: start + 6)
    assert tokens.authenticate_token(raw) is None


# ---- a password change ends the tokens taken before it (issue 8) -------------------------------------------


def _api_me(client, raw: str) -> int:
    return client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


@pytest.mark.parametrize("cache_seconds", [0.0, 5.0])
def test_a_token_taken_before_a_password_change_stops_working(client, settings, cache_seconds):
    settings.TONGBAN_API_TOKEN_CACHE_SECONDS = cache_seconds
    tokens.forget_cached_tokens()
    user = CitizenFactory()
    raw, _ = tokens.issue_token(user)
    assert _api_me(client, raw) == 200  # cached now, when the cache is on
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {"old_password": "Tongban@2026", "new_password1": "Another#2025pw", "new_password2": "Another#2025pw"},
    )
    assert response.status_code == 302
    assert _api_me(client, raw) == 401
    assert ApiToken.objects.get(user=user).revoked_at is not None
    entry = AuditEntry.objects.filter(action="auth.password_changed", object_id=str(user.pk)).get()
    assert entry.detail == {"tokens_revoked": 1}
    # A token taken with the new password works.
    fresh, _ = tokens.issue_token(user)
    assert _api_me(client, fresh) == 200
    tokens.forget_cached_tokens()


def test_every_way_of_setting_a_password_revokes(client, django_user_model):
    user = CitizenFactory()
    first, _ = tokens.issue_token(user)
    second, _ = tokens.issue_token(user)
    # `tongban changepassword`, the admin's password form and a reset all end in set_password() and save().
    user.set_password("Another#2025pw")
    user.save()
    assert tokens.authenticate_token(first) is None and tokens.authenticate_token(second) is None
    # Saving the account for anything else leaves its tokens alone, and so does a hash upgraded at login.
    third, _ = tokens.issue_token(user)
    user.real_name = "王五"
    user.save()
    assert user.check_password("Another#2025pw")
    assert tokens.authenticate_token(third) is not None


def test_the_admin_password_form_revokes(client, django_user_model):
    admin = StaffFactory(role="system_admin")
    user = CitizenFactory()
    raw, _ = tokens.issue_token(user)
    client.force_login(admin)
    response = client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": "Another#2025pw", "password2": "Another#2025pw", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert tokens.authenticate_token(raw) is None
