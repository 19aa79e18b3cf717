"""The one entry point that changes a case or a bundle case.

``perform`` takes a case (or its number), an action and the revision the actor saw, and in one transaction:
replays a retried request by its idempotency key; locks the bundle case first if the case belongs to one,
then the case (one lock order everywhere); asks the policy (the very function pages use to show buttons);
moves the state by the table; applies the action's own effect; appends the event and the audit entry;
writes the notices to the applicant (through the outbox); lets the bundle react to its item; records the
key. ``perform_bundle`` does the same for a bundle case. ``open_case`` and ``open_bundle_case`` are the
only places a case or a bundle case is created. Nothing else writes Case, CaseEvent, BundleCase or
BundleCaseEvent rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from tongban.audit.services import record as audit
from tongban.core import clock
from tongban.core.actor import SYSTEM as SYSTEM_ACTOR
from tongban.core.errors import ConflictError, DomainError
from tongban.notifications.registry import Message
from tongban.notifications.services import notify

from ..domain import policy
from ..domain.bundle_workflow import KEEPS_REVISION as BUNDLE_KEEPS_REVISION
from ..domain.bundle_workflow import PHASE_LABELS, TRANSITIONS, BundleAction, BundlePhase, derive_phase, next_phase
from ..domain.workflow import KEEPS_REVISION, STATUS_LABELS, CaseAction, CaseStatus, next_status
from ..facts import bundle_facts, case_facts
from ..models import BundleCase, BundleCaseEvent, Case, CaseEvent
from ..signals import case_transitioned
from . import deadlines, hotpath, idempotency
from .context import Ctx

CASE_NOT_FOUND = "未找到该办件，或您无权查看"
BUNDLE_NOT_FOUND = "未找到该一件事办件，或您无权查看"


@dataclass(frozen=True)
class Notice:
    """A message to the applicant about their case (sent through the outbox once the change commits). ``body``
    may be written from the case as the change leaves it (its new deadlines, say)."""

    kind: str
    subject: str
    body: str | Callable[[Any], str]

    def text(self, case: Case | BundleCase) -> str:
        return self.body(case) if callable(self.body) else self.body


@dataclass
class Outcome:
    """What an action's effect adds to its event, and the notices it sends."""

    reason: str = ""
    step_name: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    audit: dict[str, Any] = field(default_factory=dict)  # more for the audit entry (a replaced file's hash …)


CaseEffect = Callable[[Case], Outcome | None]
BundleEffect = Callable[[BundleCase], Outcome | None]


def tell(case: Case | BundleCase, notice: Notice) -> None:
    if case.applicant_phone:
        notify(
            Message(
                case.applicant_phone,
                case.applicant_name,
                notice.subject,
                f"【{case.number}】{notice.text(case)}",
                case.number,
                notice.kind,
            )
        )


def raise_denied(denied: policy.Denied, field_name: str | None = None) -> None:
    if denied.status == 409:
        raise ConflictError(denied.code, denied.message, field_name or "action")
    raise DomainError(denied.code, denied.message, None, status=denied.status)


# ---- single cases -----------------------------------------------------------------------------------------


def _lock_case(ctx: Ctx, case: Case | str) -> Case:
    # The row alone (hotpath: SQL built once): what an answer shows comes from the process's snapshots (the
    # guide version) or is read lazily by the few that need it (a supervisor's jurisdiction, a notice's item).
    if isinstance(case, str):
        # Most cases belong to no bundle: one locked read. A bundle's item needs its bundle locked first.
        found = hotpath.locked_case(number=case, alone=True)
        if found is None:
            bundle_id = Case.objects.filter(number=case).values_list("bundle_case_id", flat=True).first()
            if bundle_id is not None:
                _lock_bundle_row(bundle_id)
                found = hotpath.locked_case(number=case)
        if found is None or not policy.may_see_case(ctx.actor, case_facts(found)):
            raise DomainError("not_found", CASE_NOT_FOUND, "number", status=404)
        return found
    if case.bundle_case_id and not ctx.actor.via_bundle:
        # A bundle's items move one at a time, in the order bundle → item that the bundle's own actions use
        # (acting through the bundle, the bundle's entry point holds its lock already).
        _lock_bundle_row(case.bundle_case_id)
    found = hotpath.locked_case(pk=case.pk)
    if found is None:
        raise Case.DoesNotExist(case.pk)
    return found


