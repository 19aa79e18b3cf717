"""What every page knows of the signed-in account's work (cases.workspace): the header's 工作台 link, the
case pages' navigation and whether 在线申请 is offered."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tongban.core.actor import actor_of

from .workspace import desk_for


def desk(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    actor = actor_of(user)
    name = getattr(user, "real_name", "") or getattr(user, "username", "")
    current = None
    desk = desk_for(actor, name)
    match = getattr(request, "resolver_match", None)
    if match is not None and desk.links:
        current = desk.current(match.view_name, request.GET.get("bucket", ""))
    return {"desk": desk, "desk_current": current}
