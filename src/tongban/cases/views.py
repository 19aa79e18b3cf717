"""Case pages shared by every role: the case page (what the user may see of it and the actions they may take
now), the action endpoint, notice PDFs and material downloads.

Views are thin: reads through selectors, every write through services. A case the user may not see answers
404 (its existence is not told); a DomainError becomes a Chinese message on the page; a stale revision shows
the conflict and the case as it is now. Every view of a case's personal data goes into the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django import forms as djforms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from tongban.accounts.masking import mask_name, mask_phone, mask_resident_id, mask_uscc
from tongban.accounts.models import User
from tongban.accounts.roles import ROLE_LABELS, AccountKind, Role
from tongban.audit.services import client_ip
from tongban.audit.services import record as audit
from tongban.core import clock
from tongban.core.actor import Actor, actor_of
from tongban.core.errors import ConflictError, DomainError
from tongban.core.public_url import public_base_url
from tongban.core.signing import document_signer
from tongban.jurisdictions.models import Window
from tongban.workdays.selectors import current_calendar

from . import forms as f
from . import notices, page_extras, schemas, selectors, services
from .domain import policy
from .domain import steps as steps_of
from .domain.workflow import ACTION_LABELS, STATUS_LABELS, CaseAction, CaseStatus
from .facts import back_office_of, case_facts, version_of
from .licence_refs import held_refs
from .models import Case, CaseMaterial, SupervisionNotice
from .workspace import desk_for, landing_url

A, S = CaseAction, CaseStatus
APPLICANT_KINDS = frozenset({AccountKind.CITIZEN.value, AccountKind.ENTERPRISE.value})
STATUS_BADGES = {
    S.DRAFT: "",
    S.SUBMITTED: "badge-amber",
    S.CORRECTION: "badge-red",
    S.REFUSED: "badge-red",
    S.IN_PROGRESS: "",
    S.RETURNED: "badge-red",
    S.SUSPENDED: "badge-amber",
    S.DECIDED: "badge-green",
    S.CLOSED: "badge-green",
    S.WITHDRAWN: "",
    S.WAITING: "badge-amber",
    S.TERMINATED: "badge-red",
}
DELIVERY_LABELS = dict(f.DELIVERIES)
# What the applicant sees as the next step in each state.
APPLICANT_HINTS = {
    S.SUBMITTED: "申请已提交，等待窗口工作人员审查受理。",
    S.CORRECTION: "申请材料需要补正。请按下方“一次性告知”清单补正后重新提交。",
    S.RETURNED: "办件已退回补正，请按清单补正；补正期间不计入办理时限。",
    S.SUSPENDED: "办件处于特殊环节，所需时间不计入办理时限。",
    S.IN_PROGRESS: "办件正在审批中。",
    S.DECIDED: "已作出决定，请按通知领取办理结果。",
    S.CLOSED: "办件已办结。",
    S.REFUSED: "申请不予受理，理由见《不予受理决定书》。",
    S.WITHDRAWN: "申请已撤回。",
    S.WAITING: "已受理，等待前置事项办结后自动开始办理。",
    S.TERMINATED: "前置事项未通过，本事项终止办理。",
}


# ---- who is asking --------------------------------------------------------------------------------------


def user_of(request: HttpRequest) -> User:
    """The signed-in user (every case view requires sign-in)."""
    return cast(User, request.user)


def actor_for(request: HttpRequest) -> Actor:
    return actor_of(request.user)


def is_applicant(user: object) -> bool:
    return actor_of(user).applicant


def role_of(user: object) -> Role | None:
    return actor_of(user).staff_role


def is_staff_role(user: object, *roles: Role) -> bool:
    return actor_of(user).has_role(*roles)


def refuse_page(request: HttpRequest, message: str, status: int = 403, title: str = "无法访问") -> HttpResponse:
    return render(request, "cases/message.html", {"title": title, "message": message}, status=status)


def case_404(request: HttpRequest) -> HttpResponse:
    # The same answer whether the case does not exist or is someone else's.
    return render(request, "404.html", {"message": "没有找到该办件，或您无权查看"}, status=404)


def clerk_window(request: HttpRequest) -> Window | None:
    """The window the clerk sits at: chosen on the window page (kept in the session), else the centre's first."""
    centre_id = actor_for(request).centre_id
    if not centre_id:
        return None
    windows = Window.objects.filter(centre_id=centre_id).order_by("number", "id")
    chosen = request.session.get("cases_window")
    return (windows.filter(pk=chosen).first() if chosen else None) or windows.first()


def ctx_for(request: HttpRequest) -> services.Ctx:
    user, actor = user_of(request), actor_for(request)
    if actor.has_role(Role.WINDOW_CLERK):
        return services.Ctx(user, "window", clerk_window(request), client_ip(request))
    if actor.applicant:
        return services.Ctx(user, "online", None, client_ip(request))
    return services.Ctx(user, "", None, client_ip(request))


