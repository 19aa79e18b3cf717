"""The general window (一窗受理): the clerk picks any item of any department the centre serves, identifies the
applicant (and how), fills the item's form, ticks the paper materials, and the case goes to the acceptance
decision on the case page (受理 / 容缺受理 / 补正 / 不予受理), then the notice is printed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from tongban.audit.services import client_ip
from tongban.catalogue.formschema import validate_submission
from tongban.catalogue.models import ItemImplementation
from tongban.core.errors import DomainError
from tongban.jurisdictions.models import ServiceCentre, Window

from . import forms as f
from . import selectors, services, shared_data
from .domain import policy
from .licence_refs import licence_backed
from .models import Case
from .selectors import Bucket
from .services.idempotency import replayed
from .views import actor_for, clerk_window, count_label, ctx_for, refuse_page, today, user_of

PER_PAGE = 30
NOT_CLERK = "窗口收件仅供服务中心综合窗口受理人员使用。"


def _clerk(request: HttpRequest) -> bool:
    return policy.may_take_applications(actor_for(request))


def _centre(request: HttpRequest) -> ServiceCentre:
    centre = user_of(request).service_centre
    assert centre is not None  # _clerk() checked it
    return centre


def _served(request: HttpRequest) -> QuerySet[ItemImplementation]:
    centre = _centre(request)
    return ItemImplementation.objects.filter(department__in=centre.departments.all(), published_version__isnull=False)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """/cases/window/: choose the window, find the item, see what waits at the front desk."""
    if not _clerk(request):
        return refuse_page(request, NOT_CLERK)
    centre = _centre(request)
    windows = list(Window.objects.filter(centre=centre).order_by("number", "id"))
    if request.method == "POST":
        chosen = next((w for w in windows if str(w.pk) == request.POST.get("window")), None)
        if chosen is None:
            messages.error(request, "请选择本中心的窗口")
        else:
            request.session["cases_window"] = chosen.pk
            messages.success(request, f"当前窗口：{chosen.number}号 {chosen.name}")
        return redirect("cases:window")
    q = request.GET.get("q", "").strip()[:50]
    items = _served(request).select_related("published_version", "department")
    if q:
        items = items.filter(
            Q(published_version__name__icontains=q)
            | Q(entry__name__icontains=q)
            | Q(published_version__keywords__icontains=q)
            | Q(code=q)
        )
    items = items.order_by("department__name", "published_version__name", "id")
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    counts = selectors.queue_counts(
        user_of(request), [Bucket.TO_ACCEPT, Bucket.RESULT_DESK], today(), cap=selectors.PAGE_COUNT_CAP
    )
    return render(
        request,
        "cases/window_home.html",
        {
            "centre": centre,
            "windows": windows,
            "window": clerk_window(request),
            "q": q,
            "page": page,
            "to_accept": counts[Bucket.TO_ACCEPT],
            "result_desk": counts[Bucket.RESULT_DESK],
            "to_accept_shown": count_label(counts[Bucket.TO_ACCEPT]),
            "result_desk_shown": count_label(counts[Bucket.RESULT_DESK]),
        },
    )


def _render(
    request: HttpRequest,
    impl: ItemImplementation,
    applicant: f.WindowApplicantForm,
    values: dict[str, Any],
    errors: dict[str, str],
    paper: list[str],
    *,
    error: str = "",
    status: int = 200,
    filled: shared_data.Filled | None = None,
) -> HttpResponse:
    version = impl.published_version
    assert version is not None
    if filled is not None:  # values from shared data, shown as the form's values for the clerk to confirm
        values = {**values, **{k: v.value for k, v in filled.by_key().items() if k != "name"}}
    fields = f.schema_fields(version.form_schema, values, errors, skip=f.SHARED_APPLICANT_KEYS)
    if filled is not None:  # each value from shared data says where it came from
        sources = filled.by_key()
        fields = [
            replace(fld, help=f"来源：{sources[fld.key].source}（已调取，请核对）") if fld.key in sources else fld
            for fld in fields
        ]
    shared = [fld.get("label") for fld in version.form_schema if fld.get("key") in f.SHARED_APPLICANT_KEYS]
    backed = licence_backed(version)
    chosen = set(request.POST.getlist("licence")) if request.method == "POST" else set()
    replaceable = set(filled.replaceable) if filled else set(request.POST.getlist("shared_replaceable"))
    by_shared = set(request.POST.getlist("shared_material")) if filled is None else replaceable
    materials = [
        {
            "req": m,
            "checked": m.name in paper,
            "backed": m.name in backed,
            "licence": m.name in chosen,
            "shared": m.name in replaceable,
            "by_shared": m.name in by_shared,
        }
        for m in version.materials.all()
    ]
    shared_values = list(filled.values) if filled else []
    kept = request.POST.getlist("shared_field") if request.method == "POST" and filled is None else []
    summary = [
        (f"id_{name}", applicant.fields[name].label, "；".join(str(e) for e in errs))
        for name, errs in applicant.errors.items()
        if name in applicant.fields
    ]
    summary += [(fld.id, fld.label, fld.error) for fld in fields if fld.error]
    return render(
        request,
        "cases/window_apply.html",
        {
            "impl": impl,
            "version": version,
            "applicant": applicant,
            "fields": fields,
            "materials": materials,
            "shared": shared,
            "filled": filled,
            "shared_values": shared_values,
            "shared_keys": [v.key for v in shared_values if v.key] or kept,
            "shared_sources": request.POST.getlist("shared_source") if filled is None else [],
            "sharing": shared_data.source() is not None,
            "token": request.POST.get("token") if filled is not None else f.new_token(),
            "error": error,
            "summary": summary,
            "window": clerk_window(request),
            "centre": _centre(request),
        },
        status=status,
    )


@login_required
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """/cases/window/apply/<code>/: take an application at the window."""
    if not _clerk(request):
        return refuse_page(request, NOT_CLERK)
    impl = _served(request).select_related("published_version", "department", "division").filter(code=code).first()
    if impl is None:
        return render(request, "404.html", {"message": "没有找到该事项，或本中心不受理该事项"}, status=404)
    version = impl.published_version
    assert version is not None
    if request.method != "POST":
        return _render(request, impl, f.WindowApplicantForm(), {}, {}, [])
    if request.POST.get("action") == "fill":
        return _fill(request, impl)
    applicant = f.WindowApplicantForm(request.POST, request.FILES)
    values = f.read_schema_post(version.form_schema, request.POST, skip=f.SHARED_APPLICANT_KEYS)
    known = {m.name for m in version.materials.all()}
    paper = [p for p in request.POST.getlist("paper") if p in known]
    # 减材料: a material the clerk replaced by the shared data shown (the sharing app records which) is held
    # without paper; the case core has no state of its own for it yet, so it is received as checked.
    replaced = set(request.POST.getlist("shared_material")) & set(request.POST.getlist("shared_replaceable"))
    held = paper + [m for m in sorted(replaced & known) if m not in paper]
    token = f.clean_token(request.POST.get("token"))
    if token is None:
        return _render(request, impl, applicant, values, {}, paper, error="页面已过期，请检查后重新提交。", status=400)
    done = replayed(ctx_for(request), f"window:{token}")
    if isinstance(done, Case):
        messages.info(request, "该申请已收件，请勿重复提交。")
        return redirect("cases:detail", number=done.number)
    valid = applicant.is_valid()
    data = {**values, **(applicant.shared_values() if valid else {})}
    schema = [fld for fld in version.form_schema if valid or fld.get("key") not in f.SHARED_APPLICANT_KEYS]
    _, errors = validate_submission(schema, data)
    if not valid or errors:
        applicant.take_shared_errors(errors)
        return _render(
            request,
            impl,
            applicant,
            values,
            errors,
            paper,
            status=400,
            error="填写的内容有误，请按提示修改后重新提交。",
        )
    d = applicant.cleaned_data
    try:
        case = services.apply_at_window(
            ctx_for(request),
            impl,
            identity_check=d["identity_check"],
            form_data=data,
            paper_materials=held,
            licence_materials=[n for n in request.POST.getlist("licence") if n in known],
            applicant={
                "kind": applicant.case_kind,
                "name": d["name"],
                "id_number": d["id_number"],
                "phone": d["phone"],
            },
            agent=applicant.window_agent(),
            key=f"window:{token}",
        )
    except services.Replayed as replay:
        messages.info(request, "该申请已收件，请勿重复提交。")
        return redirect("cases:detail", number=replay.result.number)
    except services.FormInvalid as exc:
        applicant.take_agency_errors(exc.errors)
        applicant.take_shared_errors(exc.errors)
        return _render(request, impl, applicant, values, exc.errors, paper, status=400, error=exc.message)
    except DomainError as exc:
        return _render(request, impl, applicant, values, {}, paper, status=exc.status, error=exc.message)
    _confirm_shared(request, token, case, d["id_number"])
    messages.success(request, f"已收件，办件编号 {case.number}。请审查材料后作出受理决定。")
    return redirect(reverse("cases:detail", args=[case.number]) + "#decide")


def _fill(request: HttpRequest, impl: ItemImplementation) -> HttpResponse:
    """调取共享数据: the bases the catalogue allows fill the applicant's name and the item's form, each value
    marked with its source, for the clerk to check with the applicant before taking the application."""
    version = impl.published_version
    assert version is not None
    source = shared_data.source()
    token = f.clean_token(request.POST.get("token"))
    kind = request.POST.get("kind", "natural")
    probe = f.WindowApplicantForm({**request.POST.dict(), "name": "-", "identity_check": ""})
    probe.is_valid()
    code = str(probe.cleaned_data.get("id_number") or "")
    data = request.POST.copy()
    values = f.read_schema_post(version.form_schema, request.POST, skip=f.SHARED_APPLICANT_KEYS)
    paper = request.POST.getlist("paper")
    if source is None or token is None or "id_number" in probe.errors or not code:
        applicant = f.WindowApplicantForm(initial=data.dict())
        message = "请先填写正确的证件号码，再调取共享数据。" if token else "页面已过期，请重新打开。"
        return _render(request, impl, applicant, values, {}, paper, error=message, status=400)
    keys = {"name"} | {str(fld.get("key")) for fld in version.form_schema if fld.get("key")}
    filled = source.fill(
        user_of(request),
        actor_for(request),
        item_code=impl.code,
        subject_code=code,
        subject_kind=kind,
        intake_key=f"window:{token}",
        form_keys=frozenset(keys - set(f.SHARED_APPLICANT_KEYS) | {"name"}),
        consent=request.POST.get("share_consent") == "on",
        ip=client_ip(request),
    )
    if name := filled.by_key().get("name"):
        data["name"] = name.value
    data["id_number"] = code
    applicant = f.WindowApplicantForm(initial=data.dict())
    return _render(request, impl, applicant, values, {}, paper, filled=filled)


def _confirm_shared(request: HttpRequest, token: str, case: Case, subject_code: str) -> None:
    """The clerk took the application with values from shared data: tell the sharing app which case it became,
    which values were kept, and which materials the data replaced (减材料)."""
    source = shared_data.source()
    keys = request.POST.getlist("shared_field")
    if source is None or not keys:
        return
    replaceable = set(request.POST.getlist("shared_replaceable"))
    materials = [m for m in request.POST.getlist("shared_material") if m in replaceable]
    source.confirm(
        user_of(request),
        intake_key=f"window:{token}",
        case_number=case.number,
        subject_code=subject_code,
        confirmed=keys,
        materials=materials,
    )
