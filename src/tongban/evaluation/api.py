"""API: 好差评 — the published figures and the scale (public), an applicant's rating of a finished case, and the
office's and supervisor's handling of bad ratings. The same selectors and services as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from tongban.accounts.api_auth import api_user, bearer
from tongban.audit.services import client_ip
from tongban.cases.selectors import get_visible_case
from tongban.core.actor import Role
from tongban.core.api_errors import ERRORS, ApiError, DivisionCode, ErrorOut, NotFound
from tongban.jurisdictions.models import Division

from . import selectors, services
from .domain.scale import CHANNEL_LABELS, LEVEL_LABELS, LEVELS, Channel
from .domain.workflow import RectificationAction

TAG = "好差评"
router = Router()
AUTH_ERRORS: dict[int, Any] = {**ERRORS, 401: ErrorOut, 403: ErrorOut, 409: ErrorOut, 429: ErrorOut}
GroupName = Literal["department", "item", "centre", "window", "clerk"]
ActionName = Literal[
    "rectify_at_once",
    "set_deadline",
    "complete",
    "explain",
    "call_back",
    "call_unanswered",
    "close",
    "appeal",
    "uphold_appeal",
    "dismiss_appeal",
]


class FiguresOut(Schema):
    name: str
    total: int
    per_level: dict[str, int] = Field(..., description="等级名称 → 评价数")
    satisfaction_rate: float | None = Field(None, description="满意率（%），无评价时为空")
    rectification_rate: float | None = Field(None, description="差评整改率（%）")
    callback_rate: float | None = Field(None, description="实名差评回访率（%）")


class FiguresPageOut(Schema):
    by: str
    region: str | None
    start: str | None = Field(None, description="统计起始日期（含）")
    end: str | None = Field(None, description="统计截止日期（含）")
    overall: FiguresOut
    rows: list[FiguresOut]


def _figures(row: selectors.Row) -> dict[str, Any]:
    f = row.figures
    return {
        "name": row.name,
        "total": f.total,
        "per_level": {LEVEL_LABELS[level]: f.per_level[level] for level in LEVELS},
        "satisfaction_rate": f.satisfaction_rate,
        "rectification_rate": f.rectification_rate,
        "callback_rate": f.callback_rate,
    }


@router.get(
    "/evaluation/figures",
    response={200: FiguresPageOut, **ERRORS},
    summary="好差评公示数据",
    description="按部门、事项、服务中心、窗口或工作人员（工号和脱敏姓名）统计的各等级评价数、满意率、差评整改率、回访率；"
    "可限定地区（region，含下辖）和评价日期（start、end）。申诉成立的评价不计入。无需登录，不含个人信息。",
)
def figures(
    request: HttpRequest,
    by: GroupName = "department",
    region: DivisionCode | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
):
    if start and end and start > end:
        raise ApiError("invalid", "开始日期不能晚于结束日期", "start")
    period = selectors.Period(start, end)
    division = None
    if region:
        division = Division.objects.filter(code=region).first()
        if division is None:
            raise NotFound("没有该地区", "region")
    group = selectors.GroupBy(by)
    return {
        "by": by,
        "region": division.code if division else None,
        "start": start.isoformat() if start else None,
        "end": end.isoformat() if end else None,
        "overall": _figures(selectors.Row(key=0, name="合计", figures=selectors.overall(division, period))),
        "rows": [_figures(r) for r in selectors.figures(group, division, period)],
    }


class ScaleOut(Schema):
    levels: dict[int, str]
    channels: dict[str, str]
    dimensions: dict[str, str]
    rectify_days: list[int]


@router.get("/evaluation/scale", response={200: ScaleOut, **ERRORS}, summary="评价等级、渠道和维度")
def scale(request: HttpRequest):
    return {
        "levels": {int(level): LEVEL_LABELS[level] for level in LEVELS},
        "channels": {c.value: label for c, label in CHANNEL_LABELS.items()},
        "dimensions": {d.code: d.name for d in selectors.dimensions()},
        "rectify_days": list(services.deadline_options()),
    }


class EvaluationIn(Schema):
    level: int = Field(..., ge=1, le=5, description="5 非常满意 … 1 非常不满意")
    scores: dict[str, int] = Field(default_factory=dict, description="评价维度代码 → 等级（可选）")
    comment: str = Field("", max_length=500, description="差评须写明原因")
    anonymous: bool = False


class EvaluationOut(Schema):
    id: int
    channel: str
    level: int
    level_label: str
    case: str | None
    rectification_status: str | None


def _rating_out(rating: Any) -> dict[str, Any]:
    rectification = getattr(rating, "rectification", None) if rating.level <= 2 else None
    return {
        "id": rating.pk,
        "channel": rating.channel,
        "level": rating.level,
        "level_label": rating.get_level_display(),
        "case": rating.case.number if rating.case else None,
        "rectification_status": rectification.status if rectification else None,
    }


@router.post(
    "/evaluation/cases/{number}/rating",
    auth=bearer,
    response={201: EvaluationOut, **AUTH_ERRORS},
    summary="评价办结的办件（一事一评 / 监督查评）",
    description="办件办结（或不予受理）后，申请人评价一次；本辖区督办人员可监督查评。已评价答 409 already_rated，"
    "未办结答 409 not_finished，过于频繁答 429 too_many_ratings（记为异常评价）。",
)
def rate_case(request: HttpRequest, number: str, body: EvaluationIn):
    user = api_user(request)
    case = get_visible_case(user, number)
    if case is None:
        raise NotFound("没有找到该办件，或您无权查看", "number")
    channel = Channel.SUPERVISION if user.actor.has_role(Role.SUPERVISOR) else Channel.ONLINE
    data = services.EvaluationInput(
        level=body.level, scores=body.scores, comment=body.comment, anonymous=body.anonymous
    )
    rating = services.rate_case(user, case, data, channel=channel, ip=client_ip(request))
    return Status(201, _rating_out(rating))


class RectificationOut(Schema):
    id: int
    status: str
    status_label: str
    level: int
    channel: str
    case: str | None
    department: str
    due_on: str | None
    revision: int
    called_back: bool


def _rectification_out(rectification: Any) -> dict[str, Any]:
    rating = rectification.evaluation
    return {
        "id": rectification.pk,
        "status": rectification.status,
        "status_label": rectification.get_status_display(),
        "level": rating.level,
        "channel": rating.channel,
        "case": rating.case.number if rating.case else None,
        "department": rectification.department.name,
        "due_on": rectification.due_on.isoformat() if rectification.due_on else None,
        "revision": rectification.revision,
        "called_back": rectification.called_back,
    }


@router.get(
    "/evaluation/rectifications",
    auth=bearer,
    response={200: list[RectificationOut], **AUTH_ERRORS},
    summary="差评整改清单",
    description="办理部门的审批人员和负责人看本部门的差评，督办人员看本辖区的。",
)
def rectifications(request: HttpRequest):
    user = api_user(request)
    return [_rectification_out(r) for r in selectors.rectifications_for(user.actor)[:200]]


class RectificationActionIn(Schema):
    revision: int | None = None
    note: str = Field("", max_length=2000)
    days: int | None = Field(None, description="限期整改的工作日数（按本地规定，如5或15）")
    satisfaction_after: int | None = Field(None, ge=1, le=5, description="回访时的满意度")


@router.post(
    "/evaluation/rectifications/{rectification_id}/actions/{action}",
    auth=bearer,
    response={200: RectificationOut, **AUTH_ERRORS},
    summary="差评核实整改、回访、申诉",
    description="办理部门：立即整改、限期整改、整改完成、解释说明、回访、办结；部门负责人：申诉；督办人员：申诉成立或不成立。"
    "状态不允许答 409，revision 不是最新答 409 stale。",
)
def rectification_action(request: HttpRequest, rectification_id: int, action: ActionName, body: RectificationActionIn):
    user = api_user(request)
    rectification = services.perform(
        user,
        rectification_id,
        RectificationAction(action),
        services.RectificationInput(note=body.note, days=body.days, satisfaction_after=body.satisfaction_after),
        revision=body.revision,
        ip=client_ip(request),
    )
    return _rectification_out(selectors.rectifications_for(user.actor).get(pk=rectification.pk))
