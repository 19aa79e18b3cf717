"""Pages of bundle applications (一件事一次办): what the policy allows, done through the case domain's services.

- Citizens and enterprises (login): choose all items or a subset and see what applying together saves for
  that choice (/bundles/<code>/apply/), then fill ONE merged form and upload each material once
  (/bundles/cases/<draft>/edit/), save a draft or submit; the receipt, 我的一件事 and the bundle-case page.
- The general window: take a whole bundle (/bundles/window/apply/<code>/), then on the bundle-case page accept
  it (不予受理 per item, 容缺), ask for one correction list across all items, and issue all results at once.
- Approvers of an involved department schedule joint steps and record their outcome on the bundle-case page.
- Supervisors: open bundle cases of the jurisdiction with the child that holds each up (/bundles/supervision/).

Views are thin: reads through selectors, writes through services, every "may" from domain.policy. A form
carries a one-time token, the idempotency key of what it makes: a double click or a reload after POST never
makes a second bundle case.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from tongban.accounts.masking import mask_resident_id
from tongban.accounts.roles import Role
from tongban.audit.services import client_ip
from tongban.audit.services import record as audit
from tongban.bundles import selectors as bundle_defs
from tongban.bundles.models import Bundle, BundleItem
from tongban.bundles.savings import normalise_material
from tongban.catalogue.formschema import validate_submission
from tongban.core.actor import AccountKind, actor_of
from tongban.core.errors import ConflictError, DomainError
from tongban.core.public_url import public_base_url
from tongban.core.uploads import MAX_UPLOAD_BYTES
from tongban.workdays.selectors import current_calendar

from . import bundle_notices, schemas, selectors, services
from . import forms as cf
from . import forms_bundles as bf
from .domain import policy
from .domain.bundle_workflow import ACTION_LABELS as BUNDLE_ACTION_LABELS
from .domain.bundle_workflow import RESULT_MODE_LABELS, RESULT_MODES, BundleAction, ResultMode
from .domain.limits import Clock
from .domain.workflow import ACTION_LABELS, STATUS_LABELS, CaseAction, CaseStatus
from .facts import WITHDRAWABLE, bundle_facts, deferred_owed, missing_beside_result, version_of
from .models import BundleCase, BundleMaterial, Case, JointStep
from .notice_pdf import qr_svg
from .notices import progress_url
from .services.idempotency import replayed
from .views import PERSONAL_ONLY, applicant_shown, clerk_window, ctx_for, is_applicant, label_actor, role_of

S = CaseStatus
P = BundleCase.Phase
PER_PAGE = 20
NOT_APPLICANT = "网上申请一件事请使用自然人或法人账号登录。工作人员请通过“一件事窗口收件”代申请人办理。"
NOT_CLERK = "一件事窗口收件仅供服务中心综合窗口受理人员使用。"
CHILD_BADGES = {
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
    S.DRAFT: "",
}
PHASE_BADGES: dict[str, str] = {
    P.DRAFT: "",
    P.SUBMITTED: "badge-amber",
    P.CORRECTION: "badge-red",
    P.IN_PROGRESS: "",
    P.READY: "badge-green",
    P.CLOSED: "badge-green",
    P.REFUSED: "badge-red",
    P.WITHDRAWN: "",
}
# What the applicant sees as the next step in each phase.
PHASE_HINTS: dict[str, str] = {
    P.SUBMITTED: "申请已提交，等待综合窗口审查受理。受理后各事项同时交各部门办理。",
    P.CORRECTION: "申请材料需要补正。请按下方“一次性告知”清单补正后重新提交，各事项一并恢复受理。",
    P.IN_PROGRESS: "各事项正在各部门并联办理；需要前一事项结果的事项，在前一事项办结后自动启动，无需您再提交。",
    P.READY: "各事项均已作出决定，等待统一出件。",
    P.CLOSED: "一件事已全部办结。",
    P.REFUSED: "各事项均不予受理，理由见各事项。",
    P.WITHDRAWN: "申请已撤回。",
}
DELIVERY_LABELS = dict(cf.DELIVERIES)
FAILED = {S.REFUSED: "不予受理", S.WITHDRAWN: "已撤回", S.TERMINATED: "已终止"}


# ---- small helpers ----------------------------------------------------------------------------------------


def _message(request: HttpRequest, text: str, status: int = 403, title: str = "无法访问") -> HttpResponse:
    return render(request, "bundle_cases/case_message.html", {"title": title, "message": text}, status=status)


def _not_found(request: HttpRequest, text: str = "没有找到该一件事办件，或您无权查看") -> HttpResponse:
    return render(request, "404.html", {"message": text}, status=404)


def _me(request: HttpRequest) -> Any:
    """The signed-in user (pages below are behind login_required)."""
    return request.user


def _clerk(user: Any) -> bool:
    return policy.may_take_applications(actor_of(user))


def _today() -> dt.date:
    return services.today()


def item_name(item: BundleItem) -> str:
    version = item.implementation.published_version
    return version.name if version else item.implementation.entry.name


def _parse_ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


def choice_from(bundle_items: list[BundleItem], raw: list[str] | None) -> list[int]:
    """The chosen item ids: all when nothing was chosen yet; items the law requires are always in."""
    known = {i.pk for i in bundle_items}
    if raw is None:
        return [i.pk for i in bundle_items]
    wanted = set(_parse_ids(raw)) & known
    return [i.pk for i in bundle_items if i.pk in wanted or i.required]


def item_rows(bundle_items: list[BundleItem], chosen: set[int]) -> list[dict[str, Any]]:
    """Each item with whether it is chosen, locked (required), and what its order means for this choice."""
    names = {i.pk: item_name(i) for i in bundle_items}
    rows = []
    for item in bundle_items:
        version = item.implementation.published_version
        prereqs = [d for d in item.depends_on.all() if d.pk in names]
        notes = []
        waiting = [names[d.pk] for d in prereqs if d.pk in chosen]
        brought = [names[d.pk] for d in prereqs if d.pk not in chosen]
        if item.pk in chosen and waiting:
            note = f"{names[item.pk]}需等{'、'.join(waiting)}办结后自动启动"
            if item.result_as_material:
                note += f"，其结果自动作为本事项的“{item.result_as_material}”，无需提交"
            notes.append(note)
        if item.pk in chosen and brought and item.result_as_material:
            notes.append(f"未选择“{'、'.join(brought)}”：请自行提交“{item.result_as_material}”")
        needed_by = [
            names[o.pk]
            for o in bundle_items
            if o.pk in chosen and o.pk != item.pk and item.pk in {d.pk for d in o.depends_on.all()}
        ]
        rows.append(
            {
                "item": item,
                "pk": item.pk,
                "name": names[item.pk],
                "chosen": item.pk in chosen,
                "required": item.required,
                "department": item.implementation.department.name,
                "promised_days": version.promised_days if version else None,
                "visits": version.visits if version else None,
                "notes": notes,
                "needed_by": needed_by,
            }
        )
    return rows


def material_rows(
    items: list[BundleItem],
    held: dict[str, BundleMaterial] | None = None,
    problems: dict[str, str] | None = None,
    missing: list[str] | None = None,
    holder_code: str | None = None,
) -> list[dict[str, Any]]:
    """The one material set of the chosen items: each material once, which items use it, whether the
    applicant uploads it (required), may add it (optional), or needs not (a result or an e-licence)."""
    held, problems, missing = held or {}, problems or {}, missing or []
    chosen = {i.pk for i in items}
    required = set(services.required_uploads(items, holder_code))
    gaps = services.licence_gaps(items, holder_code)  # 免证办 without a valid licence: uploaded after all
    rows: dict[str, dict[str, Any]] = {}
    for item in items:
        version: Any = item.implementation.published_version
        has_prereq = any(d.pk in chosen for d in item.depends_on.all())
        from_result = normalise_material(item.result_as_material) if has_prereq and item.result_as_material else None
        for m in version.materials.all():
            key = normalise_material(m.name)
            row = rows.setdefault(
                key,
                {
                    "name": key,
                    "items": [],
                    "from_result": True,
                    "replaceable": True,
                    "deferrable": False,
                    "exact": set(),
                    "field": bf.material_field(key),
                    "names": {},
                },
            )
            row["names"][m.name] = True
            row["items"].append(version.name)
            if key != from_result:
                row["from_result"] = False
            if not m.licence_replaceable or key in gaps:
                row["replaceable"] = False
            if m.necessity == "deferrable":
                row["deferrable"] = True
                row["exact"].add(m.name)
    out = []
    for key, row in rows.items():
        row["required"] = key in required
        row["upload"] = not row["from_result"] and not row["replaceable"]
        row["held"] = held.get(key)
        row["error"] = problems.get(key, "")
        row["missing"] = key in missing
        row["items"] = list(dict.fromkeys(row["items"]))
        # The names as the guides write them, whole (the key drops what follows a bracket: 原件, 复印件 …).
        row["label"] = " / ".join(row.pop("names"))
        out.append(row)
    out.sort(key=lambda r: (not r["upload"], not r["required"], -len(r["items"])))
    return out


def _chosen_items(bc: BundleCase) -> list[BundleItem]:
    return list(
        bc.items.select_related(
            "implementation__published_version", "implementation__department", "implementation__entry"
        )
        .prefetch_related("depends_on", "implementation__published_version__materials")
        .order_by("order", "id")
    )


def _field_usage(items: list[BundleItem]) -> dict[str, int]:
    asked: dict[str, int] = {}
    for item in items:
        version: Any = item.implementation.published_version
        for f in version.form_schema or []:
            asked[f["key"]] = asked.get(f["key"], 0) + 1
    return asked


def _attach_uploads(
    ctx: services.Ctx, bc: BundleCase, request: HttpRequest, rows: list[dict[str, Any]]
) -> dict[str, str]:
    """Store each uploaded file once for the bundle; a refused file gets its reason, the others are kept."""
    problems: dict[str, str] = {}
    for row in rows:
        upload = request.FILES.get(row["field"])
        if upload is None:
            continue
        if upload.size and upload.size > MAX_UPLOAD_BYTES:
            problems[row["name"]] = (
                f"文件“{upload.name}”大小为{upload.size / 1048576:.1f}MB，超过{MAX_UPLOAD_BYTES // 1048576}MB的上限"
            )
            continue
        try:
            services.attach_bundle_material(ctx, bc, row["name"], upload.name or "文件", upload.read())
        except DomainError as exc:
            problems[row["name"]] = exc.message
    return problems


def _used(request: HttpRequest, *keys: str) -> BundleCase | None:
    """The bundle case a form with one of these keys already made (fresh: a draft may be submitted since)."""
    ctx = ctx_for(request)
    for key in keys:
        made = replayed(ctx, key)
        if isinstance(made, BundleCase):
            return BundleCase.objects.get(pk=made.pk)
    return None


def _to_bundle_case(request: HttpRequest, bc: BundleCase) -> HttpResponse:
    """Where a reused token lands: the draft it made, or the receipt of what was submitted."""
    if bc.phase == P.DRAFT:
        messages.info(request, "该申请已保存为草稿，请勿重复提交。")
        return redirect("bundle_cases:edit", number=bc.number)
    messages.info(request, "该一件事已提交，请勿重复提交。")
    return redirect("bundle_cases:receipt", number=bc.number)


def _published(code: str) -> Bundle | None:
    bundle = bundle_defs.get_bundle(code)
    if bundle is None or any(i.implementation.published_version_id is None for i in bundle.items.all()):
        return None
    return bundle


# ---- citizens: choose, fill once, upload once, submit ------------------------------------------------------


@login_required
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """/bundles/<code>/apply/: choose the items and see what applying together saves; then start."""
    user: Any = request.user
    if not is_applicant(user):
        return _message(request, NOT_APPLICANT)
    bundle = _published(code)
    if bundle is None:
        return _not_found(request, "没有找到该一件事，或其中有事项暂停办理")
    bundle_items = list(bundle.items.all())
    if request.method != "POST":
        raw = request.GET.getlist("items") if "chosen" in request.GET else None
        return _render_choose(request, bundle, bundle_items, choice_from(bundle_items, raw))
    ids = choice_from(bundle_items, request.POST.getlist("items"))
    token = cf.clean_token(request.POST.get("token"))
    if token is None:
        return _render_choose(request, bundle, bundle_items, ids, error="页面已过期，请重新提交。", status=400)
    used = _used(request, f"submit:{token}", f"apply:{token}")
    if used is not None:
        return _to_bundle_case(request, used)
    try:
        bc = services.start_bundle_online(ctx_for(request), bundle, ids, key=f"apply:{token}")
    except services.Replayed as done:
        return _to_bundle_case(request, BundleCase.objects.get(pk=done.result.pk))
    except DomainError as exc:
        return _render_choose(request, bundle, bundle_items, ids, error=exc.message, status=exc.status)
    return redirect("bundle_cases:edit", number=bc.number)


def _render_choose(
    request: HttpRequest,
    bundle: Bundle,
    bundle_items: list[BundleItem],
    ids: list[int],
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    chosen = [i for i in bundle_items if i.pk in set(ids)]
    kind = "legal" if actor_of(request.user).kind is AccountKind.ENTERPRISE else "natural"
    form = services.merged_form(chosen, kind) if chosen else []
    asked = _field_usage(chosen)
    return render(
        request,
        "bundle_cases/apply_choose.html",
        {
            "bundle": bundle,
            "items": item_rows(bundle_items, set(ids)),
            "chosen_ids": ids,
            "savings": bundle_defs.savings_for(bundle, ids),
            "uploads": services.required_uploads(chosen) if chosen else [],
            "field_count": len(form),
            "shared_count": sum(1 for f in form if asked.get(f["key"], 0) > 1),
            "token": cf.new_token(),
            "error": error,
            "chosen_count": len(chosen),
        },
        status=status,
    )


def _own_draft(request: HttpRequest, number: str) -> BundleCase | None:
    return (
        selectors.visible_bundle_cases(request.user)
        .select_related("bundle")
        .filter(number=number, applicant_id=request.user.pk)
        .first()
    )


@login_required
def edit(request: HttpRequest, number: str) -> HttpResponse:
    """/bundles/cases/<draft>/edit/: the one merged form and the one material set; save or submit."""
    user: Any = request.user
    if not is_applicant(user):
        return _not_found(request)
    token = cf.clean_token(request.POST.get("token")) if request.method == "POST" else None
    done = _used(request, f"submit:{token}") if token else None
    if done is not None:  # a double click or a reload after submitting: the draft number is gone by now
        return _to_bundle_case(request, done)
    bc = _own_draft(request, number)
    if bc is None:
        return _not_found(request)
    if bc.phase != P.DRAFT:
        return redirect("bundle_cases:case", number=bc.number)
    items = _chosen_items(bc)
    if request.method != "POST":
        return _render_form(request, bc, items, bc.form_data)
    schema = services.merged_form(items, bc.applicant_kind)
    data = cf.read_schema_post(schema, request.POST)
    if token is None:
        return _render_form(request, bc, items, data, error="页面已过期，请检查后重新提交。", status=400)
    action = request.POST.get("action", "save")
    ctx = ctx_for(request)
    bundle_items = list(
        bc.bundle.items.select_related(
            "implementation__published_version", "implementation__entry", "implementation__department"
        ).prefetch_related("depends_on")
    )
    new_ids = choice_from(bundle_items, request.POST.getlist("items")) if action == "items" else None
    try:
        bc = services.save_bundle_draft(ctx, bc, data, item_ids=new_ids)
        mode = request.POST.get("result_mode", "")
        if mode in RESULT_MODES and mode != bc.result_mode:
            bc = services.choose_result_mode(ctx, bc, mode)
    except ConflictError:
        return redirect("bundle_cases:case", number=bc.number)  # submitted meanwhile (another tab)
    except DomainError as exc:
        return _render_form(request, bc, items, data, error=exc.message, status=exc.status)
    if new_ids is not None:
        items = _chosen_items(bc)
    problems = _attach_uploads(ctx, bc, request, material_rows(items, holder_code=bc.applicant_id_number))
    if problems:
        return _render_form(
            request,
            bc,
            items,
            data,
            problems=problems,
            status=400,
            error="以下文件未能上传，请更换后重试；其他内容和文件已保存为草稿。",
        )
    if action == "items":
        messages.success(request, "已按所选事项更新申请表和材料清单，已填写的内容已保存。")
        return redirect("bundle_cases:edit", number=bc.number)
    if action != "submit":
        messages.success(request, "草稿已保存。可随时在“我的一件事”中继续填写。")
        return redirect("bundle_cases:edit", number=bc.number)
    try:
        submitted = services.submit_bundle(ctx, bc, key=f"submit:{token}")
    except services.FormInvalid as exc:
        return _render_form(
            request,
            bc,
            items,
            data,
            errors=exc.errors,
            status=400,
            error="申请表有误，请按提示修改；已填写的内容已保存为草稿。",
        )
    except ConflictError:
        return _to_bundle_case(request, BundleCase.objects.get(pk=bc.pk))
    except DomainError as exc:
        missing = []
        if exc.code == "materials_missing":
            have = set(bc.materials.values_list("name", flat=True))
            missing = [n for n in services.required_uploads(items, bc.applicant_id_number) if n not in have]
        return _render_form(
            request, bc, items, data, missing=missing, status=400, error=exc.message + "。已填写的内容已保存为草稿。"
        )
    return redirect("bundle_cases:receipt", number=submitted.number)


def _render_form(
    request: HttpRequest,
    bc: BundleCase,
    items: list[BundleItem],
    values: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    problems: dict[str, str] | None = None,
    missing: list[str] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    errors = errors or {}
    schema = services.merged_form(items, bc.applicant_kind)
    asked = _field_usage(items)
    fields = cf.schema_fields(schema, values, errors)
    for fld in fields:
        fld.asked = asked.get(fld.key, 1)  # type: ignore[attr-defined]
    held = {m.name: m for m in bc.materials.all()}
    materials = material_rows(items, held, problems, missing, bc.applicant_id_number)
    summary = [(fld.id, fld.label, fld.error) for fld in fields if fld.error]
    summary += [
        (f"material-{row['field']}", row["name"], row["error"] or "请上传此材料")
        for row in materials
        if row["error"] or row["missing"]
    ]
    bundle = bundle_defs.get_bundle(bc.bundle.code, include_unpublished=True)
    bundle_items = list(bundle.items.all()) if bundle else items
    ids = [i.pk for i in items]
    return render(
        request,
        "bundle_cases/apply_form.html",
        {
            "bc": bc,
            "bundle": bc.bundle,
            "fields": fields,
            "materials": materials,
            "items": item_rows(bundle_items, set(ids)),
            "savings": bundle_defs.savings_for(bundle or bc.bundle, ids),
            "shared_count": sum(1 for f in fields if getattr(f, "asked", 1) > 1),
            "token": cf.new_token(),
            "error": error,
            "summary": summary,
            "max_mb": MAX_UPLOAD_BYTES // 1048576,
            "result_modes": [(k.value, v) for k, v in RESULT_MODE_LABELS.items()],
        },
        status=status,
    )


@login_required
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    bc = selectors.get_visible_bundle_case(request.user, number)
    # The receipt carries the query codes: the applicant's, printed for them by the staff handling the case.
    if bc is None or bc.phase == P.DRAFT:
        return _not_found(request)
    if not _personal(request, bc):
        return _message(request, PERSONAL_ONLY, title="无权打印回执")
    audit(
        "bundle_case.view",
        "bundle_case",
        bc.number,
        actor=request.user,
        ip=client_ip(request),
        detail={"page": "receipt", "unmasked": True},
    )
    children = selectors.bundle_children(bc)
    for child in children:
        child.status_label = STATUS_LABELS[S(child.status)]  # type: ignore[attr-defined]
    # One number and one query code for the whole bundle: the progress page lists every item under it.
    progress = progress_url(bc, public_base_url(request))
    return render(
        request,
        "bundle_cases/apply_receipt.html",
        {
            "bc": bc,
            "children": children,
            "phase_label": bc.get_phase_display(),
            "progress_url": progress,
            "qr": mark_safe(qr_svg(progress)),  # built from the QR matrix and an escaped title
        },
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """/bundles/mine/: 我的一件事 — submitted ones with the item that holds each up; drafts apart."""
    if not is_applicant(request.user):
        return _message(request, "“我的一件事”供自然人和法人账号使用。")
    base = selectors.visible_bundle_cases(request.user).select_related("bundle")
    drafts = list(base.filter(phase=P.DRAFT).order_by("-created_at")[:20])
    qs = base.exclude(phase=P.DRAFT).order_by("-submitted_at", "-id")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    holdups = selectors.bundle_holdups(rows)
    counts: dict[int, int] = {}
    for bundle_case_id in Case.objects.filter(bundle_case__in=rows).values_list("bundle_case_id", flat=True):
        counts[bundle_case_id] = counts.get(bundle_case_id, 0) + 1
    for bc in rows:
        bc.holdup = holdups.get(bc.pk)  # type: ignore[attr-defined]
        bc.item_count = counts.get(bc.pk, 0)  # type: ignore[attr-defined]
        bc.badge = PHASE_BADGES.get(bc.phase, "")  # type: ignore[attr-defined]
        bc.deadline = selectors.bundle_deadline_of(bc)  # type: ignore[attr-defined]
        if bc.holdup is not None:
            bc.holdup.status_label = STATUS_LABELS[S(bc.holdup.status)]
    return render(request, "bundle_cases/case_mine.html", {"page": page, "rows": rows, "drafts": drafts})


# ---- the bundle-case page ---------------------------------------------------------------------------------


def _personal(request: HttpRequest, bc: BundleCase, children: list[Case] | None = None) -> bool:
    """The policy's answer: the applicant and the staff handling the bundle see its personal data in full."""
    return policy.may_see_bundle_personal(actor_of(request.user), bundle_facts(bc, children))


