"""Bearer tokens for the API: random, stored hashed, expiring, revocable.

A token is 32 random bytes (``secrets.token_urlsafe``) shown once to the client. Only its SHA-256 is kept,
so the table is no key to anyone's account; a lookup hashes what the client sends and finds the row by its
unique hash. ``last_used_at`` is refreshed at most once a minute, so a busy client does not turn every
read into a write.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import secrets
import threading
import time
from typing import Any

from django.conf import settings
from django.utils import timezone

from tongban.core import caches

from .models import ApiToken, User

DEFAULT_TTL = dt.timedelta(hours=8)
_LAST_USED_EVERY = dt.timedelta(minutes=1)
# Longer than any token we issue (43 characters); anything longer is refused without a query.
_MAX_TOKEN_LENGTH = 100


def token_ttl() -> dt.timedelta:
    hours = getattr(settings, "TONGBAN_API_TOKEN_HOURS", None)
    return dt.timedelta(hours=float(hours)) if hours else DEFAULT_TTL


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def issue_token(user: User, *, ttl: dt.timedelta | None = None, ip: str = "") -> tuple[str, ApiToken]:
    """(the token to hand to the client, its stored row). The raw token is not kept anywhere."""
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, key_hash=hash_token(raw), expires_at=timezone.now() + (ttl or token_ttl()), ip=ip[:45]
    )
    return raw, token


def _usable(user: Any) -> bool:
    if not user.is_active:
        return False
    # Demo accounts have published passwords: their tokens stop working once demo mode is off.
    return not (user.is_demo and not settings.DEMO_MODE)


# A bearer token is checked on every API request: its row and its user are kept for a few seconds per process
# (TONGBAN_API_TOKEN_CACHE_SECONDS, default 5; 0 turns it off). A revocation in this process is seen at once;
# one made in another process within those seconds (bench/cases.py: the lookup was ~10% of a case's CPU).
_cache_lock = threading.Lock()
_cached: dict[str, tuple[ApiToken, float]] = {}
_MAX_CACHED = 10_000


@caches.register
def forget_cached_tokens() -> None:
    with _cache_lock:
        _cached.clear()


def _cache_seconds() -> float:
    return float(getattr(settings, "TONGBAN_API_TOKEN_CACHE_SECONDS", 5.0))


def find_token(raw: str) -> ApiToken | None:
    """The live token for ``raw`` (not expired, not revoked, its user still allowed in), or None."""
    raw = (raw or "").strip()
    if not raw or len(raw) > _MAX_TOKEN_LENGTH:
        return None
    now = timezone.now()
    key = hash_token(raw)
    keep = _cache_seconds()
    if keep > 0:
        with _cache_lock:
            hit = _cached.get(key)
        if hit is not None and time.monotonic() - hit[1] < keep and hit[0].expires_at > now:
            cached = copy.copy(hit[0])  # each request its own user object: views may memoise on it
            cached.user = copy.copy(hit[0].user)
            return cached
    token = _lookup(key, now)
    if token is not None and keep > 0:
        with _cache_lock:
            if len(_cached) >= _MAX_CACHED:
                _cached.clear()
            _cached[key] = (token, time.monotonic())
    return token


def _lookup(key: str, now: dt.datetime) -> ApiToken | None:
    token = (
        ApiToken.objects.select_related("user", "user__division")
        .filter(key_hash=key, revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not _usable(token.user):
        return None
    if token.last_used_at is None or now - token.last_used_at >= _LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def authenticate_token(raw: str) -> User | None:
    token = find_token(raw)
    return token.user if token else None


def revoke_token(raw: str) -> bool:
    """Revoke the token ``raw``; True if a live token was revoked."""
    raw = (raw or "").strip()
    if not raw or len(raw) > _MAX_TOKEN_LENGTH:
        return False
    with _cache_lock:
        _cached.pop(hash_token(raw), None)
    return bool(
        ApiToken.objects.filter(key_hash=hash_token(raw), revoked_at__isnull=True).update(revoked_at=timezone.now())
    )


def revoke_all(user: User) -> int:
    """Revoke every live token of ``user`` (after a password change or when an account is blocked)."""
    forget_cached_tokens()
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def purge_expired(before: dt.datetime | None = None) -> int:
    """Delete tokens that expired before ``before`` (default: a day ago); they can never be used again."""
    cutoff = before or timezone.now() - dt.timedelta(days=1)
    deleted, _ = ApiToken.objects.filter(expires_at__lt=cutoff).delete()
    return deleted
