"""Pages of cross-region handling: other regions' items, applying online for one, the 跨省通办 window (taking,
forwarding, corrections, results for pick-up, 多地联办) and a cross-region case with its merged timeline.
Thin: they read the request, ask the selectors and call the services."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from tongban.accounts.models import User
from tongban.audit.services import record as audit
from tongban.cases import forms as case_forms
from tongban.cases.domain import policy
from tongban.cases.domain.corrections import list_item
from tongban.catalogue.formschema import validate_submission
from tongban.core.errors import DomainError

from . import selectors, transport
from .domain.workflow import JOINT_PHASE_LABELS, MODE_LABELS, JointPhase, XAction, XStatus, allowed_actions
from .models import CrossRegionCase
from .services import guides, joint, receiving
from .services.perform import facts_of


def _user(request: HttpRequest) -> User:
    """The signed-in account (every view but the list of items requires sign-in)."""
    return cast(User, request.user)


def _is_clerk(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and policy.may_take_applications(user.actor) and user.service_centre_id)


def _scans(request: HttpRequest, prefix: str = "material") -> list[tuple[str, str, bytes]]:
    """The files posted for each material: ``<prefix>_name_<i>`` names it, ``<prefix>_<i>`` is the file."""
    out = []
    for key in request.FILES:
        upload = request.FILES.get(key)
        if upload is None or not key.startswith(prefix + "_"):
            continue
        index = key.rsplit("_", 1)[1]
        filename = upload.name or "scan"
        name = request.POST.get(f"{prefix}_name_{index}", "").strip() or filename
        out.append((name, filename, upload.read()))
    return out


def items(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    try:
        rows = selectors.other_regions_items(query)
        error = ""
    except Exception:
        rows, error = [], "本节点尚未取得有效的跨域通办节点目录"
    return render(
        request,
        "crossregion/items.html",
        {"rows": rows, "query": query, "error": error, "clerk": _is_clerk(request), "here": transport.local_code()},
    )


def _guide_or_404(node: str, code: str) -> guides.RemoteGuide:
    if selectors.offer(node, code) is None:
        raise Http404("该事项不在跨域通办目录中")
    return guides.remote_guide(node, code)


def _guide_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """The deciding node's guide could not be read (node down, item not published): the page, not a 500."""
    status = 503 if exc.code == "peer_unavailable" else exc.status
    return render(request, "crossregion/unavailable.html", {"message": exc.message}, status=status)


def _form_page(request: HttpRequest, template: str, guide: guides.RemoteGuide, **context: Any) -> HttpResponse:
    values = context.pop("values", {})
    errors = context.pop("errors", {})
    context |= {
        "guide": guide,
        "fields": case_forms.schema_fields(guide.form_schema, values, errors),
        "materials": list(enumerate(guide.materials)),
        "form_asks_phone": any(f.get("type") == "phone" for f in guide.form_schema),
    }
    return render(request, template, context, status=400 if errors or context.get("error") else 200)


def _form_phone(guide: guides.RemoteGuide, answers: dict[str, Any]) -> str:
    """The guide's own phone field, where its form has one (the page then asks no second phone)."""
    return next(
        (str(answers[f["key"]]) for f in guide.form_schema if f.get("type") == "phone" and answers.get(f["key"])), ""
    )


@login_required
def apply(request: HttpRequest, node: str, code: str) -> HttpResponse:
    """全程网办 for an applicant of this node."""
    try:
        guide = _guide_or_404(node, code)
    except DomainError as exc:
        return _guide_error(request, exc)
    if request.method != "POST":
        return _form_page(request, "crossregion/apply.html", guide)
    answers = case_forms.read_schema_post(guide.form_schema, request.POST)
    cleaned, errors = validate_submission(guide.form_schema, answers)
    if errors:
        return _form_page(request, "crossregion/apply.html", guide, values=answers, errors=errors)
    try:
        xcase = receiving.apply_online(
            _user(request),
            deciding_node=node,
            item_code=code,
            item_name=guide.name,
            form_data=cleaned,
            uploads=_scans(request),
            phone=request.POST.get("phone", "") or _form_phone(guide, cleaned),
        )
    except DomainError as exc:
        return _form_page(request, "crossregion/apply.html", guide, values=answers, error=exc.message)
    messages.success(request, f"申请已提交，转递{guide.node_name}办理。跨域办件编号{xcase.ref}")
    return redirect("crossregion:detail", ref=xcase.ref)