def consequences(children: list[Case]) -> list[str]:
    """What a refused, withdrawn, terminated or denied child means for the others (told to the applicant)."""
    by_pk = {c.pk: c for c in children}
    failed = [c for c in children if c.status in FAILED or c.decision == "denied"]
    out = []
    for f in failed:
        name = f.version.name
        what = "未获准予" if f.decision == "denied" else FAILED[S(f.status)]
        dependants = [
            c
            for c in children
            if c.bundle_item is not None and f.bundle_item_id in {d.pk for d in c.bundle_item.depends_on.all()}
        ]
        still = [c for c in by_pk.values() if c is not f and c not in dependants and c not in failed]
        text = f"“{name}”{what}"
        if f.status == S.TERMINATED:
            text += "：它需要的前置事项未获准予或未受理，无法继续办理"
        if dependants:
            text += f"；需要其结果的“{'、'.join(c.version.name for c in dependants)}”随之终止"
        if still:
            text += f"；“{'、'.join(c.version.name for c in still)}”不受影响，继续办理"
        out.append(text + "。")
    return out


def _children_rows(request: HttpRequest, bc: BundleCase, children: list[Case], personal: bool) -> list[Case]:
    by_item = {c.bundle_item_id: c for c in children}
    cal = current_calendar() if children else None
    day = _today()
    applicant_view = is_applicant(request.user)
    visible = set(
        selectors.visible_cases(request.user, Case.objects.filter(bundle_case=bc)).values_list("pk", flat=True)
    )
    for c in children:
        c.status_label = STATUS_LABELS[S(c.status)]  # type: ignore[attr-defined]
        c.status_badge = CHILD_BADGES.get(S(c.status), "")  # type: ignore[attr-defined]
        c.deadline = selectors.deadline_of(c, cal, day)  # type: ignore[attr-defined]
        prereqs = [by_item[d.pk] for d in c.bundle_item.depends_on.all() if d.pk in by_item] if c.bundle_item else []
        c.waits_for = [version_of(p).name for p in prereqs]  # type: ignore[attr-defined]
        c.can_open = c.pk in visible  # type: ignore[attr-defined]
        events = selectors.timeline(c)
        if applicant_view:
            events = [e for e in events if e.action != CaseAction.SUPERVISE.value]
        for e in events:
            try:
                e.label = ACTION_LABELS[CaseAction(e.action)]  # type: ignore[attr-defined]
            except ValueError:
                e.label = e.action  # type: ignore[attr-defined]
            label_actor(e, applicant_view, personal)
        c.timeline_events = events  # type: ignore[attr-defined]
    return children


