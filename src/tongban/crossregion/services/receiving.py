"""The receiving node (收件地): a citizen applies online here for another region's item (全程网办), or the
跨省通办 window takes an application and forwards it within its own limit (异地代收代办); what the deciding node
reports arrives here, reaches the applicant (notices) and, for a correction or a result for pick-up, the window."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from tongban.accounts.models import User
from tongban.catalogue.formschema import validate_submission
from tongban.core import clock
from tongban.core.errors import DomainError
from tongban.notifications.registry import Message
from tongban.notifications.services import notify
from tongban.workdays.selectors import current_calendar
from tongban.workdays.workcal import add_days

from .. import transport
from ..domain.corrections import missing_materials
from ..domain.workflow import ACTION_LABELS, Mode, Side, XAction, XStatus
from ..models import CrossRegionCase
from ..selectors import applied_with_key
from ..selectors import may_withdraw as policy_may_withdraw
from . import files, joint
from .perform import node_name, note_progress, open_xcase, perform


def new_ref() -> str:
    """Unique across the federation: the receiving node's code, the day and a random part."""
    return f"KY{transport.local_code()}{clock.today():%Y%m%d}{secrets.token_hex(4).upper()}"


def forward_days() -> int:
    return int(getattr(settings, "TONGBAN_CROSSREGION_FORWARD_DAYS", 1))


def _require(value: str, field: str, message: str) -> str:
    if not (value or "").strip():
        raise DomainError("required", message, field)
    return value.strip()


def _applicant(applicant: dict[str, str]) -> dict[str, Any]:
    return {
        "applicant_name": _require(applicant.get("name", ""), "applicant.name", "请填写申请人姓名"),
        "applicant_id_number": _require(applicant.get("id_number", ""), "applicant.id_number", "请填写证件号码"),
        "applicant_phone": applicant.get("phone", ""),
    }


def _peer(deciding_node: str) -> str:
    if deciding_node == transport.local_code():
        raise DomainError("same_node", "本地区的事项请直接在本平台申请", "item")
    if deciding_node not in {n.code for n in transport.nodes()}:
        raise DomainError("unknown_node", "办理地不在跨域通办节点目录中", "item")
    return deciding_node


def take_at_window(
    clerk: User,
    *,
    deciding_node: str,
    item_code: str,
    item_name: str,
    applicant: dict[str, str],
    identity_check: str,
    form_data: dict,
    scans: list[tuple[str, str, bytes]],
) -> CrossRegionCase:
    """异地代收: the 跨省通办 window takes the application (identity checked, form checked, materials scanned);
    its forwarding limit starts today in this node's calendar."""
    if clerk.service_centre_id is None or clerk.role != "window_clerk":
        raise DomainError("forbidden", "只有服务中心窗口人员可以跨域代收", None, status=403)
    _require(identity_check, "identity_check", "请记录申请人身份核验方式")
    stored = files.store_scans(scans)
    if not stored:
        raise DomainError("required", "请扫描申请材料", "materials")
    day = clock.today()
    with transaction.atomic():
        return open_xcase(
            XAction.TAKE,
            actor=clerk,
            note=f"身份核验：{identity_check}；扫描材料{len(stored)}份",
            ref=new_ref(),
            side=Side.RECEIVING.value,
            mode=Mode.PROXY.value,
            peer_node=_peer(deciding_node),
            peer_name=node_name(deciding_node),
            receiving_node=transport.local_code(),
            deciding_node=deciding_node,
            item_code=item_code,
            item_name=item_name,
            applicant=User.objects.filter(id_number=applicant.get("id_number")).first(),
            **_applicant(applicant),
            identity_check=identity_check,
            form_data=form_data,
            materials=stored,
            taken_by=clerk,
            receiving_centre_id=clerk.service_centre_id,
            taken_on=day,
            forward_due=add_days(current_calendar(), day, forward_days()),
        )


def forward(clerk: User, xcase: CrossRegionCase, revision: int | None = None) -> CrossRegionCase:
    def effect(row: CrossRegionCase) -> None:
        row.forwarded_at = clock.now()

    late = xcase.forward_due and clock.today() > xcase.forward_due
    note = f"转递{xcase.peer_name}" + ("（超过转递时限）" if late else "")
    return perform(xcase, XAction.FORWARD, actor=clerk, note=note, effect=effect, revision=revision)


def apply_online(
    user: User,
    *,
    deciding_node: str,
    item_code: str,
    item_name: str,
    form_data: dict,
    uploads: list[tuple[str, str, bytes]],
    phone: str = "",
    idempotency_key: str = "",
) -> CrossRegionCase:
    """全程网办: the signed-in applicant applies here; the application goes to the deciding node at once."""
    if user.kind not in ("citizen", "enterprise"):
        raise DomainError("forbidden", "请以个人或法人账号登录后申请", None, status=403)
    stored = files.store_scans(uploads)
    with transaction.atomic():
        return open_xcase(
            XAction.APPLY_ONLINE,
            actor=user,
            note="实名认证账号网上申请",
            ref=new_ref(),
            side=Side.RECEIVING.value,
            mode=Mode.ONLINE.value,
            peer_node=_peer(deciding_node),
            peer_name=node_name(deciding_node),
            receiving_node=transport.local_code(),
            deciding_node=deciding_node,
            item_code=item_code,
            item_name=item_name,
            applicant=user,
            applicant_name=user.real_name or user.legal_representative or user.username,
            applicant_id_number=user.id_number or user.uscc or "",
            applicant_phone=phone or user.phone,
            identity_check="实名认证账号",
            form_data=form_data,
            materials=stored,
            forwarded_at=clock.now(),
            idempotency_key=idempotency_key,
        )


