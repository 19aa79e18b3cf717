"""Reads of bundle cases (一件事办件): the item that holds each up, the bundle's indicators, the supervisors'
board; scoped by the policy (selectors.scope)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import F, Max

from tongban.bundles.models import Bundle
from tongban.bundles.savings import compute_savings
from tongban.bundles.selectors import get_bundle, item_specs
from tongban.core import clock
from tongban.core.actor import actor_of

from ..domain import policy
from ..domain.bundle_workflow import BundleAction
from ..facts import bundle_facts
from ..models import BundleCase, BundleCaseEvent, Case, CaseMaterial
from .deadlines import bundle_deadline_of, deadline_of, promised_text
from .scope import visible_bundle_cases


def bundle_timeline(bundle_case: Any) -> list[BundleCaseEvent]:
    """The bundle case's own history (its items' are on each item), oldest first; a draft's saves left out."""
    return list(
        BundleCaseEvent.objects.filter(bundle_case=bundle_case)
        .exclude(action=BundleAction.SAVE_DRAFT.value)
        .select_related("actor")
        .order_by("at", "id")
    )


def shown_changes(data: dict[str, Any], personal: bool) -> list[dict[str, Any]]:
    """The form answers an event changed (field, label, before, after); the answers themselves are personal
    data, so a masked view gets which fields changed, not what they said."""
    return [
        {
            "field": str(ch.get("field", "")),
            "label": str(ch.get("label") or ch.get("field", "")),
            "before": ch.get("before") if personal else None,
            "after": ch.get("after") if personal else None,
        }
        for ch in data.get("changed", [])
        if isinstance(ch, dict)
    ]


def bundle_holdup(bundle_case: Any) -> Any:
    """The open child that holds the bundle up: overdue first, then the latest promised due, then waiting."""
    open_children = list(
        Case.objects.filter(bundle_case=bundle_case)
        .exclude(status__in=["closed", "refused", "withdrawn", "terminated", "decided"])
        .select_related("version", "deciding_department")
    )
    if not open_children:
        return None
    far_future = dt.date.max
    return max(open_children, key=lambda c: (c.status != "waiting", c.promised_due or far_future))


@dataclass
class BundleIndicators:
    bundle_cases: int
    items_per_case: float
    forms_saved: int
    materials_saved: int
    trips_saved: int
    fields_saved: int
    average_days_to_last_result: float | None  # calendar days from submission to the last child decision
    # 免证办: materials the items held as a reference to an e-licence (the applicant's own, or a prerequisite's
    # result passed on) instead of a file or paper copy; each such material counted once per item case.
    licence_materials_avoided: int = 0


def bundle_indicators(bundle: Bundle, start: dt.date | None = None, end: dt.date | None = None) -> BundleIndicators:
    """Per bundle over a period (by submission date): what applying together saved against item by item."""
    qs = BundleCase.objects.filter(bundle=bundle, submitted_at__isnull=False)
    if start:
        qs = qs.filter(submitted_at__date__gte=start)
    if end:
        qs = qs.filter(submitted_at__date__lte=end)
    rows = list(qs.prefetch_related("items__depends_on"))
    if not rows:
        return BundleIndicators(0, 0.0, 0, 0, 0, 0, None, 0)
    specs_by_item = {int(s.key): s for s in item_specs(get_bundle(bundle.code, include_unpublished=True) or bundle)}
    forms = materials = trips = fields_ = 0
    item_count = 0
    for bc in rows:
        chosen = [specs_by_item[i.pk] for i in bc.items.all() if i.pk in specs_by_item]
        chosen_keys = {s.key for s in chosen}
        # Dependencies on items the applicant did not choose do not count: they brought that material.
        chosen = [replace(s, depends_on=[d for d in s.depends_on if d in chosen_keys]) for s in chosen]
        saved = compute_savings(chosen, bundle.promised_days)
        forms += saved.forms_saved
        materials += saved.materials_saved
        trips += saved.trips_saved
        fields_ += saved.fields_saved
        item_count += len(chosen)
    last_decisions = dict(
        Case.objects.filter(bundle_case__in=rows, decided_at__isnull=False)
        .values("bundle_case")
        .annotate(last=Max("decided_at"))
        .values_list("bundle_case", "last")
    )
    spans = [
        (last_decisions[bc.pk] - bc.submitted_at).total_seconds() / 86400
        for bc in rows
        if bc.pk in last_decisions and bc.phase in ("ready", "closed")
    ]
    return BundleIndicators(
        bundle_cases=len(rows),
        items_per_case=round(item_count / len(rows), 2),
        forms_saved=forms,
        materials_saved=materials,
        trips_saved=trips,
        fields_saved=fields_,
        average_days_to_last_result=round(sum(spans) / len(spans), 2) if spans else None,
        licence_materials_avoided=licence_materials_avoided(Case.objects.filter(bundle_case__in=rows)),
    )


