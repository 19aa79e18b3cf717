"""The deciding node (办理地): an application another node forwarded becomes a case of this node's case core,
handled by its own staff with its own rules and calendar; what they do to it goes back to the receiving node."""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.files.base import ContentFile

from tongban.cases.domain.corrections import list_item
from tongban.cases.domain.workflow import ACTION_LABELS as CASE_ACTION_LABELS
from tongban.cases.domain.workflow import STATUS_LABELS as CASE_STATUS_LABELS
from tongban.cases.domain.workflow import CaseAction, CaseStatus
from tongban.cases.facts import version_of
from tongban.cases.models import Case, CaseMaterial
from tongban.cases.models.case import Channel
from tongban.cases.selectors.deadlines import handling_due_text
from tongban.cases.services.applying import account_of, centre_for, published_version
from tongban.cases.services.context import Ctx, today
from tongban.cases.services.desk import resubmit
from tongban.cases.services.numbers import next_case_number, query_code
from tongban.cases.services.perform import Outcome, open_case
from tongban.catalogue.formschema import validate_submission
from tongban.catalogue.models import ItemImplementation
from tongban.core import clock
from tongban.core.identifiers import resident_id_error
from tongban.jurisdictions.models import Division

from ..domain.corrections import material_lines
from ..domain.workflow import ISSUE_TO_WINDOW, MODE_LABELS, Mode, Side, XAction
from ..models import CrossRegionCase
from . import files, results
from .perform import node_name, note_progress, perform, record_event

NODE = Ctx(None, "node")  # the platform acting on a message from another node
CA = CaseAction

# The case core's transitions that move the cross-region case; the others are progress on its timeline.
CASE_TO_X: dict[CaseAction, XAction] = {
    CA.ACCEPT: XAction.ACCEPT,
    CA.ACCEPT_DEFERRED: XAction.ACCEPT,
    CA.REFUSE: XAction.REFUSE,
    CA.REQUEST_CORRECTION: XAction.REQUEST_CORRECTION,
    CA.GRANT: XAction.GRANT,
    CA.DENY: XAction.DENY,
    CA.ISSUE_RESULT: XAction.ISSUE_RESULT,
}
QUIET = frozenset({CA.SUBMIT, CA.RESUBMIT, CA.SAVE_DRAFT, CA.RECORD_VISIT, CA.ATTACH_MATERIAL})
CASE_DELIVERY = {"window": ISSUE_TO_WINDOW, "post": "post", "electronic": "electronic"}

_from_peer: contextvars.ContextVar[bool] = contextvars.ContextVar("crossregion_from_peer", default=False)


@contextmanager
def from_peer() -> Iterator[None]:
    """The case core acts on what a peer sent: its transitions are not sent back."""
    token = _from_peer.set(True)
    try:
        yield
    finally:
        _from_peer.reset(token)


def remote_of(message: Any, at: str | None = None, actor_name: str = "") -> dict:
    return {"node": message.sender, "at": at or clock.now().isoformat(), "actor_name": actor_name}


def _material_rows(case: Case, materials: list[dict], mode: str) -> list[CaseMaterial]:
    """Proxy scans were checked against the originals at the receiving window; online uploads were not."""
    rows = []
    for meta, data in files.received(materials):
        row = CaseMaterial(
            case=case,
            name=meta["name"],
            content_type=meta.get("content_type", ""),
            size=len(data),
            sha256=meta["sha256"],
            paper_checked=mode != Mode.ONLINE,
        )
        row.file.save(f"xr-{meta['sha256'][:12]}", ContentFile(data), save=False)
        rows.append(row)
    return rows


def receive_application(message: Any) -> CrossRegionCase:
    """A forwarded application (``crossregion.application``): this node's copy and a case of its case core
    received at the centre hosting the deciding department, ``receiving_node`` naming the sender."""
    existing = CrossRegionCase.objects.filter(ref=message.case_ref, side=Side.DECIDING).first()
    if existing is not None:  # the transport delivers once; a retried local hand-over must not open twice
        return existing
    data, sender = message.payload["case"], message.sender
    xcase = CrossRegionCase.objects.create(
        ref=message.case_ref,
        side=Side.DECIDING.value,
        status=message.payload["status"],
        peer_node=sender,
        peer_name=node_name(sender),
        **{k: v for k, v in data.items() if k not in ("materials", "taken_on", "forward_due")},
        materials=[{k: v for k, v in m.items() if k != "content"} for m in data["materials"]],
        taken_on=dt.date.fromisoformat(data["taken_on"]) if data.get("taken_on") else None,
        forward_due=dt.date.fromisoformat(data["forward_due"]) if data.get("forward_due") else None,
    )
    for e in message.payload["events"]:
        record_event(
            xcase,
            e["action"],
            e["before"],
            node=e["node"],
            note=e["note"],
            actor_name=e["actor_name"],
            happened_at=dt.datetime.fromisoformat(e["at"]),
            remote=True,
        )
    impl = ItemImplementation.objects.filter(code=data["item_code"]).select_related("department", "division").first()
    if impl is None or impl.published_version_id is None:
        perform(xcase, XAction.REFUSE, note="本节点未发布该事项的办事指南", effect=_refusal("本节点无此事项"))
        return xcase
    xcase.deciding_department = impl.department.name
    xcase.local_case = _open_local_case(xcase, impl, data["materials"])
    xcase.save()
    note_progress(xcase, "case:received", note=f"办理地生成办件{xcase.local_case.number}，进入受理环节")
    return xcase


