"""The one entry point of a cross-region case: lock, the state table (side and guards), effect, the timeline
event, the audit entry, and the message to the peer — all in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction

from tongban.audit.services import record as audit
from tongban.core import clock
from tongban.core.errors import DomainError

from .. import transport
from ..domain.workflow import OPENING, Mode, Side, XAction, XFacts, XStatus, XTransitionError, next_status
from ..models import CrossRegionCase, CrossRegionEvent
from ..selectors import joint_overview

ACTION_MESSAGE = "crossregion.action"
APPLICATION_MESSAGE = "crossregion.application"
PROGRESS_MESSAGE = "crossregion.progress"
# What the deciding side's copy takes over from the receiving side's row.
COPIED_FIELDS = (
    "mode",
    "receiving_node",
    "deciding_node",
    "item_code",
    "item_name",
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "identity_check",
    "form_data",
    "materials",
    "leg_key",
    "leg_title",
    "depends_on",
    "passed_data",
    "taken_on",
    "forward_due",
)


def send_application(row: CrossRegionCase) -> None:
    """The whole case to the deciding node: its data, the scanned files and the timeline so far."""
    from .files import with_content

    fields = {name: getattr(row, name) for name in COPIED_FIELDS}
    for day in ("taken_on", "forward_due"):
        fields[day] = fields[day].isoformat() if fields[day] else None
    fields["materials"] = with_content(row.materials)
    if row.joint_case is not None:  # the leg's node sees the joint case it belongs to
        fields["joint_overview"] = joint_overview(row.joint_case)
    events = [
        {
            "action": e.action,
            "node": e.node,
            "before": e.status_before,
            "after": e.status_after,
            "note": e.note,
            "actor_name": e.actor_name,
            "at": e.happened_at.isoformat(),
        }
        for e in row.events.order_by("happened_at", "id")
    ]
    transport.send(
        to_node=row.deciding_node,
        case_ref=row.ref,
        message_type=APPLICATION_MESSAGE,
        payload={"case": fields, "status": row.status, "events": events},
    )


def facts_of(xcase: CrossRegionCase) -> XFacts:
    granted = True
    if xcase.joint_case_id and xcase.depends_on:
        legs = {leg.leg_key: leg for leg in CrossRegionCase.objects.filter(joint_case_id=xcase.joint_case_id)}
        granted = all(legs[k].decision == "granted" for k in xcase.depends_on if k in legs)
    return XFacts(
        status=xcase.status,
        mode=Mode(xcase.mode),
        side=Side(xcase.side),
        materials_scanned=bool(xcase.materials),
        identity_checked=bool(xcase.identity_check),
        prerequisites_granted=granted,
        decision=xcase.decision,
    )


def node_name(code: str) -> str:
    try:
        return transport.node_name(code)
    except Exception:
        return code


def record_event(
    xcase: CrossRegionCase,
    action: str,
    before: str,
    *,
    node: str,
    note: str = "",
    actor_name: str = "",
    happened_at: dt.datetime | None = None,
    remote: bool = False,
) -> CrossRegionEvent:
    return CrossRegionEvent.objects.create(
        case=xcase,
        node=node,
        node_name=node_name(node),
        action=action,
        status_before=before,
        status_after=xcase.status,
        note=note,
        actor_name=actor_name,
        happened_at=happened_at or clock.now(),
        remote=remote,
    )


def lock(xcase: CrossRegionCase | int) -> CrossRegionCase:
    pk = xcase.pk if isinstance(xcase, CrossRegionCase) else xcase
    return CrossRegionCase.objects.select_for_update().get(pk=pk)


def perform(
    xcase: CrossRegionCase | int,
    action: XAction,
    *,
    actor: Any = None,
    note: str = "",
    delivery: str = "",
    effect: Callable[[CrossRegionCase], dict | None] | None = None,
    remote: dict | None = None,
    revision: int | None = None,
) -> CrossRegionCase:
    """Apply ``action`` to this side's copy. ``remote``: the peer's report of an action it performed (its node,
    time, actor name); otherwise the action is this side's own and is sent to the peer in this transaction.
    ``effect`` changes the row and returns what the message to the peer carries besides the action."""
    with transaction.atomic():
        row = lock(xcase)
        if revision is not None and revision != row.revision:
            raise DomainError("stale", "办件已被他人更新，请刷新后重试", "revision", status=409)
        before = row.status
        try:
            after = next_status(facts_of(row), action, delivery=delivery, remote=remote is not None)
        except XTransitionError as exc:
            raise DomainError(exc.blocked.code, exc.blocked.message, None, status=409) from exc
        extra = (effect(row) if effect else None) or {}
        if action is XAction.ISSUE_RESULT:
            row.result_delivery = delivery
        row.status = after.value
        row.revision += 1
        row.save()
        here = transport.local_code()
        actor_name = getattr(actor, "real_name", "") or getattr(actor, "username", "") or ""
        if remote is not None:
            record_event(
                row,
                action.value,
                before,
                node=remote["node"],
                note=note,
                actor_name=remote.get("actor_name", ""),
                happened_at=dt.datetime.fromisoformat(remote["at"]),
                remote=True,
            )
        else:
            event = record_event(row, action.value, before, node=here, note=note, actor_name=actor_name)
            if action is XAction.FORWARD:  # the deciding node learns of the case as a whole
                send_application(row)
            elif action not in OPENING and before not in (XStatus.WAITING, XStatus.TAKEN):  # the peer knows nothing yet
                transport.send(
                    to_node=row.peer_node,
                    case_ref=row.ref,
                    message_type=ACTION_MESSAGE,
                    payload={
                        "action": action.value,
                        "note": note,
                        "delivery": delivery,
                        "at": event.happened_at.isoformat(),
                        "actor_name": actor_name,
                        "data": extra,
                    },
                )
        audit(
            f"crossregion.{action.value}",
            "crossregion.CrossRegionCase",
            row.pk,
            actor=actor,
            detail={"ref": row.ref, "side": row.side, "from": before, "to": after.value, "remote": remote is not None},
        )
        return row


def note_progress(
    xcase: CrossRegionCase, label: str, *, note: str = "", remote: dict | None = None, actor_name: str = ""
) -> None:
    """A step of the deciding side's handling that does not move the cross-region state (a review step, an
    extension, a suspension …): on the timeline of both sides."""
    here = transport.local_code()
    if remote is not None:
        record_event(
            xcase,
            label,
            xcase.status,
            node=remote["node"],
            note=note,
            actor_name=remote.get("actor_name", ""),
            happened_at=dt.datetime.fromisoformat(remote["at"]),
            remote=True,
        )
        return
    event = record_event(xcase, label, xcase.status, node=here, note=note, actor_name=actor_name)
    transport.send(
        to_node=xcase.peer_node,
        case_ref=xcase.ref,
        message_type=PROGRESS_MESSAGE,
        payload={"label": label, "note": note, "at": event.happened_at.isoformat(), "actor_name": actor_name},
    )


def open_xcase(action: XAction, *, actor: Any = None, note: str = "", remote: dict | None = None, **fields: Any):
    """Create this side's copy with its first event (the opening actions of the table)."""
    assert action in OPENING
    side = Side(fields["side"])
    facts = XFacts(status="", mode=Mode(fields["mode"]), side=side, waits=bool(fields.get("depends_on")))
    after = next_status(facts, action, remote=remote is not None)
    row = CrossRegionCase.objects.create(status=after.value, **fields)
    if remote is not None:
        record_event(
            row,
            action.value,
            "",
            node=remote["node"],
            note=note,
            actor_name=remote.get("actor_name", ""),
            happened_at=dt.datetime.fromisoformat(remote["at"]),
            remote=True,
        )
    else:
        record_event(
            row,
            action.value,
            "",
            node=transport.local_code(),
            note=note,
            actor_name=getattr(actor, "real_name", "") or "",
        )
        if action is XAction.APPLY_ONLINE:
            send_application(row)
    audit(
        f"crossregion.{action.value}",
        "crossregion.CrossRegionCase",
        row.pk,
        actor=actor,
        detail={"ref": row.ref, "side": row.side, "to": after.value},
    )
    return row
