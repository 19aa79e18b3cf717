"""API: e-licences (电子证照) — one licence for its holder and handling staff, the issuing department's actions,
the public check, and what offline verifiers download (the key list, the signed status lists).

A licence the caller may not see answers 404 whether or not it exists; an action not theirs 403; not
possible now 409. The check needs no sign-in and is recorded like the page's.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from tongban.accounts.api_auth import api_user, bearer
from tongban.audit.services import client_ip
from tongban.audit.services import record as audit
from tongban.cases.services import Ctx
from tongban.core.api_errors import ERRORS, ErrorOut, NotFound

from . import selectors
from .domain import policy
from .domain.workflow import ACTION_LABELS, LicenceAction
from .services import keys, status
from .services.perform import AnnotationInput, perform
from .services.verification import check
from .views import THROTTLED, _throttled

TAG = "电子证照"
router = Router()
AUTH_ERRORS: dict[int, Any] = {**ERRORS, 401: ErrorOut, 403: ErrorOut}
ActionName = Literal["change", "annotate", "suspend", "resume", "cancel", "revoke", "annul"]


class FaceRowOut(Schema):
    label: str
    value: str


class LicenceVersionOut(Schema):
    number: int
    identifier: str
    created_at: str
    change_reason: str


class EventOut(Schema):
    action: str
    action_label: str
    to_status: str
    at: str
    reason: str


class AnnotationOut(Schema):
    at: str
    author: str
    reason: str
    text: str
    valid_from: str
    valid_until: str | None


class LicenceOut(Schema):
    identifier: str = Field(..., description="所查版本的证照标识")
    current_identifier: str = Field(..., description="现行版本的证照标识")
    name: str
    type_code: str
    status: str = Field(..., description="valid、suspended、cancelled、revoked、annulled 或 expired")
    status_label: str
    version: int
    current: bool = Field(..., description="所查版本是否为现行版本")
    revision: int = Field(..., description="操作时提交，防止覆盖他人的处理")
    holder_name: str
    holder_code: str
    holder_code_type: str = Field(..., description="111 公民身份号码；001 统一社会信用代码")
    issuer_name: str
    issuer_code: str
    jurisdiction_code: str
    item_name: str
    case_number: str | None
    issued_on: str
    valid_from: str
    valid_until: str | None = Field(None, description="空为长期有效")
    face: list[FaceRowOut]
    fields: dict[str, str] = Field(..., description="照面字段的值（签名内容）")
    content: dict[str, Any] = Field(..., description="签名内容（规范化后的 SM3 摘要即二维码中的内容摘要）")
    qr: str = Field(..., description="二维码内容")
    actions: list[str] = Field(..., description="调用者现在可执行的操作")
    versions: list[LicenceVersionOut]
    events: list[EventOut]
    annotations: list[AnnotationOut]


class ActionIn(Schema):
    revision: int = Field(..., ge=0, description="调用者看到的修订号")
    reason: str = Field(..., max_length=300, description="理由")
    changes: dict[str, str] = Field(default_factory=dict, description="变更（change）的照面字段及新值")
    text: str = Field("", max_length=500, description="加注（annotate）内容")


class VerifyIn(Schema):
    query: str = Field(..., min_length=1, max_length=600, description="二维码内容（链接或证照码）或证照标识")


class VerifyOut(Schema):
    outcome: Literal["valid", "revoked", "suspended", "superseded", "expired", "not_yet_valid", "forged", "unreadable"]
    label: str
    reasons: list[str]
    identifier: str | None
    name: str | None
    face: list[FaceRowOut] = Field(..., description="脱敏照面")


def _out(request: HttpRequest, identifier: str) -> dict[str, Any]:
    from tongban.core.public_url import public_base_url

    user = api_user(request)
    licence, version, facts = selectors.licence_for(user, user.actor, identifier)
    audit("licence.view", "licence", version.identifier, actor=user, ip=client_ip(request))
    return {
        "identifier": version.identifier,
        "current_identifier": licence.identifier,
        "name": licence.name,
        "type_code": licence.type_code,
        "status": licence.status,
        "status_label": selectors.status_label(licence),
        "version": version.number,
        "current": version.number == licence.version,
        "revision": licence.revision,
        "holder_name": licence.holder_name,
        "holder_code": licence.holder_code,
        "holder_code_type": licence.holder_code_type,
        "issuer_name": licence.issuer_name,
        "issuer_code": licence.issuer_code,
        "jurisdiction_code": licence.jurisdiction_code,
        "item_name": licence.item_name,
        "case_number": licence.case.number if licence.case else None,
        "issued_on": licence.issued_on.isoformat(),
        "valid_from": licence.valid_from.isoformat(),
        "valid_until": licence.valid_until.isoformat() if licence.valid_until else None,
        "face": [{"label": r.label, "value": r.value} for r in selectors.face_rows(licence, version, masked=False)],
        "fields": version.content.get("fields") or {},
        "content": version.content,
        "qr": selectors.qr_text(public_base_url(request), version),
        "actions": [a.value for a in policy.actions(user.actor, facts)],
        "versions": [
            {
                "number": v.number,
                "identifier": v.identifier,
                "created_at": v.created_at.isoformat(),
                "change_reason": v.change_reason,
            }
            for v in licence.versions.order_by("number")
        ],
        "events": [
            {
                "action": e.action,
                "action_label": ACTION_LABELS[LicenceAction(e.action)],
                "to_status": e.to_status,
                "at": e.at.isoformat(),
                "reason": e.reason,
            }
            for e in selectors.history(licence)
        ],
        "annotations": [
            {
                "at": a.at.isoformat(),
                "author": a.author_name,
                "reason": a.reason,
                "text": a.text,
                "valid_from": a.valid_from.isoformat(),
                "valid_until": a.valid_until.isoformat() if a.valid_until else None,
            }
            for a in selectors.annotations_of(licence)
        ],
    }


# The fixed paths first: /licences/keys is no identifier.


@router.post(
    "/licences/verify",
    response={200: VerifyOut, 429: ErrorOut, **ERRORS},
    summary="核验电子证照（公开）",
    description="无需登录：提交二维码内容或证照标识，返回真伪、当前状态和脱敏照面。每次核验记录时间和来源地址。",
)
def verify(request: HttpRequest, body: VerifyIn):
    if _throttled(request):
        return 429, {"error": {"code": "throttled", "message": THROTTLED, "field": None}}
    result = check(
        body.query,
        channel="api",
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    return {
        "outcome": result.outcome.value,
        "label": result.label,
        "reasons": result.reasons,
        "identifier": result.version.identifier if result.version else None,
        "name": result.licence.name if result.licence else None,
        "face": [{"label": r.label, "value": r.value} for r in result.face],
    }


@router.get(
    "/licences/keys",
    response={200: dict[str, Any], **ERRORS},
    summary="颁发机构签名公钥列表",
    description="离线核验的信任根：每个颁发机构（及状态列表）的 SM2 公钥、密钥标识和有效期，含已停用的密钥。",
)
def key_list(request: HttpRequest):
    return keys.key_list_document()


@router.get(
    "/licences/status-lists/{number}",
    response={200: dict[str, Any], **ERRORS},
    summary="已签名的证照状态列表",
    description="每个列表131072项，按用途（revocation、suspension、supersession）各一串位，GZIP 压缩后 base64url 编码，"
    "以平台状态列表密钥 SM2 签名。离线核验时下载一次。",
)
def status_list(request: HttpRequest, number: int):
    document = status.current_document(number)
    if document is None:
        raise NotFound("没有该状态列表", "number")
    return document


@router.get(
    "/licences/{identifier}",
    auth=bearer,
    response={200: LicenceOut, **AUTH_ERRORS},
    summary="电子证照",
    description="持证人、颁发机构工作人员和经办该办件的工作人员可查看完整证照（任一版本的证照标识）；每次查看记入审计日志。",
)
def licence_detail(request: HttpRequest, identifier: str):
    return _out(request, identifier)


@router.post(
    "/licences/{identifier}/actions/{action}",
    auth=bearer,
    response={200: LicenceOut, **AUTH_ERRORS, 409: ErrorOut},
    summary="证照操作（变更、加注、挂失、解除挂失、注销、吊销、撤销）",
    description="颁发机构审批人员可变更、加注、挂失、解除挂失、注销；部门负责人另可吊销、撤销；持证人可挂失。"
    "状态列表随即重新签名。revision 不是最新时答 409 stale_revision。",
)
def licence_action(request: HttpRequest, identifier: str, action: ActionName, body: ActionIn):
    user = api_user(request)
    chosen = LicenceAction(action)
    done = perform(
        Ctx(user, "online" if user.actor.applicant else "", ip=client_ip(request)),
        identifier.strip().upper(),
        chosen,
        body.revision,
        reason=body.reason,
        changes=body.changes,
        annotation=AnnotationInput(body.text) if chosen is LicenceAction.ANNOTATE else None,
    )
    return _out(request, done.identifier)


# 我的证照, 亮证 codes and look-ups (paths of their own: none under /licences/{identifier}).
from . import api_use  # noqa: E402

router.add_router("", api_use.router, tags=[TAG])