def today() -> dt.date:
    return clock.today()


def applicant_shown(application: Case | Any, personal: bool, own: bool = False) -> dict[str, str]:
    """The applicant of a case or bundle case as this viewer may see them (policy.may_see_personal): in full
    for those who handle it, else masked (an applicant's own name stays readable)."""
    if personal:
        return {
            "name": application.applicant_name,
            "id_number": application.applicant_id_number,
            "phone": application.applicant_phone,
        }
    number = application.applicant_id_number
    return {
        "name": application.applicant_name if own else mask_name(application.applicant_name),
        "id_number": mask_uscc(number) if application.applicant_kind == "legal" else mask_resident_id(number),
        "phone": mask_phone(application.applicant_phone),
    }


def count_label(count: int) -> str:
    """A page's count: exact below the cap, "1000+" beyond (selectors.count_up_to)."""
    return f"{selectors.PAGE_COUNT_CAP}+" if count > selectors.PAGE_COUNT_CAP else str(count)


def annotate_rows(rows: list[Case]) -> list[Case]:
    """Labels and deadline colours for list rows (one calendar for the whole list)."""
    cal = current_calendar() if rows else None
    day = today()
    for c in rows:
        c.status_label = STATUS_LABELS[CaseStatus(c.status)]  # type: ignore[attr-defined]
        c.status_badge = STATUS_BADGES.get(CaseStatus(c.status), "")  # type: ignore[attr-defined]
        c.deadline = selectors.deadline_of(c, cal, day)  # type: ignore[attr-defined]
    return rows


# ---- what the user may do to this case now --------------------------------------------------------------


def may_do(user: object, case: Case, materials: list[CaseMaterial] | None = None) -> set[CaseAction]:
    """What the user may do to this case now: the policy's answer (the services enforce the same)."""
    return set(policy.case_actions(actor_of(user), case_facts(case, materials)))


# ---- the page actions -----------------------------------------------------------------------------------


@dataclass
class PageAction:
    form: type[djforms.Form]
    needs: tuple[CaseAction, ...]  # any of these must be allowed
    run: Callable[[services.Ctx, Case, dict[str, Any], int], Case]
    done: str  # the message after it worked
    field_map: dict[str, str] | None = None


def _deferrals(d: dict[str, Any]) -> list[services.Deferral]:
    return [services.Deferral(m, d["due"], d["commitment"]) for m in d["materials"]]


def _items(form_data: dict[str, Any]) -> list[str]:
    return [*form_data.get("items", []), *f._lines(form_data.get("extra", ""))]


