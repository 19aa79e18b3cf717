"""The inbox other nodes post to, and the operator's page. Thin: services decide."""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tongban.accounts.permissions import has_role
from tongban.accounts.roles import Role
from tongban.core.errors import DomainError
from tongban.core.net import client_ip

from . import selectors, services, tsa


@csrf_exempt  # node to node: the SM2 signatures authenticate the request, there is no session to forge
@require_POST
def inbox(request: HttpRequest) -> JsonResponse:
    try:
        data = json.loads(request.body)
    except ValueError:
        data = None
    status, answer = services.receive(data, remote_addr=client_ip(request))
    return JsonResponse(answer, status=status, json_dumps_params={"ensure_ascii": False})


@csrf_exempt  # a public service like any time-stamping authority: it signs digests, it reads nothing
@require_POST
def time_stamp(request: HttpRequest) -> JsonResponse:
    try:
        data = json.loads(request.body)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        data = {}
    try:
        token, signature = tsa.issue(data.get("digest", ""), str(data.get("requester", "")))
    except DomainError as exc:
        error = {"code": exc.code, "message": exc.message, "field": exc.field}
        return JsonResponse({"error": error}, status=exc.status, json_dumps_params={"ensure_ascii": False})
    return JsonResponse({"token": token, "signature": signature}, json_dumps_params={"ensure_ascii": False})


@login_required
def operations(request: HttpRequest) -> HttpResponse:
    """The operator's page: per peer the queue, its oldest message's age, failures; open alerts; refusals."""
    if not has_role(request.user, Role.SUPERVISOR, Role.SYSTEM_ADMIN):
        raise PermissionDenied("跨地区联邦运行情况仅供督办人员和系统管理员查看。")
    queues = selectors.peer_queues()
    for row in queues:
        row["oldest_age_text"] = _duration(row["oldest_age"])
    stamping = selectors.stamping_summary()
    stamping["oldest_text"] = _duration(stamping["oldest"])
    return render(
        request,
        "federation/operations.html",
        {
            "local": selectors.local_node(),
            "queues": queues,
            "alerts": selectors.open_alerts(),
            "refusals": selectors.recent_refusals(),
            "directory": selectors.current_directory(),
            "stamping": stamping,
            "depth_limit": settings.TONGBAN_FEDERATION_ALERT_QUEUE_DEPTH,
            "age_limit": f"{settings.TONGBAN_FEDERATION_ALERT_AGE_MINUTES:g}",
        },
    )


def _duration(age: dt.timedelta | None) -> str:
    if age is None:
        return ""
    minutes = int(age.total_seconds() // 60)
    if minutes < 1:
        return f"{int(age.total_seconds())} 秒"
    if minutes < 60:
        return f"{minutes} 分钟"
    return f"{minutes // 60} 小时 {minutes % 60} 分钟"