def _lock_bundle_row(pk: int) -> None:
    list(BundleCase.objects.select_for_update(of=("self",)).filter(pk=pk).values_list("pk"))


def check_revision(current: int, seen: int | None, label: str, what: str = "该办件") -> None:
    if seen is not None and current != seen:
        raise ConflictError("stale_revision", f"{what}已被他人处理（当前状态：{label}），请刷新后重试。", "revision")


def perform(
    ctx: Ctx,
    case: Case | str,
    action: CaseAction,
    revision: int | None,
    effect: CaseEffect | None = None,
    *,
    key: str | None = None,
) -> Case:
    """Perform ``action`` on ``case`` for ``ctx``; see the module's description. A retry with the same key
    answers with the case as the first request left it."""

    def act() -> Case:
        return _perform(ctx, case, action, revision, effect)

    try:
        return idempotency.once(ctx, key, act)
    except idempotency.Replayed as done:
        assert isinstance(done.result, Case)
        return done.result


def _perform(ctx: Ctx, case: Case | str, action: CaseAction, revision: int | None, effect: CaseEffect | None) -> Case:
    locked = _lock_case(ctx, case)
    facts = case_facts(locked)
    denied = policy.case_denial(ctx.actor, facts, action)
    if denied is not None and denied.status != 409:
        raise_denied(denied)
    check_revision(locked.revision, revision, STATUS_LABELS[CaseStatus(locked.status)])
    if denied is not None:
        raise_denied(denied)
    before = locked.status
    seen = _values(locked)
    locked.status = next_status(before, action).value
    outcome = (effect(locked) if effect else None) or Outcome()
    deadlines.after_transition(locked, before, action)
    if action not in KEEPS_REVISION:
        locked.revision += 1
    locked.save(update_fields=_changed(locked, seen))
    record_event(ctx, locked, action, before, outcome)
    for notice in outcome.notices:
        tell(locked, notice)
    if locked.bundle_case_id is not None:
        from .bundle_flow import after_item_transition

        after_item_transition(ctx, locked, action, outcome)
    case_transitioned.send(sender=Case, case=locked, action=action, before=before)
    return locked


def _values(case: Case) -> dict[str, Any]:
    return {f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields}


def _changed(case: Case, seen: dict[str, Any]) -> list[str]:
    """The columns an action changed: the UPDATE writes those (and updated_at), not all 45."""
    changed = [name for name, value in seen.items() if getattr(case, name) != value]
    return [*changed, "updated_at"]


def record_event(ctx: Ctx, case: Case, action: CaseAction, before: str, outcome: Outcome) -> CaseEvent:
    """The case's history row and the audit chain's entry for one change."""
    event = CaseEvent(
        case=case,
        action=action.value,
        from_status=before,
        to_status=case.status,
        actor_id=ctx.user_id,
        actor_role=ctx.actor.label,
        channel=ctx.channel or case.channel,
        window=ctx.window,
        step_name=outcome.step_name,
        reason=outcome.reason,
        data=outcome.data,
    )
    hotpath.insert(event)
    audit(
        f"case.{action.value}",
        "case",
        case.number,
        actor=ctx.user,
        ip=ctx.ip,
        detail={"from": before, "to": case.status, **outcome.audit},
    )
    return event


def open_case(ctx: Ctx, action: CaseAction, outcome: Outcome | None = None, **fields: Any) -> Case:
    """Create a case with its first event (a draft saved, an application taken at the window, a bundle's item)."""
    with transaction.atomic(savepoint=False):  # within the caller's (idempotency.once's) transaction
        case = Case(**fields)
        deadlines.after_transition(case, "", action)  # an application received: its 5 days to be accepted
        case = hotpath.insert(case)
        before = "" if action is CaseAction.SAVE_DRAFT else CaseStatus.DRAFT.value
        record_event(ctx, case, action, before, outcome or Outcome())
        return case


# ---- bundle cases -----------------------------------------------------------------------------------------


def lock_bundle_case(ctx: Ctx, bundle_case: BundleCase | str) -> BundleCase:
    rows = BundleCase.objects.select_for_update(of=("self",)).select_related(
        "bundle", "receiving_centre", "receiving_division"
    )
    if isinstance(bundle_case, str):
        found = rows.filter(number=bundle_case).first()
        if found is None or not policy.may_see_bundle(ctx.actor, bundle_facts(found)):
            raise DomainError("not_found", BUNDLE_NOT_FOUND, "number", status=404)
        return found
    return rows.get(pk=bundle_case.pk)


