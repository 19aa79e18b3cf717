"""Licence pages: the public check (no sign-in: a code scanned or typed, or an identifier), the licence for its
holder and handling staff with the issuing department's actions, its printable PDF, and the downloads an
offline verifier needs (the issuers' key list, the signed status lists). Views translate; the services and
the policy decide."""

from __future__ import annotations

import json
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from tongban.accounts.models import User
from tongban.audit.services import client_ip
from tongban.audit.services import record as audit
from tongban.core import ratelimit
from tongban.core.actor import actor_of
from tongban.core.errors import DomainError
from tongban.core.public_url import public_base_url

from . import selectors
from .documents import licence_pdf
from .domain import policy
from .domain.workflow import ACTION_LABELS, LicenceAction
from .services import keys, status
from .services.perform import AnnotationInput, perform
from .services.verification import check

THROTTLED = "核验过于频繁，请一分钟后再试。"


def _throttled(request: HttpRequest) -> bool:
    limit = int(getattr(settings, "TONGBAN_LICENCE_CHECK_RATE_LIMIT", 30))
    return ratelimit.hit(f"licence-check:{client_ip(request) or 'unknown'}", limit, 60.0)


def _verify_page(request: HttpRequest, query: str, channel: str) -> HttpResponse:
    context: dict[str, Any] = {"query": query}
    if query:
        if _throttled(request):
            context["error"] = THROTTLED
        else:
            context["result"] = check(
                query,
                channel=channel,
                ip=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
                user=request.user,
            )
    return render(request, "licences/verify.html", context, status=429 if context.get("error") else 200)


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    return _verify_page(request, request.GET.get("q", "")[:600], "page")


@require_GET
def scanned(request: HttpRequest, code: str) -> HttpResponse:
    """What a phone opens from the QR code: the check at once."""
    return _verify_page(request, code[:600], "qr")


@require_GET
def key_list(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(keys.key_list_document(), json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = 'attachment; filename="licence-keys.json"'
    return response


@require_GET
def status_list(request: HttpRequest, number: int) -> HttpResponse:
    document = status.current_document(number)
    if document is None:
        raise Http404("没有该状态列表")
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="licence-status-{number}.json"'
    return response


def _seen(request: HttpRequest, identifier: str) -> tuple[Any, Any, Any]:
    actor = actor_of(request.user)
    try:
        licence, version, facts = selectors.licence_for(request.user, actor, identifier)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    audit("licence.view", "licence", version.identifier, actor=request.user, ip=client_ip(request))
    return licence, version, facts


@login_required
@require_GET
def detail(request: HttpRequest, identifier: str) -> HttpResponse:
    licence, version, facts = _seen(request, identifier)
    actor = actor_of(request.user)
    offered = policy.actions(actor, facts)
    context = {
        "licence": licence,
        "version": version,
        "current": version.number == licence.version,
        "face": selectors.face_rows(licence, version, masked=False),
        "versions": list(licence.versions.order_by("-number")),
        "history": selectors.history(licence),
        "annotations": selectors.annotations_of(licence),
        "actions": [(a.value, ACTION_LABELS[a]) for a in offered],
        "fields": [(str(f["key"]), str(f.get("label", f["key"]))) for f in licence.licence_type.face_fields],
        "values": version.content.get("fields") or {},
        "qr_text": selectors.qr_text(public_base_url(request), version),
    }
    return render(request, "licences/detail.html", context)


@login_required
@require_POST
def act(request: HttpRequest, identifier: str) -> HttpResponse:
    try:
        action = LicenceAction(request.POST.get("action", ""))
    except ValueError:
        messages.error(request, "未知的操作")
        return redirect("licences:detail", identifier=identifier)
    licence, _, _ = _seen(request, identifier)
    changes = {k[6:]: str(v).strip() for k, v in request.POST.items() if k.startswith("field_") and str(v).strip()}
    current = (licence.versions.order_by("-number").first().content.get("fields") or {}) if changes else {}
    changes = {k: v for k, v in changes.items() if current.get(k) != v}
    revision = request.POST.get("revision", "")
    from tongban.cases.services import Ctx

    try:
        done = perform(
            Ctx(cast(User, request.user), "window", ip=client_ip(request)),
            licence,
            action,
            int(revision) if revision.isdigit() else None,
            reason=request.POST.get("reason", ""),
            changes=changes,
            annotation=AnnotationInput(request.POST.get("text", "")) if action is LicenceAction.ANNOTATE else None,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("licences:detail", identifier=licence.identifier)
    messages.success(request, f"已{ACTION_LABELS[action]}：{done.identifier}")
    return redirect("licences:detail", identifier=done.identifier)


@login_required
@require_GET
def pdf(request: HttpRequest, identifier: str) -> HttpResponse:
    licence, version, _ = _seen(request, identifier)
    data = licence_pdf(licence, version, public_base_url(request))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="licence-{version.identifier}.pdf"'
    return response


@login_required
@require_GET
def content(request: HttpRequest, identifier: str) -> HttpResponse:
    """The signed content and its seal, for an offline verifier that also checks the content (--content)."""
    _, version, _ = _seen(request, identifier)
    body = json.dumps(
        {"qr": selectors.qr_text(public_base_url(request), version), "content": version.content},
        ensure_ascii=False,
        indent=1,
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="licence-{version.identifier}.json"'
    return response
