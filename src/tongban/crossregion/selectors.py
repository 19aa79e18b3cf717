"""Reads: the other regions' items this node can take (the directory's offers and 点对点 agreements), the
cross-region cases a person may see, the window's list with its forwarding limit, and the merged timeline."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.utils import timezone

from tongban.accounts.models import User
from tongban.cases.domain import policy as case_policy
from tongban.cases.facts import case_facts
from tongban.core import clock
from tongban.federation.models import OutgoingMessage

from . import transport
from .domain import policy as x_policy
from .domain.workflow import JOINT_PHASE_LABELS, JointPhase, Side, XStatus
from .models import CrossRegionCase, CrossRegionEvent, JointCase

SCOPE_LABELS = {"cross_province": "跨省通办", "province": "全省通办"}
MODE_NAMES = {"online": "全程网办", "proxy": "异地代收代办", "joint": "多地联办"}
OVERVIEW_EVENTS = 60  # the latest entries of a joint timeline a leg node is sent


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
    joint: bool = False  # may be a leg of a 多地联办


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
        rows += [_offered_row(node.name, item) for item in transport.offered_items(node.code)]
    rows += _agreement_rows(here, {(r.node_code, r.code) for r in rows})
    if words:
        rows = [r for r in rows if all(w in r.name or w in r.node_name for w in words)]
    return sorted(rows, key=lambda r: (r.name, r.node_code))


def _offered_row(node_name: str, item: transport.OfferedItem) -> OfferRow:
    return OfferRow(
        item.node_code,
        node_name,
        item.code,
        item.name,
        SCOPE_LABELS.get(item.scope, item.scope),
        tuple(MODE_NAMES.get(m, m) for m in item.modes),
        "online" in item.modes,
        "proxy" in item.modes,
        joint="joint" in item.modes,
    )


def _agreed_items(here: str) -> list[tuple[str, str, str]]:
    """(other node, item code, item name) of every 点对点 agreement of this node in force today."""
    out = []
    for agreement in transport.agreements():
        parties = tuple(getattr(agreement, "parties", ()))
        in_force = getattr(agreement, "in_force", None)
        if here not in parties or (in_force is not None and not in_force(clock.today())):
            continue
        other = parties[0] if parties[1] == here else parties[1]
        out += [(other, code, name) for code, name in getattr(agreement, "items", ())]
    return out


def _agreed_row(node_name: str, other: str, code: str, name: str) -> OfferRow:
    agreed = ("全程网办", "异地代收代办")
    return OfferRow(other, node_name, code, name, "点对点通办", agreed, True, True, by_agreement=True)


def _agreement_rows(here: str, listed: set[tuple[str, str]]) -> list[OfferRow]:
    names = {n.code: n.name for n in transport.nodes()}
    return [
        _agreed_row(names.get(other, other), other, code, name)
        for other, code, name in _agreed_items(here)
        if (other, code) not in listed
    ]


def offer(node_code: str, item_code: str, *, include_here: bool = False) -> OfferRow | None:
    """The one offered row: that node's items in the directory, else an agreement of this node with it."""
    here = transport.local_code()
    if node_code == here and not include_here:
        return None
    node = next((n for n in transport.nodes() if n.code == node_code), None)
    if node is None:
        return None
    found = next((i for i in transport.offered_items(node_code) if i.code == item_code), None)
    if found is not None:
        return _offered_row(node.name, found)
    agreed = next((a for a in _agreed_items(here) if a[:2] == (node_code, item_code)), None)
    return _agreed_row(node.name, *agreed) if agreed is not None else None


# ---- who sees a cross-region case --------------------------------------------------------------------------


def may_see(user: User, xcase: CrossRegionCase) -> bool:
    """The one policy (domain/policy.py); the deciding side asks the case core's policy for its local case."""
    if not user.is_authenticated:
        return False
    actor = user.actor
    return x_policy.may_see_xcase(
        actor,
        policy_facts(xcase),
        local_case_visible=lambda: (
            xcase.local_case is not None and case_policy.may_see_case(actor, case_facts(xcase.local_case))
        ),
    )


def may_see_joint(user: User, joint: JointCase) -> bool:
    if not user.is_authenticated:
        return False
    taker = joint.taken_by
    return x_policy.may_see_joint(
        user.actor, x_policy.JointFacts(joint.applicant_id, taker.service_centre_id if taker else None)
    )


def visible_joint(user: User, ref: str) -> JointCase | None:
    joint = JointCase.objects.filter(ref=ref).select_related("taken_by").first()
    return joint if joint is not None and may_see_joint(user, joint) else None