def _make(cls: type, **kwargs: Any) -> Any:
    """An unbound form that knows how to bind itself to a POST with the same choices (``form.rebind``)."""
    initial = kwargs.pop("initial", None)
    form = cls(initial=initial, **kwargs)
    form.rebind = lambda data: cls(data, **kwargs)
    return form


def _page_forms(
    request: HttpRequest, bc: BundleCase, children: list[Case], items: list[BundleItem], steps: list[JointStep]
) -> dict[str, Any]:
    """The forms of what the policy lets this user do to this bundle case now (the services enforce the same)."""
    actor = actor_of(request.user)
    possible = policy.bundle_actions(actor, bundle_facts(bc, children))
    out: dict[str, Any] = {}
    initial = {"revision": bc.revision}
    materials = material_rows(items, {m.name: m for m in bc.materials.all()}, holder_code=bc.applicant_id_number)
    held = {m.name for m in bc.materials.all()}
    if BundleAction.ACCEPT in possible:
        deferrable = [r["name"] for r in materials if r["deferrable"] and r["name"] not in held]
        out["accept"] = _make(
            bf.AcceptBundleForm,
            initial={**initial, "due": _today() + dt.timedelta(days=7), "commitment": cf.DEFAULT_COMMITMENT},
            items=[(c.bundle_item_id, version_of(c).name) for c in children if c.bundle_item_id],
            deferrable=deferrable,
            today=_today(),
            auto_id="id_accept_%s",
        )
    if BundleAction.REQUEST_CORRECTION in possible:
        missing = [r["name"] for r in materials if r["required"] and r["name"] not in held]
        out["correction"] = _make(
            bf.BundleCorrectionForm,
            initial={**initial, "items": missing},
            choices=[r["name"] for r in materials if r["upload"]],
            field_choices=[
                (str(f["key"]), str(f.get("label") or f["key"]))
                for f in services.merged_form(items, bc.applicant_kind)
                if f.get("key")
            ],
            auto_id="id_correction_%s",
        )
    if BundleAction.ISSUE_RESULTS in possible:
        if bc.result_mode == ResultMode.SEPARATE:
            decided = [(c.number, version_of(c).name) for c in children if c.status == S.DECIDED]
            out["issue_items"] = _make(
                bf.IssueItemsForm,
                initial={**initial, "delivery": "window"},
                choices=decided,
                auto_id="id_issue_items_%s",
            )
        else:
            out["issue"] = _make(bf.IssueForm, initial={**initial, "delivery": "window"}, auto_id="id_issue_%s")
    if BundleAction.CHOOSE_RESULT_MODE in possible and bc.phase != P.DRAFT:  # a draft chooses on its form
        out["result_mode"] = _make(
            bf.ResultModeForm, initial={**initial, "result_mode": bc.result_mode}, auto_id="id_result_mode_%s"
        )
    if BundleAction.RESUBMIT in possible:
        out["resubmit"] = _make(bf.ResubmitForm, initial=initial, auto_id="id_resubmit_%s")
    if BundleAction.SUPPLY_DEFERRED in possible:
        out["supply_deferred"] = _make(
            bf.BundleSupplyDeferredForm,
            initial=initial,
            choices=[(name, text) for name, text in deferred_choices(bc)],
            auto_id="id_supply_deferred_%s",
        )
    if BundleAction.EXTEND in possible:
        out["extend"] = _make(bf.BundleExtendForm, initial={**initial, "days": 15}, auto_id="id_extend_%s")
    if BundleAction.WITHDRAW_ITEM in possible:
        open_children = [(c.number, version_of(c).name) for c in children if S(c.status) in WITHDRAWABLE]
        out["withdraw"] = _make(bf.WithdrawItemForm, initial=initial, choices=open_children, auto_id="id_withdraw_%s")
    if BundleAction.SCHEDULE_JOINT_STEP in possible:
        running = [c for c in children if c.status in (S.IN_PROGRESS, S.SUSPENDED)]
        out["joint_schedule"] = _make(
            bf.JointScheduleForm,
            initial={"cases": [c.number for c in running]},
            auto_id="id_joint_%s",
            choices=[(c.number, f"{version_of(c).name}（{c.deciding_department.name}）") for c in running],
        )
    if BundleAction.RECORD_JOINT_OUTCOME in possible:
        recordable = [
            s
            for s in steps
            if not s.recorded_at and actor.department_id in {c.deciding_department_id for c in s.cases.all()}
        ]
        out["joint_record"] = {
            s.pk: _make(bf.JointRecordForm, initial={"step": s.pk}, auto_id=f"id_record{s.pk}_%s") for s in recordable
        }
    return out