def _refusal(reason: str):
    def effect(row: CrossRegionCase) -> dict:
        row.refusal_reason = reason
        return {"reason": reason}

    return effect


def _open_local_case(xcase: CrossRegionCase, impl: ItemImplementation, materials: list[dict]) -> Case:
    version = published_version(impl)
    centre = centre_for(impl)
    cleaned, errors = validate_submission(version.form_schema, xcase.form_data)
    receiving_division = Division.objects.filter(code=xcase.receiving_node.ljust(12, "0")).first() or impl.division
    mode = Mode(xcase.mode)
    case = open_case(
        NODE,
        CA.SUBMIT,
        Outcome(
            reason=f"{xcase.peer_name or xcase.peer_node}跨域转递（{MODE_LABELS[mode]}），跨域办件{xcase.shown_ref}"
        ),
        number=next_case_number(impl.division_id[:6], today()),
        query_code=query_code(),
        implementation=impl,
        version=version,
        status="submitted",
        applicant=account_of(xcase.applicant_id_number),
        applicant_kind="natural" if resident_id_error(xcase.applicant_id_number) is None else "legal",
        applicant_name=xcase.applicant_name,
        applicant_id_number=xcase.applicant_id_number,
        # No phone on the local case: the receiving node tells the applicant (one notice, from where they are).
        identity_check=xcase.identity_check or "收件地实名认证",
        form_data=xcase.form_data if errors else cleaned,
        channel=Channel.ONLINE if mode is Mode.ONLINE else Channel.PROXY,
        receiving_division=receiving_division,
        receiving_centre=centre,
        receiving_node=xcase.receiving_node,
        deciding_department_id=impl.department_id,
        deciding_division_id=impl.division_id,
        submitted_at=clock.now(),
    )
    CaseMaterial.objects.bulk_create(_material_rows(case, materials, xcase.mode))
    return case


def after_case_transition(case: Case, action: CaseAction, before: str) -> None:
    """The case core's hook (``case_transitioned``, in the transition's transaction): a case received from
    another node tells it what happened, through the cross-region case's one entry point."""
    if not case.receiving_node or _from_peer.get():
        return
    xcase = CrossRegionCase.objects.filter(local_case=case, side=Side.DECIDING).first()
    if xcase is None or action in QUIET:
        return
    x_action = CASE_TO_X.get(action)
    if x_action is None:
        note_progress(xcase, f"case:{action.value}", note=_progress_note(case, action))
        return
    perform(
        xcase, x_action, note=_note(case, x_action), delivery=_delivery(case, x_action), effect=_copy(case, x_action)
    )


def _progress_note(case: Case, action: CaseAction) -> str:
    """A step of the handling as people read it: the action and the stage or reason it names (e.g.
    "完成办理环节：审核")."""
    event = case.events.filter(action=action.value).order_by("-id").first()
    detail = (event.step_name or event.reason) if event is not None else ""
    return CASE_ACTION_LABELS[action] + (f"：{detail[:100]}" if detail else "")


def _delivery(case: Case, action: XAction) -> str:
    return CASE_DELIVERY.get(case.result_delivery, "") if action is XAction.ISSUE_RESULT else ""


def _note(case: Case, action: XAction) -> str:
    if action is XAction.REQUEST_CORRECTION:
        note = correction_note(case)
        return "请补正：" + "、".join(case.correction_items) + (f"；说明：{note}" if note else "")
    if action is XAction.REFUSE:
        return case.refusal_reason
    if action is XAction.ACCEPT:
        return (
            f"受理，办件编号{case.number}；法定办结日期{handling_due_text(case.statutory_due, case)}（办理地工作日历）"
        )
    if action in (XAction.GRANT, XAction.DENY):
        return case.decision_reason
    if action is XAction.ISSUE_RESULT:
        licence = results.licence_note(case)
        return f"出件：{case.get_result_delivery_display()}" + (f"；{licence}" if licence else "")
    return ""


def correction_note(case: Case) -> str:
    """The office's own words with its latest correction request (the case core keeps them as its reason)."""
    event = case.events.filter(action=CaseAction.REQUEST_CORRECTION.value).order_by("-id").first()
    return (event.reason or "").strip() if event is not None else ""