def corrected_answers(xcase: CrossRegionCase, submitted: dict[str, Any]) -> dict[str, Any]:
    """The new answers to the form fields the correction names, checked against their entries of the deciding
    node's form; only those that changed. A field the list did not name cannot be changed."""
    named = {f["key"]: f for f in xcase.correction_fields}
    stray = [k for k in submitted if k not in named]
    if stray:
        raise DomainError("field_not_named", "补正只能修改补正通知列明的申请表栏目", stray[0])
    schema = [f["field"] for f in named.values()]
    cleaned, errors = validate_submission(schema, {k: submitted.get(k, f["value"]) for k, f in named.items()})
    if errors:
        key, message = next(iter(errors.items()))
        raise DomainError("invalid", f"{named[key]['label']}：{message}", key)
    return {k: cleaned.get(k) for k in named if cleaned.get(k) != named[k]["value"]}


def resubmit(
    clerk_or_applicant: User,
    xcase: CrossRegionCase,
    scans: list[tuple[str, str, bytes]],
    form_changes: dict[str, Any] | None = None,
) -> CrossRegionCase:
    """The correction reached the applicant through this window (or their account online): a file for each
    material the list names, the corrected answers to its form fields, sent to the deciding node. Everything is
    checked before anything is kept."""
    changes = corrected_answers(xcase, form_changes or {})
    missing = missing_materials(xcase.correction_materials, (name for name, _, _ in scans))
    if missing:
        raise DomainError("required", "请扫描补正材料：" + "、".join(missing), "materials")
    if not scans and not changes:
        raise DomainError("required", "请扫描申请人补正的材料或填写更正后的申请表栏目", "materials")
    stored = files.store_scans(scans)

    def effect(row: CrossRegionCase) -> dict:
        row.materials = [*row.materials, *stored]
        row.form_data = {**row.form_data, **changes}
        row.corrected_answers = {**row.corrected_answers, **changes}
        row.correction_materials, row.correction_fields, row.correction_note = [], [], ""
        return {"materials": files.with_content(stored), "form_changes": changes}

    labels = {f["key"]: f["label"] for f in xcase.correction_fields}
    parts = [f"补正材料：{'、'.join(m['name'] for m in stored)}"] if stored else []
    parts += [f"更正申请表：{'、'.join(labels[k] for k in changes)}"] if changes else []
    with transaction.atomic():
        return _joint_follows(
            perform(xcase, XAction.RESUBMIT, actor=clerk_or_applicant, note="；".join(parts), effect=effect)
        )


def hand_over(clerk: User, xcase: CrossRegionCase, revision: int | None = None) -> CrossRegionCase:
    with transaction.atomic():
        return _joint_follows(
            perform(xcase, XAction.HAND_OVER, actor=clerk, note="申请人在收件窗口领取结果", revision=revision)
        )


def _joint_follows(row: CrossRegionCase) -> CrossRegionCase:
    """A joint leg's change at this window moves its joint case too (and the leg nodes hear of it)."""
    if row.joint_case is not None:
        joint.advance(row.joint_case)
    return row


# ---- what the deciding node reports ---------------------------------------------------------------------

NOTICE_ACTIONS = {
    XAction.ACCEPT: "已受理",
    XAction.REFUSE: "不予受理",
    XAction.REQUEST_CORRECTION: "需要补正",
    XAction.GRANT: "已办结（准予）",
    XAction.DENY: "已办结（不予）",
    XAction.ISSUE_RESULT: "结果已送出",
}


def _where_to_correct(row: CrossRegionCase) -> str:
    if row.mode == Mode.ONLINE:
        return "请登录本平台，在“跨域办件”中在线补正。"
    return "请携带材料到收件窗口补正。"


