"""好差评 pages: the public figures, the applicant's 一事一评, the window's rating screen (一次一评, no sign-in),
社会综合点评, and the office's and supervisor's handling of bad ratings. Views translate; services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from tongban.accounts.models import User
from tongban.audit.services import client_ip
from tongban.audit.services import record as audit
from tongban.cases.models import Case
from tongban.cases.notice_pdf import qr_svg
from tongban.cases.selectors import get_visible_case
from tongban.core import clock
from tongban.core.actor import Role, actor_of
from tongban.core.errors import DomainError
from tongban.core.public_url import public_base_url
from tongban.jurisdictions.models import Department, Division

from . import selectors, services
from .domain import policy
from .domain.figures import percent
from .domain.scale import CHANNEL_LABELS, LEVEL_LABELS, LEVELS, Channel
from .domain.workflow import ACTION_LABELS, RectificationAction, RectificationFacts, RectificationStatus, available
from .models import Rectification


def _levels() -> list[tuple[int, str]]:
    return [(int(level), LEVEL_LABELS[level]) for level in LEVELS]


def _input(request: HttpRequest) -> services.EvaluationInput:
    scores = {d.code: request.POST.get(f"score_{d.code}", "") for d in selectors.dimensions()}
    return services.EvaluationInput(
        level=request.POST.get("level"),
        scores=scores,
        comment=request.POST.get("comment", ""),
        anonymous=request.POST.get("anonymous") == "1",
    )


def _form_context(**extra: Any) -> dict[str, Any]:
    return {"levels": _levels(), "dimensions": selectors.dimensions(), **extra}


# ---- public figures --------------------------------------------------------------------------------------


def public(request: HttpRequest) -> HttpResponse:
    """/evaluation/: counts per level, 满意率, 差评整改率, 回访率 per department, item, centre, window, clerk."""
    by = request.GET.get("by", "")
    group = selectors.GroupBy(by) if by in {g.value for g in selectors.GroupBy} else selectors.GroupBy.DEPARTMENT
    code = request.GET.get("region", "")
    division = Division.objects.filter(code=code).first() if code else None
    period = selectors.Period(_date(request.GET.get("start")), _date(request.GET.get("end")))
    rows = selectors.figures(group, division, period)
    return render(
        request,
        "evaluation/public.html",
        {
            "group": group.value,
            "groups": [(g.value, label) for g, label in selectors.GROUP_LABELS.items()],
            "group_label": selectors.GROUP_LABELS[group],
            "levels": _levels(),
            "rows": [_row(r) for r in rows],
            "overall": _row(selectors.Row(key=0, name="合计", figures=selectors.overall(division, period))),
            "division": division,
            "period": period,
        },
    )


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _row(row: selectors.Row) -> dict[str, Any]:
    f = row.figures
    return {
        "key": row.key,
        "name": row.name,
        "total": f.total,
        "per_level": [f.per_level[level] for level in LEVELS],
        "satisfaction": percent(f.satisfaction_rate),
        "rectification": percent(f.rectification_rate),
        "callback": percent(f.callback_rate),
    }


# ---- rating a case ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, number: str) -> HttpResponse:
    """/evaluation/cases/<number>/: 一事一评 by the applicant of a finished case, or a supervisor's 监督查评."""
    user = cast(User, request.user)
    case = get_visible_case(user, number)
    if case is None:
        return render(request, "404.html", {"message": "没有找到该办件，或您无权查看"}, status=404)
    actor = actor_of(user)
    channel = Channel.SUPERVISION if actor.has_role(Role.SUPERVISOR) else Channel.ONLINE
    if channel is Channel.ONLINE and actor.user_id != case.applicant_id:
        return render(request, "403.html", {"message": "只有本办件的申请人可以评价。"}, status=403)
    existing = selectors.rating_of_case(case.pk) if channel is Channel.ONLINE else None
    context = _form_context(case=case, channel_label=CHANNEL_LABELS[channel], rating=existing)
    context["anonymous_allowed"] = policy.anonymous_allowed(channel, services.anonymous_channels())
    if request.method == "POST" and existing is None:
        try:
            services.rate_case(user, case, _input(request), channel=channel, ip=client_ip(request))
        except DomainError as exc:
            context.update(error=exc.message, values=request.POST)
            return render(request, "evaluation/rate.html", context, status=exc.status)
        messages.success(request, "感谢您的评价！差评将由办理部门核实整改并回访。")
        return redirect("cases:detail", number=case.number)
    return render(request, "evaluation/rate.html", context)


# ---- the window's rating screen (一次一评) -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def screen_open(request: HttpRequest, number: str) -> HttpResponse:
    """/evaluation/window/<number>/: the clerk opens the screen for the service just given."""
    user = cast(User, request.user)
    case = get_visible_case(user, number)
    if case is None:
        return render(request, "404.html", {"message": "没有找到该办件，或您无权查看"}, status=404)
    if request.method == "POST":
        try:
            token = services.open_screen(user, case, ip=client_ip(request))
        except DomainError as exc:
            return render(
                request, "evaluation/screen_open.html", {"case": case, "error": exc.message}, status=exc.status
            )
        return redirect("evaluation:screen", token=token)
    return render(request, "evaluation/screen_open.html", {"case": case})


