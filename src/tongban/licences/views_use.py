"""Pages for using licences: 我的证照 (the holder's wallet, their 亮证 codes and who used their licences), 亮证
(make and withdraw a code; staff redeem one and see the licence), and the look-up for a case. Views translate;
the policy and the services decide."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from tongban.audit.services import client_ip
from tongban.cases.notice_pdf import qr_svg
from tongban.catalogue.models import LicenceType
from tongban.core.actor import actor_of
from tongban.core.errors import DomainError
from tongban.core.public_url import public_base_url

from . import selectors
from .domain import policy
from .domain import showing as table
from .domain.verdict import OUTCOME_LABELS
from .services import showing
from .services.use import look_up


def _refuse(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    return render(request, "licences/refused.html", {"message": message}, status=status)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """我的证照: every licence the account holds, its 亮证 codes, and every use others made of them."""
    actor = actor_of(request.user)
    if not actor.applicant:
        return _refuse(request, "“我的证照”供自然人和法人账号使用。")
    held = selectors.wallet(request.user)
    codes = showing.holder_codes(request.user)
    for code in codes:
        code.now_status = showing.status_of(code)  # type: ignore[attr-defined]
    local, others = selectors.audience_departments(request.user)
    context = {
        "licences": held,
        "codes": codes,
        "uses": selectors.uses_of(request.user),
        "local_departments": local,
        "other_departments": others,
        "default_minutes": table.DEFAULT_MINUTES,
        "max_minutes": table.MAX_MINUTES,
    }
    return render(request, "licences/mine.html", context)


@login_required
@require_POST
def create_code(request: HttpRequest) -> HttpResponse:
    minutes = request.POST.get("minutes", "").strip()
    audience = request.POST.get("audience", "").strip()
    try:
        code = showing.create(
            request.user,
            actor_of(request.user),
            request.POST.get("identifier", ""),
            purpose=request.POST.get("purpose", ""),
            minutes=int(minutes) if minutes.isdigit() else table.DEFAULT_MINUTES,
            audience_id=int(audience) if audience.isdigit() else None,
            ip=client_ip(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("licences:mine")
    return redirect("licences:code", pk=code.pk)


@login_required
def code(request: HttpRequest, pk: int) -> HttpResponse:
    """The code as the holder shows it: the QR (a link to the redeem page with the token) and the short code."""
    found = next((c for c in showing.holder_codes(request.user) if c.pk == pk), None)
    if found is None:
        return _refuse(request, showing.NOT_FOUND, 404)
    link = public_base_url(request) + reverse("licences:redeem") + f"?t={found.token}"
    context = {
        "code": found,
        "status": showing.status_of(found),
        "status_label": table.STATUS_LABELS[showing.status_of(found)],
        # Our own SVG of the link (its title escaped inside); none once the code has ended.
        "qr": mark_safe(qr_svg(link, "亮证码")) if showing.status_of(found) is table.CodeStatus.ACTIVE else "",
        "uses": list(found.uses.order_by("-at", "-id")[:50]),
    }
    return render(request, "licences/code.html", context)


@login_required
@require_POST
def withdraw_code(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        showing.withdraw(request.user, pk, client_ip(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "亮证码已撤回，不能再被查验。")
    return redirect("licences:mine")


@login_required
def redeem(request: HttpRequest) -> HttpResponse:
    """Staff enter a short code (or open the QR's link) and see the licence, verified, while the code lasts."""
    actor = actor_of(request.user)
    if not policy.may_redeem(actor):
        return _refuse(request, "亮证码只能由工作人员查验。请持证人向窗口或部门工作人员出示。")
    text = (request.POST.get("code") or request.GET.get("t") or "").strip()
    context: dict[str, Any] = {"query": request.POST.get("code", "")}
    if text:
        try:
            found, version, outcome = showing.redeem(request.user, actor, text, client_ip(request))
        except DomainError as exc:
            context["error"] = exc.message
            return render(request, "licences/redeem.html", context, status=exc.status)
        licence = found.licence
        context.update(
            {
                "code": found,
                "licence": licence,
                "version": version,
                "outcome_label": OUTCOME_LABELS[outcome],
                "face": selectors.face_rows(licence, version, masked=False),
            }
        )
    return render(request, "licences/redeem.html", context)


@login_required
def lookup(request: HttpRequest) -> HttpResponse:
    """Staff look a licence up by holder and type for a case they handle, with a reason; on record."""
    actor = actor_of(request.user)
    if not actor.staff:
        return _refuse(request, "证照查询仅供经办人员为所办理的办件使用。")
    data = request.POST if request.method == "POST" else request.GET
    context: dict[str, Any] = {
        "types": sorted(set(LicenceType.objects.values_list("name", flat=True))),
        "case_number": data.get("case", ""),
        "values": data,
    }
    if request.method == "POST":
        try:
            found = look_up(
                request.user,
                actor,
                data.get("case", ""),
                data.get("holder_code", ""),
                data.get("type_name", ""),
                data.get("reason", ""),
                client_ip(request),
            )
        except DomainError as exc:
            context["error"] = exc.message
            return render(request, "licences/lookup.html", context, status=exc.status)
        context["searched"] = True
        if found is not None:
            licence, version, outcome = found
            context.update(
                {
                    "licence": licence,
                    "version": version,
                    "outcome_label": OUTCOME_LABELS[outcome],
                    "face": selectors.face_rows(licence, version, masked=False),
                }
            )
    return render(request, "licences/lookup.html", context)