PAGE_ACTIONS: dict[str, PageAction] = {
    "accept": PageAction(f.AcceptForm, (A.ACCEPT,), lambda c, k, d, r: services.accept(c, k, r), "已受理"),
    "defer": PageAction(
        f.DeferForm,
        (A.ACCEPT_DEFERRED,),
        lambda c, k, d, r: services.accept(c, k, r, _deferrals(d)),
        "已容缺受理",
        {"deferrals": "materials"},
    ),
    "correction": PageAction(
        f.CorrectionForm,
        (A.REQUEST_CORRECTION,),
        lambda c, k, d, r: services.request_correction(
            c,
            k,
            _items(d),
            r,
            d.get("note", ""),
            added_reason=d.get("added_reason", ""),
            fields=d.get("form_fields", []),
        ),
        "已出具补正材料通知（一次告知）",
        {"items": "extra", "fields": "form_fields"},
    ),
    "refuse": PageAction(
        f.RefuseForm, (A.REFUSE,), lambda c, k, d, r: services.refuse(c, k, d["reason"], r), "已决定不予受理"
    ),
    "step": PageAction(
        f.StepForm, (A.COMPLETE_STEP,), lambda c, k, d, r: services.complete_step(c, k, d["opinion"], r), "本环节已完成"
    ),
    "decide": PageAction(
        f.DecideForm,
        (A.GRANT, A.DENY),
        lambda c, k, d, r: services.decide(c, k, d["grant"] == "1", d["reason"], r),
        "已作出决定",
    ),
    "return": PageAction(
        f.ReturnForm,
        (A.RETURN_FOR_CORRECTION,),
        lambda c, k, d, r: services.return_for_correction(c, k, _items(d), d["reason"], r, d.get("form_fields", [])),
        "已退回补正",
        {"items": "extra", "fields": "form_fields"},
    ),
    "suspend": PageAction(
        f.SuspendForm,
        (A.SUSPEND,),
        lambda c, k, d, r: services.suspend(c, k, d["step_name"], d["reason"], r),
        "已进入特殊环节，办理时限暂停计算",
    ),
    "resume": PageAction(
        f.ResumeForm, (A.RESUME,), lambda c, k, d, r: services.resume(c, k, r, d.get("note", "")), "已恢复办理"
    ),
    "extend": PageAction(
        f.ExtendForm, (A.EXTEND,), lambda c, k, d, r: services.extend(c, k, d["reason"], r, d["days"]), "已批准延期"
    ),
    "issue": PageAction(
        f.IssueForm,
        (A.ISSUE_RESULT,),
        lambda c, k, d, r: services.issue_result(c, k, d["delivery"], r, address=d.get("address", "")),
        "已出件，办件办结",
    ),
    "supply_deferred": PageAction(
        f.SupplyDeferredForm,
        (A.SUPPLY_DEFERRED,),
        lambda c, k, d, r: services.supply_deferred(c, k, d["material"], r),
        "已收取补交的容缺材料",
    ),
    "supply_correction": PageAction(
        f.NoteForm,
        (A.SUPPLY_CORRECTION,),
        lambda c, k, d, r: services.supply_correction(c, k, r, d.get("form_changes")),
        "补正材料已收取，恢复办理",
    ),
    "resubmit": PageAction(
        f.NoteForm,
        (A.RESUBMIT,),
        lambda c, k, d, r: services.resubmit(c, k, r, d.get("form_changes")),
        "补正后已重新提交",
    ),
    "withdraw": PageAction(
        f.WithdrawForm, (A.WITHDRAW,), lambda c, k, d, r: services.withdraw(c, k, d.get("reason", ""), r), "申请已撤回"
    ),
    "supervise": PageAction(
        f.SuperviseForm, (A.SUPERVISE,), lambda c, k, d, r: _supervise(c, k, d["message"]), "督办单已发送"
    ),
}
# How each action's panel looks on the case page: title, button, tone (primary panels start open).
PANELS: dict[str, tuple[str, str, str, str]] = {
    "accept": ("受理", "受理", "primary", "材料齐全、符合法定形式的，予以受理，开始计算办理时限。"),
    "defer": ("容缺受理", "容缺受理", "", "主要材料齐全、次要材料欠缺的，申请人书面承诺限期补交后先行受理。"),
    "correction": (
        "补正（一次性告知）",
        "出具补正材料通知书",
        "",
        "一次性告知需要补正的全部内容。缺少的必要材料已勾选，其他问题请逐行填写。",
    ),
    "refuse": ("不予受理", "不予受理", "danger", "不属于本机关职权范围或依法不需要取得许可的，说明理由后不予受理。"),
    "step": ("完成本环节", "提交审查意见", "primary", ""),
    "decide": ("作出决定", "提交决定", "primary", "审查环节已全部完成。准予或不予均须写明理由及法律依据。"),
    "return": ("退回补正", "退回申请人补正", "", "退回期间办理时限暂停，申请人补正后恢复。"),
    "suspend": (
        "进入特殊环节",
        "进入特殊环节",
        "",
        "只能选择本事项办事指南中设定的特殊环节。只有行政许可法第四十五条规定的程序或有法律依据的环节暂停计时，"
        "其他环节照常计时；进入后出具特别程序告知书。",
    ),
    "resume": ("恢复办理", "恢复办理", "primary", "特殊环节结束，恢复计算办理时限。"),
    "extend": (
        "延期（负责人审批）",
        "批准延期",
        "",
        "经本部门负责人批准，可以延长不超过10个工作日，须在办理期限届满前决定，并出具延期通知书。",
    ),
    "issue": ("统一出件", "出件并办结", "primary", "选择结果送达方式。邮寄送达由快递接口下单并生成运单号。"),
    "supply_deferred": ("收取容缺材料", "确认收取", "", "申请人按承诺补交了容缺的材料。"),
    "supply_correction": ("收取补正材料", "确认补正，恢复办理", "primary", "申请人已按退回清单补正。"),
    "resubmit": ("补正后重新提交", "重新提交", "primary", "按补正清单上传或补齐材料后重新提交。"),
    "withdraw": ("撤回申请", "撤回申请", "danger", "撤回后本申请终止办理。"),
    "supervise": ("督办", "发送督办单", "primary", "督办单将发送给办理部门，部门须作出回复。"),
}
# After a front-desk or final decision the clerk prints the notice straight away; after a special step or an
# extension, the notice the law requires in writing.
PRINT_AFTER = frozenset({"accept", "defer", "correction", "refuse", "decide", "return", "suspend", "extend"})
PRINT_KIND = {"suspend": notices.NoticeKind.SPECIAL_STEP, "extend": notices.NoticeKind.EXTENSION}


