"""Every write to a case goes through here: one transition function, the table in workflow.py, an event per
transition, optimistic concurrency by revision, deadlines recomputed from the working calendar, an audit
entry and a notice to the applicant where one is due."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from tongban.audit.services import record as audit
from tongban.catalogue.formschema import validate_submission
from tongban.catalogue.models import ImplementationVersion, ItemImplementation
from tongban.core.errors import ConflictError, DomainError
from tongban.jurisdictions.models import ServiceCentre, Window
from tongban.notifications.registry import Message
from tongban.notifications.services import notify
from tongban.workdays import workcal
from tongban.workdays.selectors import current_calendar

from . import permissions
from .models import Case, CaseEvent, CaseMaterial, CaseNumberSequence, IdempotencyRecord, Suspension, Visit
from .signals import case_transitioned
from .uploads import upload_problem
from .workflow import ACTION_LABELS, STATUS_LABELS, CaseAction, CaseStatus, CaseTransitionError, next_status

A = CaseAction
# Steps done at the front desk or after the decision: the back office decides at the last step before them.
FRONT_STEPS = frozenset({"受理", "收件", "申请"})
AFTER_DECISION_STEPS = frozenset({"办结", "送达", "出件", "制证", "发证"})
_QUERY_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass
class Ctx:
    """Who acts, through which channel and window, from where."""

    user: Any = None
    channel: str = ""
    window: Window | None = None
    ip: str = ""
    via_bundle: bool = False  # set by the bundle services, which own their items' front-desk actions


class FormInvalid(DomainError):
    """Every problem in the form at once, keyed by field."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        first = next(iter(errors))
        super().__init__("invalid_form", "申请表有误：" + "；".join(errors.values()), first)


@dataclass(frozen=True)
class Deferral:
    material: str
    due: dt.date
    commitment: str


def _today() -> dt.date:
    return timezone.localdate()


def _label(user: Any) -> str:
    return getattr(user, "role", "") or getattr(user, "kind", "")


# ---- numbers -------------------------------------------------------------------------------------------


def next_case_number(region6: str, day: dt.date, prefix: str = "") -> str:
    """Readable, unique, dense per region and day: 330681-20261122-000001 (bundles: YJS330681-…)."""
    key = prefix + region6
    # One statement in the usual case: the row stays locked until the caller's transaction ends, so every
    # submission of the region that day waits for it — take the number as late as possible.
    last = _bump_sequence(key, day)
    if last is None:
        try:
            with transaction.atomic():
                CaseNumberSequence.objects.create(region=key, day=day, last=1)
            last = 1
        except IntegrityError:  # another transaction made the day's row first
            last = _bump_sequence(key, day)
    return f"{key}-{day:%Y%m%d}-{last:06d}"


