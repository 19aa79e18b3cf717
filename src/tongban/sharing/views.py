"""Pages of data sharing: 我的数据 (谁查看了我的数据 and 我的授权, with withdrawal) for citizens and
enterprises, the supervisors' list of flagged accesses, and the exchange interface other nodes call.
Views translate; the services and selectors decide."""

from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from tongban.audit.services import client_ip
from tongban.cases.domain.policy import may_use_board
from tongban.core.actor import actor_of
from tongban.core.errors import DomainError

from . import providers, selectors
from .services import consent as consents


def _refuse(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    return render(request, "sharing/refused.html", {"message": message}, status=status)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """我的数据: who looked at my data (which department, when, for which case, which fields) and my consents."""
    if not actor_of(request.user).applicant:
        return _refuse(request, "“我的数据”供自然人和法人账号使用。")
    context = {
        "accesses": selectors.lines(list(selectors.accesses_to(request.user))),
        "consents": selectors.consents_of(request.user),
        "field_labels": selectors.field_labels(),
    }
    return render(request, "sharing/mine.html", context)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        consents.withdraw(request.user, pk, ip=client_ip(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已撤回授权，此后不能再依据该授权调取您的数据。")
    return redirect("sharing:mine")


def board_lines(user: Any) -> list[dict[str, str]]:
    """The supervision board's line (cases/page_extras.py): this month's look-ups and 减材料 by shared data."""
    if not may_use_board(actor_of(user)):
        return []
    f = selectors.month_figures()
    text = (
        f"数据共享：本月调取 {f.accesses} 次（拒绝 {f.refused} 次，需关注 {f.flagged} 次）；"
        f"以共享数据代替申请材料 {f.materials_replaced} 份（减材料）"
    )
    return [{"id": "sharing-figures", "text": text, "url": reverse("sharing:flagged")}]


@login_required
def flagged(request: HttpRequest) -> HttpResponse:
    """共享数据访问监督: accesses without a case, outside working hours, in bulk, or refused."""
    if not may_use_board(actor_of(request.user)):
        return _refuse(request, "共享数据访问监督仅供监督人员使用。")
    return render(request, "sharing/flagged.html", {"accesses": selectors.lines(list(selectors.flagged()))})


@require_GET
def exchange(request: HttpRequest, provider: str, subject: str) -> HttpResponse:
    """This node as a provincial exchange: the local providers over HTTP (contrib/exchange.py's interface), for
    callers holding the configured token. Off unless TONGBAN_SHARING_SERVE_TOKEN is set."""
    token = settings.TONGBAN_SHARING_SERVE_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        return JsonResponse(
            {"error": {"code": "forbidden", "message": "无权访问共享交换接口", "field": None}}, status=403
        )
    if provider not in providers.infos():
        return JsonResponse({"error": {"code": "not_found", "message": "没有该数据提供方", "field": None}}, status=404)
    fields = frozenset(f for f in request.GET.get("fields", "").split(",") if f)
    record = providers.local(provider).fetch(subject.strip().upper(), fields)
    return JsonResponse({"found": record is not None, "record": record}, json_dumps_params={"ensure_ascii": False})