@login_required
def take(request: HttpRequest, node: str, code: str) -> HttpResponse:
    """异地代收: the window takes an application for another region's item."""
    if not _is_clerk(request):
        raise PermissionDenied("只有服务中心窗口人员可以跨域代收")
    try:
        guide = _guide_or_404(node, code)
    except DomainError as exc:
        return _guide_error(request, exc)
    if request.method != "POST":
        return _form_page(request, "crossregion/take.html", guide)
    answers = case_forms.read_schema_post(guide.form_schema, request.POST)
    cleaned, errors = validate_submission(guide.form_schema, answers)
    applicant = {k: request.POST.get(k, "").strip() for k in ("name", "id_number", "phone")}
    if errors:
        return _form_page(request, "crossregion/take.html", guide, values=answers, errors=errors, applicant=applicant)
    try:
        xcase = receiving.take_at_window(
            _user(request),
            deciding_node=node,
            item_code=code,
            item_name=guide.name,
            applicant=applicant,
            identity_check=request.POST.get("identity_check", ""),
            form_data=cleaned,
            scans=_scans(request),
        )
    except DomainError as exc:
        return _form_page(
            request, "crossregion/take.html", guide, values=answers, error=exc.message, applicant=applicant
        )
    messages.success(request, f"已收件，跨域办件编号{xcase.ref}；请在{xcase.forward_due:%Y年%m月%d日}前转递")
    return redirect("crossregion:detail", ref=xcase.ref)