def waiting_needs(children: list[Case]) -> list[dict[str, Any]]:
    """What each item that will wait for a prerequisite needs when it starts: the result it awaits (arriving as
    a material) and what else it still lacks — a 必要 one blocks the acceptance, a 容缺后补 one must be promised."""
    by_item = {c.bundle_item_id: c for c in children}
    out = []
    for c in children:
        if c.bundle_item is None or S(c.status) not in (S.SUBMITTED, S.WAITING):
            continue
        prereqs = [by_item[d.pk] for d in c.bundle_item.depends_on.all() if d.pk in by_item]
        if not prereqs:
            continue
        lacking = missing_beside_result(c, c.materials.all())
        out.append(
            {
                "item": version_of(c).name,
                "awaits": [version_of(p).name for p in prereqs],
                "result": c.bundle_item.result_as_material,
                "required": lacking.required,
                "deferrable": lacking.deferrable,
            }
        )
    return out


def deferred_rows(bc: BundleCase) -> list[dict[str, Any]]:
    """What the bundle's items still owe of what they were promised (容缺), with the dates promised."""
    today = _today()
    return [
        {
            "item": version_of(c).name,
            "material": m.name,
            "key": normalise_material(m.name),
            "due": m.deferred_due,
            "overdue": m.deferred_due is not None and m.deferred_due < today,
        }
        for c, m in deferred_owed(bc)
    ]