def _supervise(ctx: services.Ctx, case: Case, message: str) -> Case:
    services.supervise(ctx, case, message)
    return case


# ---- building the case page -----------------------------------------------------------------------------


def _materials(case: Case, held_rows: list[CaseMaterial]) -> list[dict[str, Any]]:
    """Each required material of the pinned guide with what the case holds for it."""
    held: dict[str, list[CaseMaterial]] = {}
    for m in held_rows:
        held.setdefault(m.name, []).append(m)
    rows = []
    for req in version_of(case).materials.all():
        have = held.pop(req.name, [])
        rows.append(
            {
                "req": req,
                "name": req.name,
                "held": have,
                "has_file": any(m.file for m in have),
                "ok": any(m.state in ("received", "replaced", "result") for m in have),
            }
        )
    for name, have in held.items():
        rows.append({"req": None, "name": name, "held": have, "has_file": any(m.file for m in have), "ok": True})
    return rows


def _form_kwargs(name: str, case: Case, context: dict[str, Any]) -> dict[str, Any]:
    if name == "defer":
        return {"choices": context["deferrable"]}
    if name in ("correction", "return"):
        schema = version_of(case).form_schema or []
        return {
            "choices": [m.name for m in version_of(case).materials.all()],
            "field_choices": [(str(x["key"]), str(x.get("label") or x["key"])) for x in schema if x.get("key")],
        }
    if name == "suspend":
        return {
            "choices": [
                (s.name, f"{s.name}（最长{s.max_days}个工作日，{'不计入' if s.stops_clock else '计入'}办结时限）")
                for s in version_of(case).special_steps.all()
            ]
        }
    if name == "supply_deferred":
        return {"choices": context["deferred_names"]}
    if name == "issue" and case.receiving_node:
        return {"window_label": f"收件地窗口领取（{notices.receiving_node_name(case)}）"}
    return {}


def default_delivery(case: Case) -> str:
    """The issue form's first choice: this centre's window; for an applicant at another node, electronic where
    the item issues an e-licence, else by post, as far as the guide and this platform offer them."""
    version = version_of(case)
    methods = set(version.delivery_methods or ())
    if not case.receiving_node:
        return "window"
    if version.result_licence_type or "post" not in methods or not services.post_offered():
        return "electronic" if "electronic" in methods or version.result_licence_type else "window"
    return "post"


def _initial(name: str, case: Case, context: dict[str, Any]) -> dict[str, Any]:
    initial: dict[str, Any] = {"revision": case.revision}
    if name == "defer":
        initial["materials"] = context["deferrable"][:1]
        initial["due"] = f.default_due(today())
        initial["commitment"] = f.DEFAULT_COMMITMENT
    if name == "correction":
        initial["items"] = context["missing"]
    if name == "issue":
        initial["delivery"] = default_delivery(case)
    if name == "extend":
        initial["days"] = 10
    return initial


def page_forms(
    case: Case, available: set[CaseAction], context: dict[str, Any], bound: tuple[str, djforms.Form] | None = None
) -> dict[str, djforms.Form]:
    out: dict[str, djforms.Form] = {}
    for name, spec in PAGE_ACTIONS.items():
        if not any(a in available for a in spec.needs):
            continue
        out[name] = spec.form(
            initial=_initial(name, case, context), auto_id=f"id_{name}_%s", **_form_kwargs(name, case, context)
        )
    if bound:
        out[bound[0]] = bound[1]
    return out


def named_schema(case: Case) -> list[dict[str, Any]]:
    """The fields of the case's form that the open correction list names."""
    named = set(case.correction_fields or [])
    return [x for x in version_of(case).form_schema or [] if x.get("key") in named]


def correction_inputs(
    case: Case, errors: dict[str, str], submitted: dict[str, Any] | None = None
) -> list[f.SchemaField]:
    """Inputs for the named fields, filled with the case's answers (or what was just posted)."""
    return f.schema_fields(named_schema(case), {**case.form_data, **(submitted or {})}, errors)


def label_actor(event: Any, applicant_view: bool, personal: bool) -> None:
    """Who did it (``event.who``), as the viewer may see it: applicants see roles only; staff see staff by
    name, and the applicant (or a proxy) by name only if they may see personal data in full."""
    role = ROLE_LABELS.get(event.actor_role, "申请人" if event.actor_role in APPLICANT_KINDS else "")
    event.role_label = role
    if applicant_view:
        event.who = role or "工作人员"
        return
    if event.actor is None:
        event.who = "系统"
        return
    name = event.actor.real_name or event.actor.username
    if event.actor_role in APPLICANT_KINDS and not personal:
        name = mask_name(name)
    event.who = name + (f" · {role}" if role else "")


