"""API of data sharing: asking for shared data (staff), 谁查看了我的数据 and 我的授权 (the data subject)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from tongban.accounts.api_auth import api_user, bearer
from tongban.audit.services import client_ip
from tongban.core.api_errors import ERRORS, ErrorOut
from tongban.core.errors import DomainError

from . import selectors
from .services import consent as consents
from .services.access import ask

TAG = "数据共享"
router = Router(auth=bearer)
ERRS: dict[int, Any] = {**ERRORS, 401: ErrorOut, 403: ErrorOut, 429: ErrorOut, 502: ErrorOut}


class AskIn(Schema):
    resource: str = Field(..., description="共享目录中的数据资源代码，如 population-basic")
    subject_code: str = Field(..., description="数据主体的公民身份号码或统一社会信用代码")
    fields: list[str] = Field(..., description="请求的数据项代码")
    purpose: str = Field(..., description="用途")
    case_number: str = Field("", description="所办理的办件编号；有条件共享的资源必须填写")


class AskOut(Schema):
    access_id: int
    found: bool
    values: dict[str, str] = Field(..., description="共享目录允许的数据项及其值")
    withheld: list[str] = Field(..., description="请求了但共享目录不允许的数据项")
    flags: list[str] = Field(..., description="no_case（无办件）、off_hours（非工作时间）、bulk（批量）")


class AccessOut(Schema):
    at: dt.datetime
    who: str = Field(..., description="查看人（脱敏姓名）")
    department: str
    case_number: str = Field(..., description="空：没有办件")
    resource: str
    fields: list[str]
    purpose: str
    outcome: str = Field(..., description="given、not_found 或 refused")
    refusal: str


class ConsentOut(Schema):
    id: int
    resource: str
    fields: list[str]
    purpose: str
    controllers: str
    collected: str
    policy_version: str
    given_at: dt.datetime
    withdrawn_at: dt.datetime | None


REFUSAL_STATUS = {"rate_limited": 429, "purpose_required": 400}
# Refusals caused by one field of the request name it, so a client can point at it.
REFUSAL_FIELD = {"purpose_required": "purpose", "case_required": "case_number", "not_in_catalogue": "fields"}


@router.post(
    "/sharing/requests",
    response={200: AskOut, **ERRS},
    summary="调取共享数据",
    description="工作人员按共享目录调取数据。只提供目录允许该岗位、该事项调取的数据项；有条件共享须为本人经办的办件调取；"
    "被拒绝的请求同样记录并返回结构化错误。",
)
def ask_for_data(request: HttpRequest, body: AskIn):
    user = api_user(request)
    answer = ask(
        user,
        user.actor,
        resource_code=body.resource,
        subject_code=body.subject_code,
        fields=body.fields,
        purpose=body.purpose,
        case_number=body.case_number,
        ip=client_ip(request),
    )
    if answer.refused:
        code = answer.decision.refusal.value if answer.decision.refusal else "refused"
        raise DomainError(code, answer.decision.message, REFUSAL_FIELD.get(code), status=REFUSAL_STATUS.get(code, 403))
    return {
        "access_id": answer.record.pk,
        "found": answer.found,
        "values": answer.values,
        "withheld": sorted(answer.decision.withheld),
        "flags": answer.record.flags,
    }


def _subject(request: HttpRequest) -> Any:
    user = api_user(request)
    if not user.actor.applicant:
        raise DomainError("forbidden", "“我的数据”供自然人和法人账号使用", None, status=403)
    return user


@router.get(
    "/my/data-accesses",
    response={200: list[AccessOut], **ERRS},
    summary="谁查看了我的数据",
    description="工作人员对本人数据的每次调取（含被拒绝的），最新的在前。",
)
def my_accesses(request: HttpRequest):
    user = _subject(request)
    return [
        {
            "at": line.record.at,
            "who": line.who,
            "department": line.record.department_name,
            "case_number": line.case_number,
            "resource": line.resource_name,
            "fields": line.fields,
            "purpose": line.record.purpose,
            "outcome": line.record.outcome,
            "refusal": line.refusal,
        }
        for line in selectors.lines(list(selectors.accesses_to(user)))
    ]


def _consent(c: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "resource": c.resource.name,
        "fields": c.fields,
        "purpose": c.purpose,
        "controllers": c.controllers,
        "collected": c.get_collected_display(),
        "policy_version": c.policy_version,
        "given_at": c.given_at,
        "withdrawn_at": c.withdrawn_at,
    }


@router.get("/my/consents", response={200: list[ConsentOut], **ERRS}, summary="我的授权")
def my_consents(request: HttpRequest):
    return [_consent(c) for c in selectors.consents_of(_subject(request))]


@router.post(
    "/my/consents/{consent_id}/withdraw",
    response={200: ConsentOut, **ERRS},
    summary="撤回授权",
    description="撤回后不能再依据该授权调取数据。重复撤回不改变撤回时间。",
)
def withdraw_consent(request: HttpRequest, consent_id: int):
    user = _subject(request)
    return Status(200, _consent(consents.withdraw(user, consent_id, ip=client_ip(request))))
