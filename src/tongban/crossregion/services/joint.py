"""多地联办: one application accepted here for a matter several regions act on in turn. Each leg is a
cross-region case to its node (this node included) with that node's own form and the materials its guide asks;
a leg without prerequisites is forwarded at once, the others wait until the legs they depend on are granted and
then start with the current papers and what those legs decided; a failed leg ends those after it. Every leg
node that holds its application is kept up to date with the joint case as a whole (its overview)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from tongban.accounts.models import User
from tongban.catalogue.formschema import validate_submission
from tongban.core import clock
from tongban.core.errors import DomainError

from .. import transport
from ..domain.workflow import (
    Leg,
    Mode,
    Side,
    XAction,
    check_dependencies,
    joint_phase,
    legs_to_end,
    legs_to_start,
)
from ..models import CrossRegionCase, JointCase
from ..selectors import joint_overview, offer
from . import files, guides
from .perform import node_name, open_xcase, perform

JOINT_MESSAGE = "crossregion.joint"
# A leg that has no copy on its deciding node (yet, or ever).


@dataclass(frozen=True)
class LegSpec:
    key: str
    title: str  # 迁出地审批, 转入地接续 …
    node: str
    item_code: str
    depends_on: tuple[str, ...] = ()
    form_data: Mapping[str, Any] = field(default_factory=dict)  # answers to the leg node's own form


@dataclass(frozen=True)
class NeededMaterial:
    """A paper the intake asks for: scanned once however many legs need it."""

    name: str
    required_by: tuple[str, ...]  # the titles of the legs that require it
    wanted_by: tuple[str, ...]  # every leg that lists it
    instructions: str = ""

    @property
    def required(self) -> bool:
        return bool(self.required_by)


@dataclass(frozen=True)
class LegProblem:
    leg_key: str
    leg_title: str
    field: str  # a key of the leg's form, or "" for a material
    detail: str

    @property
    def message(self) -> str:
        return f"{self.leg_title}：{self.detail}"


def plan_legs(legs: list[LegSpec]) -> None:
    """The legs make a 多地联办: two or more, each an item its node offers as a leg, and what each waits for
    names another leg without going round in a circle (DomainError naming the leg otherwise)."""
    if len(legs) < 2:
        raise DomainError("legs", "多地联办至少包含两个环节", "legs")
    keys = {leg.key for leg in legs}
    for leg in legs:
        if any(d not in keys or d == leg.key for d in leg.depends_on):
            raise DomainError("legs", f"环节“{leg.title}”等待的前序环节未设置", "legs")
    try:
        check_dependencies({leg.key: leg.depends_on for leg in legs})
    except ValueError as exc:
        raise DomainError("legs", str(exc), "legs") from exc
    known = {n.code for n in transport.nodes()} | {transport.local_code()}
    for leg in legs:
        if leg.node not in known:
            raise DomainError("unknown_node", f"环节“{leg.title}”的办理地不在节点目录中", "legs")
        found = offer(leg.node, leg.item_code, include_here=True)
        if found is None or not found.joint:
            raise DomainError("not_joint", f"环节“{leg.title}”所选事项不能作为多地联办环节", "legs")


def leg_guides(legs: Iterable[LegSpec]) -> dict[str, guides.RemoteGuide]:
    """Each leg's guide as its node publishes it (this node's own read directly)."""
    return {leg.key: guides.guide_for(leg.node, leg.item_code) for leg in legs}


def materials_needed(legs: Iterable[LegSpec], guide_of: Mapping[str, guides.RemoteGuide]) -> list[NeededMaterial]:
    """The union of the legs' materials lists by name, in the order the legs list them."""
    rows: dict[str, dict[str, Any]] = {}
    for leg in legs:
        for m in guide_of[leg.key].materials:
            row = rows.setdefault(m["name"], {"required": [], "wanted": [], "instructions": m.get("instructions", "")})
            row["wanted"].append(leg.title)
            if m.get("necessity") == "required":
                row["required"].append(leg.title)
    return [
        NeededMaterial(name, tuple(r["required"]), tuple(r["wanted"]), r["instructions"]) for name, r in rows.items()
    ]


def check_legs(
    legs: Iterable[LegSpec], guide_of: Mapping[str, guides.RemoteGuide], scanned: Iterable[str]
) -> tuple[dict[str, dict], list[LegProblem]]:
    """Every leg's answers checked against its own form, and its required materials against what was scanned:
    (cleaned answers per leg, every problem at once, each naming the leg)."""
    have = set(scanned)
    cleaned_by_leg: dict[str, dict] = {}
    problems: list[LegProblem] = []
    for leg in legs:
        guide = guide_of[leg.key]
        cleaned, errors = validate_submission(guide.form_schema, dict(leg.form_data))
        cleaned_by_leg[leg.key] = cleaned
        problems += [LegProblem(leg.key, leg.title, key, message) for key, message in errors.items()]
        problems += [
            LegProblem(leg.key, leg.title, "", f"请扫描“{m['name']}”")
            for m in guide.materials
            if m.get("necessity") == "required" and m["name"] not in have
        ]
    return cleaned_by_leg, problems