def detail_context(
    request: HttpRequest,
    case: Case,
    *,
    bound: tuple[str, djforms.Form] | None = None,
    error: str = "",
    form_errors: dict[str, str] | None = None,
    submitted: dict[str, Any] | None = None,
) -> dict[str, Any]:
    actor = actor_for(request)
    held = list(case.materials.all())
    facts = case_facts(case, held)
    applicant_view = actor.applicant
    personal = policy.may_see_personal(actor, facts)
    internals = policy.sees_internals(actor, facts)
    # Drafting is not handling; supervision is internal oversight the applicant does not see.
    hidden = {A.SAVE_DRAFT.value} | (set() if internals else {A.SUPERVISE.value})
    events = [e for e in selectors.timeline(case) if e.action not in hidden]
    for e in events:
        e.label = ACTION_LABELS.get(CaseAction(e.action), e.action)  # type: ignore[attr-defined]
        e.extra = _event_extra(e)  # type: ignore[attr-defined]
        label_actor(e, applicant_view, personal)
    version = version_of(case)
    deadline = selectors.deadline_of(case)
    materials = _materials(case, held)
    if personal and actor.staff:  # 免证办: the licence behind a material verified again as staff open the case
        for m in held:
            m.licence_check = services.check_material(m, request.user, client_ip(request))  # type: ignore[attr-defined]
    missing = services.missing_materials(case, held) if case.status in (S.SUBMITTED, S.CORRECTION) else []
    held_names = {m["name"] for m in materials if m["ok"] or any(h.state == "deferred" for h in m["held"])}
    deferrable = [m.name for m in version.materials.all() if m.necessity == "deferrable" and m.name not in held_names]
    deferred = [h for m in materials for h in m["held"] if h.state == "deferred"]
    special_steps = list(version.special_steps.all())
    back_office = back_office_of(case)
    steps = _step_states(case, list(version.steps.all()), back_office)
    context: dict[str, Any] = {
        "case": case,
        "version": version,
        "applicant_view": applicant_view,
        "personal": personal,
        "internals": internals,
        "status_label": STATUS_LABELS[CaseStatus(case.status)],
        "status_badge": STATUS_BADGES.get(CaseStatus(case.status), ""),
        "hint": APPLICANT_HINTS.get(CaseStatus(case.status), "") if applicant_view else "",
        "deadline": deadline,
        "deadline_rows": selectors.deadline_rows(case, deadline),
        "correction_added": selectors.correction_added(case),
        "events": events,
        "materials": materials,
        "missing": missing,
        "deferrable": deferrable,
        "deferred": deferred,
        "deferred_names": [m.name for m in deferred],
        "special_steps": special_steps,
        "steps": steps,
        "back_office": back_office,
        "current_step": services.current_step_name(case) if case.status == S.IN_PROGRESS else "",
        # Who applied and what they wrote, as the API shows it to this reader (the policy: in full or masked).
        "applicant": schemas.applicant_out(case, personal),
        "form_rows": f.form_rows(version.form_schema, case.form_data) if personal else [],
        "suspensions": list(case.suspensions.all()),
        "notice_links": [
            {
                "kind": k.value,
                "title": notices.notice_title(case, k),
                "url": reverse("cases:notice", args=[case.number, k.value]),
            }
            for k in notices.notice_kinds_for(case)
        ]
        if personal
        else [],
        "delivery_label": DELIVERY_LABELS.get(case.result_delivery, ""),
        "result_licence_url": services.result_licence_url(case) if personal else "",
        "extra_links": page_extras.case_links(request.user, case),
        "extra_sections": page_extras.case_sections(request.user, case),
        "result_document_url": reverse("cases:result_document", args=[case.number])
        if personal and electronic_document(case)
        else "",
        "error": error,
        "today": today(),
    }
    # The applicant uploads what a correction asks for; at the window the clerk scans what was brought back.
    if policy.material_denial(actor, facts) is None and case.status != S.DRAFT:
        context["upload_materials"] = [
            m for m in version.materials.all() if policy.material_denial(actor, facts, m.name) is None
        ]
        # 免证办 for what the correction names too: the applicant's own choice
        offered = held_refs(version, case.applicant_id_number) if applicant_view else {}
        for m in context["upload_materials"]:
            m.offered_licences = offered.get(m.name, [])
    available = set(policy.case_actions(actor, facts))
    context["fix_fields"] = (
        correction_inputs(case, form_errors or {}, submitted)
        if personal and available & {A.RESUBMIT, A.SUPPLY_CORRECTION} and case.correction_fields
        else []  # the answers are personal data: a proxy (masked view) brings files, not form changes
    )
    # Why there is no 受理 button (the policy's own words), and what the result desk still waits for (容缺).
    blocked = policy.case_denial(actor, facts, A.ACCEPT) if case.status == S.SUBMITTED else None
    context["acceptance_blocked"] = blocked.message if blocked and blocked.code == "materials_missing" else ""
    context["deferred_outstanding"] = [m for m in deferred if A.ISSUE_RESULT in available]
    context["forms"] = page_forms(case, available, context, bound)
    context["panels"] = _panels(context, bound)
    context["supervision"] = _supervision(actor, case) if internals else []
    print_kind = request.GET.get("print", "")
    context["print_notice"] = next((n for n in context["notice_links"] if n["kind"] == print_kind), None)
    context["receiving_node_name"] = notices.receiving_node_name(case)
    taken_here = case.channel == "window" and not case.receiving_node
    context["crumb"] = desk_for(actor).case_crumb(taken_here, case.status in (S.DECIDED, S.CLOSED))
    return context


