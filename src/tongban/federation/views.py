"""The inbox other nodes post to, and the operator's page. Thin: services decide."""

from __future__ import annotations

import json

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tongban.core.net import client_ip

from . import selectors, services


@csrf_exempt  # node to node: the SM2 signatures authenticate the request, there is no session to forge
@require_POST
def inbox(request: HttpRequest) -> JsonResponse:
    try:
        data = json.loads(request.body)
    except ValueError:
        data = None
    status, answer = services.receive(data, remote_addr=client_ip(request))
    return JsonResponse(answer, status=status, json_dumps_params={"ensure_ascii": False})


@staff_member_required
def operations(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "federation/operations.html",
        {
            "local": selectors.local_node(),
            "queues": selectors.peer_queues(),
            "alerts": selectors.open_alerts(),
            "refusals": selectors.recent_refusals(),
            "directory": selectors.current_directory(),
        },
    )
