"""The hotline's pages: the call-taker's console and screen pop, an order's page with the steps its reader may
take, the queues, the citizen's form and the indicators. Views translate; the services and the policy decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tongban.audit.services import client_ip
from tongban.core import clock
from tongban.core.errors import DomainError
from tongban.search.selectors import InvalidSearch

from . import selectors, services
from .domain.flow import SATISFACTION_LABELS, STATUS_LABELS, Action, Channel, OrderType, Status
from .domain.indicators import percent
from .forms import ActForm, OrderForm
from .models import Call

A = Action


def _refuse(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    return render(request, "hotline/message.html", {"message": message}, status=status)


@login_required
def console(request: HttpRequest) -> HttpResponse:
    """坐席工作台: take a call (the call-centre system's screen pop), the queues; a department's staff see
    their department's orders, a citizen their own."""
    actor = services.actor_of(request.user)
    status = request.GET.get("status", "")
    if status and status not in STATUS_LABELS:
        status = ""
    return render(
        request,
        "hotline/console.html",
        {
            "actor": actor,
            "orders": selectors.queue(request.user, status),
            "status": status,
            "statuses": STATUS_LABELS.items(),
            "calls": selectors.recent_calls(request.user) if actor.centre else [],
        },
    )


@login_required
@require_POST
def take_call(request: HttpRequest) -> HttpResponse:
    if not services.actor_of(request.user).centre:
        return _refuse(request, "只有12345热线话务员可以接听来电。")
    try:
        call = services.record_incoming_call(
            request.user, request.POST.get("number", ""), request.POST.get("call_id", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("hotline:console")
    return redirect("hotline:call", call_id=call.call_id)


def _own_region(user: Any) -> str | None:
    """The call-taker's own region, whose guides the knowledge base puts first (others fold under them)."""
    if getattr(user, "division_id", None):
        return str(user.division_id)
    centre = getattr(user, "service_centre", None)
    return str(centre.division_id) if centre is not None else None


def _order_form_page(request: HttpRequest, form: OrderForm, call: Call | None) -> HttpResponse:
    phone = call.number if call else ""
    q = request.GET.get("q", "").strip()
    answers, kb_error = [], ""
    if q:
        try:
            answers = selectors.knowledge(q, region=_own_region(request.user))
        except InvalidSearch as exc:
            kb_error = str(exc)
    return render(
        request,
        "hotline/call.html",
        {
            "call": call,
            "form": form,
            "history": selectors.caller_history(phone),
            "q": q,
            "answers": answers,
            "kb_error": kb_error,
        },
    )


@login_required
def call(request: HttpRequest, call_id: str) -> HttpResponse:
    """The screen pop: the caller's earlier orders, the knowledge base, and the new order's form."""
    actor = services.actor_of(request.user)
    the_call = Call.objects.filter(call_id=call_id).first()
    if not actor.centre or the_call is None:
        raise Http404
    if request.method == "POST":
        form = OrderForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            new = services.NewOrder(
                order_type=d["order_type"],
                title=d["title"],
                content=d["content"],
                channel=Channel.PHONE,
                category_code=d["category"],
                caller_name=d["caller_name"],
                caller_phone=d["caller_phone"] or the_call.number,
                call_id=the_call.call_id,
                division_code=d["division"],
                address=d["address"],
                urgent=d["urgent"],
                confidential=d["confidential"] or None,
            )
            try:
                order = services.receive(request.user, new, key=request.POST.get("key") or None)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"已受理，工单号 {order.number}。")
                return redirect("hotline:order", number=order.number)
    else:
        form = OrderForm(initial={"caller_phone": the_call.number, "order_type": OrderType.ENQUIRY})
    return _order_form_page(request, form, the_call)


@login_required
def new_order(request: HttpRequest) -> HttpResponse:
    """The citizen's web form (网上诉求)."""
    if request.method == "POST":
        form = OrderForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            user: Any = request.user
            new = services.NewOrder(
                order_type=d["order_type"],
                title=d["title"],
                content=d["content"],
                channel=Channel.WEB,
                category_code=d["category"],
                caller_name=d["caller_name"] or getattr(user, "real_name", ""),
                caller_phone=d["caller_phone"] or getattr(user, "phone", ""),
                division_code=d["division"],
                address=d["address"],
                urgent=d["urgent"],
                confidential=d["confidential"] or None,
            )
            try:
                order = services.receive(user, new, key=request.POST.get("key") or None)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"您的诉求已受理，工单号 {order.number}。")
                return redirect("hotline:order", number=order.number)
    else:
        form = OrderForm(initial={"order_type": OrderType.COMPLAINT})
    return render(request, "hotline/new.html", {"form": form})


@login_required
def order(request: HttpRequest, number: str) -> HttpResponse:
    found = selectors.order_for(request.user, number, ip=client_ip(request))
    if found is None:
        raise Http404
    actor = services.actor_of(request.user)
    actions = set(found.actions)  # type: ignore[attr-defined]
    ctx: dict[str, Any] = {
        "order": found,
        "actor": actor,
        "actions": actions,
        "A": {a.name: a.value for a in Action},
        "history": selectors.history(found),
        "satisfaction_choices": SATISFACTION_LABELS.items(),
        "overdue": found.deadline is not None
        and found.status in (Status.RECEIVED, Status.DISPATCHED, Status.HANDLING)
        and clock.now() > found.deadline,
    }
    if actor.centre:
        ctx["calls"] = list(found.calls.all())
        if A.MERGE in actions:
            ctx["duplicates"] = selectors.duplicates_of(found)
        if A.DISPATCH in actions or A.REASSIGN in actions:
            ctx["route"] = selectors.suggest_department(found)
            ctx["departments"] = selectors.dispatch_departments(found)
        if A.ANSWER_AT_ONCE in actions:
            q = request.GET.get("q", "").strip() or found.title or found.content[:100]
            ctx["q"] = q
            try:
                ctx["answers"] = selectors.knowledge(q[:100], region=found.division_id)
            except InvalidSearch as exc:
                ctx["kb_error"] = str(exc)
    return render(request, "hotline/order.html", ctx)


@login_required
@require_POST
def act(request: HttpRequest, number: str) -> HttpResponse:
    form = ActForm(request.POST)
    if not form.is_valid():
        messages.error(request, "提交的内容不完整，请重试。")
        return redirect("hotline:order", number=number)
    d = form.cleaned_data
    step = services.Step(
        department_id=d["department"],
        text=d["text"] or "",
        satisfaction=d["satisfaction"] or "",
        target_number=d["target"] or "",
    )
    try:
        services.perform(request.user, number, d["action"], step, revision=d["revision"], key=d["key"] or None)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from None
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{services.action_label(d['action'])}。")
    return redirect("hotline:order", number=number)


@login_required
@require_POST
def call_back(request: HttpRequest, number: str) -> HttpResponse:
    try:
        placed = services.call_back(request.user, number)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from None
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已回拨，通话记录号 {placed.call_id}。")
    return redirect("hotline:order", number=number)


def _period(request: HttpRequest) -> tuple[dt.datetime, dt.datetime, str, str]:
    today = clock.today()
    try:
        start_day = dt.date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start_day = today - dt.timedelta(days=30)
    try:
        end_day = dt.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end_day = today
    if end_day < start_day:
        start_day, end_day = end_day, start_day
    tz = clock.now().tzinfo
    start = dt.datetime.combine(start_day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(end_day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end, start_day.isoformat(), end_day.isoformat()


def indicators(request: HttpRequest) -> HttpResponse:
    """The published figures: 响应率, 办结率, 满意率, 重复诉求率 and 咨询当场解答率, per department and period."""
    start, end, start_text, end_text = _period(request)
    rows = [
        {
            "name": r.department.name if r.department else "12345热线（全部）",
            "counts": r.indicators.counts,
            "response": percent(r.indicators.response_rate),
            "finish": percent(r.indicators.finish_rate),
            "satisfaction": percent(r.indicators.satisfaction_rate),
            "repeat": percent(r.indicators.repeat_rate),
            "at_once": percent(r.indicators.answered_at_once_rate),
        }
        for r in selectors.indicator_table(start, end)
    ]
    return render(request, "hotline/indicators.html", {"rows": rows, "start": start_text, "end": end_text})