def _step_states(case: Case, steps: list[Any], back_office: list[str]) -> list[dict[str, Any]]:
    """The guide's steps, each done, current or to come, as far as the case has gone."""
    status = CaseStatus(case.status)
    accepted = case.accepted_on is not None
    decided = status in (S.DECIDED, S.CLOSED)
    current_back = services.current_step_name(case) if status in (S.IN_PROGRESS, S.SUSPENDED, S.RETURNED) else ""
    out = []
    for step in steps:
        name = step.name
        if status is S.CLOSED:
            state = "done"
        elif name in steps_of.FRONT_STEPS:
            state = "done" if accepted else ("current" if status in (S.SUBMITTED, S.CORRECTION) else "")
        elif name in steps_of.AFTER_DECISION_STEPS:
            state = "current" if decided else ""
        elif name in back_office:
            index = back_office.index(name)
            if decided:
                state = "done"
            elif current_back:
                position = back_office.index(current_back)
                state = "done" if index < position else ("current" if index == position else "")
            else:
                state = ""
        else:
            state = ""
        out.append(
            {
                "name": name,
                "days": step.days,
                "handler": getattr(step, "handler", ""),
                "criteria": getattr(step, "criteria", ""),
                "state": state,
            }
        )
    return out


def _panels(context: dict[str, Any], bound: tuple[str, djforms.Form] | None) -> list[dict[str, Any]]:
    panels = []
    for name, form in context["forms"].items():
        title, button, tone, explain = PANELS[name]
        if name == "step" and context["current_step"]:
            title = f"完成“{context['current_step']}”环节"
        panels.append(
            {
                "name": name,
                "form": form,
                "title": title,
                "button": button,
                "tone": tone,
                "explain": explain,
                "open": tone == "primary" or (bound is not None and bound[0] == name),
                "upload": name in ("resubmit", "supply_correction") and bool(context.get("upload_materials")),
                "fix_fields": context["fix_fields"] if name in ("resubmit", "supply_correction") else [],
            }
        )
    return panels


def _event_extra(e: Any) -> str:
    data = e.data or {}
    if e.action == A.ACCEPT_DEFERRED and data.get("deferred"):
        return "容缺材料：" + "、".join(f"{d['material']}（{d['due']}前补交）" for d in data["deferred"])
    if e.action in (A.REQUEST_CORRECTION, A.RETURN_FOR_CORRECTION) and data.get("items"):
        text = "补正清单：" + "；".join(data["items"])
        if data.get("added"):
            text += f"（新增“{'、'.join(data['added'])}”，理由：{data.get('added_reason', '')}）"
        if e.action == A.RETURN_FOR_CORRECTION and "counted" in data:
            text += "；补正期间" + ("计入" if data["counted"] else "不计入") + "办理时限"
        return text
    if e.action in (A.RESUBMIT, A.SUPPLY_CORRECTION) and data.get("changed"):
        return "更正申请表：" + "、".join(str(c.get("label", c.get("field"))) for c in data["changed"])
    if e.action == A.SUSPEND and "counted" in data:
        most = f"最长{data['max_days']}个工作日，" if data.get("max_days") else ""
        return f"{most}所需时间{'计入' if data['counted'] else '不计入'}办理时限" + (
            f"（依据：{data['legal_basis']}）" if data.get("legal_basis") else ""
        )
    if e.action in (A.ACCEPT, A.ACCEPT_DEFERRED) and data.get("deemed_accepted_on") and not data.get("deferred"):
        return f"办理时限自 {data['deemed_accepted_on']} 起计算"
    if e.action == A.SUPPLY_DEFERRED and data.get("material"):
        return f"补交材料：{data['material']}"
    if e.action == A.EXTEND and data.get("days"):
        return f"延长 {data['days']} 个工作日"
    if e.action == A.ISSUE_RESULT and data.get("delivery"):
        text = "出件方式：" + DELIVERY_LABELS.get(data["delivery"], data["delivery"])
        parcel = services.describe_dispatch(data)  # a parcel's number arrives after the courier's booking
        text += f"，{parcel}" if parcel else ""
        return text + (f"，寄往 {data['address']}" if data.get("address") else "")
    return ""