def deferred_choices(bc: BundleCase) -> list[tuple[str, str]]:
    """Each owed material once (the bundle's one material set), with the items that owe it."""
    owed: dict[str, list[str]] = {}
    for row in deferred_rows(bc):
        owed.setdefault(row["key"], []).append(row["item"])
    return [(key, f"{key}（{'、'.join(items)}）") for key, items in owed.items()]


def bundle_event_extra(action: str, data: dict[str, Any], personal: bool) -> str:
    """What a bundle event's data says, in a line (the form's answers only to those who see them unmasked)."""
    changes = selectors.shown_changes(data, personal)
    if changes:
        shown = [
            f"{c['label']}（{c['before'] or '空'} → {c['after'] or '空'}）" if personal else c["label"] for c in changes
        ]
        text = "更正申请表：" + "、".join(shown)
        if data.get("others"):
            text += f"；“{'、'.join(data['others'])}”仍按原填写内容办理"
        return text
    if action == BundleAction.REQUEST_CORRECTION and data.get("items"):
        text = "补正清单：" + "；".join(data["items"])
        if data.get("added"):
            text += f"（新增“{'、'.join(data['added'])}”，理由：{data.get('added_reason', '')}）"
        return text
    if action == BundleAction.ACCEPT and data.get("waiting"):
        return "；".join(
            f"{w['item']}待“{'、'.join(w['awaits'])}”准予后启动"
            + (f"，其结果作为“{w['result_material']}”" if w.get("result_material") else "")
            + (f"，容缺后补：{'、'.join(w['deferred'])}" if w.get("deferred") else "")
            for w in data["waiting"]
        )
    if action == BundleAction.SUPPLY_DEFERRED and data.get("material"):
        return f"补交材料：{data['material']}"
    if action == BundleAction.EXTEND and data.get("days"):
        return f"延长 {data['days']} 个工作日，批准人：{data.get('approved_by', '')}"
    if action == BundleAction.ISSUE_RESULTS and data.get("delivery"):
        return "出件方式：" + DELIVERY_LABELS.get(data["delivery"], data["delivery"])
    return ""


def bundle_timeline(bc: BundleCase, personal: bool, applicant_view: bool) -> list[Any]:
    events = selectors.bundle_timeline(bc)
    for e in events:
        e.label = BUNDLE_ACTION_LABELS.get(BundleAction(e.action), e.action)  # type: ignore[attr-defined]
        e.extra = bundle_event_extra(e.action, e.data or {}, personal)  # type: ignore[attr-defined]
        label_actor(e, applicant_view, personal)
    return events


