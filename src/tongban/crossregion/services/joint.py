"""多地联办: one application accepted here for a matter several regions act on in turn. Each leg is a
cross-region case to its node (this node included), opened waiting; a leg starts when the legs it depends on
are granted, carrying what they decided (the data it needs); a failed leg ends those after it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction

from tongban.accounts.models import User
from tongban.core import clock
from tongban.core.errors import DomainError

from .. import transport
from ..domain.workflow import Leg, Mode, Side, XAction, check_dependencies, joint_phase, legs_to_end, legs_to_start
from ..models import CrossRegionCase, JointCase
from . import files
from .perform import node_name, open_xcase, perform


@dataclass(frozen=True)
class LegSpec:
    key: str
    title: str  # 迁出地审批, 转入地接续 …
    node: str
    item_code: str
    item_name: str
    depends_on: tuple[str, ...] = ()


def take_joint(
    clerk: User,
    *,
    name: str,
    legs: list[LegSpec],
    applicant: dict[str, str],
    identity_check: str,
    form_data: dict,
    scans: list[tuple[str, str, bytes]],
) -> JointCase:
    """The applicant goes once: the window takes the whole matter; the legs without prerequisites start now."""
    if clerk.service_centre_id is None or clerk.role != "window_clerk":
        raise DomainError("forbidden", "只有服务中心窗口人员可以受理多地联办", None, status=403)
    if len(legs) < 2:
        raise DomainError("legs", "多地联办至少包含两个地区的环节", "legs")
    try:
        check_dependencies({leg.key: leg.depends_on for leg in legs})
    except ValueError as exc:
        raise DomainError("legs", str(exc), "legs") from exc
    known = {n.code for n in transport.nodes()} | {transport.local_code()}
    for leg in legs:
        if leg.node not in known:
            raise DomainError("unknown_node", f"环节“{leg.title}”的办理地不在节点目录中", "legs")
    if not (identity_check or "").strip():
        raise DomainError("required", "请记录申请人身份核验方式", "identity_check")
    stored = files.store_scans(scans)
    if not stored:
        raise DomainError("required", "请扫描申请材料", "materials")
    here = transport.local_code()
    with transaction.atomic():
        joint = JointCase.objects.create(
            ref=f"LB{here}{clock.today():%Y%m%d}{secrets.token_hex(4).upper()}",
            name=name,
            applicant=User.objects.filter(id_number=applicant.get("id_number")).first(),
            applicant_name=applicant["name"],
            applicant_id_number=applicant["id_number"],
            taken_by=clerk,
        )
        for leg in legs:
            open_xcase(
                XAction.OPEN_LEG,
                actor=clerk,
                note=f"{joint.name}：{leg.title}",
                ref=f"{joint.ref}-{leg.key}",
                side=Side.RECEIVING.value,
                mode=Mode.JOINT.value,
                peer_node=leg.node,
                peer_name=node_name(leg.node),
                receiving_node=here,
                deciding_node=leg.node,
                item_code=leg.item_code,
                item_name=leg.item_name,
                applicant=joint.applicant,
                applicant_name=applicant["name"],
                applicant_id_number=applicant["id_number"],
                applicant_phone=applicant.get("phone", ""),
                identity_check=identity_check,
                form_data=form_data,
                materials=stored,
                taken_by=clerk,
                receiving_centre_id=clerk.service_centre_id,
                taken_on=clock.today(),
                joint_case=joint,
                leg_key=leg.key,
                leg_title=leg.title,
                depends_on=list(leg.depends_on),
            )
        advance(joint)
    return joint


def _legs(joint: JointCase) -> list[CrossRegionCase]:
    return list(joint.legs.filter(side=Side.RECEIVING).order_by("id"))


def advance(joint: JointCase) -> None:
    """Start what may start, end what never can, and follow the phase (called after every leg's change)."""
    rows = {row.leg_key: row for row in _legs(joint)}

    def legs() -> list[Leg]:
        return [Leg(r.leg_key, r.status, r.decision, tuple(r.depends_on)) for r in rows.values()]

    for key in legs_to_end(legs()):
        rows[key] = perform(rows[key], XAction.TERMINATE, note="前序环节未获准予，本环节终止")
    for key in legs_to_start(legs()):
        row = rows[key]
        passed = {
            rows[d].leg_title: {
                "办件编号": rows[d].remote_number,
                "决定": rows[d].decision_reason,
                "结果": rows[d].result_note,
            }
            for d in row.depends_on
        }

        def hand_on(r: CrossRegionCase, passed: dict = passed) -> None:
            r.passed_data = passed  # structured, for the services; the form shows it as a sentence
            r.form_data = {**r.form_data, "前序环节": _as_text(passed)} if passed else r.form_data

        rows[key] = perform(row, XAction.FORWARD, note=f"转递{row.peer_name}：{row.leg_title}", effect=hand_on)
    phase = joint_phase(legs())
    if phase.value != joint.phase:
        JointCase.objects.filter(pk=joint.pk).update(phase=phase.value)
        joint.phase = phase.value


def _as_text(passed: dict[str, dict[str, str]]) -> str:
    """济源迁出（办件编号 419001-…，决定 准予…）: what earlier legs decided, as the deciding office reads it."""
    return "；".join(
        f"{title}（{'，'.join(f'{label} {value}' for label, value in facts.items() if value)}）"
        for title, facts in passed.items()
    )


def withdraw_joint(actor: User, joint: JointCase, reason: str) -> list[CrossRegionCase]:
    """The applicant withdraws the whole matter: every leg not yet decided is withdrawn (a leg at its node
    tells that node, a waiting one simply ends); the legs already decided keep their decisions."""
    from ..domain.workflow import TABLE

    withdrawn, why = [], {"reason": reason}
    with transaction.atomic():
        for leg in _legs(joint):
            if (leg.status, XAction.WITHDRAW) in TABLE:
                withdrawn.append(
                    perform(leg, XAction.WITHDRAW, actor=actor, note=f"撤回联办申请：{reason}", effect=lambda _: why)
                )
        if not withdrawn:
            raise DomainError("state", "联办各环节均已作出决定或已结束，不能撤回", None, status=409)
        advance(joint)
    return withdrawn