def apply_report(xcase: CrossRegionCase, remote: dict, payload: dict) -> CrossRegionCase:
    """An action of the deciding node, as its message reports it: the same table, then a notice."""
    action = XAction(payload["action"])
    if xcase.status == XStatus.WITHDRAWN:
        return _after_withdrawal(xcase, remote, payload)
    data = payload.get("data", {}) or {}

    def effect(row: CrossRegionCase) -> None:
        row.remote_number = data.get("number", row.remote_number)
        for name in (
            "correction_items",
            "correction_materials",
            "correction_fields",
            "correction_note",
            "refusal_reason",
            "decision",
            "decision_reason",
            "result_note",
        ):
            if name in data:
                setattr(row, name, data[name])
        if data.get("results"):
            row.results = [*row.results, *files.store_received(data["results"])]
        for name in ("accepted_on", "statutory_due"):
            if data.get(name):
                setattr(row, name, dt.date.fromisoformat(data[name]))

    row = perform(
        xcase, action, note=payload.get("note", ""), delivery=payload.get("delivery", ""), effect=effect, remote=remote
    )
    if action in NOTICE_ACTIONS and row.applicant_phone:
        notify(
            Message(
                row.applicant_phone,
                row.applicant_name,
                f"跨域通办：{NOTICE_ACTIONS[action]}",
                f"【{row.shown_ref}】您申请的“{row.item_name}”（{row.peer_name}办理）{ACTION_LABELS[action]}。"
                + (f"{payload.get('note')}。" if payload.get("note") else "")
                + (_where_to_correct(row) if action is XAction.REQUEST_CORRECTION else "")
                + ("请到收件窗口领取结果。" if row.status == XStatus.RESULT_SENT else "")
                + (
                    "办理结果可登录本平台，在跨域办件页面下载。"
                    if action is XAction.ISSUE_RESULT and row.results
                    else ""
                ),
                row.joint_ref or row.ref,  # a leg's notices file under its joint case's number, never "…-leg1"
                f"crossregion_{action.value}",
            )
        )
    return row


# ---- withdrawal (撤回申请) ---------------------------------------------------------------------------------


def may_withdraw(user: User, xcase: CrossRegionCase) -> bool:
    """The one policy (domain/policy.py): the applicant, or the receiving centre's window clerk."""
    return policy_may_withdraw(user, xcase)


def withdraw(user: User, xcase: CrossRegionCase, reason: str = "", revision: int | None = None) -> CrossRegionCase:
    """The applicant withdraws before the deciding node decides: this side's copy ends, the deciding node
    withdraws its local case when the message arrives. A 多地联办 leg withdraws the whole matter (joint.py)."""
    from .joint import withdraw_joint

    if not may_withdraw(user, xcase):
        raise DomainError("forbidden", "只有申请人本人或收件窗口人员可以撤回该申请", None, status=403)
    reason = (reason or "").strip()
    if not reason:
        if user.pk != xcase.applicant_id:
            raise DomainError("required", "请填写申请人撤回的原因", "reason")
        reason = "申请人撤回"
    if len(reason) > 200:
        raise DomainError("invalid", "撤回原因不超过200字", "reason")
    with transaction.atomic():
        if xcase.joint_case is not None:
            withdraw_joint(user, xcase.joint_case, reason)
            row = CrossRegionCase.objects.get(pk=xcase.pk)
        else:
            row = perform(
                xcase, XAction.WITHDRAW, actor=user, note=f"撤回申请：{reason}", revision=revision, effect=_why(reason)
            )
        _tell_applicant(row, "跨域通办：申请已撤回", f"已按您的请求撤回。原因：{reason}。", "crossregion_withdraw")
    return row


def _why(reason: str):
    def effect(row: CrossRegionCase) -> dict:
        return {"reason": reason}

    return effect


def _tell_applicant(row: CrossRegionCase, title: str, text: str, kind: str) -> None:
    if row.applicant_phone:
        where = row.joint_case.name if row.joint_case is not None else f"“{row.item_name}”（{row.peer_name}办理）"
        number = row.joint_ref or row.ref
        notify(
            Message(row.applicant_phone, row.applicant_name, title, f"【{number}】您申请的{where}{text}", number, kind)
        )


def _after_withdrawal(xcase: CrossRegionCase, remote: dict, payload: dict) -> CrossRegionCase:
    """The deciding node acted before the withdrawal reached it: on the timeline, the case stays withdrawn
    (refusing the message would hold up every later one of this case)."""
    note = "；".join(filter(None, [payload.get("note", ""), "办理地在收到撤回申请前办理"]))
    note_progress(xcase, payload["action"], note=note, remote=remote)
    action = XAction(payload["action"])
    if action in NOTICE_ACTIONS:  # the applicant learns what was decided after all
        text = f"：办理地在收到您的撤回申请前已“{ACTION_LABELS[action]}”，撤回未生效。{payload.get('note') or ''}"
        _tell_applicant(xcase, f"跨域通办：{NOTICE_ACTIONS[action]}", text, f"crossregion_{action.value}")
    return xcase


def apply_online_once(user: User, idempotency_key: str, **application: Any) -> tuple[CrossRegionCase, bool]:
    """全程网办 with the client's Idempotency-Key: (the case, whether this request made it). A retry with the
    same key, or a concurrent one meeting the unique key, gets the case the first request made."""
    if (done := applied_with_key(user, idempotency_key)) is not None:
        return done, False
    try:
        with transaction.atomic():
            return apply_online(user, idempotency_key=idempotency_key, **application), True
    except IntegrityError:
        done = applied_with_key(user, idempotency_key)
        if done is None:
            raise
        return done, False