def named_fields(bc: BundleCase) -> list[dict[str, Any]]:
    """The fields of the one form that the open correction list names."""
    named = set(bc.correction_fields or [])
    return [f for f in services.merged_form(_chosen_items(bc), bc.applicant_kind) if f.get("key") in named]


def _detail_context(
    request: HttpRequest,
    bc: BundleCase,
    *,
    bound: tuple[str, Any] | None = None,
    error: str = "",
    form_errors: dict[str, str] | None = None,
    submitted: dict[str, Any] | None = None,
) -> dict[str, Any]:
    user: Any = request.user
    children = selectors.bundle_children(bc)
    personal = _personal(request, bc, children)
    children = _children_rows(request, bc, children, personal)
    items = _chosen_items(bc)
    steps = list(bc.joint_steps.prefetch_related("cases__version", "cases__deciding_department"))
    holdup = selectors.bundle_holdup(bc) if bc.phase == P.IN_PROGRESS else None  # before 受理 nothing holds it
    if holdup is not None:
        holdup.deadline = selectors.deadline_of(holdup)
    forms = _page_forms(request, bc, children, items, steps)
    if bound:
        name, form = bound
        if name == "joint_record":
            forms["joint_record"][int(form.data["step"])] = form
        else:
            forms[name] = form
    applicant_view = is_applicant(user)
    materials = material_rows(items, {m.name: m for m in bc.materials.all()}, holder_code=bc.applicant_id_number)
    deadline = selectors.bundle_deadline_of(bc)
    # Why the desk has no 受理 here (the policy's own words): an item that would start lacks a 必要 material.
    blocked = (
        policy.bundle_denial(actor_of(user), bundle_facts(bc), BundleAction.ACCEPT) if bc.phase == P.SUBMITTED else None
    )
    # What the items still owe of their 容缺 promises: the result desk is warned and receives them here.
    owed = deferred_rows(bc) if personal and bc.phase in (P.IN_PROGRESS, P.READY) else []
    # The named fields of the one form, to correct with the resubmission (personal data: not for a masked view).
    fix_fields = (
        cf.schema_fields(named_fields(bc), {**bc.form_data, **(submitted or {})}, form_errors)
        if personal and "resubmit" in forms and bc.correction_fields
        else []
    )
    return {
        "fix_fields": fix_fields,
        "events": bundle_timeline(bc, personal, applicant_view),
        "waiting_needs": waiting_needs(children) if bc.phase == P.SUBMITTED and not applicant_view else [],
        "deferred_outstanding": owed,
        "acceptance_blocked": blocked.message if blocked and blocked.code == "materials_missing" else "",
        "bc": bc,
        "bundle": bc.bundle,
        "children": children,
        "phase_label": bc.get_phase_display(),
        "phase_badge": PHASE_BADGES.get(bc.phase, ""),
        "deadline": deadline,
        "promised_text": deadline.label if deadline.clock is Clock.PAUSED else selectors.due_text(bc.promised_due, bc),
        "statutory_text": selectors.due_text(bc.statutory_due, bc),
        "correction_added": selectors.correction_added(bc),
        "hint": PHASE_HINTS.get(bc.phase, "") if applicant_view else "",
        "applicant_view": applicant_view,
        "applicant": applicant_shown(bc, personal, own=applicant_view),
        "agency": schemas.agency_out(services.bundle_agent(bc), bc.authorisation, personal),
        "personal": personal,
        "notice_links": [
            {"title": bundle_notices.TITLES[k], "url": reverse("bundle_cases:notice", args=[bc.number, k.value])}
            for k in bundle_notices.bundle_notice_kinds_for(bc)
        ]
        if personal
        else [],
        "holdup": holdup,
        "consequences": consequences(children),
        "steps": steps,
        "forms": forms,
        "error": error,
        "materials": materials,
        "form_rows": cf.form_rows(services.merged_form(items, bc.applicant_kind), bc.form_data) if personal else [],
        # The applicant uploads again; at the window the clerk scans what the applicant brought (the desk's).
        "uploads": materials if "resubmit" in forms else [],
        "max_mb": MAX_UPLOAD_BYTES // 1048576,
        "delivery_labels": DELIVERY_LABELS,
        "is_clerk": role_of(user) is Role.WINDOW_CLERK,
    }


def _render_case(request: HttpRequest, bc: BundleCase, *, status: int = 200, **kwargs: Any) -> HttpResponse:
    context = _detail_context(request, bc, **kwargs)
    audit(
        "bundle_case.view",
        "bundle_case",
        bc.number,
        actor=request.user,
        ip=client_ip(request),
        detail={"unmasked": context["personal"]},
    )
    return render(request, "bundle_cases/case_detail.html", context, status=status)


