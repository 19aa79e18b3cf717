"""API: access tokens (POST and DELETE /auth/token)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from tongban.audit.services import client_ip
from tongban.audit.services import record as audit
from tongban.core.api_errors import ERRORS, ApiError, ErrorOut
from tongban.core.api_types import Line150, Password

from .api_auth import bearer
from .forms import DEMO_REFUSED
from .lockout import ADDRESS, lockout_reason
from .models import User
from .tokens import issue_token, revoke_token

TAG = "认证"
router = Router(auth=bearer, tags=[TAG])
AUTH_ERRORS: dict[int, Any] = {**ERRORS, 401: ErrorOut, 403: ErrorOut}

LOCKED = (
    "该账号在当前网络地址连续{limit}次登录失败，已被暂时锁定。为防止他人猜测密码，锁定期间即使密码正确也无法从此地址"
    "登录，请{wait}后再试。"
)
THROTTLED = "当前网络地址短时间内多次登录失败，为防止批量猜测密码，来自该地址的登录已暂时停止，请{wait}后再试。"
BAD_LOGIN = "用户名或密码不正确，请注意密码区分大小写。连续输错{limit}次，账号将被暂时锁定。"


class TokenIn(Schema):
    username: Line150 = Field(..., min_length=1, description="用户名")
    password: Password = Field(..., description="密码")


class TokenOut(Schema):
    token: str = Field(..., description="访问令牌：在请求头中以 Authorization: Bearer <令牌> 发送。只显示这一次")
    token_type: Literal["Bearer"] = "Bearer"
    expires_at: dt.datetime = Field(..., description="过期时间")


def _cooloff_text() -> str:
    hours = float(getattr(settings, "AXES_COOLOFF_TIME", 0.5) or 0)
    if not hours:
        return "稍后"
    minutes = round(hours * 60)
    return f"{minutes}分钟" if minutes < 120 else f"{minutes // 60}小时"


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, **AUTH_ERRORS, 429: ErrorOut},
    summary="获取访问令牌",
    description="用用户名和密码换取访问令牌（默认8小时有效）。连续输错密码将暂时锁定账号（返回429）。"
    "令牌只保存其摘要，丢失后请重新获取。",
)
def obtain_token(request: HttpRequest, payload: TokenIn) -> Any:
    limit = settings.AXES_FAILURE_LIMIT
    user = authenticate(request=request, username=payload.username, password=payload.password)
    if not isinstance(user, User):
        if getattr(request, "axes_locked_out", False):
            # Answer in the API's shape: stop axes' middleware swapping in its HTML lockout page.
            request.axes_locked_out = False  # type: ignore[attr-defined]
            if lockout_reason(request) == ADDRESS:
                raise ApiError("throttled", THROTTLED.format(wait=_cooloff_text()), None, status=429)
            raise ApiError("locked", LOCKED.format(limit=limit, wait=_cooloff_text()), "username", status=429)
        if not settings.DEMO_MODE and User.objects.filter(username=payload.username, is_demo=True).exists():
            raise ApiError("demo_account", DEMO_REFUSED, "username", status=403)
        raise ApiError("invalid_credentials", BAD_LOGIN.format(limit=limit), None, status=401)
    raw, token = issue_token(user, ip=client_ip(request))
    audit(
        "auth.token",
        "user",
        user.pk,
        actor=user,
        ip=client_ip(request),
        detail={"expires": token.expires_at.isoformat()},
    )
    return {"token": raw, "token_type": "Bearer", "expires_at": token.expires_at}


@router.delete(
    "/auth/token",
    response={204: None, **AUTH_ERRORS},
    summary="注销访问令牌",
    description="吊销本次请求所用的令牌，之后它不能再使用。",
)
def revoke(request: HttpRequest) -> Any:
    raw = request.headers.get("Authorization", "").split(" ", 1)[-1]
    revoke_token(raw)
    return Status(204, None)
