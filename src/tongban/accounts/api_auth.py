"""API authentication: ``Authorization: Bearer <token>`` with a token from POST /api/v1/auth/token."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from .models import User
from .tokens import authenticate_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = authenticate_token(token)
        if user is not None:
            request.user = user
        return user


bearer = BearerToken()


def api_user(request: HttpRequest) -> User:
    """The user a bearer-authenticated operation runs for."""
    user = getattr(request, "auth", None)
    assert isinstance(user, User)  # the router's auth ran
    return user
