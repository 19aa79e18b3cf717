"""Reads: the other regions' items this node can take (the directory's offers and 点对点 agreements), the
cross-region cases a person may see, the window's list with its forwarding limit, and the merged timeline."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet

from tongban.accounts.models import User
from tongban.cases.domain import policy as case_policy
from tongban.cases.facts import case_facts
from tongban.core import clock

from . import transport
from .domain.workflow import Side, XStatus
from .models import CrossRegionCase, CrossRegionEvent, JointCase

SCOPE_LABELS = {"cross_province": "跨省通办", "province": "全省通办"}
MODE_NAMES = {"online": "全程网办", "proxy": "异地代收代办", "joint": "多地联办"}


@dataclass(frozen=True)
class OfferRow:
    node_code: str
    node_name: str
    code: str
    name: str
    scope_label: str
    mode_labels: tuple[str, ...]
    online: bool
    proxy: bool
    by_agreement: bool = False


def other_regions_items(query: str = "", *, include_here: bool = False) -> list[OfferRow]:
    """Every other node's cross-region items (and those a 点对点 agreement with this node opens), matching the
    words of ``query`` in the item's or the region's name; this node's own items are in its own catalogue, and
    listed too with ``include_here`` (a 多地联办 leg may be handled here, e.g. 迁入地)."""
    here = transport.local_code()
    words = [w for w in query.split() if w]
    rows: list[OfferRow] = []
    for node in transport.nodes():
        if node.code == here and not include_here:
            continue
        for item in transport.offered_items(node.code):
            rows.append(
                OfferRow(
                    node.code,
                    node.name,
                    item.code,
                    item.name,
                    SCOPE_LABELS.get(item.scope, item.scope),
                    tuple(MODE_NAMES.get(m, m) for m in item.modes),
                    "online" in item.modes,
                    "proxy" in item.modes,
                )
            )
    rows += _agreement_rows(here, {(r.node_code, r.code) for r in rows})
    if words:
        rows = [r for r in rows if all(w in r.name or w in r.node_name for w in words)]
    return sorted(rows, key=lambda r: (r.name, r.node_code))


def _agreement_rows(here: str, listed: set[tuple[str, str]]) -> list[OfferRow]:
    names = {n.code: n.name for n in transport.nodes()}
    out = []
    for agreement in transport.agreements():
        parties = tuple(getattr(agreement, "parties", ()))
        in_force = getattr(agreement, "in_force", None)
        if here not in parties or (in_force is not None and not in_force(clock.today())):
            continue
        other = parties[0] if parties[1] == here else parties[1]
        for code, name in getattr(agreement, "items", ()):
            if (other, code) not in listed:
                out.append(
                    OfferRow(
                        other,
                        names.get(other, other),
                        code,
                        name,
                        "点对点通办",
                        ("全程网办", "异地代收代办"),
                        True,
                        True,
                        by_agreement=True,
                    )
                )
    return out


def offer(node_code: str, item_code: str, *, include_here: bool = False) -> OfferRow | None:
    rows = other_regions_items(include_here=include_here)
    return next((r for r in rows if r.node_code == node_code and r.code == item_code), None)


# ---- who sees a cross-region case --------------------------------------------------------------------------


def may_see(user: User, xcase: CrossRegionCase) -> bool:
    """The applicant (their own, on the node where they applied); the receiving centre's window clerks; on the
    deciding node, whoever may see its local case (the case core's one policy); system administrators."""
    if not user.is_authenticated:
        return False
    actor = user.actor
    if actor.system_admin:
        return True
    if xcase.side == Side.RECEIVING:
        if actor.applicant:
            return xcase.applicant_id == user.pk
        return (
            actor.staff_role is not None
            and actor.staff_role.value == "window_clerk"
            and (xcase.receiving_centre_id == user.service_centre_id)
        )
    return xcase.local_case is not None and case_policy.may_see_case(actor, case_facts(xcase.local_case))


def may_resubmit(user: User, xcase: CrossRegionCase) -> bool:
    """Who answers a correction on the receiving side: the applicant of a 全程网办 case (online), the receiving
    centre's window clerks for a case it took (异地代收, 多地联办)."""
    if xcase.side != Side.RECEIVING or xcase.status != XStatus.CORRECTION or not may_see(user, xcase):
        return False
    if user.actor.applicant:
        return xcase.mode == "online"
    return user.actor.staff_role is not None and xcase.receiving_centre_id == user.service_centre_id


def may_get_results(user: User, xcase: CrossRegionCase) -> bool:
    """The result files (personal documents): the applicant, and the window clerks of the centre that took the
    case — not other staff, not administrators."""
    if xcase.side != Side.RECEIVING or not user.is_authenticated:
        return False
    if xcase.applicant_id == user.pk:
        return True
    role = user.actor.staff_role
    return role is not None and role.value == "window_clerk" and xcase.receiving_centre_id == user.service_centre_id


def licence_check_url(xcase: CrossRegionCase) -> str:
    """The deciding node's public check of the e-licence it sent ("" if none)."""
    identifier = next((r.get("identifier") for r in xcase.results if r.get("identifier")), "")
    endpoint = next((n.endpoint for n in transport.nodes() if n.code == xcase.deciding_node), "")
    if not identifier or not endpoint:
        return ""
    return f"{endpoint.rstrip('/')}/licences/verify/?{urlencode({'q': identifier})}"


def mine(user: User) -> QuerySet[CrossRegionCase]:
    return CrossRegionCase.objects.filter(applicant=user, side=Side.RECEIVING).order_by("-created_at")


def window_cases(user: User) -> QuerySet[CrossRegionCase]:
    """The cases the clerk's centre took or received for other regions, open ones first by their limit."""
    return CrossRegionCase.objects.filter(side=Side.RECEIVING, receiving_centre_id=user.service_centre_id).order_by(
        "-created_at"
    )


def overdue_forwarding(rows: list[CrossRegionCase]) -> list[CrossRegionCase]:
    """Taken and not forwarded by the limit (B's own limit, supervised apart from A's statutory clock)."""
    today = clock.today()
    return [r for r in rows if r.status == XStatus.TAKEN and r.forward_due and r.forward_due < today]


def deciding_cases(user: User) -> list[CrossRegionCase]:
    """On the deciding node: the cross-region cases whose local case the user may see."""
    rows = CrossRegionCase.objects.filter(side=Side.DECIDING).select_related("local_case").order_by("-created_at")[:200]
    return [r for r in rows if may_see(user, r)]


def timeline(xcase: CrossRegionCase) -> QuerySet[CrossRegionEvent]:
    return xcase.events.order_by("happened_at", "id")


def joint_cases(user: User) -> QuerySet[JointCase]:
    return JointCase.objects.filter(taken_by__service_centre_id=user.service_centre_id).order_by("-created_at")