@require_http_methods(["GET", "POST"])
def screen(request: HttpRequest, token: str) -> HttpResponse:
    """/evaluation/screen/<token>/: what the applicant taps on the tablet; no sign-in, the token is spent once."""
    invitation = services.invitation_of(token)
    if request.method == "POST":
        try:
            services.rate_by_token(token, _input(request), ip=client_ip(request))
        except DomainError as exc:
            spent = exc.code == "token_invalid"
            context = _form_context(invitation=invitation, error=exc.message, values=request.POST, expired=spent)
            return render(request, "evaluation/screen.html", context, status=exc.status)
        return render(request, "evaluation/screen_done.html", {})
    if invitation is None:
        return render(request, "evaluation/screen.html", {"expired": True}, status=410)
    # The applicant may also rate on their own phone: the same one-time address as a QR code.
    qr = mark_safe(qr_svg(public_base_url(request) + request.path, "用手机扫码评价"))
    return render(request, "evaluation/screen.html", _form_context(invitation=invitation, qr=qr))


# ---- 社会综合点评 -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def social(request: HttpRequest, department_id: int) -> HttpResponse:
    department = Department.objects.filter(pk=department_id).first()
    if department is None:
        return render(request, "404.html", {"message": "没有找到该部门"}, status=404)
    user = cast(User, request.user) if request.user.is_authenticated else None
    context = _form_context(department=department, signed_in=user is not None)
    context["anonymous_allowed"] = policy.anonymous_allowed(Channel.SOCIAL, services.anonymous_channels())
    if request.method == "POST":
        try:
            services.rate_department(user, department, _input(request), ip=client_ip(request))
        except DomainError as exc:
            context.update(error=exc.message, values=request.POST)
            return render(request, "evaluation/social.html", context, status=exc.status)
        messages.success(request, "感谢您的点评！")
        return redirect(reverse("evaluation:public") + "?by=department")
    return render(request, "evaluation/social.html", context)


# ---- bad ratings: the office and the supervisor ----------------------------------------------------------


@login_required
def rectifications(request: HttpRequest) -> HttpResponse:
    """/evaluation/rectifications/: the bad ratings the person may handle, open ones first."""
    actor = actor_of(request.user)
    if not (actor.has_role(Role.APPROVER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR) or actor.system_admin):
        return render(request, "403.html", {"message": "您无权查看差评整改"}, status=403)
    rows = list(selectors.rectifications_for(actor)[:200])
    return render(request, "evaluation/rectifications.html", {"rows": rows, "today": clock.today()})


FORM_ACTIONS = {
    RectificationAction.RECTIFY_AT_ONCE: "写明已采取的整改措施",
    RectificationAction.SET_DEADLINE: "写明整改计划",
    RectificationAction.COMPLETE: "写明整改结果",
    RectificationAction.EXPLAIN: "写明解释说明（无法律政策依据等）",
    RectificationAction.CALL_BACK: "回访情况（联系方式、申请人意见）",
    RectificationAction.CALL_UNANSWERED: "未接通的情况（可不填）",
    RectificationAction.CLOSE: "办结说明（可不填）",
    RectificationAction.APPEAL: "申诉理由（误评或恶意差评的依据）",
    RectificationAction.UPHOLD_APPEAL: "审核意见",
    RectificationAction.DISMISS_APPEAL: "审核意见",
}


@login_required
@require_http_methods(["GET", "POST"])
def rectification(request: HttpRequest, pk: int) -> HttpResponse:
    """/evaluation/rectifications/<pk>/: a bad rating, its handling so far and the actions the person may take."""
    user = cast(User, request.user)
    actor = actor_of(user)
    row = selectors.rectifications_for(actor).filter(pk=pk).first()
    if row is None:
        return render(request, "404.html", {"message": "没有找到该差评，或您无权查看"}, status=404)
    error = ""
    status = 200
    if request.method == "POST":
        try:
            action = RectificationAction(request.POST.get("action", ""))
            days = request.POST.get("days", "")
            services.perform(
                user,
                row.pk,
                action,
                services.RectificationInput(
                    note=request.POST.get("note", ""),
                    days=int(days) if days.isdigit() else None,
                    satisfaction_after=request.POST.get("satisfaction_after"),
                ),
                revision=int(request.POST.get("revision", "-1"))
                if request.POST.get("revision", "").isdigit()
                else None,
                ip=client_ip(request),
            )
        except ValueError:
            error, status = "未知的操作。", 400
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, f"已{ACTION_LABELS[action]}。")
            return redirect("evaluation:rectification", pk=row.pk)
        row = selectors.rectifications_for(actor).get(pk=pk)
    context = _rectification_context(actor, row, error)
    if context["rater"]:  # the rater's name and phone shown to the office that calls back: personal data
        audit(
            "evaluation.rectification.view",
            "rectification",
            row.pk,
            actor=user,
            ip=client_ip(request),
            detail={"unmasked": True},
        )
    return render(request, "evaluation/rectification.html", context, status=status)


def _rectification_context(actor: Any, row: Rectification, error: str) -> dict[str, Any]:
    facts = RectificationFacts(status=RectificationStatus(row.status), named=row.named, appealed_before=row.appealed)
    path = row.division.path
    actions = [
        {"value": a.value, "label": ACTION_LABELS[a], "hint": FORM_ACTIONS[a]}
        for a in available(facts)
        if policy.rectification_denial(actor, row.department_id, path, a) is None
    ]
    rating = row.evaluation
    personal = actor.has_role(Role.APPROVER, Role.DEPARTMENT_HEAD)  # the office calls the applicant back
    return {
        "rectification": row,
        "rating": rating,
        "case": cast(Case | None, rating.case),
        "rater": rating.rater_name if personal else "",
        "rater_phone": rating.rater_phone if personal else "",
        "events": list(row.events.select_related("actor")),
        "callbacks": list(row.callbacks.select_related("caller")),
        "actions": actions,
        "deadline_options": services.deadline_options(),
        "levels": _levels(),
        "error": error,
    }
