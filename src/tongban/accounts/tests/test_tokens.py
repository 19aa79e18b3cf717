"""The per-process token cache (accounts/tokens.py): one lookup per token for a few seconds, revocation in the
process at once, expiry and the time limit respected."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tongban.accounts import tokens
from tongban.accounts.models import ApiToken, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    settings.TONGBAN_API_TOKEN_CACHE_SECONDS = 5.0
    tokens.forget_cached_tokens()
    yield
    tokens.forget_cached_tokens()


def citizen() -> User:
    return User.objects.create_user("tok", password="Tongban@2026", kind="citizen", id_number="330681199001010111")


def test_a_token_is_looked_up_once_while_cached(cached):
    raw, _ = tokens.issue_token(citizen())
    first = tokens.authenticate_token(raw)
    with CaptureQueriesContext(connection) as queries:
        again = tokens.authenticate_token(raw)
    assert first is not None and again is not None and again.pk == first.pk and len(queries) == 0
    assert again is not first  # each request gets its own user object


def test_revoking_in_this_process_takes_effect_at_once(cached):
    user = citizen()
    raw, _ = tokens.issue_token(user)
    assert tokens.authenticate_token(raw) is not None
    assert tokens.revoke_token(raw)
    assert tokens.authenticate_token(raw) is None
    other, _ = tokens.issue_token(user)
    assert tokens.authenticate_token(other) is not None
    tokens.revoke_all(user)
    assert tokens.authenticate_token(other) is None


def test_an_expired_token_is_refused_even_when_cached(cached, monkeypatch):
    raw, token = tokens.issue_token(citizen(), ttl=dt.timedelta(minutes=1))
    assert tokens.authenticate_token(raw) is not None
    later = timezone.now() + dt.timedelta(minutes=2)
    monkeypatch.setattr(tokens.timezone, "now", lambda: later)
    assert tokens.authenticate_token(raw) is None


def test_past_the_window_the_row_is_read_again(cached, monkeypatch):
    raw, token = tokens.issue_token(citizen())
    assert tokens.authenticate_token(raw) is not None
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())  # revoked by another process
    assert tokens.authenticate_token(raw) is not None  # within the window: still the cached answer
    start = tokens.time.monotonic()
    monkeypatch.setattr(tokens.time, "monotonic", lambda: start + 6)
    assert tokens.authenticate_token(raw) is None
