"""Staff sessions end after a working-day idle time (TONGBAN_STAFF_IDLE_MINUTES, default 30), not after the
two weeks a citizen's session may last: a clerk's or an approver's screen left open in a hall must not stay
signed in. Each request of a staff member slides the end forward (the session is saved at most once a minute)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse

from .roles import AccountKind

TOUCHED = "_tongban_touched"
TOUCH_EVERY = 60


def idle_seconds() -> int:
    return max(60, int(float(getattr(settings, "TONGBAN_STAFF_IDLE_MINUTES", 30)) * 60))


class StaffIdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)  # after the view: a login in this request counts
        session = getattr(request, "session", None)
        if session is None or user is None or not user.is_authenticated or SESSION_KEY not in session:
            return response  # not signed in by this session (an API request names its user by a token)
        if getattr(user, "kind", "") != AccountKind.STAFF and not user.is_staff:
            return response
        idle = idle_seconds()
        now = int(time.time())
        if session.get("_session_expiry") != idle:
            session.set_expiry(idle)
        if now - int(session.get(TOUCHED, 0)) >= TOUCH_EVERY:
            session[TOUCHED] = now  # saved by the session middleware, with a fresh expiry
        return response
