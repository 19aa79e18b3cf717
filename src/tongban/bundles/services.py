"""Writes to bundle definitions, with their rules."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from tongban.audit.services import record as audit
from tongban.cases import services as cases
from tongban.cases.models import Case, CaseEvent, CaseMaterial
from tongban.cases.signals import case_transitioned
from tongban.cases.uploads import upload_problem
from tongban.cases.workflow import TERMINAL, CaseAction, CaseStatus
from tongban.catalogue.formschema import merge_forms, validate_submission
from tongban.catalogue.models import ImplementationVersion
from tongban.catalogue.services import bump_catalogue_generation
from tongban.core.errors import ConflictError, DomainError
from tongban.jurisdictions.models import ServiceCentre
from tongban.workdays import workcal
from tongban.workdays.selectors import current_calendar

from .models import Bundle, BundleCase, BundleItem, BundleMaterial, JointStep
from .progress import derive_phase
from .savings import DependencyError, normalise_material, stages
from .selectors import item_specs


def bundle_problems(bundle: Bundle) -> list[tuple[str, str]]:
    """Every reason a bundle cannot be published, as (field, Chinese message)."""
    problems: list[tuple[str, str]] = []
    items = list(
        bundle.items.select_related("implementation__published_version", "implementation__entry").prefetch_related(
            "depends_on"
        )
    )
    if len(items) < 2:
        problems.append(("items", "一件事至少应包含两个事项"))
    for item in items:
        if item.implementation.published_version_id is None:
            problems.append(("items", f"事项“{item.implementation.entry.name}”没有已发布的办事指南"))
        if item.result_as_material and not item.depends_on.exists():
            problems.append(("items", f"事项“{item.implementation.entry.name}”填写了前置结果材料，但未指定前置事项"))
    try:
        stages(item_specs(bundle))
    except DependencyError as exc:
        problems.append(("items", str(exc)))
    if bundle.promised_days > bundle.statutory_days:
        problems.append(
            (
                "promised_days",
                f"承诺办结时限（{bundle.promised_days}个工作日）不能超过法定办结时限"
                f"（{bundle.statutory_days}个工作日）",
            )
        )
    keys = {
        f["key"]
        for item in items
        if item.implementation.published_version
        for f in item.implementation.published_version.form_schema
    }
    for key in bundle.shared_fields:
        if key not in keys:
            problems.append(("shared_fields", f"共享字段“{key}”不在任何事项的申请表单中"))
    return problems


@transaction.atomic
def publish_bundle(bundle: Bundle) -> Bundle:
    problems = bundle_problems(bundle)
    if problems:
        raise DomainError("publish_rejected", "；".join(m for _, m in problems), problems[0][0], status=422)
    bundle.status = Bundle.Status.PUBLISHED
    bundle.save(update_fields=["status", "updated_at"])
    bump_catalogue_generation()  # search indexes rebuild when the generation moves
    return bundle


@transaction.atomic
def retire_bundle(bundle: Bundle) -> Bundle:
    bundle.status = Bundle.Status.RETIRED
    bundle.save(update_fields=["status", "updated_at"])
    bump_catalogue_generation()
    return bundle


# ==== bundle applications (一件事一次办) ====================================================================
# One form and one material set for the chosen items; a child Case per item. Items without prerequisites
# start at acceptance, in parallel; an item waits for its prerequisites' results, which reach it as a
# material by themselves. A failed prerequisite ends its dependants; the others go on.


A = CaseAction
P = BundleCase.Phase


def chosen_items(bundle: Bundle, item_ids: Iterable[int] | None) -> list[BundleItem]:
    """All items, or the applicant's subset; items the law requires together cannot be left out."""
    items = list(
        bundle.items.select_related("implementation__published_version", "implementation__department").prefetch_related(
            "depends_on"
        )
    )
    if item_ids is None:
        return items
    wanted = {int(i) for i in item_ids}
    unknown = wanted - {i.pk for i in items}
    if unknown:
        raise DomainError("unknown_item", "所选事项不属于该一件事", "items")
    missing = [i for i in items if i.required and i.pk not in wanted]
    if missing:
        names = "、".join(
            i.implementation.published_version.name for i in missing if i.implementation.published_version
        )
        raise DomainError("required_item", f"依法须一并办理的事项不能取消：{names}", "items")
    chosen = [i for i in items if i.pk in wanted]
    if not chosen:
        raise DomainError("no_item", "请至少选择一个事项", "items")
    return chosen