@dataclass(frozen=True)
class MineRow:
    """A row of 我的跨域办件: a case, or a joint case with its legs under it."""

    case: CrossRegionCase | None = None
    joint: JointCase | None = None
    legs: tuple[CrossRegionCase, ...] = ()

    @property
    def phase_label(self) -> str:
        return JOINT_PHASE_LABELS.get(JointPhase(self.joint.phase), self.joint.phase) if self.joint else ""


def mine_grouped(user: User, limit: int = 200) -> list[MineRow]:
    """The applicant's cases, newest first; a joint case's legs grouped under it, in their order."""
    page = list(mine(user).select_related("joint_case")[:limit])
    legs_of: dict[int, list[CrossRegionCase]] = {}
    joint_ids = {row.joint_case_id for row in page if row.joint_case_id is not None}
    for leg in CrossRegionCase.objects.filter(joint_case_id__in=joint_ids, side=Side.RECEIVING).order_by("id"):
        legs_of.setdefault(leg.joint_case_id, []).append(leg)  # type: ignore[arg-type]
    rows: list[MineRow] = []
    seen: set[int] = set()
    for row in page:
        if row.joint_case_id is None:
            rows.append(MineRow(case=row))
        elif row.joint_case_id not in seen:
            seen.add(row.joint_case_id)
            rows.append(MineRow(joint=row.joint_case, legs=tuple(legs_of[row.joint_case_id])))
    return rows


def joint_legs(joint: JointCase) -> list[CrossRegionCase]:
    """The legs on the accepting node, each with ``waits_for``: the titles of the legs it waits for."""
    legs = list(joint.legs.filter(side=Side.RECEIVING).order_by("id"))
    titles = {leg.leg_key: leg.leg_title for leg in legs}
    for leg in legs:
        leg.waits_for = [titles.get(key, key) for key in leg.depends_on]  # type: ignore[attr-defined]
    return legs


def joint_timeline(legs: list[CrossRegionCase]) -> list[CrossRegionEvent]:
    return list(CrossRegionEvent.objects.filter(case__in=legs).order_by("happened_at", "id"))


def joint_overview(joint: JointCase) -> dict:
    """The joint case as the leg nodes see it: its legs (title, node, item, status, what each waits for) and
    its merged timeline, each entry naming its leg."""
    legs = joint_legs(joint)
    titles = {leg.pk: leg.leg_title for leg in legs}
    here = transport.local_code()
    return {
        "ref": joint.ref,
        "name": joint.name,
        "accepting_node": here,
        "accepting_name": node_name_or_code(here),
        "phase": joint.phase,
        "phase_label": JOINT_PHASE_LABELS.get(JointPhase(joint.phase), joint.phase),
        "legs": [
            {
                "key": leg.leg_key,
                "title": leg.leg_title,
                "node": leg.deciding_node,
                "node_name": leg.peer_name or leg.deciding_node,
                "item_name": leg.item_name,
                "status": leg.status,
                "status_label": leg.status_label,
                "waits_for": leg.waits_for,  # type: ignore[attr-defined]
            }
            for leg in legs
        ],
        "timeline": [
            {
                "at": e.happened_at.isoformat(),
                "shown_at": timezone.localtime(e.happened_at).strftime("%Y-%m-%d %H:%M"),
                "node_name": e.node_name or e.node,
                "leg": titles.get(e.case_id, ""),
                "action": e.action_label,
                "status": e.status_after_label,
                "note": e.note,
            }
            for e in joint_timeline(legs)
        ][-OVERVIEW_EVENTS:],
    }


def node_name_or_code(code: str) -> str:
    try:
        return transport.node_name(code)
    except Exception:
        return code


def _wants_receiving_copy(user: User, xcase: CrossRegionCase) -> bool:
    """The applicant and the window clerks of the receiving centre work on the receiving copy."""
    if xcase.side != Side.RECEIVING:
        return False
    if xcase.applicant_id is not None and xcase.applicant_id == user.pk:
        return True
    role = user.actor.staff_role
    same_centre = xcase.receiving_centre_id is not None and xcase.receiving_centre_id == user.service_centre_id
    return role is not None and role.value == "window_clerk" and same_centre


def visible_copy(user: User, ref: str) -> CrossRegionCase | None:
    """The copy of a case this user works on. One node holds one copy, except a 多地联办 leg decided on its
    accepting node: there the receiving copy for its applicant and the receiving window, the deciding copy for
    the deciding staff (whom the case core's policy lets see its local case)."""
    if not user.is_authenticated:
        return None
    rows = list(CrossRegionCase.objects.filter(ref=ref).select_related("local_case", "joint_case"))
    rows.sort(key=lambda r: (not _wants_receiving_copy(user, r), r.side == Side.RECEIVING))
    return next((row for row in rows if may_see(user, row)), None)