def _supervision(actor: Actor, case: Case) -> list[SupervisionNotice]:
    rows = list(SupervisionNotice.objects.filter(case=case).select_related("sent_by", "answered_by", "department"))
    for n in rows:
        n.can_answer = not n.answered_at and policy.may_answer_supervision(actor, n.department_id)  # type: ignore[attr-defined]
    return rows


def render_detail(request: HttpRequest, case: Case, *, status: int = 200, **kwargs: Any) -> HttpResponse:
    context = detail_context(request, case, **kwargs)
    audit(
        "case.view",
        "case",
        case.number,
        actor=user_of(request),
        ip=client_ip(request),
        detail={"page": "detail", "unmasked": context["personal"]},
    )
    return render(request, "cases/detail.html", context, status=status)


def visible_case(request: HttpRequest, number: str) -> Case | None:
    """The case if the policy lets the user see it (a draft only to its author); else None (a 404)."""
    return selectors.get_visible_case(user_of(request), number)


# ---- views ----------------------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """/workspace/ (and /cases/): the account's own workspace (工作台), as the policy names it."""
    target = landing_url(actor_for(request))
    if target is None:
        return refuse_page(request, "您的账号尚未分配岗位，暂无可用的工作台。请联系系统管理员。")
    return redirect(target)


@login_required
@require_GET
def detail(request: HttpRequest, number: str) -> HttpResponse:
    case = visible_case(request, number)
    if case is None:
        return case_404(request)
    if case.status == S.DRAFT:
        return redirect("cases:edit", number=case.number)
    return render_detail(request, case)


@login_required
@require_POST
def act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    case = visible_case(request, number)
    if case is None:
        return case_404(request)
    spec = PAGE_ACTIONS.get(action)
    if spec is None:
        return case_404(request)
    context = detail_context(request, case)
    form = spec.form(request.POST, auto_id=f"id_{action}_%s", **_form_kwargs(action, case, context))
    if action not in context["forms"]:
        # Not possible now (someone else acted, or not this user's to do): say so with the fresh state.
        label = "、".join(ACTION_LABELS[a] for a in spec.needs)
        return render_detail(
            request,
            case,
            status=409,
            error=f"办件当前为“{context['status_label']}”，您不能执行“{label}”。页面已刷新为最新状态。",
        )
    if not form.is_valid():
        if "revision" in form.errors:
            return render_detail(request, case, status=400, error="页面已失效，请刷新后重试。")
        return render_detail(request, case, status=400, bound=(action, form))
    ctx = ctx_for(request)
    if action in ("resubmit", "supply_correction") and context["fix_fields"]:
        form.cleaned_data["form_changes"] = f.read_schema_post(named_schema(case), request.POST)
    if action in ("resubmit", "supply_correction"):
        chosen = use_licences(ctx, case, request) if is_applicant(user_of(request)) else {}
        problems = {**chosen, **attach_uploads(ctx, case, request)}
        if problems:
            for name, message in problems.items():
                form.add_error(None, f"{name}：{message}")
            return render_detail(request, case, status=400, bound=(action, form))
    try:
        done = spec.run(ctx, case, form.cleaned_data, form.cleaned_data["revision"])
    except ConflictError as exc:
        fresh = selectors.get_visible_case(user_of(request), number)
        if fresh is None:
            return case_404(request)
        return render_detail(request, fresh, status=409, error=exc.message)
    except services.FormInvalid as exc:
        form.add_error(None, exc.message)
        posted = form.cleaned_data.get("form_changes")
        return render_detail(request, case, status=400, bound=(action, form), form_errors=exc.errors, submitted=posted)
    except DomainError as exc:
        target = (spec.field_map or {}).get(exc.field or "", exc.field)
        form.add_error(target if target in form.fields else None, exc.message)
        return render_detail(
            request, case, status=exc.status if exc.status in (400, 403) else 400, bound=(action, form)
        )
    messages.success(request, spec.done)
    url = reverse("cases:detail", args=[case.number])
    if action in PRINT_AFTER:
        kind = PRINT_KIND.get(action) or notices.current_notice_kind(done)
        if kind:
            url += f"?print={kind.value}"
    if action == "withdraw" and is_applicant(user_of(request)):
        return redirect("cases:mine")
    return redirect(url)