def _prerequisites(item: BundleItem, chosen: set[int]) -> list[BundleItem]:
    return [d for d in item.depends_on.all() if d.pk in chosen]


def _version(item: BundleItem) -> ImplementationVersion:
    """The item's current published version; a bundle offers only items that have one."""
    version = item.implementation.published_version
    if version is None:
        raise DomainError("item_unpublished", f"事项“{item.implementation}”暂无已发布的办事指南，暂不能申请", "items")
    return version


def merged_form(items: list[BundleItem]) -> list[dict[str, Any]]:
    return merge_forms([_version(i).form_schema for i in items])


def required_uploads(items: list[BundleItem]) -> list[str]:
    """What the applicant uploads once: every required material of the chosen items, named once, less
    e-licence replacements and results a chosen prerequisite produces."""
    chosen = {i.pk for i in items}
    names: dict[str, None] = {}
    for item in items:
        from_results = {normalise_material(item.result_as_material)} if _prerequisites(item, chosen) else set()
        for m in _version(item).materials.all():
            key = normalise_material(m.name)
            if m.necessity == "required" and not m.licence_replaceable and key not in from_results:
                names[key] = None
    return list(names)


def _lead_centre(bundle: Bundle) -> ServiceCentre | None:
    """Online bundle applications are accepted at the centre that hosts the lead department."""
    return (
        ServiceCentre.objects.filter(departments=bundle.lead_department_id).order_by("id").first()
        or ServiceCentre.objects.filter(division_id=bundle.division_id).order_by("id").first()
    )


def _check_published(bundle: Bundle) -> None:
    if bundle.status != Bundle.Status.PUBLISHED:
        raise DomainError("bundle_unavailable", "该一件事暂未开放申请", "bundle")
    if any(i.implementation.published_version_id is None for i in bundle.items.all()):
        raise DomainError("bundle_unavailable", "该一件事中有事项暂停办理，暂不能申请", "bundle")


@transaction.atomic
def start_bundle_online(
    ctx: cases.Ctx, bundle: Bundle, item_ids: Iterable[int] | None = None, form_data: dict | None = None
) -> BundleCase:
    user = ctx.user
    if not getattr(user, "is_authenticated", False) or getattr(user, "kind", "") == "staff":
        raise DomainError("forbidden", "请以自然人或法人账号登录后申请", None, status=403)
    _check_published(bundle)
    items = chosen_items(bundle, item_ids)
    data = {**cases.prefill(user, merged_form(items)), **(form_data or {})}
    legal = user.kind == "enterprise"
    bc = BundleCase.objects.create(
        number=f"draft-{uuid.uuid4().hex[:24]}",
        query_code=cases._query_code(),
        bundle=bundle,
        applicant=user,
        applicant_kind="legal" if legal else "natural",
        applicant_name=user.real_name or user.get_username(),
        applicant_id_number=(user.uscc if legal else user.id_number) or "",
        applicant_phone=user.phone,
        form_data=data,
        channel="online",
        receiving_division_id=bundle.division_id,
        promised_days=bundle.promised_days,
        statutory_days=bundle.statutory_days,
    )
    bc.items.set(items)
    return bc


def _as_bundle(ctx: cases.Ctx) -> cases.Ctx:
    """The context the bundle acts on its items in: the front-desk actions are the bundle's own."""
    return replace(ctx, via_bundle=True)


def _open_children(bc: BundleCase):
    """Items still in hand: one the applicant withdrew on its own is left alone by the bundle's actions."""
    return bc.children.exclude(status__in=[s.value for s in TERMINAL]).order_by("id")


