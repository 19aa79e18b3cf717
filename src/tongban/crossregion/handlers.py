"""What arrives from other nodes (registered with the federation inbox, run in its transaction once per
message, in sequence per case), and the case core's hook on this node's own transitions."""

from __future__ import annotations

from typing import Any

from tongban.cases.signals import case_transitioned
from tongban.core.errors import DomainError

from . import transport
from .domain.workflow import ORIGIN, Side, XAction
from .models import CrossRegionCase
from .services import deciding, joint, receiving
from .services.perform import ACTION_MESSAGE, APPLICATION_MESSAGE, PROGRESS_MESSAGE, note_progress, perform


def copy_for(message: Any, side: Side) -> CrossRegionCase:
    row = CrossRegionCase.objects.filter(ref=message.case_ref, side=side, peer_node=message.sender).first()
    if row is None:
        raise DomainError("unknown_case", f"本节点没有跨域办件{message.case_ref}", "case_ref", status=404)
    return row


@transport.handler(APPLICATION_MESSAGE)
def on_application(message: Any) -> None:
    deciding.receive_application(message)


@transport.handler(ACTION_MESSAGE)
def on_action(message: Any) -> None:
    payload = message.payload
    action = XAction(payload["action"])
    # The peer did it: this node's copy is the one on the other side.
    side = Side.DECIDING if ORIGIN[action] is Side.RECEIVING else Side.RECEIVING
    row = copy_for(message, side)
    remote = deciding.remote_of(message, payload.get("at"), payload.get("actor_name", ""))
    if side is Side.DECIDING:
        if action is XAction.RESUBMIT:
            deciding.receive_resubmission(row, message, payload)
        elif action is XAction.WITHDRAW:
            deciding.receive_withdrawal(row, message, payload)
        else:
            perform(row, action, note=payload.get("note", ""), remote=remote)
        return
    row = receiving.apply_report(row, remote, payload)
    if row.joint_case is not None:
        joint.advance(row.joint_case)


@transport.handler(joint.JOINT_MESSAGE)
def on_joint(message: Any) -> None:
    """The accepting node's overview of the joint case a leg here belongs to: kept on the leg's copy."""
    row = copy_for(message, Side.DECIDING)
    CrossRegionCase.objects.filter(pk=row.pk).update(joint_overview=message.payload.get("joint") or {})


@transport.handler(PROGRESS_MESSAGE)
def on_progress(message: Any) -> None:
    payload = message.payload
    row = copy_for(message, Side.RECEIVING)
    note_progress(
        row,
        payload["label"],
        note=payload.get("note", ""),
        remote=deciding.remote_of(message, payload.get("at"), payload.get("actor_name", "")),
    )


def _case_transitioned(sender: Any, case: Any, action: Any, before: str, **_: Any) -> None:
    deciding.after_case_transition(case, action, before)


case_transitioned.connect(_case_transitioned, dispatch_uid="crossregion.after_case_transition")