def _bump_sequence(key: str, day: dt.date) -> int | None:
    table, last, region, on = (
        connection.ops.quote_name(n) for n in (CaseNumberSequence._meta.db_table, "last", "region", "day")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {last} = {last} + 1 WHERE {region} = %s AND {on} = %s RETURNING {last}",
            [key, connection.ops.adapt_datefield_value(day)],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else None


def _query_code() -> str:
    return "".join(secrets.choice(_QUERY_ALPHABET) for _ in range(6))


# ---- process steps -------------------------------------------------------------------------------------


def back_office_steps(version: ImplementationVersion) -> list[str]:
    """The steps the back office works through before deciding (受理 is done at the front desk)."""
    names = [s.name for s in version.steps.all()]
    middle = [n for n in names if n not in FRONT_STEPS and n not in AFTER_DECISION_STEPS]
    return middle or ["审批"]


# ---- deadlines -----------------------------------------------------------------------------------------


def recompute_deadlines(
    case: Case, today: dt.date | None = None, suspensions: Iterable[Suspension] | None = None
) -> None:
    if case.accepted_on is None:
        return
    cal = current_calendar()
    stops = [
        workcal.Suspension(s.started_on, s.ended_on, s.counted)
        for s in (case.suspensions.all() if suspensions is None else suspensions)
    ]
    try:
        case.promised_due = workcal.due_date(
            cal,
            case.accepted_on,
            case.promised_days,
            extension_days=case.extension_days,
            suspensions=stops,
            today=today or _today(),
        )
        case.statutory_due = workcal.due_date(
            cal,
            case.accepted_on,
            case.statutory_days,
            extension_days=case.extension_days,
            suspensions=stops,
            today=today or _today(),
        )
        case.calendar_unknown = False
    except workcal.UnknownCalendarYear:
        case.calendar_unknown = True


# ---- the one transition function -----------------------------------------------------------------------


def _act(
    ctx: Ctx,
    case: Case,
    action: CaseAction,
    revision: int | None,
    *,
    reason: str = "",
    step_name: str = "",
    data: dict | None = None,
    mutate: Callable[[Case], None] | None = None,
    check_permission: bool = True,
) -> Case:
    with transaction.atomic():
        if case.bundle_case_id:
            # A bundle's items move one at a time, in the order bundle → item that the bundle's own actions
            # use: two approvers deciding the last two items at once would each see the other still open
            # and leave the bundle (or a dependant waiting for both) where it was.
            bundle_cases = Case._meta.get_field("bundle_case").related_model._default_manager  # type: ignore[union-attr]
            list(bundle_cases.select_for_update().filter(pk=case.bundle_case_id).values_list("pk", flat=True))
        # of=self: lock the case only. A plain FOR UPDATE also locked the joined version row, so every
        # transition of every case of the same item queued behind each other (bench/cases.py).
        locked = Case.objects.select_for_update(of=("self",)).select_related("version").get(pk=case.pk)
        if revision is not None and locked.revision != revision:
            raise ConflictError(
                "stale_revision",
                f"该办件已被他人处理（当前状态：{STATUS_LABELS[CaseStatus(locked.status)]}），请刷新后重试。",
                "revision",
            )
        if check_permission and not permissions.can_act(ctx.user, locked, action, via_bundle=ctx.via_bundle):
            raise DomainError("forbidden", f"您无权对该办件执行“{ACTION_LABELS[action]}”", None, status=403)
        before = locked.status
        try:
            locked.status = next_status(before, action).value
        except CaseTransitionError as exc:
            raise ConflictError("transition_not_allowed", str(exc), "action") from exc
        if mutate:
            mutate(locked)
        locked.revision += 1
        locked.save()
        CaseEvent.objects.create(
            case=locked,
            action=action.value,
            from_status=before,
            to_status=locked.status,
            actor=ctx.user if getattr(ctx.user, "pk", None) else None,
            actor_role=_label(ctx.user),
            channel=ctx.channel or locked.channel,
            window=ctx.window,
            step_name=step_name,
            reason=reason,
            data=data or {},
        )
        audit(
            f"case.{action.value}",
            "case",
            locked.number,
            actor=ctx.user,
            ip=ctx.ip,
            detail={"from": before, "to": locked.status},
        )
        case_transitioned.send(sender=Case, case=locked, action=action, before=before)
        return locked


SYSTEM = Ctx(None, "system")


def system_transition(
    case: Case,
    action: CaseAction,
    *,
    reason: str = "",
    data: dict | None = None,
    mutate: Callable[[Case], None] | None = None,
    ctx: Ctx = SYSTEM,
) -> Case:
    """A transition the platform makes itself (a bundle starting a dependent item), not a user's action."""
    return _act(ctx, case, action, None, reason=reason, data=data, mutate=mutate, check_permission=False)


def start_clock(case: Case) -> None:
    """Fix time limits and due dates from the pinned version, counting from today (受理 or start)."""
    _start_clock(case)


def tell(case: Case, kind: str, subject: str, body: str) -> None:
    _tell(case, kind, subject, body)


def _tell(case: Case, kind: str, subject: str, body: str) -> None:
    if case.applicant_phone:
        notify(
            Message(case.applicant_phone, case.applicant_name, subject, f"【{case.number}】{body}", case.number, kind)
        )


def _require(text: str, field_name: str, message: str) -> str:
    if not (text or "").strip():
        raise DomainError("required", message, field_name)
    return text.strip()


# ---- applying ------------------------------------------------------------------------------------------


def prefill(user: Any, schema: Iterable[dict]) -> dict[str, Any]:
    """Fill once (一次填写): from the profile, then from the applicant's latest answers to the same keys."""
    profile = {
        "applicant_name": getattr(user, "real_name", ""),
        "applicant_id_number": getattr(user, "id_number", "") or "",
        "applicant_phone": getattr(user, "phone", ""),
        "address": getattr(user, "address", ""),
        "enterprise_name": getattr(user, "real_name", "") if getattr(user, "uscc", None) else "",
        "uscc": getattr(user, "uscc", "") or "",
        "legal_representative": getattr(user, "legal_representative", ""),
    }
    keys = [f["key"] for f in schema]
    values = {k: v for k, v in profile.items() if k in keys and v}
    if getattr(user, "pk", None):
        for data in (
            Case.objects.filter(applicant=user).order_by("-updated_at").values_list("form_data", flat=True)[:20]
        ):
            for k in keys:
                if k not in values and data.get(k) not in (None, ""):
                    values[k] = data[k]
    return values


def _published_version(implementation: ItemImplementation) -> ImplementationVersion:
    version = implementation.published_version
    if version is None:
        raise DomainError("item_unavailable", "该事项暂未发布办事指南，不能申请", "implementation")
    return version


def _centre_for(implementation: ItemImplementation) -> ServiceCentre | None:
    return (
        ServiceCentre.objects.filter(departments=implementation.department_id).order_by("id").first()
        or ServiceCentre.objects.filter(division_id=implementation.division_id).order_by("id").first()
    )


def _applicant_fields(user: Any) -> dict[str, Any]:
    legal = getattr(user, "kind", "") == "enterprise"
    return {
        "applicant": user,
        "applicant_kind": "legal" if legal else "natural",
        "applicant_name": user.real_name or user.get_username(),
        "applicant_id_number": (user.uscc if legal else user.id_number) or "",
        "applicant_phone": user.phone,
    }


@transaction.atomic
def start_online(ctx: Ctx, implementation: ItemImplementation, form_data: dict | None = None) -> Case:
    """A draft for a signed-in citizen or enterprise, pre-filled (一次填写)."""
    user = ctx.user
    if not getattr(user, "is_authenticated", False) or getattr(user, "kind", "") == "staff":
        raise DomainError("forbidden", "请以自然人或法人账号登录后申请", None, status=403)
    version = _published_version(implementation)
    if "online" not in version.handling_forms:
        raise DomainError("not_online", "该事项不支持网上申请，请到窗口办理", "implementation")
    data = {**prefill(user, version.form_schema), **(form_data or {})}
    case = Case.objects.create(
        number=f"draft-{uuid.uuid4().hex[:24]}",
        query_code=_query_code(),
        implementation=implementation,
        version=version,
        form_data=data,
        channel="online",
        receiving_division_id=implementation.division_id,
        receiving_centre=_centre_for(implementation),
        deciding_department_id=implementation.department_id,
        deciding_division_id=implementation.division_id,
        **_applicant_fields(user),
    )
    CaseEvent.objects.create(
        case=case,
        action=A.SAVE_DRAFT.value,
        to_status=case.status,
        actor=user,
        actor_role=_label(user),
        channel="online",
    )
    return case


def save_draft(ctx: Ctx, case: Case, form_data: dict, revision: int | None = None) -> Case:
    def merge(c: Case) -> None:
        c.form_data = {**c.form_data, **form_data}

    return _act(ctx, case, A.SAVE_DRAFT, revision, mutate=merge)


def attach_material(ctx: Ctx, case: Case, name: str, filename: str, content: bytes) -> CaseMaterial:
    """Store one file for a named material; a bad file is refused alone, with its reason."""
    if (
        not permissions.can_act(ctx.user, case, A.SUBMIT)
        and not permissions.can_act(ctx.user, case, A.ACCEPT)
        and not permissions.can_act(ctx.user, case, A.SUPPLY_CORRECTION)
    ):
        raise DomainError("forbidden", "您无权为该办件上传材料", None, status=403)
    if case.status in (CaseStatus.CLOSED, CaseStatus.REFUSED, CaseStatus.WITHDRAWN, CaseStatus.DECIDED):
        raise ConflictError("case_closed", "该办件已不能再提交材料", "file")
    known = {m.name for m in case.version.materials.all()}
    if name not in known:
        raise DomainError("unknown_material", f"“{name}”不是该事项要求的申请材料", "name")
    kind, problem = upload_problem(filename, content)
    if problem:
        raise DomainError("bad_file", problem, "file")
    with transaction.atomic():
        CaseMaterial.objects.filter(case=case, name=name, state__in=["received", "missing"]).delete()
        material = CaseMaterial(
            case=case,
            name=name,
            state=CaseMaterial.State.RECEIVED,
            content_type=kind or "",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        material.file.save(f"{case.pk}-{uuid.uuid4().hex[:8]}", ContentFile(content), save=False)
        material.save()
    return material


def missing_materials(case: Case) -> list[str]:
    """Required materials with neither a file, a paper check, a deferral nor an e-licence replacement."""
    have = {m.name for m in case.materials.all() if m.state in ("received", "deferred", "replaced", "result")}
    return [
        m.name
        for m in case.version.materials.all()
        if m.necessity == "required" and not m.licence_replaceable and m.name not in have
    ]


def submit(ctx: Ctx, case: Case, revision: int | None = None, idempotency_key: str | None = None) -> Case:
    if idempotency_key and getattr(ctx.user, "pk", None):
        done = IdempotencyRecord.objects.filter(user=ctx.user, key=idempotency_key).select_related("case").first()
        if done:
            return done.case
    cleaned, errors = validate_submission(case.version.form_schema, case.form_data)
    if errors:
        raise FormInvalid(errors)
    prefetch_related_objects([case.version], "materials")  # read twice below: once from the database
    missing = missing_materials(case) if case.channel == "online" else []
    if missing:
        raise DomainError("materials_missing", "请上传以下必要材料：" + "、".join(missing), "materials")
    replaceable = [m.name for m in case.version.materials.all() if m.licence_replaceable]

    def stamp(c: Case) -> None:
        c.form_data = {**c.form_data, **cleaned}
        if replaceable:
            have = set(CaseMaterial.objects.filter(case=c, name__in=replaceable).values_list("name", flat=True))
            CaseMaterial.objects.bulk_create(
                [
                    CaseMaterial(case=c, name=name, state=CaseMaterial.State.REPLACED)
                    for name in replaceable
                    if name not in have
                ]
            )
        c.submitted_at = timezone.now()
        c.number = next_case_number(c.receiving_division_id[:6], _today())  # last: see next_case_number

    if idempotency_key and getattr(ctx.user, "pk", None):
        with transaction.atomic():
            submitted = _act(ctx, case, A.SUBMIT, revision, mutate=stamp)
            IdempotencyRecord.objects.create(user=ctx.user, key=idempotency_key, case=submitted)
    else:
        submitted = _act(ctx, case, A.SUBMIT, revision, mutate=stamp)
    _tell(
        submitted,
        "submitted",
        "申请已提交",
        f"您申请的“{submitted.version.name}”已提交，查询码{submitted.query_code}。",
    )
    return submitted


def window_clerk_centre(ctx: Ctx) -> ServiceCentre:
    """The centre of the acting window clerk; anyone else may not take applications at a window."""
    if getattr(ctx.user, "role", "") != "window_clerk" or not ctx.user.service_centre_id:
        raise DomainError("forbidden", "只有服务中心综合窗口人员可以窗口收件", None, status=403)
    return ctx.user.service_centre


def check_window_applicant(applicant: dict[str, str], identity_check: str) -> None:
    """A window application names the applicant and records how their identity was verified."""
    _require(identity_check, "identity_check", "请记录申请人身份核验方式")
    for key in ("name", "id_number"):
        _require(applicant.get(key, ""), f"applicant.{key}", "请填写申请人姓名和证件号码")


@transaction.atomic
def apply_at_window(
    ctx: Ctx,
    implementation: ItemImplementation,
    *,
    applicant: dict[str, str],
    identity_check: str,
    form_data: dict,
    paper_materials: Iterable[str] = (),
    agent: dict[str, str] | None = None,
) -> Case:
    """一窗受理: a clerk takes an application for any department their centre serves."""
    clerk = ctx.user
    centre = window_clerk_centre(ctx)
    if not centre.departments.filter(pk=implementation.department_id).exists():
        raise DomainError("not_served", f"本中心未受理“{implementation.department}”的事项", "implementation")
    version = _published_version(implementation)
    check_window_applicant(applicant, identity_check)
    cleaned, errors = validate_submission(version.form_schema, form_data)
    if errors:
        raise FormInvalid(errors)
    from tongban.accounts.models import User

    account = (
        User.objects.filter(id_number=applicant["id_number"]).first()
        or User.objects.filter(uscc=applicant["id_number"]).first()
    )
    case = Case.objects.create(
        number=next_case_number(centre.division_id[:6], _today()),
        query_code=_query_code(),
        implementation=implementation,
        version=version,
        status=CaseStatus.SUBMITTED.value,
        applicant=account,
        applicant_kind=applicant.get("kind", "natural"),
        applicant_name=applicant["name"],
        applicant_id_number=applicant["id_number"],
        applicant_phone=applicant.get("phone", ""),
        agent_name=(agent or {}).get("name", ""),
        agent_id_number=(agent or {}).get("id_number", ""),
        identity_check=identity_check,
        form_data=cleaned,
        channel="window",
        receiving_division_id=centre.division_id,
        receiving_centre=centre,
        receiving_window=ctx.window,
        deciding_department_id=implementation.department_id,
        deciding_division_id=implementation.division_id,
        submitted_at=timezone.now(),
    )
    known = {m.name for m in version.materials.all()}
    for name in paper_materials:
        if name not in known:
            raise DomainError("unknown_material", f"“{name}”不是该事项要求的申请材料", "paper_materials")
        CaseMaterial.objects.create(case=case, name=name, paper_checked=True)
    CaseEvent.objects.create(
        case=case,
        action=A.SUBMIT.value,
        from_status=CaseStatus.DRAFT.value,
        to_status=case.status,
        actor=clerk,
        actor_role=_label(clerk),
        channel="window",
        window=ctx.window,
        reason=f"身份核验：{identity_check}",
    )
    Visit.objects.create(case=case, purpose="窗口申请", centre=centre)
    audit("case.apply_at_window", "case", case.number, actor=clerk, ip=ctx.ip)
    return case


# ---- acceptance ----------------------------------------------------------------------------------------


def _start_clock(c: Case) -> None:
    c.accepted_on = _today()
    c.accepted_at = timezone.now()
    c.statutory_days = c.version.statutory_days
    c.promised_days = c.version.promised_days
    c.current_step = 0
    c.awaiting_decision = len(back_office_steps(c.version)) <= 1
    recompute_deadlines(c, suspensions=())  # never accepted before, so nothing has stopped its clock yet


def accept(ctx: Ctx, case: Case, revision: int | None = None, deferrals: Iterable[Deferral] = ()) -> Case:
    deferrals = list(deferrals)
    if deferrals:
        return accept_deferred(ctx, case, revision, deferrals)
    accepted = _act(ctx, case, A.ACCEPT, revision, mutate=_start_clock)
    _tell(
        accepted,
        "accepted",
        "申请已受理",
        f"您申请的“{accepted.version.name}”已受理，承诺办结日期{accepted.promised_due or '待定'}。",
    )
    return accepted


def accept_deferred(ctx: Ctx, case: Case, revision: int | None, deferrals: list[Deferral]) -> Case:
    """容缺受理: named secondary materials later, with the applicant's commitment and a due date."""
    necessity = {m.name: m.necessity for m in case.version.materials.all()}
    for d in deferrals:
        if d.material not in necessity:
            raise DomainError("unknown_material", f"“{d.material}”不是该事项要求的申请材料", "deferrals")
        if necessity[d.material] == "required":
            raise DomainError("not_deferrable", f"“{d.material}”为必要材料，不能容缺受理", "deferrals")
        if d.due <= _today():
            raise DomainError("bad_due", "容缺材料的承诺补交日期应晚于今天", "deferrals")
        _require(d.commitment, "deferrals", "容缺受理须有申请人的书面承诺")

    def mutate(c: Case) -> None:
        _start_clock(c)
        c.deferred = True
        for d in deferrals:
            CaseMaterial.objects.update_or_create(
                case=c,
                name=d.material,
                defaults={"state": CaseMaterial.State.DEFERRED, "deferred_due": d.due, "commitment": d.commitment},
            )

    accepted = _act(
        ctx,
        case,
        A.ACCEPT_DEFERRED,
        revision,
        mutate=mutate,
        data={"deferred": [{"material": d.material, "due": d.due.isoformat()} for d in deferrals]},
    )
    _tell(
        accepted,
        "accepted",
        "申请已容缺受理",
        f"您的申请已容缺受理，请于承诺日期前补交：{'、'.join(d.material for d in deferrals)}。",
    )
    return accepted


def supply_deferred(ctx: Ctx, case: Case, material: str, revision: int | None = None) -> Case:
    def mutate(c: Case) -> None:
        updated = CaseMaterial.objects.filter(case=c, name=material, state=CaseMaterial.State.DEFERRED).update(
            state=CaseMaterial.State.RECEIVED, supplied_at=timezone.now()
        )
        if not updated:
            raise DomainError("not_deferred", f"“{material}”不是待补交的容缺材料", "material")

    return _act(ctx, case, A.SUPPLY_DEFERRED, revision, mutate=mutate, data={"material": material})


def overdue_deferrals(today: dt.date | None = None):
    """Deferred materials whose promised date has passed: each raises a flag on its case."""
    return CaseMaterial.objects.filter(
        state=CaseMaterial.State.DEFERRED, deferred_due__lt=today or _today()
    ).select_related("case")


def request_correction(ctx: Ctx, case: Case, items: list[str], revision: int | None = None, note: str = "") -> Case:
    items = [i.strip() for i in items if i and i.strip()]
    if not items:
        raise DomainError("required", "补正通知须一次性列明全部需要补正的材料或内容", "items")

    def mutate(c: Case) -> None:
        c.correction_items = items

    corrected = _act(ctx, case, A.REQUEST_CORRECTION, revision, reason=note, mutate=mutate, data={"items": items})
    _tell(corrected, "correction", "请补正材料", "请补正以下材料（一次性告知）：" + "；".join(items))
    return corrected


def resubmit(ctx: Ctx, case: Case, revision: int | None = None) -> Case:
    return _act(ctx, case, A.RESUBMIT, revision)


def refuse(ctx: Ctx, case: Case, reason: str, revision: int | None = None) -> Case:
    reason = _require(reason, "reason", "不予受理必须说明理由和依据")

    def mutate(c: Case) -> None:
        c.refusal_reason = reason
        c.closed_at = timezone.now()

    refused = _act(ctx, case, A.REFUSE, revision, reason=reason, mutate=mutate)
    _tell(refused, "refused", "不予受理", f"您的申请不予受理，理由：{reason}")
    return refused


# ---- back office ---------------------------------------------------------------------------------------


def complete_step(ctx: Ctx, case: Case, opinion: str, revision: int | None = None) -> Case:
    opinion = _require(opinion, "opinion", "请填写本环节的审查意见")
    steps = back_office_steps(case.version)
    if case.awaiting_decision:
        raise ConflictError("decision_due", "审查环节已全部完成，请作出准予或不予的决定", "action")
    name = steps[min(case.current_step, len(steps) - 1)]

    def mutate(c: Case) -> None:
        c.current_step += 1
        # The last back-office step is where the decision is made.
        c.awaiting_decision = c.current_step >= len(steps) - 1

    return _act(ctx, case, A.COMPLETE_STEP, revision, reason=opinion, step_name=name, mutate=mutate)


def current_step_name(case: Case) -> str:
    steps = back_office_steps(case.version)
    return steps[min(case.current_step, len(steps) - 1)]


def decide(ctx: Ctx, case: Case, grant: bool, reason: str, revision: int | None = None) -> Case:
    reason = _require(reason, "reason", "请填写决定理由及法律依据")
    steps = back_office_steps(case.version)
    if not case.awaiting_decision:
        raise ConflictError("steps_pending", f"请先完成“{current_step_name(case)}”环节", "action")

    def mutate(c: Case) -> None:
        c.decision = "granted" if grant else "denied"
        c.decision_reason = reason
        c.decided_at = timezone.now()
        c.awaiting_decision = False

    decided = _act(ctx, case, A.GRANT if grant else A.DENY, revision, reason=reason, step_name=steps[-1], mutate=mutate)
    word = "准予" if grant else "不予"
    _tell(decided, "decided", f"审批决定：{word}", f"您的申请经审查{word}许可。理由及依据：{reason}。结果可领取。")
    return decided


def return_for_correction(ctx: Ctx, case: Case, items: list[str], reason: str, revision: int | None = None) -> Case:
    items = [i.strip() for i in items if i and i.strip()]
    if not items:
        raise DomainError("required", "退回补正须一次性列明全部需要补正的内容", "items")
    reason = _require(reason, "reason", "请说明退回原因")

    def mutate(c: Case) -> None:
        c.correction_items = items
        Suspension.objects.create(case=c, step_name="退回补正", counted=False, reason=reason, started_on=_today())
        recompute_deadlines(c)

    returned = _act(ctx, case, A.RETURN_FOR_CORRECTION, revision, reason=reason, mutate=mutate, data={"items": items})
    _tell(returned, "correction", "办件退回补正", "请补正：" + "；".join(items))
    return returned


def _end_suspension(c: Case) -> None:
    open_stop = c.suspensions.filter(ended_on__isnull=True).order_by("-started_on").first()
    if open_stop:
        open_stop.ended_on = _today()
        open_stop.save(update_fields=["ended_on"])
    recompute_deadlines(c)


def supply_correction(ctx: Ctx, case: Case, revision: int | None = None) -> Case:
    return _act(ctx, case, A.SUPPLY_CORRECTION, revision, mutate=_end_suspension)


def suspend(ctx: Ctx, case: Case, step_name: str, reason: str, revision: int | None = None) -> Case:
    """A clock-stopping special step; counted or not as the implementation declares it (Art. 45)."""
    reason = _require(reason, "reason", "请说明进入特殊环节的事由")
    declared = {s.name: s for s in case.version.special_steps.all()}
    if step_name not in declared:
        names = "、".join(declared) or "无"
        raise DomainError("unknown_special_step", f"该事项未设置特殊环节“{step_name}”（已设置：{names}）", "step_name")

    def mutate(c: Case) -> None:
        Suspension.objects.create(
            case=c,
            step_name=step_name,
            counted=declared[step_name].counted_in_limit,
            reason=reason,
            started_on=_today(),
        )
        recompute_deadlines(c)

    suspended = _act(ctx, case, A.SUSPEND, revision, reason=reason, step_name=step_name, mutate=mutate)
    _tell(
        suspended,
        "suspended",
        "办件进入特殊环节",
        f"您的申请进入“{step_name}”环节，所需时间不计入办理时限（{reason}）。",
    )
    return suspended


def resume(ctx: Ctx, case: Case, revision: int | None = None, note: str = "") -> Case:
    return _act(ctx, case, A.RESUME, revision, reason=note, mutate=_end_suspension)


def extend(ctx: Ctx, case: Case, reason: str, revision: int | None = None, days: int = 10) -> Case:
    """延期: +10 working days once, with the department head's approval (行政许可法 Art. 42)."""
    reason = _require(reason, "reason", "延期须说明理由")
    if case.extension_days:
        raise ConflictError("already_extended", "该办件已延期一次，不能再次延期", "action")
    if not 0 < days <= 10:
        raise DomainError("bad_days", "延期天数应为1至10个工作日", "days")

    def mutate(c: Case) -> None:
        c.extension_days = days
        recompute_deadlines(c)

    extended = _act(ctx, case, A.EXTEND, revision, reason=reason, mutate=mutate, data={"days": days})
    _tell(extended, "extended", "办理期限延长", f"经负责人批准，办理期限延长{days}个工作日。理由：{reason}")
    return extended


# ---- result desk and the rest --------------------------------------------------------------------------


def issue_result(
    ctx: Ctx, case: Case, delivery: str, revision: int | None = None, tracking: str = "", address: str = ""
) -> Case:
    if delivery not in ("window", "post", "electronic"):
        raise DomainError("bad_delivery", "出件方式应为窗口领取、邮寄或电子送达", "delivery")
    # --- postal delivery (delivery app): the parcel is registered in this transition and booked with the
    # courier after commit, which gives the tracking number; the case closes when the result is handed over.
    data: dict[str, Any] = {"delivery": delivery, "tracking": ""}
    if delivery == "post":
        from tongban.delivery.services import address_from_case

        if tracking.strip():
            raise DomainError(
                "tracking_generated", "邮寄送达的快递单号由快递接口自动生成，无需填写；请提供收件地址", "tracking"
            )
        address = (address or "").strip() or address_from_case(case)
        if not address:
            raise DomainError("address_required", "邮寄送达须有收件地址：申请表中未填写地址，请填写收件地址", "address")
    # --- end postal delivery

    def mutate(c: Case) -> None:
        c.result_delivery = delivery
        c.closed_at = timezone.now()
        if delivery == "window":
            Visit.objects.create(case=c, purpose="窗口领取结果", centre=c.receiving_centre)
        if delivery == "post":  # postal delivery: inside the transition, so a refused one ships nothing
            from tongban.delivery.services import ship_result

            shipment = ship_result(c, address, ctx.user, closing=True, via_bundle=ctx.via_bundle)
            data.update(
                tracking=shipment.tracking_number,
                courier=shipment.courier,
                shipment=shipment.pk,
                address=shipment.recipient_address,
            )

    closed = _act(ctx, case, A.ISSUE_RESULT, revision, mutate=mutate, data=data)
    if delivery == "post":  # the courier books after commit (delivery: "courier.book"), which tells the number
        _tell(
            closed,
            "closed",
            "办件已办结，结果将邮寄",
            f"您的办件已办结，办理结果将交寄快递，寄出后另行告知运单号，收件地址：{data['address']}。",
        )
    else:
        _tell(closed, "closed", "办件已办结", "您的办件已办结。")
    return closed


def withdraw(ctx: Ctx, case: Case, reason: str = "", revision: int | None = None) -> Case:
    def mutate(c: Case) -> None:
        c.closed_at = timezone.now()
        c.suspensions.filter(ended_on__isnull=True).update(ended_on=_today())

    return _act(ctx, case, A.WITHDRAW, revision, reason=reason or "申请人撤回", mutate=mutate)


def record_visit(ctx: Ctx, case: Case, purpose: str) -> Visit:
    _act(ctx, case, A.RECORD_VISIT, None, reason=purpose)
    return Visit.objects.create(case=case, purpose=purpose, centre=getattr(ctx.user, "service_centre", None))


# ---- supervision (督办) ----------------------------------------------------------------------------------


def supervise(ctx: Ctx, case: Case, message: str):
    from .models import SupervisionNotice

    message = _require(message, "message", "请填写督办意见")
    notice_holder: list = []

    def mutate(c: Case) -> None:
        notice_holder.append(
            SupervisionNotice.objects.create(
                case=c, department_id=c.deciding_department_id, sent_by=ctx.user, message=message
            )
        )

    _act(ctx, case, A.SUPERVISE, None, reason=message, mutate=mutate)
    return notice_holder[0]


@transaction.atomic
def answer_supervision(ctx: Ctx, notice, answer: str):
    from .models import SupervisionNotice

    answer = _require(answer, "answer", "请填写督办回复")
    locked = SupervisionNotice.objects.select_for_update().get(pk=notice.pk)
    user = ctx.user
    if getattr(user, "department_id", None) != locked.department_id or getattr(user, "role", "") not in (
        "approver",
        "department_head",
    ):
        raise DomainError("forbidden", "只有被督办部门的审批人员或负责人可以回复督办", None, status=403)
    if locked.answered_at:
        raise ConflictError("already_answered", "该督办单已回复", "answer")
    locked.answer, locked.answered_by, locked.answered_at = answer, user, timezone.now()
    locked.save(update_fields=["answer", "answered_by", "answered_at"])
    audit("case.answer_supervision", "case", locked.case.number, actor=user)
    return locked