def perform_bundle(
    ctx: Ctx,
    bundle_case: BundleCase | str,
    action: BundleAction,
    revision: int | None,
    effect: BundleEffect | None = None,
    *,
    key: str | None = None,
) -> BundleCase:
    """The bundle case's own entry point: lock, policy, table, effect (which acts on its items through
    ``perform`` with the actor ``through_bundle``), event, audit, notices, phase from the items, key."""

    def act() -> BundleCase:
        return _perform_bundle(ctx, bundle_case, action, revision, effect)

    try:
        return idempotency.once(ctx, key, act)
    except idempotency.Replayed as done:
        assert isinstance(done.result, BundleCase)
        return done.result


def _perform_bundle(
    ctx: Ctx, bundle_case: BundleCase | str, action: BundleAction, revision: int | None, effect: BundleEffect | None
) -> BundleCase:
    locked = lock_bundle_case(ctx, bundle_case)
    denied = policy.bundle_denial(ctx.actor, bundle_facts(locked), action)
    if denied is not None and denied.status != 409:
        raise_denied(denied)
    check_revision(locked.revision, revision, PHASE_LABELS[BundlePhase(locked.phase)], "该一件事办件")
    if denied is not None:
        raise_denied(denied, "phase")
    before = locked.phase
    locked.phase = next_phase(before, action).value
    outcome = (effect(locked) if effect else None) or Outcome()
    deadlines.after_bundle_transition(locked, before, action)
    if action not in BUNDLE_KEEPS_REVISION:
        locked.revision += 1
    locked.save()
    record_bundle_event(ctx, locked, action, before, outcome)
    for notice in outcome.notices:
        tell(locked, notice)
    refresh_bundle_phase(locked)
    return locked


def record_bundle_event(
    ctx: Ctx, bundle_case: BundleCase, action: BundleAction, before: str, outcome: Outcome
) -> BundleCaseEvent:
    event = BundleCaseEvent.objects.create(
        bundle_case=bundle_case,
        action=action.value,
        from_phase=before,
        to_phase=bundle_case.phase,
        actor_id=ctx.user_id,
        actor_role=ctx.actor.label,
        channel=ctx.channel or bundle_case.channel,
        reason=outcome.reason,
        data=outcome.data,
    )
    audit(
        f"bundle_case.{action.value}",
        "bundle_case",
        bundle_case.number,
        actor=ctx.user,
        ip=ctx.ip,
        detail={"from": before, "to": bundle_case.phase, **outcome.audit},
    )
    return event


def refresh_bundle_phase(bundle_case: BundleCase) -> None:
    """The platform's PROGRESS: the phase its items make of the bundle (the bundle is locked by the caller)."""
    phase = BundlePhase(bundle_case.phase)
    if (phase, BundleAction.PROGRESS) not in TRANSITIONS:
        return
    statuses = list(Case.objects.filter(bundle_case=bundle_case).values_list("status", flat=True))
    if CaseStatus.DECIDED in statuses:
        deadlines.save_item_result_clocks(bundle_case)  # 统一出件: each decided item's clock follows the others
    derived = derive_phase(phase, statuses)
    if derived == phase:
        deadlines.save_bundle_deadlines(bundle_case)  # an item stopped, resumed, was extended or decided
        return
    target = next_phase(phase, BundleAction.PROGRESS, derived)
    bundle_case.phase = target.value
    fields = ["phase"]
    if target in (BundlePhase.CLOSED, BundlePhase.REFUSED, BundlePhase.WITHDRAWN):
        bundle_case.closed_at = clock.now()
        fields.append("closed_at")
    deadlines.refresh_bundle(bundle_case)
    fields += deadlines.BUNDLE_FIELDS
    BundleCase.objects.filter(pk=bundle_case.pk).update(**{f: getattr(bundle_case, f) for f in fields})
    outcome = Outcome(data={"items": statuses})
    record_bundle_event(Ctx(None, "system", actor=SYSTEM_ACTOR), bundle_case, BundleAction.PROGRESS, phase, outcome)


def open_bundle_case(ctx: Ctx, action: BundleAction, outcome: Outcome | None = None, **fields: Any) -> BundleCase:
    with transaction.atomic():
        bundle_case = BundleCase(**fields)
        deadlines.after_bundle_transition(bundle_case, "", action)
        bundle_case.save()
        record_bundle_event(ctx, bundle_case, action, "", outcome or Outcome())
        return bundle_case