def correction_parts(case: Case) -> tuple[list[str], list[dict[str, Any]]]:
    """The lines of the case's correction list answered with a file (named like the guide's materials), and
    the form fields to correct with their current answers and their entries of the form's schema."""
    version = version_of(case)
    schema = {str(f.get("key")): f for f in version.form_schema or [] if isinstance(f, dict)}
    fields = [
        {
            "key": key,
            "label": str(schema[key].get("label") or key),
            "value": case.form_data.get(key),
            "field": schema[key],
        }
        for key in case.correction_fields or []
        if key in schema
    ]
    field_lines = [list_item(f["label"]) for f in fields]
    names = version.materials.values_list("name", flat=True)
    return material_lines(list(case.correction_items), names, field_lines), fields


def _copy(case: Case, action: XAction):
    """What the deciding side's copy takes from its case, and what the message tells the receiving side."""

    def effect(row: CrossRegionCase) -> dict:
        row.remote_number = case.number
        row.correction_items = list(case.correction_items)
        row.refusal_reason = case.refusal_reason
        row.decision = case.decision
        row.decision_reason = case.decision_reason
        row.accepted_on = case.accepted_on
        row.statutory_due = case.statutory_due
        extra: dict[str, Any] = {}
        if action is XAction.REQUEST_CORRECTION:
            row.correction_materials, row.correction_fields = correction_parts(case)
            row.correction_note = correction_note(case)
            extra = {
                "correction_materials": row.correction_materials,
                "correction_fields": row.correction_fields,
                "correction_note": row.correction_note,
            }
        if action is XAction.ISSUE_RESULT:
            row.result_note, extra = results.result_summary(case)
        return extra | {
            "number": case.number,
            "correction_items": row.correction_items,
            "refusal_reason": row.refusal_reason,
            "decision": row.decision,
            "decision_reason": row.decision_reason,
            "accepted_on": case.accepted_on.isoformat() if case.accepted_on else None,
            "statutory_due": case.statutory_due.isoformat() if case.statutory_due else None,
            "result_note": row.result_note,
        }

    return effect


def _resubmitted(data: dict):
    def effect(row: CrossRegionCase) -> None:
        materials = data.get("materials", [])
        row.materials = [*row.materials, *({k: v for k, v in m.items() if k != "content"} for m in materials)]
        row.form_data = {**row.form_data, **(data.get("form_changes") or {})}
        row.correction_materials, row.correction_fields, row.correction_note = [], [], ""

    return effect


def receive_resubmission(xcase: CrossRegionCase, message: Any, payload: dict) -> None:
    """The receiving window scanned the corrected papers: they join the local case, which is resubmitted. If the
    local case no longer awaits the correction (it moved on meanwhile), the papers are only named on the
    timeline: a handler that raised would hold every later message of the case."""
    from ..domain.workflow import TABLE

    data = payload.get("data", {})
    remote = remote_of(message, payload.get("at"), payload.get("actor_name", ""))
    if (xcase.status, XAction.RESUBMIT) in TABLE:
        perform(xcase, XAction.RESUBMIT, note=payload.get("note", ""), remote=remote, effect=_resubmitted(data))
    case = xcase.local_case
    if case is None:
        return
    if case.status != CaseStatus.CORRECTION:
        papers = "、".join(str(m.get("name", "")) for m in data.get("materials", [])) or "申请表更正"
        status = CASE_STATUS_LABELS.get(CaseStatus(case.status), case.status)
        note = f"收到收件地转来的补正（{papers}）；本地办件{case.number}当前为“{status}”，未重新提交，请与收件地核对"
        note_progress(xcase, XAction.RESUBMIT.value, note=note)
        return
    rows = _material_rows(case, data.get("materials", []), xcase.mode)
    names = {r.name for r in rows}
    CaseMaterial.objects.filter(case=case, name__in=names).delete()
    CaseMaterial.objects.bulk_create(rows)
    with from_peer():
        resubmit(NODE, case, form_changes=data.get("form_changes") or None)


def receive_withdrawal(xcase: CrossRegionCase, message: Any, payload: dict) -> None:
    """The applicant withdrew at the receiving node: this node's copy ends and its local case is withdrawn
    through the case core's entry point, as the applicant would withdraw it here. If the case was decided
    before the message arrived, the withdrawal is on the timeline and changes nothing."""
    from tongban.cases.services.back_office import withdraw

    from ..domain.workflow import TABLE

    remote = remote_of(message, payload.get("at"), payload.get("actor_name", ""))
    reason = (payload.get("data") or {}).get("reason", "") or "申请人撤回"
    if (xcase.status, XAction.WITHDRAW) not in TABLE:
        note = f"{payload.get('note', '')}；办理地已作出决定，撤回未生效"
        note_progress(xcase, XAction.WITHDRAW.value, note=note, remote=remote)
        return
    perform(xcase, XAction.WITHDRAW, note=payload.get("note", ""), remote=remote)
    case = xcase.local_case
    if case is not None:
        with from_peer():
            withdraw(NODE, case, reason=f"申请人在{xcase.peer_name or xcase.peer_node}撤回申请：{reason}")