def policy_facts(xcase: CrossRegionCase) -> x_policy.XCaseFacts:
    return x_policy.XCaseFacts(xcase.side, xcase.applicant_id, xcase.receiving_centre_id, xcase.mode, xcase.status)


def may_resubmit(user: User, xcase: CrossRegionCase) -> bool:
    """The one policy: the online applicant, or the receiving centre's staff, answer a correction."""
    if not user.is_authenticated:
        return False
    return x_policy.may_answer_correction(user.actor, policy_facts(xcase), visible=may_see(user, xcase))


def may_get_results(user: User, xcase: CrossRegionCase) -> bool:
    return user.is_authenticated and x_policy.may_get_results(user.actor, policy_facts(xcase))


def may_withdraw(user: User, xcase: CrossRegionCase) -> bool:
    return user.is_authenticated and x_policy.may_withdraw(user.actor, policy_facts(xcase))


def licence_check_url(xcase: CrossRegionCase) -> str:
    """The deciding node's public check of the e-licence it sent ("" if none)."""
    identifier = next((r.get("identifier") for r in xcase.results if r.get("identifier")), "")
    endpoint = next((n.endpoint for n in transport.nodes() if n.code == xcase.deciding_node), "")
    if not identifier or not endpoint:
        return ""
    return f"{endpoint.rstrip('/')}/licences/verify/?{urlencode({'q': identifier})}"


def mine(user: User) -> QuerySet[CrossRegionCase]:
    return CrossRegionCase.objects.filter(applicant=user, side=Side.RECEIVING).order_by("-created_at")


def applied_with_key(user: User, idempotency_key: str) -> CrossRegionCase | None:
    """The case this account's earlier API request with this Idempotency-Key made, if any."""
    if not idempotency_key:
        return None
    return CrossRegionCase.objects.filter(applicant=user, side=Side.RECEIVING, idempotency_key=idempotency_key).first()


def window_cases(user: User) -> QuerySet[CrossRegionCase]:
    """The cases the clerk's centre took or received for other regions, open ones first by their limit."""
    return CrossRegionCase.objects.filter(side=Side.RECEIVING, receiving_centre_id=user.service_centre_id).order_by(
        "-created_at"
    )


UNSIGNED_LABEL = "已转递，待办理地签收"


def with_shown_status(rows: list[CrossRegionCase]) -> list[CrossRegionCase]:
    """Each row's ``shown_status``: its status, or 已转递，待办理地签收 while the deciding node has not yet signed
    for the application (the federation's log still holds the message as pending)."""
    from .services.perform import APPLICATION_MESSAGE  # the services import this module

    forwarded = {r.ref for r in rows if r.side == Side.RECEIVING and r.status == XStatus.FORWARDED}
    unsigned = set(
        OutgoingMessage.objects.filter(
            case_ref__in=forwarded, message_type=APPLICATION_MESSAGE, status=OutgoingMessage.Status.PENDING
        ).values_list("case_ref", flat=True)
    )
    for r in rows:
        pending = r.ref in unsigned and r.side == Side.RECEIVING and r.status == XStatus.FORWARDED
        r.shown_status = UNSIGNED_LABEL if pending else r.status_label  # type: ignore[attr-defined]
    return rows


def overdue_forwarding(rows: list[CrossRegionCase]) -> list[CrossRegionCase]:
    """Taken and not forwarded by the limit (B's own limit, supervised apart from A's statutory clock)."""
    today = clock.today()
    return [r for r in rows if r.status == XStatus.TAKEN and r.forward_due and r.forward_due < today]


def deciding_cases(user: User) -> list[CrossRegionCase]:
    """On the deciding node: the cross-region cases whose local case the user may see; a leg this centre took
    itself is listed once, among the window's own (its receiving copy)."""
    rows = CrossRegionCase.objects.filter(side=Side.DECIDING).select_related("local_case").order_by("-created_at")[:200]
    taken_here = set(window_cases(user).values_list("ref", flat=True)) if user.service_centre_id else set()
    return [r for r in rows if r.ref not in taken_here and may_see(user, r)]


def timeline(xcase: CrossRegionCase) -> QuerySet[CrossRegionEvent]:
    return xcase.events.order_by("happened_at", "id")


def joint_cases(user: User) -> QuerySet[JointCase]:
    """The joint cases the clerk's centre accepted."""
    return JointCase.objects.filter(taken_by__service_centre_id=user.service_centre_id).order_by("-created_at")