def licence_materials_avoided(cases: Any) -> int:
    """免证办's count: materials these cases hold as a licence reference instead of a file or paper copy."""
    return CaseMaterial.objects.filter(case__in=cases).exclude(licence_identifier="").count()


OPEN_PHASES = ("submitted", "correction", "in_progress", "ready")
_ENDED_CHILD = ("closed", "refused", "withdrawn", "terminated", "decided")


def _holdup_key(case: Any) -> tuple[bool, dt.date]:
    return (case.status != "waiting", case.promised_due or dt.date.max)


def bundle_holdups(bundle_cases: list[Any]) -> dict[int, Any]:
    """``bundle_holdup`` for a page of bundle cases in one query: {bundle case pk: child or None}."""
    pks = [bc.pk for bc in bundle_cases]
    found: dict[int, Any] = dict.fromkeys(pks)
    rows = (
        Case.objects.filter(bundle_case_id__in=pks)
        .exclude(status__in=_ENDED_CHILD)
        .select_related("version", "deciding_department")
    )
    for child in rows:
        key = child.bundle_case_id
        if key is None:
            continue
        best = found.get(key)
        if best is None or _holdup_key(child) > _holdup_key(best):
            found[key] = child
    return found


def get_visible_bundle_case(user: Any, number: str) -> BundleCase | None:
    bc = (
        visible_bundle_cases(user)
        .select_related("bundle", "bundle__lead_department", "receiving_centre", "receiving_division", "applicant")
        .filter(number=number)
        .first()
    )
    if bc is None or not policy.may_see_bundle(actor_of(user), bundle_facts(bc)):
        return None  # a draft is no application yet: only its author sees it
    return bc


def bundle_children(bundle_case: Any) -> list[Any]:
    """The child cases in the bundle's item order, with what the pages show of each."""
    return list(
        Case.objects.filter(bundle_case=bundle_case)
        .select_related("version", "deciding_department", "bundle_item", "implementation")
        .prefetch_related("bundle_item__depends_on")
        .order_by("bundle_item__order", "bundle_item_id", "id")
    )


def bundle_board(
    user: Any, *, overdue_only: bool = False, today: dt.date | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[Any], int]:
    """Open bundle cases of a supervisor's jurisdiction, most urgent first, each with ``holdup`` set."""
    if not policy.may_use_board(actor_of(user)):
        return [], 0
    qs = visible_bundle_cases(user).filter(phase__in=OPEN_PHASES)
    if overdue_only:  # the clock in force (to accept, to decide, to issue) has run out; never while paused
        qs = qs.filter(clock_due__lt=today or clock.today())
    total = qs.count()
    rows = list(
        qs.select_related("bundle", "receiving_centre").order_by(
            F("clock_due").asc(nulls_last=True), "submitted_at", "id"
        )[offset : offset + limit]
    )
    holdups = bundle_holdups(rows)
    for bc in rows:
        # Before 受理 (and in 补正) the front desk holds the bundle, not one of its items.
        bc.holdup = holdups.get(bc.pk) if bc.phase == "in_progress" else None  # type: ignore[attr-defined]
    return rows, total


def public_bundle_progress(number: str, query_code: str) -> dict[str, Any] | None:
    """What anyone holding a bundle case's number and its one query code may see: the bundle's phase, each
    item's department and state, the bundle's own history; no personal data (as ``public_progress``)."""
    bc = BundleCase.objects.select_related("bundle").filter(number=number).first()
    if (
        bc is None
        or bc.phase == BundleCase.Phase.DRAFT
        or not query_code
        or not secrets.compare_digest(bc.query_code.upper(), query_code.strip().upper())
    ):
        return None  # the same answer whether the number exists or not
    children = Case.objects.filter(bundle_case=bc).select_related("version", "deciding_department").order_by("id")
    events = bc.events.order_by("at", "id").values("action", "to_phase", "at")
    deadline = bundle_deadline_of(bc)
    return {
        "number": bc.number,
        "bundle": bc.bundle.name,
        "phase": bc.phase,
        "submitted_at": bc.submitted_at,
        "accepted_on": bc.accepted_on,
        "promised_due": bc.promised_due,
        "promised_text": promised_text(bc, deadline),
        "deadline": deadline,
        "closed_at": bc.closed_at,
        "items": [
            {
                "item": c.version.name,
                "department": c.deciding_department.name,
                "status": c.status,
                "decision": c.decision,
                "promised_due": c.promised_due,
                "promised_text": promised_text(c, deadline_of(c)) if c.accepted_on else "—",
            }
            for c in children
        ],
        "events": [{"action": e["action"], "phase": e["to_phase"], "at": e["at"]} for e in events],
    }
