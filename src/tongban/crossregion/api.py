"""API: cross-region handling (跨域通办) on the node where the applicant is — other regions' items and their
guides, applying online for one (全程网办), my cross-region cases with the merged timeline, and withdrawing.

Thin, as the pages are: reads through crossregion.selectors, writes through crossregion.services, and who may
see a case is the one function the pages ask (``selectors.may_see``): a case the caller may not see answers
404 whether or not it exists. Personal data in full only to the applicant and the staff handling the case;
every read of a case is written to the audit log as the page does.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.http import HttpRequest
from ninja import Field, Header, Query, Router, Schema, Status

from tongban.accounts.api_auth import api_user, bearer
from tongban.accounts.masking import mask_phone, mask_resident_id
from tongban.accounts.models import User
from tongban.audit.services import record as audit
from tongban.cases.domain import policy as case_policy
from tongban.cases.facts import case_facts
from tongban.catalogue.formschema import validate_submission
from tongban.core.api_errors import ERRORS, ApiError, ErrorOut, Limit, NotFound, Offset, paged

from . import selectors
from .domain.workflow import MODE_LABELS, XAction, allowed_actions
from .models import CrossRegionCase
from .services import guides, receiving
from .services.perform import facts_of

TAG = "跨域通办"
router = Router(auth=bearer)
AUTH_ERRORS: dict[int, Any] = {**ERRORS, 401: ErrorOut, 403: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {**AUTH_ERRORS, 409: ErrorOut}
NOT_FOUND = "没有找到该跨域办件"
NOT_OFFERED = "该事项不在跨域通办目录中"
IDEMPOTENCY_HELP = "幂等键（1–80个可见ASCII字符）：网络超时后用同一个键重试，返回第一次请求的办件，不会重复申请"


# --- schemas ---------------------------------------------------------------------------------------------


class OfferOut(Schema):
    node: str = Field(..., description="办理地节点（行政区划代码）")
    node_name: str
    code: str = Field(..., description="事项实施编码")
    name: str
    scope: str = Field(..., description="通办范围：跨省通办、全省通办或点对点通办")
    modes: list[str] = Field(..., description="可用的通办模式")
    online: bool = Field(..., description="可全程网办")
    proxy: bool = Field(..., description="可到本地跨省通办窗口代收")


class GuideOut(Schema):
    node: str
    node_name: str
    code: str
    name: str
    department: str
    form_schema: list[dict[str, Any]] = Field(..., description="办理地的申请表（字段 key、label、type、required…）")
    materials: list[dict[str, Any]] = Field(..., description="办理地要求的材料：name、necessity、instructions")
    statutory_days: int
    limit_unit: str
    url: str = Field(..., description="办理地发布的办事指南页面")


class MaterialIn(Schema):
    name: str = Field(..., max_length=200, description="办理地办事指南中的材料名称")
    filename: str = Field(..., max_length=120)
    content_base64: str = Field(..., description="文件内容（base64）；按内容识别 PDF、JPEG、PNG、OFD 并整体检查")


class ApplicationIn(Schema):
    node: str = Field(..., max_length=12, description="办理地节点（行政区划代码）")
    item: str = Field(..., max_length=120, description="事项实施编码")
    form_data: dict[str, Any] = Field(default_factory=dict, description="按办理地申请表填写")
    phone: str = Field("", max_length=20, description="接收通知的手机号（默认账号手机号）")
    materials: list[MaterialIn] = Field(default_factory=list)


class WithdrawIn(Schema):
    reason: str = Field("", max_length=200, description="撤回原因（窗口代为撤回时必填）")
    revision: int | None = Field(None, description="所见的修订号：办件已被他人更新时返回409")


class EventOut(Schema):
    at: str
    node: str
    node_name: str
    action: str
    action_label: str
    status_after: str
    note: str
    actor_name: str


class CaseOut(Schema):
    ref: str
    side: str = Field(..., description="本节点角色：receiving 收件地，deciding 办理地")
    mode: str
    mode_label: str
    status: str
    status_label: str
    revision: int
    item_code: str
    item_name: str
    deciding_node: str
    receiving_node: str
    peer_name: str
    applicant_name: str
    applicant_id_number: str = Field(..., description="申请人和经办人员可见完整号码，其他人脱敏")
    applicant_phone: str
    remote_number: str = Field(..., description="办理地办件编号")
    local_case: str | None = Field(None, description="办理地：本节点的办件编号（/api/v1/cases/{number}）")
    joint_ref: str | None = Field(None, description="所属多地联办件编号（撤回其中一环节即撤回整件）")
    leg_title: str
    correction_items: list[str]
    decision: str
    result_delivery: str
    accepted_on: str | None
    statutory_due: str | None
    created_at: str
    may_withdraw: bool = Field(..., description="当前用户现在可以撤回")


class CaseDetailOut(CaseOut):
    timeline: list[EventOut] = Field(..., description="收件地与办理地合并的办理过程，按发生时间")


class CasePageOut(Schema):
    total: int
    limit: int
    offset: int
    results: list[CaseOut]


class FormErrorDetail(Schema):
    code: str
    message: str
    field: str | None = None
    fields: dict[str, str] = Field(default_factory=dict, description="申请表每一处错误：字段 key → 说明")


class FormErrorOut(Schema):
    error: FormErrorDetail


# --- presenters ------------------------------------------------------------------------------------------


def _offer_out(row: selectors.OfferRow) -> dict[str, Any]:
    return {
        "node": row.node_code,
        "node_name": row.node_name,
        "code": row.code,
        "name": row.name,
        "scope": row.scope_label,
        "modes": list(row.mode_labels),
        "online": row.online,
        "proxy": row.proxy,
    }


def _personal(user: User, xcase: CrossRegionCase) -> bool:
    """In full to the applicant and to the staff handling it: the receiving window, and on the deciding node
    whom the case core's policy lets see its local case's personal data; masked for oversight."""
    if xcase.applicant_id == user.pk:
        return True
    if xcase.side == "deciding":
        local = xcase.local_case
        return local is not None and case_policy.may_see_personal(user.actor, case_facts(local))
    return user.role == "window_clerk" and user.service_centre_id == xcase.receiving_centre_id


def _may_withdraw(user: User, xcase: CrossRegionCase) -> bool:
    possible = allowed_actions(facts_of(xcase)) if xcase.side == "receiving" else []
    return XAction.WITHDRAW in possible and receiving.may_withdraw(user, xcase)


def _case_out(user: User, xcase: CrossRegionCase) -> dict[str, Any]:
    full = _personal(user, xcase)
    return {
        "ref": xcase.ref,
        "side": xcase.side,
        "mode": xcase.mode,
        "mode_label": MODE_LABELS.get(xcase.mode, xcase.mode),  # type: ignore[call-overload]
        "status": xcase.status,
        "status_label": xcase.status_label,
        "revision": xcase.revision,
        "item_code": xcase.item_code,
        "item_name": xcase.item_name,
        "deciding_node": xcase.deciding_node,
        "receiving_node": xcase.receiving_node,
        "peer_name": xcase.peer_name,
        "applicant_name": xcase.applicant_name,
        "applicant_id_number": xcase.applicant_id_number if full else mask_resident_id(xcase.applicant_id_number),
        "applicant_phone": xcase.applicant_phone if full else mask_phone(xcase.applicant_phone),
        "remote_number": xcase.remote_number,
        "local_case": xcase.local_case.number if xcase.local_case is not None else None,
        "joint_ref": xcase.joint_case.ref if xcase.joint_case is not None else None,
        "leg_title": xcase.leg_title,
        "correction_items": list(xcase.correction_items or []),
        "decision": xcase.decision,
        "result_delivery": xcase.result_delivery,
        "accepted_on": xcase.accepted_on.isoformat() if xcase.accepted_on else None,
        "statutory_due": xcase.statutory_due.isoformat() if xcase.statutory_due else None,
        "created_at": xcase.created_at.isoformat(),
        "may_withdraw": _may_withdraw(user, xcase),
    }


def _detail_out(user: User, xcase: CrossRegionCase) -> dict[str, Any]:
    events = [
        {
            "at": e.happened_at.isoformat(),
            "node": e.node,
            "node_name": e.node_name,
            "action": e.action,
            "action_label": e.action_label,
            "status_after": e.status_after_label,
            "note": e.note,
            "actor_name": e.actor_name,
        }
        for e in selectors.timeline(xcase)
    ]
    return _case_out(user, xcase) | {"timeline": events}


# --- helpers ---------------------------------------------------------------------------------------------


def _visible(user: User, ref: str) -> CrossRegionCase:
    """The copy the caller works on, as the page shows it (selectors.visible_copy); else 404."""
    found = selectors.visible_copy(user, ref[:60])
    if found is None:
        raise NotFound(NOT_FOUND, "ref")
    return found


def _offered(node: str, code: str) -> selectors.OfferRow:
    found = selectors.offer(node, code)
    if found is None:
        raise NotFound(NOT_OFFERED, "item")
    return found


def _idempotency_key(value: str | None) -> str:
    key = (value or "").strip()
    if value is not None and (not 1 <= len(key) <= 80 or not all(33 <= ord(c) <= 126 for c in key)):
        raise ApiError("invalid", "参数“Idempotency-Key”无效：应为1–80个可见ASCII字符（不含空格）", "Idempotency-Key")
    return key


def _uploads(guide: guides.RemoteGuide, materials: list[MaterialIn]) -> list[tuple[str, str, bytes]]:
    names = {m["name"] for m in guide.materials}
    out = []
    for i, m in enumerate(materials):
        if m.name not in names:
            raise ApiError("invalid", f"办理地的办事指南中没有“{m.name[:40]}”这项材料", f"materials[{i}].name")
        try:
            content = base64.b64decode(m.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ApiError("invalid", "文件内容应为 base64 编码", f"materials[{i}].content_base64") from exc
        out.append((m.name, m.filename, content))
    return out


def _form_errors(guide: guides.RemoteGuide, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    known = {f.get("key") for f in guide.form_schema}
    unknown = {k: f"办理地申请表中没有“{str(k)[:40]}”一项" for k in data if k not in known}
    cleaned, errors = validate_submission(guide.form_schema, data)
    return cleaned, unknown | errors


# --- other regions' items ----------------------------------------------------------------------------------


@router.get(
    "/crossregion/items",
    auth=None,
    response={200: list[OfferOut], **ERRORS},
    summary="其他地区的跨域通办事项",
    description="本节点可代收或可网上申请的其他地区事项（节点目录的通办事项和点对点协议开放的事项），"
    "q 按事项名称或地区名称的词筛选，与“跨域通办”页面相同。",
)
def items(request: HttpRequest, q: str = Query("", max_length=100, description="关键词（空格分隔）")) -> Any:
    return [_offer_out(row) for row in selectors.other_regions_items(q.strip())]


@router.get(
    "/crossregion/items/{node}/{code}/guide",
    auth=None,
    response={200: GuideOut, **ERRORS},
    summary="办理地的办事指南",
    description="从办理地节点读取的办事指南（申请表和材料），申请时按它检查。不在跨域通办目录中的事项返回404；"
    "办理地暂时无法访问时返回400 peer_unavailable。",
)
def guide(request: HttpRequest, node: str, code: str) -> Any:
    _offered(node, code)
    found = guides.remote_guide(node, code)
    return {
        "node": found.node_code,
        "node_name": found.node_name,
        "code": found.code,
        "name": found.name,
        "department": found.department,
        "form_schema": found.form_schema,
        "materials": found.materials,
        "statutory_days": found.statutory_days,
        "limit_unit": found.limit_unit,
        "url": found.url,
    }


# --- applying online (全程网办) ----------------------------------------------------------------------------


@router.post(
    "/crossregion/applications",
    response={200: CaseDetailOut, 201: CaseDetailOut, **WRITE_ERRORS, 400: FormErrorOut},
    summary="全程网办：网上申请其他地区的事项",
    description="实名认证的个人或法人账号在本节点申请其他地区可全程网办的事项，申请转递办理地办理。form_data 按办理地"
    "申请表填写（见 guide 接口），材料以 base64 随申请提交。申请表有误时返回400 invalid_form，fields 列出每一处"
    "错误。带 Idempotency-Key 时同一账号用同一个键重试返回同一个办件（200），不会重复申请。",
)
def apply(
    request: HttpRequest,
    payload: ApplicationIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", description=IDEMPOTENCY_HELP),
) -> Any:
    user = api_user(request)
    key = _idempotency_key(idempotency_key)
    if (done := selectors.applied_with_key(user, key)) is not None:  # a retry: answered even if the peer is down
        return Status(200, _detail_out(user, done))
    offered = _offered(payload.node, payload.item)
    if not offered.online:
        raise ApiError("not_online", f"“{offered.name}”不能全程网办，请到跨省通办窗口申请", "item")
    found = guides.remote_guide(payload.node, payload.item)
    cleaned, errors = _form_errors(found, payload.form_data)
    if errors:
        message = "申请表有误：" + "；".join(errors.values())
        error = {"code": "invalid_form", "message": message, "field": next(iter(errors)), "fields": errors}
        return Status(400, {"error": error})
    xcase, made = receiving.apply_online_once(
        user,
        key,
        deciding_node=payload.node,
        item_code=payload.item,
        item_name=found.name,
        form_data=cleaned,
        uploads=_uploads(found, payload.materials),
        phone=payload.phone.strip(),
    )
    return Status(201 if made else 200, _detail_out(user, xcase))


# --- my cases ----------------------------------------------------------------------------------------------


@router.get(
    "/crossregion/cases",
    response={200: CasePageOut, **AUTH_ERRORS},
    summary="我的跨域办件",
    description="当前账号在本节点申请（或由本节点窗口代收）的跨域办件，新的在前。",
)
def my_cases(request: HttpRequest, limit: Limit = 20, offset: Offset = 0) -> Any:
    user = api_user(request)
    rows = selectors.mine(user).select_related("joint_case")
    return paged([_case_out(user, r) for r in rows[offset : offset + limit]], rows.count(), limit, offset)


@router.get(
    "/crossregion/cases/{ref}",
    response={200: CaseDetailOut, **AUTH_ERRORS},
    summary="跨域办件详情及合并的办理过程",
    description="申请人本人、收件窗口人员、办理地可查看其本地办件的人员可见；其他人一律404。每次查看记入审计日志。",
)
def case_detail(request: HttpRequest, ref: str) -> Any:
    user = api_user(request)
    xcase = _visible(user, ref)
    audit(
        "crossregion.view", "crossregion.CrossRegionCase", xcase.pk, actor=user, detail={"ref": xcase.ref, "api": True}
    )
    return _detail_out(user, xcase)


@router.post(
    "/crossregion/cases/{ref}/withdraw",
    response={200: CaseDetailOut, **WRITE_ERRORS},
    summary="撤回申请",
    description="申请人本人，或收件窗口人员按申请人的请求（须填原因），在办理地作出决定前撤回；办理地收到后撤回其办件。"
    "多地联办的环节：撤回整个联办件中尚未作出决定的环节。已作出决定的返回409。",
)
def withdraw(request: HttpRequest, ref: str, payload: WithdrawIn) -> Any:
    user = api_user(request)
    xcase = _visible(user, ref)
    row = receiving.withdraw(user, xcase, payload.reason, payload.revision)
    return _detail_out(user, row)
