"""Failed logins: an account is locked for its own address, and an address is throttled across accounts.

django-axes counts failures in the database (every process sees the same counts). Its lock-out parameters
are the combination of username and client address (``AXES_LOCKOUT_PARAMETERS``): five wrong passwords for
someone's username lock that username *from that address* for the cool-off time, so a stranger cannot lock
the real owner out of their own phone or office. Guessing is bounded per address instead: this handler adds
a second limit, the failures from one address summed over every username within the cool-off time
(``TONGBAN_LOGIN_ADDRESS_FAILURE_LIMIT``), high enough for a service hall's shared address and far below
what password spraying needs. Both limits answer the same way (HTTP 429, the lock-out page or the API's
error shape), and the request says which one applied.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

ACCOUNT = "account"
ADDRESS = "address"


def address_failure_limit() -> int:
    return int(getattr(settings, "TONGBAN_LOGIN_ADDRESS_FAILURE_LIMIT", 20))


def address_failures(request: Any) -> int:
    """Failed logins from the request's address within the cool-off time, whatever the username."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    recent = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=get_cool_off_threshold(request))
    return int(recent.aggregate(n=Sum("failures_since_start"))["n"] or 0)


def lockout_reason(request: Any) -> str:
    """Which limit refused the request (``account`` or ``address``); "" when none did."""
    return str(getattr(request, "tongban_lockout", ""))


class AccountAndAddressHandler(AxesDatabaseHandler):
    """axes' database handler with the per-address limit beside its per-account-and-address one."""

    def is_locked(self, request: Any, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            request.tongban_lockout = ACCOUNT
            return True
        if address_failures(request) >= address_failure_limit():
            request.tongban_lockout = ADDRESS
            return True
        return False

    def user_login_failed(self, sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None:
            return
        if getattr(request, "axes_locked_out", False):
            if not lockout_reason(request):
                over_account = getattr(request, "axes_failures_since_start", 0) >= get_failure_limit(
                    request, credentials
                )
                request.tongban_lockout = ACCOUNT if over_account else ADDRESS
            return
        if address_failures(request) >= address_failure_limit():
            request.axes_locked_out = True
            request.axes_credentials = credentials
            request.tongban_lockout = ADDRESS