@login_required
def window(request: HttpRequest) -> HttpResponse:
    if not _is_clerk(request):
        raise PermissionDenied("只有服务中心窗口人员可以使用跨域通办窗口")
    rows = selectors.with_shown_status(list(selectors.window_cases(_user(request))[:200]))
    return render(
        request,
        "crossregion/window.html",
        {
            "rows": rows,
            "overdue": selectors.overdue_forwarding(rows),
            "joints": selectors.joint_cases(_user(request))[:50],
            "phase_labels": {k.value: v for k, v in JOINT_PHASE_LABELS.items()},
            "deciding": selectors.deciding_cases(_user(request)),
            "forward_days": receiving.forward_days(),
        },
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    rows = selectors.mine_grouped(_user(request))
    selectors.with_shown_status([c for row in rows for c in (row.case, *row.legs) if c is not None])
    return render(request, "crossregion/mine.html", {"rows": rows})


def _visible(request: HttpRequest, ref: str) -> CrossRegionCase:
    row = selectors.visible_copy(_user(request), ref)
    if row is None:
        raise Http404("没有找到该跨域办件")
    return row


@login_required
def detail(request: HttpRequest, ref: str) -> HttpResponse:
    xcase = selectors.with_shown_status([_visible(request, ref)])[0]
    staff = not _user(request).actor.applicant
    audit(
        "crossregion.view",
        "crossregion.CrossRegionCase",
        xcase.pk,
        actor=request.user,
        detail={"ref": xcase.ref, "side": xcase.side},
    )
    possible = allowed_actions(facts_of(xcase)) if xcase.side == "receiving" else []
    buttons = [a.value for a in possible if a is not XAction.WITHDRAW] if staff else []
    return render(
        request,
        "crossregion/detail.html",
        {
            "x": xcase,
            "events": selectors.timeline(xcase),
            "mode_label": MODE_LABELS.get(xcase.mode, xcase.mode),  # type: ignore[call-overload]
            "buttons": buttons,
            "staff": staff,
            "correction": _correction_form(xcase) if selectors.may_resubmit(_user(request), xcase) else None,
            "results": list(enumerate(xcase.results)) if selectors.may_get_results(_user(request), xcase) else [],
            "sent": _sent(xcase) if selectors.may_get_results(_user(request), xcase) else None,
            "verify_url": selectors.licence_check_url(xcase),
            "late": xcase in selectors.overdue_forwarding([xcase]),
            "can_withdraw": XAction.WITHDRAW in possible and receiving.may_withdraw(_user(request), xcase),
        },
    )


def _sent(xcase: CrossRegionCase) -> dict[str, Any]:
    """What this side sent (for the applicant and the receiving window): the answers labelled by the deciding
    node's form where its guide can be read now, else by their keys; the names of the files."""
    try:
        schema = guides.guide_for(xcase.deciding_node, xcase.item_code).form_schema
    except DomainError:
        schema = []
    return {"answers": case_forms.form_rows(schema, xcase.form_data), "materials": xcase.materials}


@login_required
@require_POST
def act(request: HttpRequest, ref: str) -> HttpResponse:
    xcase = _visible(request, ref)
    if not _is_clerk(request) or xcase.side != "receiving":
        raise PermissionDenied("只有收件窗口人员可以办理")
    action = request.POST.get("action", "")
    revision = int(request.POST.get("revision") or 0)
    try:
        if action == "forward":
            receiving.forward(_user(request), xcase, revision)
            messages.success(request, f"已转递{xcase.peer_name}")
        elif action == "hand_over":
            receiving.hand_over(_user(request), xcase, revision)
            messages.success(request, "结果已交付申请人，办件办结")
        else:
            raise DomainError("bad_action", "未知的操作", "action")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("crossregion:detail", ref=xcase.ref)


def _correction_form(xcase: CrossRegionCase, errors: dict[str, str] | None = None) -> dict[str, Any]:
    """The correction as the receiving side answers it: a file per material line, the named form fields with
    their current answers (each in its own widget), the other lines to read."""
    schema = [f["field"] for f in xcase.correction_fields]
    field_lines = {list_item(f["label"]) for f in xcase.correction_fields}
    return {
        "materials": list(enumerate(xcase.correction_materials)),
        "fields": case_forms.schema_fields(schema, {f["key"]: f["value"] for f in xcase.correction_fields}, errors),
        "notes": [i for i in xcase.correction_items if i not in field_lines and i not in xcase.correction_materials],
    }


@login_required
@require_POST
def resubmit(request: HttpRequest, ref: str) -> HttpResponse:
    """补正 answered at the receiving window (异地代收) or by the applicant online (全程网办)."""
    xcase = _visible(request, ref)
    if not selectors.may_resubmit(_user(request), xcase):
        raise PermissionDenied("只有收件窗口人员或网上申请的申请人本人可以补正")
    schema = [f["field"] for f in xcase.correction_fields]
    try:
        receiving.resubmit(
            _user(request), xcase, _scans(request), form_changes=case_forms.read_schema_post(schema, request.POST)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "补正已转递办理地")
    return redirect("crossregion:detail", ref=xcase.ref)


@login_required
@require_GET
def result_file(request: HttpRequest, ref: str, index: int) -> HttpResponseBase:
    """A result the deciding node sent (e-licence, signed decision document): for the applicant and the
    receiving centre's clerks (who may see this side's copy); audited."""
    xcase = _visible(request, ref)
    if not selectors.may_get_results(_user(request), xcase) or not 0 <= index < len(xcase.results):
        raise Http404("没有该结果文件")
    result = xcase.results[index]
    audit(
        "crossregion.result_file",
        "crossregion.CrossRegionCase",
        xcase.pk,
        actor=request.user,
        detail={"ref": xcase.ref, "file": result["name"], "sha256": result["sha256"]},
    )
    response = FileResponse(
        default_storage.open(result["path"], "rb"),
        content_type=result.get("content_type") or "application/pdf",
        as_attachment=True,
        filename=result.get("filename") or "result.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


LEG_SLOTS = (1, 2, 3)


def _posted_legs(request: HttpRequest) -> list[joint.LegSpec]:
    """The legs the window chose (step 1, carried on in hidden fields to step 2): slot i's item ("node|code"),
    title and the slot it waits for; on step 2 each with its answers to its node's form."""
    legs = []
    for i in LEG_SLOTS:
        node_code, _, code = request.POST.get(f"leg_{i}_item", "").partition("|")
        if not code:
            continue
        after = request.POST.get(f"leg_{i}_after", "")
        legs.append(
            joint.LegSpec(
                key=f"leg{i}",
                title=request.POST.get(f"leg_{i}_title", "").strip() or f"环节{i}",
                node=node_code,
                item_code=code,
                depends_on=(f"leg{after}",) if after and after != str(i) else (),
            )
        )
    return legs


# The leg forms' applicant keys, answered once in the page's applicant section (一次填写).
APPLICANT_KEYS = {"applicant_name": "name", "applicant_id_number": "id_number", "applicant_phone": "phone"}


def _leg_schema(leg: joint.LegSpec, guide: guides.RemoteGuide) -> list[dict]:
    """The leg's form as the page asks it: its keys made the leg's own (two legs may ask the same key
    differently), without the applicant's name, number and phone (asked once above)."""
    return [{**f, "key": f"{leg.key}_{f['key']}"} for f in guide.form_schema if f["key"] not in APPLICANT_KEYS]


def _leg_answers(request: HttpRequest, leg: joint.LegSpec, guide: guides.RemoteGuide) -> dict[str, Any]:
    answers = {
        k.removeprefix(f"{leg.key}_"): v
        for k, v in case_forms.read_schema_post(_leg_schema(leg, guide), request.POST).items()
    }
    asked = {f["key"] for f in guide.form_schema}
    return answers | {k: request.POST.get(v, "").strip() for k, v in APPLICANT_KEYS.items() if k in asked}


def _joint_forms(
    request: HttpRequest,
    legs: list[joint.LegSpec],
    guide_of: dict[str, guides.RemoteGuide],
    problems: list[joint.LegProblem] | None = None,
    error: str = "",
) -> HttpResponse:
    """Step 2: one page, per leg its node's form, then every material once (marked with the legs needing it);
    the legs chosen in step 1 travel in hidden fields."""
    problems = problems or []
    errors = {f"{p.leg_key}_{p.field}": p.detail for p in problems if p.field}
    titles = {leg.key: leg.title for leg in legs}
    sections = [
        {
            "slot": leg.key.removeprefix("leg"),
            "leg": leg,
            "after": leg.depends_on[0].removeprefix("leg") if leg.depends_on else "",
            "waits": "、".join(titles[d] for d in leg.depends_on),
            "guide": guide_of[leg.key],
            "fields": case_forms.schema_fields(
                _leg_schema(leg, guide_of[leg.key]), {f"{leg.key}_{k}": v for k, v in leg.form_data.items()}, errors
            ),
        }
        for leg in legs
    ]
    context = {
        "sections": sections,
        "materials": list(enumerate(joint.materials_needed(legs, guide_of))),
        "problems": [p.message for p in problems],
        "error": error,
        "joint_name": request.POST.get("joint_name", "").strip(),
        "applicant": {k: request.POST.get(k, "").strip() for k in ("name", "id_number", "phone")},
        "identity_check": request.POST.get("identity_check", "读取居民身份证芯片并人证比对"),
    }
    return render(request, "crossregion/joint_forms.html", context, status=400 if problems or error else 200)


@login_required
def joint_new(request: HttpRequest) -> HttpResponse:
    """多地联办收件: step 1 picks the legs (item per leg, title, what it waits for); step 2 is one page with each
    leg's own form and every material it needs, scanned once; then the service takes the whole matter."""
    if not _is_clerk(request):
        raise PermissionDenied("只有服务中心窗口人员可以受理多地联办")
    offers = [o for o in selectors.other_regions_items(include_here=True) if o.joint]  # this node's own too
    posted = request.method == "POST"
    slots = [
        {k: request.POST.get(f"leg_{i}_{k}", "") for k in ("title", "item", "after")}
        # A leg after the first usually waits for the one before it (迁出 then 迁入): offered as the default.
        | ({} if posted or i == 1 else {"after": str(i - 1)})
        | {"i": i, "earlier": range(1, i)}
        for i in LEG_SLOTS
    ]
    context: dict[str, Any] = {"offers": offers, "slots": slots, "joint_name": request.POST.get("joint_name", "")}
    if request.method != "POST":
        return render(request, "crossregion/joint_new.html", context)
    legs = _posted_legs(request)
    try:
        joint.plan_legs(legs)
        guide_of = joint.leg_guides(legs)
    except DomainError as exc:  # a leg node down: its guide (form, papers) cannot be read now
        status = 503 if exc.code == "peer_unavailable" else 400
        return render(request, "crossregion/joint_new.html", context | {"error": exc.message}, status=status)
    if request.POST.get("step") != "forms":
        return _joint_forms(request, legs, guide_of)
    legs = [replace(leg, form_data=_leg_answers(request, leg, guide_of[leg.key])) for leg in legs]
    scans = _scans(request)
    _, problems = joint.check_legs(legs, guide_of, (name for name, _, _ in scans))
    if problems:
        return _joint_forms(request, legs, guide_of, problems=problems)
    try:
        made = joint.take_joint(
            _user(request),
            name=request.POST.get("joint_name", "").strip() or "多地联办",
            legs=legs,
            applicant={k: request.POST.get(k, "").strip() for k in ("name", "id_number", "phone")},
            identity_check=request.POST.get("identity_check", ""),
            scans=scans,
        )
    except DomainError as exc:
        return _joint_forms(request, legs, guide_of, error=exc.message)
    messages.success(request, f"多地联办已受理，编号{made.ref}")
    return redirect("crossregion:joint", ref=made.ref)


@login_required
def joint_detail(request: HttpRequest, ref: str) -> HttpResponse:
    made = selectors.visible_joint(_user(request), ref)
    if made is None:
        raise Http404("没有找到该联办件")
    legs = selectors.joint_legs(made)
    return render(
        request,
        "crossregion/joint.html",
        {
            "j": made,
            "legs": legs,
            "events": selectors.joint_timeline(legs),
            "phase": JOINT_PHASE_LABELS.get(JointPhase(made.phase), made.phase),
            "staff": not _user(request).actor.applicant,
        },
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, ref: str) -> HttpResponse:
    """撤回申请: the applicant, or the receiving window on the applicant's request, with a reason."""
    xcase = _visible(request, ref)
    if request.POST.get("confirm") != "yes":
        messages.error(request, "请勾选确认后再撤回申请")
        return redirect("crossregion:detail", ref=xcase.ref)
    raw = request.POST.get("revision", "")
    revision = int(raw) if raw.isdigit() else None
    try:
        receiving.withdraw(_user(request), xcase, request.POST.get("reason", ""), revision)
        messages.success(request, "申请已撤回" + ("，办理地将同时撤回其办件" if xcase.status != XStatus.TAKEN else ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("crossregion:detail", ref=xcase.ref)
