"""API: using licences — my licences (我的证照) and who used them, 亮证 codes (create, list, withdraw; staff
redeem), and the look-up for a case. Mounted under the licences router (licences/api.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from tongban.accounts.api_auth import api_user, bearer
from tongban.audit.services import client_ip
from tongban.core.api_errors import ERRORS, ErrorOut
from tongban.core.errors import DomainError

from . import selectors
from .domain import showing as table
from .domain.verdict import OUTCOME_LABELS, Outcome
from .models import Licence, LicenceVersion, ShowCode
from .services import showing
from .services.use import look_up

router = Router(auth=bearer)
ERRS: dict[int, Any] = {**ERRORS, 401: ErrorOut, 403: ErrorOut, 409: ErrorOut, 410: ErrorOut}


class FaceRowOut(Schema):
    label: str
    value: str


class WalletLicenceOut(Schema):
    identifier: str = Field(..., description="现行版本的证照标识")
    name: str
    number: str
    type_name: str
    status: str = Field(..., description="valid、suspended、cancelled、revoked、annulled 或 expired")
    status_label: str
    issuer_name: str
    issued_on: dt.date
    valid_until: dt.date | None = Field(None, description="空为长期有效")
    pdf: str = Field(..., description="打印版 PDF 的地址（登录后下载）")


class UseOut(Schema):
    at: dt.datetime
    kind: str = Field(..., description="亮证查验、免证办核验或办件查询")
    who: str = Field(..., description="查看人所属部门和脱敏姓名")
    ip: str
    what: str
    outcome: str


class WalletOut(Schema):
    licences: list[WalletLicenceOut] = Field(..., description="有效的在前，其次挂失，再次已失效的")
    uses: list[UseOut] = Field(..., description="他人对这些证照的每次使用")


class CodeIn(Schema):
    identifier: str = Field(..., min_length=1, max_length=120, description="本人持有的有效证照的证照标识")
    purpose: str = Field(..., min_length=1, max_length=100, description="用途")
    minutes: int = Field(
        table.DEFAULT_MINUTES, ge=1, le=table.MAX_MINUTES, description="有效时长（分钟），默认10，最长一天"
    )
    audience: int | None = Field(None, description="限定查验的部门 ID；空为任何窗口或部门工作人员")


class CodeOut(Schema):
    id: int
    short_code: str = Field(..., description="8位亮证码，可口述或输入")
    token: str = Field(..., description="二维码令牌（二维码内容为查验页地址加 ?t=令牌）")
    identifier: str = Field(..., description="出示的证照版本的证照标识")
    licence_name: str
    purpose: str
    audience: str | None
    status: str = Field(..., description="active、withdrawn 或 expired")
    status_label: str
    created_at: dt.datetime
    expires_at: dt.datetime
    redemptions: int = Field(..., description="被查验的次数")


class RedeemIn(Schema):
    code: str = Field(..., min_length=1, max_length=64, description="亮证码或二维码令牌")


class ShownLicenceOut(Schema):
    outcome: str = Field(..., description="核验结果：valid 等")
    outcome_label: str
    identifier: str
    name: str
    status: str
    face: list[FaceRowOut]


class RedeemOut(ShownLicenceOut):
    purpose: str
    expires_at: dt.datetime


class LookupIn(Schema):
    case_number: str = Field(..., min_length=1, max_length=40, description="本人经办的办件编号")
    holder_code: str = Field(
        ..., min_length=1, max_length=18, description="持证主体代码：公民身份号码或统一社会信用代码"
    )
    type_name: str = Field(..., min_length=1, max_length=100, description="证照类型名称，如“营业执照”")
    reason: str = Field(..., min_length=2, max_length=300, description="查询理由")


class LookupOut(Schema):
    found: bool
    licence: ShownLicenceOut | None


def _shown(licence: Licence, version: LicenceVersion, outcome: Outcome) -> dict[str, Any]:
    return {
        "outcome": outcome.value,
        "outcome_label": OUTCOME_LABELS[outcome],
        "identifier": version.identifier,
        "name": licence.name,
        "status": licence.status,
        "face": [{"label": r.label, "value": r.value} for r in selectors.face_rows(licence, version, masked=False)],
    }


def _code_out(code: ShowCode) -> dict[str, Any]:
    status = showing.status_of(code)
    return {
        "id": code.pk,
        "short_code": code.short_code,
        "token": code.token,
        "identifier": code.version.identifier,
        "licence_name": code.licence.name,
        "purpose": code.purpose,
        "audience": code.audience.name if code.audience else None,
        "status": status.value,
        "status_label": table.STATUS_LABELS[status],
        "created_at": code.created_at,
        "expires_at": code.expires_at,
        "redemptions": code.uses.filter(outcome="shown").count(),
    }


def _applicant(request: HttpRequest) -> Any:
    user = api_user(request)
    if not user.actor.applicant:
        raise DomainError("forbidden", "“我的证照”供自然人和法人账号使用", None, status=403)
    return user


@router.get(
    "/my/licences",
    response={200: WalletOut, **ERRS},
    summary="我的证照",
    description="自然人（按公民身份号码）或法人（按统一社会信用代码）持有的全部电子证照，以及工作人员对这些证照的每次使用"
    "（亮证查验、免证办核验、为办件查询）。",
)
def my_licences(request: HttpRequest):
    user = _applicant(request)
    return {
        "licences": [
            {
                "identifier": lic.identifier,
                "name": lic.name,
                "number": lic.number,
                "type_name": lic.licence_type.name,
                "status": lic.status,
                "status_label": selectors.status_label(lic),
                "issuer_name": lic.issuer_name,
                "issued_on": lic.issued_on,
                "valid_until": lic.valid_until,
                "pdf": reverse("licences:pdf", args=[lic.identifier]),
            }
            for lic in selectors.wallet(user)
        ],
        "uses": [
            {"at": u.at, "kind": u.kind, "who": u.who, "ip": u.where, "what": u.what, "outcome": u.outcome}
            for u in selectors.uses_of(user)
        ],
    }


@router.get("/my/licence-codes", response={200: list[CodeOut], **ERRS}, summary="我的亮证码")
def list_codes(request: HttpRequest):
    return [_code_out(c) for c in showing.holder_codes(_applicant(request))]


@router.post(
    "/my/licence-codes",
    response={201: CodeOut, **ERRS},
    summary="生成亮证码",
    description="持证人为一本有效证照生成一次性亮证码：写明用途、给谁看（某部门或任何工作人员）、有效时长"
    "（默认10分钟，最长一天）。证照不是本人的答404，不是有效状态答409。",
)
def create_code(request: HttpRequest, body: CodeIn):
    user = _applicant(request)
    code = showing.create(
        user,
        user.actor,
        body.identifier,
        purpose=body.purpose,
        minutes=body.minutes,
        audience_id=body.audience,
        ip=client_ip(request),
    )
    return Status(201, _code_out(code))


@router.post(
    "/my/licence-codes/{code_id}/withdraw",
    response={200: CodeOut, **ERRS},
    summary="撤回亮证码",
    description="撤回后不能再被查验；已过期或已撤回的答410。",
)
def withdraw_code(request: HttpRequest, code_id: int):
    user = _applicant(request)
    return _code_out(showing.withdraw(user, code_id, client_ip(request)))


@router.post(
    "/licence-codes/redeem",
    response={200: RedeemOut, **ERRS},
    summary="查验亮证码（工作人员）",
    description="工作人员输入亮证码或扫描二维码，在有效期内看到证照（经核验的照面）。限定部门的码只能由该部门人员查验"
    "（403 wrong_audience）；过期或撤回答410；每次查验（包括被拒绝的）都记录，持证人可见。",
)
def redeem(request: HttpRequest, body: RedeemIn):
    user = api_user(request)
    code, version, outcome = showing.redeem(user, user.actor, body.code, client_ip(request))
    return {**_shown(code.licence, version, outcome), "purpose": code.purpose, "expires_at": code.expires_at}


@router.post(
    "/licence-lookups",
    response={200: LookupOut, **ERRS},
    summary="为办件查询证照（工作人员）",
    description="经办人员为本人正在经办的办件（由办件的访问策略判断）按持证主体代码和证照类型查询证照，须写明办件编号"
    "和理由；答复为该证照（已核验）或无。每次查询都记录，持证人可见。不是本人经办的办件答404。",
)
def lookup(request: HttpRequest, body: LookupIn):
    user = api_user(request)
    found = look_up(
        user, user.actor, body.case_number, body.holder_code, body.type_name, body.reason, client_ip(request)
    )
    if found is None:
        return {"found": False, "licence": None}
    return {"found": True, "licence": _shown(*found)}