def _locked_bundle_case(bc: BundleCase, revision: int | None) -> BundleCase:
    locked = BundleCase.objects.select_for_update(of=("self",)).select_related("bundle").get(pk=bc.pk)
    if revision is not None and locked.revision != revision:
        raise ConflictError("stale_revision", "该一件事办件已被他人处理，请刷新后重试。", "revision")
    return locked


def _own_draft(ctx: cases.Ctx, bc: BundleCase) -> None:
    if bc.applicant_id != getattr(ctx.user, "pk", None):
        raise DomainError("forbidden", "无权操作该一件事办件", None, status=403)
    if bc.phase != P.DRAFT:
        raise ConflictError("not_draft", "已提交的申请不能再修改", "phase")


@transaction.atomic
def save_bundle_draft(
    ctx: cases.Ctx, bc: BundleCase, form_data: dict, item_ids: Iterable[int] | None = None, revision: int | None = None
) -> BundleCase:
    locked = _locked_bundle_case(bc, revision)
    _own_draft(ctx, locked)
    locked.form_data = {**locked.form_data, **form_data}
    if item_ids is not None:
        locked.items.set(chosen_items(locked.bundle, item_ids))
    locked.revision += 1
    locked.save()
    return locked


def attach_bundle_material(ctx: cases.Ctx, bc: BundleCase, name: str, filename: str, content: bytes) -> BundleMaterial:
    """Uploaded once for the bundle; every child that needs it receives it at submission."""
    if bc.applicant_id != getattr(ctx.user, "pk", None) and getattr(ctx.user, "role", "") != "window_clerk":
        raise DomainError("forbidden", "无权为该一件事办件上传材料", None, status=403)
    if bc.phase not in (P.DRAFT, P.CORRECTION, P.SUBMITTED):  # issue 4 pages/API: no files after acceptance
        raise ConflictError("not_open", "该一件事办件已受理，不能再上传申请材料", "file")
    items = list(bc.items.select_related("implementation__published_version"))
    known = {normalise_material(m.name) for i in items for m in _version(i).materials.all()}
    key = normalise_material(name)
    if key not in known:
        raise DomainError("unknown_material", f"“{name}”不是所选事项要求的申请材料", "name")
    kind, problem = upload_problem(filename, content)
    if problem:
        raise DomainError("bad_file", problem, "file")
    with transaction.atomic():
        BundleMaterial.objects.filter(bundle_case=bc, name=key).delete()
        material = BundleMaterial(
            bundle_case=bc,
            name=key,
            content_type=kind or "",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        material.file.save(f"{bc.pk}-{uuid.uuid4().hex[:8]}", ContentFile(content), save=False)
        material.save()
    return material


def _create_children(ctx: cases.Ctx, bc: BundleCase, items: list[BundleItem], cleaned: dict[str, Any]) -> None:
    chosen = {i.pk for i in items}
    uploads = {m.name: m for m in bc.materials.all()}
    day = cases._today()
    for item in items:
        version = _version(item)
        keys = {f["key"] for f in version.form_schema}
        child = Case.objects.create(
            number=cases.next_case_number(bc.receiving_division_id[:6], day),
            query_code=cases._query_code(),
            implementation=item.implementation,
            version=version,
            status=CaseStatus.SUBMITTED.value,
            applicant=bc.applicant,
            applicant_kind=bc.applicant_kind,
            applicant_name=bc.applicant_name,
            applicant_id_number=bc.applicant_id_number,
            applicant_phone=bc.applicant_phone,
            identity_check=bc.identity_check,
            form_data={k: v for k, v in cleaned.items() if k in keys},
            channel=bc.channel,
            receiving_division_id=bc.receiving_division_id,
            receiving_centre=bc.receiving_centre,
            deciding_department_id=item.implementation.department_id,
            deciding_division_id=item.implementation.division_id,
            bundle_case=bc,
            bundle_item=item,
            submitted_at=timezone.now(),
        )
        waits_for_result = normalise_material(item.result_as_material) if _prerequisites(item, chosen) else None
        for m in version.materials.all():
            key = normalise_material(m.name)
            if key == waits_for_result:
                continue  # arrives from the prerequisite's result
            if m.licence_replaceable:
                CaseMaterial.objects.create(case=child, name=m.name, state=CaseMaterial.State.REPLACED)
            elif key in uploads:
                up = uploads[key]
                CaseMaterial.objects.create(
                    case=child,
                    name=m.name,
                    file=up.file.name,
                    content_type=up.content_type,
                    size=up.size,
                    sha256=up.sha256,
                    paper_checked=up.paper_checked,
                )
        CaseEvent.objects.create(
            case=child,
            action=A.SUBMIT.value,
            from_status=CaseStatus.DRAFT.value,
            to_status=child.status,
            actor=ctx.user if getattr(ctx.user, "pk", None) else None,
            actor_role=getattr(ctx.user, "role", "") or getattr(ctx.user, "kind", ""),
            channel=bc.channel,
            reason=f"一件事“{bc.bundle.name}”一表申报",
        )


@transaction.atomic
def submit_bundle(ctx: cases.Ctx, bc: BundleCase, revision: int | None = None) -> BundleCase:
    locked = _locked_bundle_case(bc, revision)
    _own_draft(ctx, locked)
    _check_published(locked.bundle)
    items = list(locked.items.select_related("implementation__published_version").prefetch_related("depends_on"))
    cleaned, errors = validate_submission(merged_form(items), locked.form_data)
    if errors:
        raise cases.FormInvalid(errors)
    have = {m.name for m in locked.materials.all()}
    missing = [n for n in required_uploads(items) if n not in have]
    if missing:
        raise DomainError(
            "materials_missing", "请上传以下必要材料（每份只需上传一次）：" + "、".join(missing), "materials"
        )
    locked.form_data = cleaned
    locked.number = cases.next_case_number(locked.receiving_division_id[:6], cases._today(), prefix="YJS")
    locked.phase = P.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.revision += 1
    locked.receiving_centre = locked.receiving_centre or _lead_centre(locked.bundle)
    locked.save()
    _create_children(ctx, locked, items, cleaned)
    audit("bundle_case.submit", "bundle_case", locked.number, actor=ctx.user, ip=ctx.ip)
    return locked


@transaction.atomic
def apply_bundle_at_window(
    ctx: cases.Ctx,
    bundle: Bundle,
    *,
    item_ids: Iterable[int] | None,
    applicant: dict,
    identity_check: str,
    form_data: dict,
    paper_materials: Iterable[str] = (),
) -> BundleCase:
    """The clerk takes the whole bundle at once, for an applicant whose identity they verified."""
    clerk = ctx.user
    centre = cases.window_clerk_centre(ctx)
    _check_published(bundle)
    items = chosen_items(bundle, item_ids)
    cases.check_window_applicant(applicant, identity_check)
    cleaned, errors = validate_submission(merged_form(items), form_data)
    if errors:
        raise cases.FormInvalid(errors)
    from tongban.accounts.models import User

    account = User.objects.filter(id_number=applicant["id_number"]).first()
    bc = BundleCase.objects.create(
        number=cases.next_case_number(centre.division_id[:6], cases._today(), prefix="YJS"),
        query_code=cases._query_code(),
        bundle=bundle,
        phase=P.SUBMITTED,
        applicant=account,
        applicant_kind=applicant.get("kind", "natural"),
        applicant_name=applicant["name"],
        applicant_id_number=applicant["id_number"],
        applicant_phone=applicant.get("phone", ""),
        identity_check=identity_check,
        form_data=cleaned,
        channel="window",
        receiving_division_id=centre.division_id,
        receiving_centre=centre,
        promised_days=bundle.promised_days,
        statutory_days=bundle.statutory_days,
        submitted_at=timezone.now(),
    )
    bc.items.set(items)
    known = {normalise_material(m.name) for i in items for m in _version(i).materials.all()}
    for name in paper_materials:
        key = normalise_material(name)
        if key not in known:
            raise DomainError("unknown_material", f"“{name}”不是所选事项要求的申请材料", "paper_materials")
        BundleMaterial.objects.create(bundle_case=bc, name=key, paper_checked=True)
    _create_children(ctx, bc, items, cleaned)
    audit("bundle_case.apply_at_window", "bundle_case", bc.number, actor=clerk, ip=ctx.ip)
    return bc


def _bundle_deadlines(bc: BundleCase) -> None:
    bc.accepted_on = cases._today()
    try:
        cal = current_calendar()
        bc.promised_due = workcal.due_date(cal, bc.accepted_on, bc.promised_days)
        bc.statutory_due = workcal.due_date(cal, bc.accepted_on, bc.statutory_days)
        bc.calendar_unknown = False
    except workcal.UnknownCalendarYear:
        bc.calendar_unknown = True


def _applicant_or_clerk(ctx: cases.Ctx, bc: BundleCase) -> None:
    """The applicant's own account, or a clerk of the receiving centre acting for them."""
    own = (
        bc.applicant_id is not None
        and bc.applicant_id == getattr(ctx.user, "pk", None)
        and getattr(ctx.user, "kind", "") != "staff"
    )
    if not own:
        _clerk_may_accept(ctx, bc)


def _clerk_may_accept(ctx: cases.Ctx, bc: BundleCase) -> None:
    if getattr(ctx.user, "role", "") != "window_clerk" or ctx.user.service_centre_id != bc.receiving_centre_id:
        raise DomainError("forbidden", "只有受理中心的综合窗口人员可以受理该一件事", None, status=403)


@transaction.atomic
def accept_bundle(
    ctx: cases.Ctx,
    bc: BundleCase,
    revision: int | None = None,
    *,
    refusals: dict[int, str] | None = None,
    deferrals: Iterable[cases.Deferral] = (),
) -> BundleCase:
    """受理 the bundle: parallel items start now; dependent ones wait; 不予受理 per item with its reason."""
    locked = _locked_bundle_case(bc, revision)
    _clerk_may_accept(ctx, locked)
    if locked.phase != P.SUBMITTED:
        raise ConflictError(
            "transition_not_allowed", f"一件事办件当前为“{locked.get_phase_display()}”，不能受理", "phase"
        )
    refusals = {int(k): v for k, v in (refusals or {}).items()}
    deferrals = list(deferrals)
    every = list(
        locked.children.select_related("bundle_item", "version")
        .prefetch_related("bundle_item__depends_on")
        .order_by("id")
    )
    children = [c for c in every if c.status not in TERMINAL]  # one the applicant withdrew stays as it is
    if not children:
        raise ConflictError("nothing_open", "本一件事办件的事项均已撤回或办结，无可受理的事项", "phase")
    if set(refusals) - {c.bundle_item_id for c in children}:
        raise DomainError("unknown_item", "不予受理的事项不在本件中", "refusals")
    _bundle_deadlines(locked)
    desk = _as_bundle(ctx)
    locked.phase = P.IN_PROGRESS
    locked.revision += 1
    locked.save()
    chosen = {c.bundle_item_id for c in every}

    def prereqs(child: Case) -> list[int]:
        assert child.bundle_item is not None  # every child of a bundle case has its item
        return [d.pk for d in child.bundle_item.depends_on.all() if d.pk in chosen]

    # An item whose prerequisite is refused (or was withdrawn before acceptance) cannot go on, nor can
    # anything that waits for it: the result it waits for will never come.
    doomed = set(refusals) | {c.bundle_item_id for c in every if c.status in TERMINAL}
    changed = True
    while changed:
        changed = False
        for child in children:
            if child.bundle_item_id not in doomed and any(p in doomed for p in prereqs(child)):
                doomed.add(child.bundle_item_id)  # type: ignore[arg-type]  # set on every child
                changed = True
    for child in children:
        item_id = child.bundle_item_id
        if item_id in refusals:
            cases.refuse(desk, child, refusals[item_id] or "不符合受理条件")
        elif item_id in doomed:
            cases.system_transition(child, A.TERMINATE, ctx=ctx, reason="前置事项不予受理或已撤回，本事项无法继续办理")
        elif prereqs(child):
            cases._act(desk, child, A.ACCEPT_WAITING, None, reason="等待前置事项办结后自动启动")
        else:
            mine = [d for d in deferrals if d.material in {m.name for m in child.version.materials.all()}]
            cases.accept(desk, child, None, mine)
    _refresh_phase(locked)
    audit("bundle_case.accept", "bundle_case", locked.number, actor=ctx.user, ip=ctx.ip)
    return locked


@transaction.atomic
def request_bundle_correction(
    ctx: cases.Ctx, bc: BundleCase, items: list[str], revision: int | None = None
) -> BundleCase:
    """补正: one complete list across all items (一次告知)."""
    locked = _locked_bundle_case(bc, revision)
    _clerk_may_accept(ctx, locked)
    items = [i.strip() for i in items if i and i.strip()]
    if not items:
        raise DomainError("required", "补正通知须一次性列明全部需要补正的材料或内容", "items")
    if locked.phase != P.SUBMITTED:
        raise ConflictError("transition_not_allowed", "只有待受理的一件事办件可以要求补正", "phase")
    locked.phase, locked.correction_items = P.CORRECTION, items
    locked.revision += 1
    locked.save()
    for child in _open_children(locked):
        cases.request_correction(_as_bundle(ctx), child, items)
    return locked


@transaction.atomic
def resubmit_bundle(ctx: cases.Ctx, bc: BundleCase, revision: int | None = None) -> BundleCase:
    locked = _locked_bundle_case(bc, revision)
    _applicant_or_clerk(ctx, locked)
    if locked.phase != P.CORRECTION:
        raise ConflictError("transition_not_allowed", "该一件事办件不在待补正状态", "phase")
    _sync_child_materials(locked)
    for child in _open_children(locked):
        cases.resubmit(_as_bundle(ctx), child)
    locked.phase = P.SUBMITTED
    locked.revision += 1
    locked.save()
    return locked


def _sync_child_materials(bc: BundleCase) -> None:
    """After 补正 the files uploaded once again reach every child that needs them (issue 4 pages/API)."""
    uploads = {m.name: m for m in bc.materials.all() if m.file}
    for child in _open_children(bc).select_related("version"):
        held = {m.name: m for m in child.materials.filter(state=CaseMaterial.State.RECEIVED)}
        for req in child.version.materials.all():
            up = uploads.get(normalise_material(req.name))
            if up is None or (req.name in held and held[req.name].sha256 == up.sha256):
                continue
            CaseMaterial.objects.filter(case=child, name=req.name, state__in=["received", "missing"]).delete()
            CaseMaterial.objects.create(
                case=child,
                name=req.name,
                file=up.file.name,
                content_type=up.content_type,
                size=up.size,
                sha256=up.sha256,
                paper_checked=up.paper_checked,
            )


def _refresh_phase(bc: BundleCase) -> None:
    if bc.phase not in (P.SUBMITTED, P.CORRECTION, P.IN_PROGRESS, P.READY):
        return
    statuses = list(Case.objects.filter(bundle_case=bc).values_list("status", flat=True))
    if bc.phase in (P.SUBMITTED, P.CORRECTION):
        # Before acceptance only the applicant's withdrawal ends an item: the bundle ends with the last one.
        if not statuses or any(s != CaseStatus.WITHDRAWN for s in statuses):
            return
        phase = P.WITHDRAWN.value
    else:
        phase = derive_phase(statuses)
    if phase != bc.phase:
        bc.phase = phase
        if phase in (P.CLOSED, P.REFUSED, P.WITHDRAWN):
            bc.closed_at = timezone.now()
        BundleCase.objects.filter(pk=bc.pk).update(phase=phase, closed_at=bc.closed_at)


@receiver(case_transitioned, dispatch_uid="bundles.on_child_transition")
def on_child_transition(sender: Any, case: Case, action: CaseAction, before: str, **kwargs: Any) -> None:
    """A child moved: start or end its dependants, then re-derive the bundle's phase."""
    if case.bundle_case_id is None:
        return
    bc = BundleCase.objects.get(pk=case.bundle_case_id)
    if action in (A.GRANT, A.DENY, A.REFUSE, A.WITHDRAW, A.TERMINATE) and case.bundle_item_id:
        siblings = Case.objects.filter(bundle_case=bc).select_related("bundle_item", "version")
        by_item = {c.bundle_item_id: c for c in siblings}
        for dependant in siblings:
            if dependant.status != CaseStatus.WAITING or dependant.bundle_item is None:
                continue
            prereqs = [by_item[d.pk] for d in dependant.bundle_item.depends_on.all() if d.pk in by_item]
            if case.pk not in {p.pk for p in prereqs}:
                continue
            failed = [
                p
                for p in prereqs
                if p.status in (CaseStatus.REFUSED, CaseStatus.WITHDRAWN, CaseStatus.TERMINATED)
                or p.decision == "denied"
            ]
            if failed:
                names = "、".join(p.version.name for p in failed)
                cases.system_transition(dependant, A.TERMINATE, reason=f"前置事项“{names}”未获准予，本事项无法继续办理")
                cases.tell(
                    dependant,
                    "terminated",
                    "一件事事项终止",
                    f"因“{names}”未获准予，“{dependant.version.name}”无法继续办理；其他事项不受影响，继续办理。",
                )
            elif all(p.decision == "granted" for p in prereqs):
                _start_dependant(dependant, prereqs)
    _refresh_phase(bc)


def _start_dependant(child: Case, prereqs: list[Case]) -> None:
    material = child.bundle_item.result_as_material if child.bundle_item else ""

    def mutate(c: Case) -> None:
        if material:
            CaseMaterial.objects.update_or_create(case=c, name=material, defaults={"state": CaseMaterial.State.RESULT})
        cases.start_clock(c)

    started = cases.system_transition(
        child,
        A.START,
        mutate=mutate,
        reason=f"前置事项“{'、'.join(p.version.name for p in prereqs)}”已准予，结果“{material or '—'}”自动作为材料",
        data={"prerequisites": [p.number for p in prereqs], "result_material": material},
    )
    cases.tell(
        started, "started", "事项已自动启动", f"“{started.version.name}”已自动启动办理，无需再提交“{material}”。"
    )


RESULT_MODE_PHASES = (P.DRAFT, P.SUBMITTED, P.CORRECTION, P.IN_PROGRESS, P.READY)


@transaction.atomic
def choose_result_mode(ctx: cases.Ctx, bc: BundleCase, mode: str, revision: int | None = None) -> BundleCase:
    """统一出件 (all results at once) or 逐项出件 (each as it is decided): the applicant's choice, recorded by
    the applicant or by a clerk of the receiving centre, until the results are out."""
    if mode not in BundleCase.ResultMode.values:
        raise DomainError("bad_result_mode", "出件方式应为统一出件（together）或逐项出件（separate）", "result_mode")
    locked = _locked_bundle_case(bc, revision)
    _applicant_or_clerk(ctx, locked)
    if locked.phase not in RESULT_MODE_PHASES:
        raise ConflictError(
            "transition_not_allowed", f"一件事办件当前为“{locked.get_phase_display()}”，不能更改出件方式", "phase"
        )
    if locked.result_mode != mode:
        before, locked.result_mode = locked.result_mode, mode
        locked.revision += 1
        locked.save()
        audit(
            "bundle_case.result_mode",
            "bundle_case",
            locked.number,
            actor=ctx.user,
            ip=ctx.ip,
            detail={"from": before, "to": mode},
        )
    return locked


@transaction.atomic
def issue_bundle_results(
    ctx: cases.Ctx,
    bc: BundleCase,
    delivery: str,
    revision: int | None = None,
    address: str = "",
    numbers: Iterable[str] | None = None,
) -> BundleCase:
    """统一出件: every decided item's result at one desk or in one delivery (``address`` for post).
    逐项出件 (``numbers``: the items to issue now), only where the applicant chose it: a decided item's result
    goes out while the others are still in hand."""
    locked = _locked_bundle_case(bc, revision)
    decided = locked.children.filter(status=CaseStatus.DECIDED.value).order_by("id")
    if numbers is None:
        if locked.phase != P.READY:
            raise ConflictError("not_ready", "尚有事项在办理中，暂不能统一出件", "phase")
        chosen = list(decided)
    else:
        wanted = {n.strip() for n in numbers if n and n.strip()}
        if not wanted:
            raise DomainError("required", "请选择要出件的事项", "cases")
        if locked.result_mode != BundleCase.ResultMode.SEPARATE:
            raise ConflictError("results_together", "申请人选择了统一出件，请待全部事项作出决定后一并出件", "cases")
        if locked.phase not in (P.IN_PROGRESS, P.READY):
            raise ConflictError("not_ready", f"一件事办件当前为“{locked.get_phase_display()}”，不能出件", "phase")
        chosen = list(decided.filter(number__in=wanted))
        if len(chosen) != len(wanted):
            raise DomainError("not_decided", "所选事项不属于本件，或尚未作出决定", "cases")
    for child in chosen:
        cases.issue_result(_as_bundle(ctx), child, delivery, address=address)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def withdraw_bundle_item(ctx: cases.Ctx, bc: BundleCase, item_case: Case, reason: str = "") -> Case:
    if item_case.bundle_case_id != bc.pk:
        raise DomainError("unknown_item", "该事项不属于本一件事办件", "case")
    return cases.withdraw(ctx, item_case, reason)


# ---- joint steps ---------------------------------------------------------------------------------------


@transaction.atomic
def schedule_joint_step(
    ctx: cases.Ctx, bc: BundleCase, kind: str, when: dt.datetime, place: str, case_numbers: Iterable[str]
) -> JointStep:
    """Scheduled once with every department involved (联合踏勘/评审/验收)."""
    if kind not in JointStep.Kind.values:
        raise DomainError("bad_kind", "联合环节类型应为联合踏勘、联合评审或联合验收", "kind")
    involved = list(
        bc.children.filter(
            number__in=list(case_numbers), status__in=[CaseStatus.IN_PROGRESS.value, CaseStatus.SUSPENDED.value]
        )
    )
    if len({c.deciding_department_id for c in involved}) < 2:
        raise DomainError("too_few", "联合环节应涉及两个及以上部门正在办理的事项", "cases")
    if getattr(ctx.user, "department_id", None) not in {c.deciding_department_id for c in involved}:
        raise DomainError("forbidden", "只有涉及部门的工作人员可以安排联合环节", None, status=403)
    step = JointStep.objects.create(
        bundle_case=bc, kind=kind, scheduled_for=when, place=cases._require(place, "place", "请填写联合环节地点")
    )
    step.cases.set(involved)
    return step


@transaction.atomic
def record_joint_outcome(ctx: cases.Ctx, step: JointStep, outcome: str, passed: bool) -> JointStep:
    """The outcome is recorded once and appears on every child case involved."""
    outcome = cases._require(outcome, "outcome", "请填写联合环节结论")
    locked = JointStep.objects.select_for_update().get(pk=step.pk)
    if locked.recorded_at:
        raise ConflictError("already_recorded", "该联合环节已记录结论", "outcome")
    involved = list(locked.cases.all())
    if getattr(ctx.user, "department_id", None) not in {c.deciding_department_id for c in involved}:
        raise DomainError("forbidden", "只有涉及部门的工作人员可以记录联合环节结论", None, status=403)
    locked.outcome, locked.passed, locked.recorded_at = outcome, passed, timezone.now()
    locked.save(update_fields=["outcome", "passed", "recorded_at"])
    for child in involved:
        cases.system_transition(
            child,
            A.RECORD_JOINT_STEP,
            ctx=ctx,
            reason=outcome,
            data={"kind": locked.kind, "passed": passed, "joint_step": locked.pk},
        )
    return locked
