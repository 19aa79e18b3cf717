"""Pages of citizens and enterprises: apply online (the item's form, pre-filled; materials; draft or submit),
the receipt, 我的草稿 and 我的办件.

A form carries a one-time token, handed to the services as the idempotency key of the draft ("apply:…") and
of the submission ("submit:…"): a double click or a reload after POST never makes a second case, the second
request is sent to the case the first one made.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe

from tongban.audit.services import client_ip
from tongban.audit.services import record as audit
from tongban.catalogue.models import ImplementationVersion, ItemImplementation
from tongban.core.actor import actor_of
from tongban.core.errors import ConflictError, DomainError
from tongban.core.public_url import public_base_url
from tongban.core.uploads import ALLOWED

from . import forms as f
from . import services, shared_data
from .domain import policy
from .domain.workflow import STATUS_LABELS, CaseStatus
from .facts import case_facts, version_of
from .licence_refs import held_refs, licence_backed
from .models import Case, CaseMaterial
from .notice_pdf import qr_svg
from .notices import progress_url
from .selectors import visible_cases
from .selectors.deadlines import DEADLINE_COLUMNS
from .services.idempotency import replayed
from .views import (
    PERSONAL_ONLY,
    STATUS_BADGES,
    annotate_rows,
    attach_uploads,
    case_404,
    ctx_for,
    is_applicant,
    refuse_page,
    use_licences,
    user_of,
)

S = CaseStatus
PER_PAGE = 20
NOT_APPLICANT = "网上申请请使用自然人或法人账号登录。工作人员请通过“窗口收件”代申请人办理。"


def _used(request: HttpRequest, token: str) -> Case | None:
    """The case a form with this token already made (submitted, or its draft), if any."""
    ctx = ctx_for(request)
    for key in (f"submit:{token}", f"apply:{token}"):
        made = replayed(ctx, key)
        if isinstance(made, Case):
            return Case.objects.get(pk=made.pk)  # a draft submitted since has its case number now
    return None


def _to_case(request: HttpRequest, case: Case) -> HttpResponse:
    """Where a reused token lands: the draft it made, or the receipt of what was submitted."""
    if case.status == S.DRAFT:
        messages.info(request, "该申请已保存为草稿，请勿重复提交。")
        return redirect("cases:edit", number=case.number)
    messages.info(request, "该申请已提交，请勿重复提交。")
    return redirect("cases:receipt", number=case.number)


def _material_rows(
    version: ImplementationVersion,
    case: Case | None,
    problems: dict[str, str],
    missing: list[str],
    holder_code: str = "",
) -> list[dict[str, Any]]:
    held: dict[str, CaseMaterial] = {}
    chosen: dict[str, str] = {}
    if case is not None:
        holder_code = case.applicant_id_number
        for m in case.materials.order_by("id"):
            if m.file:
                held[m.name] = m
            elif m.licence_identifier:
                chosen[m.name] = m.licence_identifier
    backed = licence_backed(version)
    offered = held_refs(version, holder_code)  # 免证办: the applicant's valid licences per material
    rows = []
    for req in version.materials.all():
        file = held.get(req.name)
        rows.append(
            {
                "req": req,
                "held": file,
                "kind": ALLOWED.get(file.content_type, "") if file else "",
                "error": problems.get(req.name, ""),
                "missing": req.name in missing,
                "backed": req.name in backed,
                "offered": offered.get(req.name, []),
                "chosen": chosen.get(req.name, ""),
            }
        )
    return rows


def _render_form(
    request: HttpRequest,
    impl: ItemImplementation,
    version: ImplementationVersion,
    case: Case | None,
    values: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    problems: dict[str, str] | None = None,
    missing: list[str] | None = None,
    error: str = "",
    status: int = 200,
    filled: shared_data.Filled | None = None,
) -> HttpResponse:
    errors, problems, missing = errors or {}, problems or {}, missing or []
    fields = f.schema_fields(version.form_schema, values, errors)
    if filled is not None:  # each value from shared data says where it came from
        sources = filled.by_key()
        fields = [replace(x, help=f"来源：{sources[x.key].source}") if x.key in sources else x for x in fields]
    user = request.user
    holder = (user.id_number or user.uscc or "") if user.is_authenticated else ""
    material_rows = _material_rows(version, case, problems, missing, holder)
    summary = [(fld.id, fld.label, fld.error) for fld in fields if fld.error]
    summary += [
        (f"material-{row['req'].pk}", row["req"].name, row["error"] or "请上传此材料")
        for row in material_rows
        if row["error"] or row["missing"]
    ]
    action = reverse("cases:edit", args=[case.number]) if case else reverse("cases:apply", args=[impl.code])
    context = {
        "impl": impl,
        "version": version,
        "case": case,
        "fields": fields,
        "materials": material_rows,
        "token": f.new_token(),
        "action": action,
        "error": error,
        "summary": summary,
        "filled": filled,
        "sharing": shared_data.source() is not None,
    }
    return render(request, "cases/apply.html", context, status=status)


def _implementation(code: str) -> ItemImplementation | None:
    return (
        ItemImplementation.objects.select_related("published_version", "department", "division")
        .filter(code=code, published_version__isnull=False)
        .first()
    )


@login_required
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """/cases/apply/<code>/: a new online application for an implementation."""
    user = user_of(request)
    if not is_applicant(user):
        return refuse_page(request, NOT_APPLICANT)
    impl = _implementation(code)
    if impl is None:
        return render(request, "404.html", {"message": "没有找到该事项，或该事项暂未发布"}, status=404)
    version = impl.published_version
    assert version is not None
    if "online" not in (version.handling_forms or []):
        return refuse_page(
            request, f"“{version.name}”不支持网上申请，请到窗口办理。", status=400, title="不支持网上申请"
        )
    if request.method != "POST":
        values = services.prefill(user, version.form_schema)
        source = shared_data.source()
        if request.GET.get("fill") != "shared" or source is None:
            return _render_form(request, impl, version, None, values)
        keys = frozenset(str(x.get("key")) for x in version.form_schema if x.get("key"))
        filled = source.fill_own(user, item_code=impl.code, form_keys=keys, ip=client_ip(request))
        values |= {k: v.value for k, v in filled.by_key().items()}
        return _render_form(request, impl, version, None, values, filled=filled)
    data = f.read_schema_post(version.form_schema, request.POST)
    token = f.clean_token(request.POST.get("token"))
    if token is None:
        return _render_form(request, impl, version, None, data, error="页面已过期，请检查后重新提交。", status=400)
    used = _used(request, token)
    if used is not None:
        return _to_case(request, used)
    ctx = ctx_for(request)
    try:
        case = services.start_online(ctx, impl, data, key=f"apply:{token}")
    except services.Replayed as done:
        assert isinstance(done.result, Case)
        return _to_case(request, Case.objects.get(pk=done.result.pk))
    except DomainError as exc:
        return refuse_page(request, exc.message, status=exc.status, title="不能申请")
    source = shared_data.source()
    if source is not None and request.POST.get("share_consent") == "on":  # the consent receipt, given on the form
        source.consent_online(user, item_code=impl.code, case_number=case.number, ip=client_ip(request))
    return _process(request, impl, version, case, token, data, saved=True)


@login_required
def edit(request: HttpRequest, number: str) -> HttpResponse:
    """/cases/<number>/edit/: continue a draft (我的草稿)."""
    user = user_of(request)
    if not is_applicant(user):
        return case_404(request)
    token = f.clean_token(request.POST.get("token")) if request.method == "POST" else None
    if token:
        # Submitted already (a double click): the draft's number has become the case number.
        done = replayed(ctx_for(request), f"submit:{token}")
        if isinstance(done, Case):
            return _to_case(request, done)
    case = visible_cases(user).select_related("implementation").filter(number=number).first()
    if case is None or case.applicant_id != user.pk:
        return case_404(request)
    if case.status != S.DRAFT:
        return redirect("cases:detail", number=case.number)
    impl, version = case.implementation, version_of(case)
    if request.method != "POST":
        return _render_form(request, impl, version, case, case.form_data)
    data = f.read_schema_post(version.form_schema, request.POST)
    if token is None:
        return _render_form(request, impl, version, case, data, error="页面已过期，请检查后重新提交。", status=400)
    return _process(request, impl, version, case, token, data, saved=False)


def _process(
    request: HttpRequest,
    impl: ItemImplementation,
    version: ImplementationVersion,
    case: Case,
    token: str,
    data: dict[str, Any],
    *,
    saved: bool,
) -> HttpResponse:
    """Save the answers and files; then submit when asked. Every problem is shown at once, nothing is lost."""
    ctx = ctx_for(request)
    try:
        if not saved:
            case = services.save_draft(ctx, case, data)
    except ConflictError:
        return redirect("cases:detail", number=case.number)  # submitted meanwhile (another tab)
    problems = {**use_licences(ctx, case, request), **attach_uploads(ctx, case, request)}
    if problems:
        return _render_form(
            request,
            impl,
            version,
            case,
            data,
            problems=problems,
            status=400,
            error="以下文件未能上传，请更换后重试；其他内容已保存为草稿。",
        )
    if request.POST.get("action") != "submit":
        messages.success(request, "草稿已保存。可随时在“我的草稿”中继续填写。")
        return redirect("cases:edit", number=case.number)
    try:
        submitted = services.submit(ctx, case, None, idempotency_key=f"submit:{token}")
    except services.FormInvalid as exc:
        return _render_form(
            request,
            impl,
            version,
            case,
            data,
            errors=exc.errors,
            status=400,
            error="申请表有误，请按提示修改；已填写的内容已保存为草稿。",
        )
    except ConflictError:
        fresh = Case.objects.get(pk=case.pk)
        return _to_case(request, fresh)
    except DomainError as exc:
        missing = services.missing_materials(case) if exc.code == "materials_missing" else []
        return _render_form(
            request,
            impl,
            version,
            case,
            data,
            missing=missing,
            status=400,
            error=exc.message + "。已填写的内容已保存为草稿。",
        )
    return redirect("cases:receipt", number=submitted.number)


@login_required
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    case = (
        visible_cases(user_of(request))
        .select_related("version", "deciding_department", "receiving_centre")
        .filter(number=number)
        .exclude(status=S.DRAFT)
        .first()
    )
    if case is None:
        return case_404(request)
    # The receipt carries the query code: the applicant's, printed for them by the staff handling the case.
    if not policy.may_see_personal(actor_of(user_of(request)), case_facts(case)):
        return refuse_page(request, PERSONAL_ONLY, title="无权打印回执")
    audit(
        "case.view",
        "case",
        case.number,
        actor=user_of(request),
        ip=client_ip(request),
        detail={"page": "receipt", "unmasked": True},
    )
    progress = progress_url(case, public_base_url(request))
    return render(
        request,
        "cases/receipt.html",
        {
            "case": case,
            "progress_url": progress,
            "qr": mark_safe(qr_svg(progress)),  # built here from the QR matrix and an escaped title
            "status_label": STATUS_LABELS[CaseStatus(case.status)],
        },
    )


def _my(request: HttpRequest, drafts: bool) -> tuple[Any, list[Case]]:
    qs = visible_cases(user_of(request))  # their own, those they act in as a proxy, drafts their own alone
    if drafts:
        qs = qs.filter(status=S.DRAFT.value).order_by("-updated_at", "-id")
    else:
        # Never-submitted drafts that were given up keep no place in the list.
        qs = qs.exclude(status=S.DRAFT.value).exclude(submitted_at__isnull=True).order_by("-submitted_at", "-id")
    qs = qs.select_related("version", "deciding_department").only(
        "id",
        "number",
        "status",
        "channel",
        "submitted_at",
        "updated_at",
        "accepted_on",
        "promised_due",
        "calendar_unknown",
        *DEADLINE_COLUMNS,
        "decision",
        "version__name",
        "deciding_department__name",
        "revision",
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return page, annotate_rows(list(page.object_list))


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    if not is_applicant(user_of(request)):
        return refuse_page(request, "“我的办件”供自然人和法人账号使用。")
    page, rows = _my(request, drafts=False)
    return render(request, "cases/mine.html", {"page": page, "rows": rows, "drafts": False, "badges": STATUS_BADGES})


@login_required
def drafts(request: HttpRequest) -> HttpResponse:
    if not is_applicant(user_of(request)):
        return refuse_page(request, "“我的草稿”供自然人和法人账号使用。")
    page, rows = _my(request, drafts=True)
    return render(request, "cases/mine.html", {"page": page, "rows": rows, "drafts": True})