def use_licences(ctx: services.Ctx, case: Case, request: HttpRequest) -> dict[str, str]:
    """The licences the applicant chose instead of uploads (a radio per material); problems by material."""
    problems: dict[str, str] = {}
    for req in case.version.materials.all():
        identifier = request.POST.get(f"licence_{req.pk}", "").strip()
        if not identifier or request.FILES.get(f"material_{req.pk}") is not None:
            continue  # a file chosen now wins over the licence
        if case.materials.filter(name=req.name, licence_identifier=identifier).exists():
            continue
        try:
            services.use_licence(ctx, case, req.name, identifier)
        except DomainError as exc:
            problems[req.name] = exc.message
    return problems


def attach_uploads(ctx: services.Ctx, case: Case, request: HttpRequest) -> dict[str, str]:
    """Store each uploaded material; a refused file gets its reason and the others are kept."""
    problems: dict[str, str] = {}
    for req in case.version.materials.all():
        upload = request.FILES.get(f"material_{req.pk}")
        if upload is None:
            continue
        if upload.size and upload.size > services_max_upload():
            problems[req.name] = (
                f"文件“{upload.name}”大小为{upload.size / 1048576:.1f}MB，"
                f"超过{services_max_upload() // 1048576}MB的上限"
            )
            continue
        try:
            services.attach_material(ctx, case, req.name, upload.name or "文件", upload.read())
        except DomainError as exc:
            problems[req.name] = exc.message
    return problems


def services_max_upload() -> int:
    from tongban.core.uploads import MAX_UPLOAD_BYTES

    return MAX_UPLOAD_BYTES


@login_required
@require_GET
def notice_pdf(request: HttpRequest, number: str, kind: str) -> HttpResponse:
    case = visible_case(request, number)
    if case is None:
        return case_404(request)
    # Notices print the applicant's details, the query code and its QR link: personal data (the policy).
    if not policy.may_see_personal(actor_for(request), case_facts(case)):
        return refuse_page(request, PERSONAL_ONLY, title="无权打印通知书")
    try:
        pdf = notices.render_notice(case, kind, public_base_url(request))
    except DomainError as exc:
        return refuse_page(request, exc.message, status=404 if exc.status == 404 else 409, title="暂无该通知书")
    audit("case.view", "case", case.number, actor=user_of(request), ip=client_ip(request), detail={"notice": kind})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{notices.notice_filename(case, kind)}"'
    response["Cache-Control"] = "private, no-store"
    return response


def electronic_document(case: Case) -> str:
    """The stored name of the signed decision document an electronic delivery left ("" if none)."""
    if case.result_delivery != "electronic":
        return ""
    event = case.events.filter(action=A.ISSUE_RESULT.value).order_by("-at", "-id").first()
    return str((event.data or {}).get("document", "")) if event else ""


@login_required
@require_GET
def result_document(request: HttpRequest, number: str) -> HttpResponseBase:
    """电子送达: the signed decision document, for the applicant and the staff handling the case; audited."""
    case = visible_case(request, number)
    if case is None:
        return case_404(request)
    if not policy.may_see_personal(actor_for(request), case_facts(case)):
        return refuse_page(request, PERSONAL_ONLY, title="无权下载电子送达文书")
    name = electronic_document(case)
    if not name or not default_storage.exists(name):
        return refuse_page(request, "该办件没有电子送达的文书。", status=404, title="暂无电子送达文书")
    audit(
        "case.view",
        "case",
        case.number,
        actor=user_of(request),
        ip=client_ip(request),
        detail={"result_document": name},
    )
    response = FileResponse(
        default_storage.open(name, "rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{case.number}-decision-signed.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def signing_certificate(request: HttpRequest) -> HttpResponse:
    """The platform's signing certificate, public: import it to check an electronically delivered document."""
    response = HttpResponse(document_signer().certificate_pem(), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="tongban-signing-certificate.pem"'
    return response


PERSONAL_ONLY = "申请材料和通知书含申请人的个人信息，仅申请人本人和经办该办件的工作人员可以查看。"
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", "application/ofd": "ofd"}


@login_required
@require_GET
def material_file(request: HttpRequest, number: str, pk: int) -> HttpResponseBase:
    case = visible_case(request, number)
    if case is None:
        return case_404(request)
    if not policy.may_see_personal(actor_for(request), case_facts(case)):
        return refuse_page(request, PERSONAL_ONLY, title="无权查看申请材料")
    material = CaseMaterial.objects.filter(case=case, pk=pk).exclude(file="").first()
    if material is None:
        raise Http404("材料不存在")
    audit(
        "case.view",
        "case",
        case.number,
        actor=user_of(request),
        ip=client_ip(request),
        detail={"material": material.name},
    )
    ext = EXTENSIONS.get(material.content_type, "bin")
    response = FileResponse(
        material.file.open("rb"),
        content_type=material.content_type or "application/octet-stream",
        as_attachment=request.GET.get("download") == "1",
        filename=f"{case.number}-{material.pk}.{ext}",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