@login_required
@require_GET
def notice(request: HttpRequest, number: str, kind: str) -> HttpResponse:
    """A bundle case's printable notice (PDF): personal data, so the applicant's and the handling staff's only."""
    bc = selectors.get_visible_bundle_case(request.user, number)
    if bc is None or bc.phase == P.DRAFT:
        return _not_found(request)
    if not _personal(request, bc):
        return _message(request, PERSONAL_ONLY, title="无权打印通知书")
    try:
        pdf = bundle_notices.render_bundle_notice(bc, kind, public_base_url(request))
    except DomainError as exc:
        return _message(request, exc.message, status=404 if exc.status == 404 else 409, title="暂无该通知书")
    audit(
        "bundle_case.view", "bundle_case", bc.number, actor=request.user, ip=client_ip(request), detail={"notice": kind}
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{bundle_notices.bundle_notice_filename(bc, kind)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    bc = selectors.get_visible_bundle_case(request.user, number)
    if bc is None:
        return _not_found(request)
    if bc.phase == P.DRAFT:
        return redirect("bundle_cases:edit", number=bc.number)
    return _render_case(request, bc)


DONE = {
    "accept": "已受理：无前置要求的事项已同时交各部门办理",
    "correction": "已出具一次性补正告知（涵盖全部事项）",
    "resubmit": "补正后已重新提交，各事项一并待受理",
    "issue": "已统一出件，全部事项办结",
    "issue_items": "所选事项已出件办结，其他事项继续办理",
    "result_mode": "出件方式已更新",
    "withdraw": "该事项已撤回，其他事项继续办理",
    "joint_schedule": "联合环节已安排，已通知各涉及部门",
    "joint_record": "联合环节结论已记录到各涉及事项",
    "extend": "已记录联合办理延期（政府负责人批准）",
    "supply_deferred": "已收取补交的容缺材料，各需要它的事项均已登记",
}
ANCHORS = {
    "accept": "decide",
    "correction": "decide",
    "issue": "result",
    "issue_items": "result",
    "result_mode": "result",
    "supply_deferred": "decide",
    "joint_schedule": "joint",
    "joint_record": "joint",
}


@login_required
@require_POST
def case_act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    bc = selectors.get_visible_bundle_case(request.user, number)
    if bc is None or action not in DONE:
        return _not_found(request)
    context = _detail_context(request, bc)
    if action not in context["forms"]:
        return _render_case(
            request,
            bc,
            status=409,
            error=f"一件事办件当前为“{bc.get_phase_display()}”，您不能执行该操作。页面已刷新为最新状态。",
        )
    unbound = context["forms"][action]
    if action == "joint_record":
        unbound = unbound.get(int(request.POST["step"]) if request.POST.get("step", "").isdigit() else 0)
        if unbound is None:
            return _render_case(
                request, bc, status=409, error="该联合环节已记录结论或不涉及您的部门。页面已刷新为最新状态。"
            )
    form = unbound.rebind(request.POST)
    if not form.is_valid():
        if "revision" in form.errors:
            return _render_case(request, bc, status=400, error="页面已失效，请刷新后重试。")
        return _render_case(request, bc, status=400, bound=(action, form))
    ctx = ctx_for(request)
    try:
        _run(request, ctx, bc, action, form, context)
    except ConflictError as exc:
        fresh = selectors.get_visible_bundle_case(request.user, number)
        return _render_case(request, fresh, status=409, error=exc.message) if fresh else _not_found(request)
    except services.FormInvalid as exc:  # a corrected answer the form does not accept: shown at its field
        form.add_error(None, exc.message)
        posted = cf.read_schema_post(named_fields(bc), request.POST)
        return _render_case(request, bc, status=400, bound=(action, form), form_errors=exc.errors, submitted=posted)
    except DomainError as exc:
        target = {"items": "extra", "refusals": None, "fields": "form_fields"}.get(exc.field or "", exc.field)
        form.add_error(target if target in form.fields else None, exc.message)
        return _render_case(request, bc, status=exc.status if exc.status in (400, 403) else 400, bound=(action, form))
    messages.success(request, DONE[action])
    anchor = ANCHORS.get(action, "")
    return redirect(reverse("bundle_cases:case", args=[bc.number]) + (f"#{anchor}" if anchor else ""))


def _run(
    request: HttpRequest, ctx: services.Ctx, bc: BundleCase, action: str, form: Any, context: dict[str, Any]
) -> None:
    d = form.cleaned_data
    if action == "accept":
        exact = {r["name"]: r["exact"] for r in context["materials"]}  # the deferrable names of each material
        deferrals = [
            services.Deferral(name, d["due"], d["commitment"].strip())
            for key in d.get("defer", [])
            for name in sorted(exact.get(key, {key}))
        ]
        services.accept_bundle(ctx, bc, d["revision"], refusals=form.refusals(), deferrals=deferrals)
    elif action == "correction":
        services.request_bundle_correction(
            ctx, bc, form.all_items(), d["revision"], added_reason=d.get("added_reason", ""), fields=d["form_fields"]
        )
    elif action == "extend":
        services.extend_bundle(ctx, bc, d["reason"], d["approved_by"], d["revision"], days=d["days"])
    elif action == "resubmit":
        problems = _attach_uploads(ctx, bc, request, context["materials"])
        if problems:
            raise DomainError("bad_file", "；".join(f"{k}：{v}" for k, v in problems.items()), None)
        changes = cf.read_schema_post(named_fields(bc), request.POST) if context["fix_fields"] else None
        services.resubmit_bundle(ctx, bc, d["revision"], form_changes=changes)
    elif action == "issue":
        services.issue_bundle_results(ctx, bc, d["delivery"], d["revision"], address=d.get("address", ""))
    elif action == "issue_items":
        services.issue_bundle_results(
            ctx, bc, d["delivery"], d["revision"], address=d.get("address", ""), numbers=d["cases"]
        )
    elif action == "result_mode":
        services.choose_result_mode(ctx, bc, d["result_mode"], d["revision"])
    elif action == "supply_deferred":
        services.supply_bundle_deferred(ctx, bc, d["material"], d["revision"])
    elif action == "withdraw":
        services.withdraw_bundle_item(ctx, bc, d["case"], d.get("reason", ""), d["revision"])
    elif action == "joint_schedule":
        services.schedule_joint_step(ctx, bc, d["kind"], d["when"], d["place"], d["cases"])
    elif action == "joint_record":
        step = JointStep.objects.filter(bundle_case=bc, pk=d["step"]).first()
        if step is None:
            raise DomainError("not_found", "没有找到该联合环节", None)
        services.record_joint_outcome(ctx, step, d["outcome"], d["passed"] == "1")


# ---- the general window -------------------------------------------------------------------------------------


@login_required
def window_home(request: HttpRequest) -> HttpResponse:
    """/bundles/window/: the bundles the clerk may take, and the bundle cases waiting at this front desk."""
    if not _clerk(request.user):
        return _message(request, NOT_CLERK)
    centre = _me(request).service_centre
    bundles = list(bundle_defs.published_bundles(region_path=centre.division.path).prefetch_related("items"))
    desk = selectors.visible_bundle_cases(request.user).select_related("bundle")
    queues = [
        ("待受理", "submitted", list(desk.filter(phase=P.SUBMITTED).order_by("submitted_at")[:50])),
        ("待补正", "correction", list(desk.filter(phase=P.CORRECTION).order_by("submitted_at")[:50])),
        (
            "待出件",
            "ready",
            list(
                desk.filter(
                    Q(phase=P.READY)
                    | Q(phase=P.IN_PROGRESS, result_mode=BundleCase.ResultMode.SEPARATE, children__status=S.DECIDED)
                )
                .distinct()
                .order_by("submitted_at")[:50]
            ),
        ),
    ]
    for _, _, rows in queues:
        for bc in rows:
            bc.masked_id = mask_resident_id(bc.applicant_id_number)  # type: ignore[attr-defined]
    return render(
        request,
        "bundle_cases/window_home.html",
        {"centre": centre, "bundles": bundles, "queues": queues, "window": clerk_window(request)},
    )


def _window_kind(posted: object) -> str:
    """The kind of applicant a window form names, as a case records it (a company being formed: its founder)."""
    return "legal" if posted == "legal" else "natural"


@login_required
def window_apply(request: HttpRequest, code: str) -> HttpResponse:
    """/bundles/window/apply/<code>/: take a whole bundle at the window for an identified applicant."""
    if not _clerk(request.user):
        return _message(request, NOT_CLERK)
    bundle = _published(code)
    if bundle is None:
        return _not_found(request, "没有找到该一件事，或其中有事项暂停办理")
    bundle_items = list(bundle.items.all())
    if request.method != "POST":
        raw = request.GET.getlist("items") if "chosen" in request.GET else None
        ids = choice_from(bundle_items, raw)
        return _render_window(request, bundle, bundle_items, ids, cf.WindowApplicantForm(), {}, {}, [])
    ids = choice_from(bundle_items, request.POST.getlist("items"))
    chosen = [i for i in bundle_items if i.pk in set(ids)]
    schema = services.merged_form(chosen, _window_kind(request.POST.get("kind")))
    applicant = cf.WindowApplicantForm(request.POST, request.FILES)
    values = cf.read_schema_post(schema, request.POST, skip=cf.SHARED_APPLICANT_KEYS)
    rows = material_rows(chosen, holder_code="")  # at the window licence-backed ones may come on paper
    known = {r["name"] for r in rows}
    paper = [p for p in request.POST.getlist("paper") if p in known]
    if request.POST.get("action") == "items":  # the clerk changed the items: the same page, nothing lost
        return _render_window(request, bundle, bundle_items, ids, applicant, values, {}, paper, unbound=True)
    token = cf.clean_token(request.POST.get("token"))
    if token is None:
        return _render_window(
            request,
            bundle,
            bundle_items,
            ids,
            applicant,
            values,
            {},
            paper,
            error="页面已过期，请检查后重新提交。",
            status=400,
        )
    done = _used(request, f"window:{token}")
    if done is not None:
        messages.info(request, "该一件事已收件，请勿重复提交。")
        return redirect("bundle_cases:case", number=done.number)
    valid = applicant.is_valid()
    data = {**values, **(applicant.shared_values() if valid else {})}
    check = [f for f in schema if valid or f.get("key") not in cf.SHARED_APPLICANT_KEYS]
    _, errors = validate_submission(check, data)
    if not valid or errors:
        applicant.take_shared_errors(errors)
        return _render_window(
            request,
            bundle,
            bundle_items,
            ids,
            applicant,
            values,
            errors,
            paper,
            status=400,
            error="填写的内容有误，请按提示修改后重新提交。",
        )
    d = applicant.cleaned_data
    try:
        bc = services.apply_bundle_at_window(
            ctx_for(request),
            bundle,
            item_ids=ids,
            identity_check=d["identity_check"],
            form_data=data,
            paper_materials=paper,
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
        messages.info(request, "该一件事已收件，请勿重复提交。")
        return redirect("bundle_cases:case", number=replay.result.number)
    except services.FormInvalid as exc:
        applicant.take_agency_errors(exc.errors)
        applicant.take_shared_errors(exc.errors)
        return _render_window(
            request, bundle, bundle_items, ids, applicant, values, exc.errors, paper, status=400, error=exc.message
        )
    except DomainError as exc:
        return _render_window(
            request, bundle, bundle_items, ids, applicant, values, {}, paper, status=exc.status, error=exc.message
        )
    messages.success(request, f"已收件，一件事办件编号 {bc.number}。请审查材料后作出受理决定。")
    return redirect(reverse("bundle_cases:case", args=[bc.number]) + "#decide")


def _render_window(
    request: HttpRequest,
    bundle: Bundle,
    bundle_items: list[BundleItem],
    ids: list[int],
    applicant: cf.WindowApplicantForm,
    values: dict[str, Any],
    errors: dict[str, str],
    paper: list[str],
    *,
    error: str = "",
    status: int = 200,
    unbound: bool = False,
) -> HttpResponse:
    chosen = [i for i in bundle_items if i.pk in set(ids)]
    schema = services.merged_form(chosen, _window_kind(applicant.data.get("kind")))
    asked = _field_usage(chosen)
    fields = cf.schema_fields(schema, values, errors, skip=cf.SHARED_APPLICANT_KEYS)
    for fld in fields:
        fld.asked = asked.get(fld.key, 1)  # type: ignore[attr-defined]
    rows = material_rows(chosen, holder_code="")  # at the window licence-backed ones may come on paper
    for row in rows:
        row["checked"] = row["name"] in paper
    summary = []
    if applicant.is_bound and not unbound:
        summary = [
            (f"id_{name}", applicant.fields[name].label, "；".join(str(e) for e in errs))
            for name, errs in applicant.errors.items()
            if name in applicant.fields
        ]
    summary += [(fld.id, fld.label, fld.error) for fld in fields if fld.error]
    return render(
        request,
        "bundle_cases/window_apply.html",
        {
            "bundle": bundle,
            "items": item_rows(bundle_items, set(ids)),
            "savings": bundle_defs.savings_for(bundle, ids),
            "applicant": applicant,
            "show_applicant_errors": applicant.is_bound and not unbound,
            "fields": fields,
            "materials": rows,
            "token": cf.new_token(),
            "error": error,
            "summary": summary,
            "window": clerk_window(request),
            "centre": _me(request).service_centre,
        },
        status=status,
    )


# ---- supervision ------------------------------------------------------------------------------------------


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """/bundles/supervision/: open bundle cases of the jurisdiction and the child that holds each up."""
    if not policy.may_use_board(actor_of(request.user)):
        return _message(request, "一件事督办看板仅供督办人员使用。")
    overdue = request.GET.get("filter") == "overdue"
    raw = request.GET.get("page", "1")
    number = max(1, int(raw)) if raw.isdigit() and len(raw) < 7 else 1
    day = _today()
    rows, total = selectors.bundle_board(
        request.user, overdue_only=overdue, today=day, limit=PER_PAGE, offset=(number - 1) * PER_PAGE
    )
    overdue_total = selectors.bundle_board(request.user, overdue_only=True, today=day, limit=0)[1]
    all_total = total if not overdue else selectors.bundle_board(request.user, today=day, limit=0)[1]
    cal = current_calendar() if rows else None
    for bc in rows:
        bc.badge = PHASE_BADGES.get(bc.phase, "")  # type: ignore[attr-defined]
        bc.deadline = selectors.bundle_deadline_of(bc, cal, day)  # type: ignore[attr-defined]
        if bc.holdup is not None:  # type: ignore[attr-defined]
            bc.holdup.status_label = STATUS_LABELS[S(bc.holdup.status)]  # type: ignore[attr-defined]
            bc.holdup.deadline = selectors.deadline_of(bc.holdup, cal, day)  # type: ignore[attr-defined]
    last = max(1, (total + PER_PAGE - 1) // PER_PAGE)
    return render(
        request,
        "bundle_cases/case_board.html",
        {
            "rows": rows,
            "total": total,
            "overdue": overdue,
            "overdue_total": overdue_total,
            "all_total": all_total,
            "division": _me(request).division,
            "pages": {
                "number": min(number, last),
                "last": last,
                "has_previous": number > 1,
                "has_next": number < last,
                "previous": number - 1,
                "next": number + 1,
            },
        },
    )
