"""How a bundle follows its items: when an item is decided, refused, withdrawn or ends, what waits for its
result starts by itself (the result arriving as a material — as a reference to the licence it made, once
there is one) or ends; then the bundle's phase follows.

Called by ``perform`` inside the item's transaction, with the bundle case already locked.
"""

from __future__ import annotations

from tongban.core.actor import SYSTEM as SYSTEM_ACTOR

from ..domain import policy
from ..domain.workflow import CaseAction, CaseStatus
from ..facts import case_facts, version_of
from ..licence_refs import LicenceRef, source
from ..models import BundleCase, Case, CaseMaterial
from .bundle_desk import item_form_corrected
from .context import Ctx
from .deadlines import start_clock
from .perform import Notice, Outcome, perform, refresh_bundle_phase

A, S = CaseAction, CaseStatus
# What ends a prerequisite for good (its dependants can never get its result).
ENDS_PREREQUISITE = (A.GRANT, A.DENY, A.REFUSE, A.WITHDRAW, A.TERMINATE)
FAILED = (S.REFUSED, S.WITHDRAWN, S.TERMINATED)
# The bundle acting on its items by itself: the bundle is locked by the transaction already.
PLATFORM = Ctx(None, "system", actor=SYSTEM_ACTOR.through_bundle())


# A waiting item that now holds more may be able to start (its prerequisites granted before it held all).
BRINGS_MATERIAL = (A.ATTACH_MATERIAL, A.SUPPLY_DEFERRED)


def after_item_transition(ctx: Ctx, item: Case, action: CaseAction, outcome: Outcome | None = None) -> None:
    if action in ENDS_PREREQUISITE and item.bundle_item_id:
        _follow_prerequisite(item)
    if action is A.SUPPLY_CORRECTION and outcome is not None and outcome.data.get("changed"):
        item_form_corrected(item, outcome.data["changed"])
    if action in BRINGS_MATERIAL and item.status == S.WAITING and item.bundle_item_id:
        _start_if_ready(item)
    if not ctx.actor.via_bundle and item.bundle_case_id is not None:  # the bundle's own action: once, at its end
        refresh_bundle_phase(BundleCase.objects.get(pk=item.bundle_case_id))


def _follow_prerequisite(item: Case) -> None:
    siblings = list(
        Case.objects.filter(bundle_case_id=item.bundle_case_id)
        .select_related("bundle_item")
        .prefetch_related("bundle_item__depends_on")
    )
    by_item = {c.bundle_item_id: c for c in siblings}
    by_item[item.bundle_item_id] = item  # as this transaction left it
    for dependant in siblings:
        if dependant.status != S.WAITING or dependant.bundle_item is None:
            continue
        prereqs = [by_item[d.pk] for d in dependant.bundle_item.depends_on.all() if d.pk in by_item]
        if item.pk not in {p.pk for p in prereqs}:
            continue
        failed = [p for p in prereqs if p.status in FAILED or p.decision == "denied"]
        if failed:
            _terminate_dependant(dependant, failed)
        elif all(p.decision == "granted" for p in prereqs):
            _start_dependant(dependant, prereqs)


def _terminate_dependant(child: Case, failed: list[Case]) -> None:
    names = "、".join(version_of(p).name for p in failed)
    body = f"因“{names}”未获准予，“{version_of(child).name}”无法继续办理；其他事项不受影响，继续办理。"

    def effect(c: Case) -> Outcome:
        return Outcome(
            reason=f"前置事项“{names}”未获准予，本事项无法继续办理",
            notices=[Notice("terminated", "一件事事项终止", body)],
        )

    perform(PLATFORM, child, A.TERMINATE, None, effect)


def _start_if_ready(item: Case) -> None:
    siblings = {c.bundle_item_id: c for c in Case.objects.filter(bundle_case_id=item.bundle_case_id)}
    assert item.bundle_item is not None
    prereqs = [siblings[d.pk] for d in item.bundle_item.depends_on.all() if d.pk in siblings]
    if prereqs and all(p.decision == "granted" for p in prereqs):
        _start_dependant(item, prereqs)
        item.refresh_from_db()  # the caller answers with the item as this left it


def _result_licence(prereqs: list[Case]) -> LicenceRef | None:
    """The licence a prerequisite's result made (its current version, if valid), where there is one."""
    found = source()
    for p in prereqs:
        if found is not None and p.result_licence_id and (ref := found.result_ref(p.result_licence_id)):
            return ref
    return None


def _licence_fields(ref: LicenceRef | None) -> dict[str, object]:
    if ref is None:
        return {}
    return {"licence_identifier": ref.identifier, "licence_version": ref.version, "licence_digest": ref.digest}


def pass_result_licence(prerequisite: Case) -> None:
    """A prerequisite's result became a licence as it was issued (after its dependants had started on its
    decision): each dependant's result material now refers to that licence (免证办), not to a file."""
    if not prerequisite.bundle_case_id or not prerequisite.bundle_item_id or not prerequisite.result_licence_id:
        return
    ref = _result_licence([prerequisite])
    if ref is None:
        return
    dependants = Case.objects.filter(
        bundle_case_id=prerequisite.bundle_case_id, bundle_item__depends_on=prerequisite.bundle_item_id
    ).select_related("bundle_item")
    for dependant in dependants:
        material = dependant.bundle_item.result_as_material if dependant.bundle_item else ""
        if material:
            CaseMaterial.objects.filter(
                case=dependant, name=material, state=CaseMaterial.State.RESULT, licence_identifier=""
            ).update(**_licence_fields(ref))


def _start_dependant(child: Case, prereqs: list[Case]) -> None:
    """Start an item whose prerequisites are granted — only if it holds what its guide requires beside their
    result (the table's START guard); else it keeps waiting, and the applicant is told what it still lacks."""
    assert child.bundle_item is not None
    blocked = policy.case_denial(PLATFORM.actor, case_facts(child), A.START)
    if blocked is not None:
        _hold(child, blocked.message)
        return
    material = child.bundle_item.result_as_material
    licence = _result_licence(prereqs)

    def effect(c: Case) -> Outcome:
        if material:
            CaseMaterial.objects.update_or_create(
                case=c, name=material, defaults={"state": CaseMaterial.State.RESULT, **_licence_fields(licence)}
            )
        start_clock(c)
        names = "、".join(version_of(p).name for p in prereqs)
        body = f"“{version_of(c).name}”已自动启动办理，无需再提交“{material}”。"
        return Outcome(
            reason=f"前置事项“{names}”已准予，结果“{material or '—'}”自动作为材料",
            data={"prerequisites": [p.number for p in prereqs], "result_material": material},
            notices=[Notice("started", "事项已自动启动", body)],
        )

    perform(PLATFORM, child, A.START, None, effect)


def _hold(child: Case, why: str) -> None:
    facts = case_facts(child)
    lacking = [*facts.waiting_missing_required, *facts.waiting_missing_deferrable]
    names = "、".join(f"“{n}”" for n in lacking)
    body = f"“{version_of(child).name}”的前置事项已准予，但本事项还缺少{names}，请到受理窗口补交后启动办理。"

    def effect(c: Case) -> Outcome:
        return Outcome(reason=why, data={"missing": lacking}, notices=[Notice("held", "事项待补齐材料", body)])

    perform(PLATFORM, child, A.HOLD_START, None, effect)