def take_joint(
    clerk: User,
    *,
    name: str,
    legs: list[LegSpec],
    applicant: dict[str, str],
    identity_check: str,
    scans: list[tuple[str, str, bytes]],
) -> JointCase:
    """The applicant goes once: the window takes the whole matter, each leg with its own form and papers; the
    legs without prerequisites start now."""
    if clerk.service_centre_id is None or clerk.role != "window_clerk":
        raise DomainError("forbidden", "只有服务中心窗口人员可以受理多地联办", None, status=403)
    plan_legs(legs)
    if not (applicant.get("name") or "").strip() or not (applicant.get("id_number") or "").strip():
        raise DomainError("required", "请填写申请人姓名和证件号码", "applicant")
    if not (identity_check or "").strip():
        raise DomainError("required", "请记录申请人身份核验方式", "identity_check")
    guide_of = leg_guides(legs)
    cleaned, problems = check_legs(legs, guide_of, (n for n, _, _ in scans))
    if problems:
        first = problems[0]
        raise DomainError("invalid", first.message, f"legs.{first.leg_key}.{first.field or 'materials'}")
    stored = files.store_scans(scans)
    titles = {leg.key: leg.title for leg in legs}
    here = transport.local_code()
    with transaction.atomic():
        joint = JointCase.objects.create(
            ref=f"LB{here}{clock.today():%Y%m%d}{secrets.token_hex(4).upper()}",
            name=name,
            applicant=User.objects.filter(id_number=applicant.get("id_number")).first(),
            applicant_name=applicant["name"].strip(),
            applicant_id_number=applicant["id_number"].strip(),
            taken_by=clerk,
        )
        for leg in legs:
            guide = guide_of[leg.key]
            wanted = {m["name"] for m in guide.materials}
            waits = "、".join(titles[k] for k in leg.depends_on)
            open_xcase(
                XAction.OPEN_LEG,
                actor=clerk,
                note=f"{joint.name}：{leg.title}；"
                + (f"等待{waits}准予后开始" if waits else "无前序环节，收件后即转递"),
                ref=f"{joint.ref}-{leg.key}",
                side=Side.RECEIVING.value,
                mode=Mode.JOINT.value,
                peer_node=leg.node,
                peer_name=node_name(leg.node),
                receiving_node=here,
                deciding_node=leg.node,
                item_code=leg.item_code,
                item_name=guide.name,
                applicant=joint.applicant,
                applicant_name=joint.applicant_name,
                applicant_id_number=joint.applicant_id_number,
                applicant_phone=applicant.get("phone", ""),
                identity_check=identity_check,
                form_data=cleaned[leg.key],
                materials=[m for m in stored if m["name"] in wanted],
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


def current_papers(own: list[dict], earlier: Iterable[CrossRegionCase]) -> list[dict]:
    """A starting leg's papers: each of its own in the latest version an earlier leg holds (a 补正 there
    replaced it), and the papers an earlier leg's 补正 asked for, which it did not have."""
    papers = {m["name"]: m for m in own}
    for leg in earlier:
        asked = set(leg.correction_items or ())
        for m in leg.materials:  # in the order taken: a resubmitted paper comes after the one it replaces
            if m["name"] in papers or m["name"] in asked:
                papers[m["name"]] = m
    return list(papers.values())


def current_answers(own: dict[str, Any], legs: Iterable[CrossRegionCase]) -> dict[str, Any]:
    """A starting leg's answers: where its form asks a key another leg's 补正 corrected, the corrected answer
    (legs in the order taken: a later correction wins)."""
    answers = dict(own)
    for leg in legs:
        answers |= {k: v for k, v in (leg.corrected_answers or {}).items() if k in answers}
    return answers


def advance(joint: JointCase) -> None:
    """Start what may start, end what never can, follow the phase, and tell every leg node that holds its
    application how the joint case stands (called after every leg's change)."""
    rows = {row.leg_key: row for row in _legs(joint)}

    def legs() -> list[Leg]:
        return [Leg(r.leg_key, r.status, r.decision, tuple(r.depends_on)) for r in rows.values()]

    for key in legs_to_end(legs()):
        rows[key] = perform(rows[key], XAction.TERMINATE, note="前序环节未获准予，本环节终止")
    started = legs_to_start(legs())
    for key in started:
        row = rows[key]
        earlier = [rows[d] for d in row.depends_on]
        passed = {
            d.leg_title: {"办件编号": d.remote_number, "决定": d.decision_reason, "结果": d.result_note}
            for d in earlier
        }

        def hand_on(r: CrossRegionCase, passed: dict = passed, earlier: list = earlier) -> None:
            r.passed_data = passed  # structured, for the services; the form shows it as a sentence
            r.form_data = current_answers(r.form_data, rows.values())
            r.form_data = {**r.form_data, "前序环节": _as_text(passed)} if passed else r.form_data
            r.materials = current_papers(r.materials, earlier)
            r.forwarded_at = clock.now()

        if passed:
            note = f"前序环节{'、'.join(passed)}已准予，转递{row.peer_name}：{row.leg_title}"
        else:
            note = f"转递{row.peer_name}：{row.leg_title}"
        rows[key] = perform(row, XAction.FORWARD, note=note, effect=hand_on)
    phase = joint_phase(legs())
    if phase.value != joint.phase:
        JointCase.objects.filter(pk=joint.pk).update(phase=phase.value)
        joint.phase = phase.value
    share_overview(joint, skip=frozenset(started))


def share_overview(joint: JointCase, skip: frozenset[str] = frozenset()) -> None:
    """The joint case as it stands, to every leg's deciding node that has the leg's application (through the
    transport, in sequence with the leg's other messages); ``skip``: legs whose application just carried it."""
    overview = joint_overview(joint)
    for row in _legs(joint):
        if row.forwarded_at is not None and row.leg_key not in skip:  # a leg never forwarded: its node knows nothing
            transport.send(
                to_node=row.deciding_node, case_ref=row.ref, message_type=JOINT_MESSAGE, payload={"joint": overview}
            )


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
