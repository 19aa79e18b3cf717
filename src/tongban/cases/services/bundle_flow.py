"""How a bundle follows its items: when an item is decided, refused, withdrawn or ends, what waits for its
result starts by itself (the result arriving as a material — as a reference to the licence it made, once
there is one) or ends; then the bundle's phase follows.

Called by ``perform`` inside the item's transaction, with the bundle case already locked.
"""

from __future__ import annotations

from tongban.core.actor import SYSTEM as SYSTEM_ACTOR

from ..domain.workflow import CaseAction, CaseStatus
from ..facts import version_of
from ..licence_refs import LicenceRef, source
from ..models import BundleCase, Case, CaseMaterial
from .context import Ctx
from .deadlines import start_clock
from .perform import Notice, Outcome, perform, refresh_bundle_phase

A, S = CaseAction, CaseStatus
# What ends a prerequisite for good (its dependants can never get its result).
ENDS_PREREQUISITE = (A.GRANT, A.DENY, A.REFUSE, A.WITHDRAW, A.TERMINATE)
FAILED = (S.REFUSED, S.WITHDRAWN, S.TERMINATED)
# The bundle acting on its items by itself: the bundle is locked by the transaction already.
PLATFORM = Ctx(None, "system", actor=SYSTEM_ACTOR.through_bundle())


def after_item_transition(ctx: Ctx, item: Case, action: CaseAction) -> None:
    if action in ENDS_PREREQUISITE and item.bundle_item_id:
        _follow_prerequisite(item)
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
    assert child.bundle_item is not None
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
