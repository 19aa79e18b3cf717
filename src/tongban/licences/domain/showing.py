"""亮证: a holder's short-lived, single-purpose code that lets staff see one licence (pure; no Django).

A code is active until it ends: withdrawn by its holder, or past its time (expiry is read from the clock,
never written). Redeeming changes nothing in the code (it may be used again while active: a clerk reopening
it); every redemption is recorded by the service.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from enum import StrEnum


class CodeStatus(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"  # derived: active and past its time


class CodeAction(StrEnum):
    REDEEM = "redeem"
    WITHDRAW = "withdraw"


S, A = CodeStatus, CodeAction
STATUS_LABELS = {S.ACTIVE: "有效", S.WITHDRAWN: "已撤回", S.EXPIRED: "已过期"}
ACTION_LABELS = {A.REDEEM: "查验", A.WITHDRAW: "撤回"}
TRANSITIONS: dict[tuple[CodeStatus, CodeAction], CodeStatus] = {
    (S.ACTIVE, A.REDEEM): S.ACTIVE,
    (S.ACTIVE, A.WITHDRAW): S.WITHDRAWN,
}

# What the holder reads of a redemption on their record (a refused one by its refusal's code).
REDEMPTION_WORDS = {
    "shown": "已查看",
    "code_expired": "未能查看：亮证码已过期",
    "code_withdrawn": "未能查看：亮证码已撤回",
    "wrong_audience": "未能查看：非指定的查验部门",
    "licence_not_valid": "未能查看：证照当前不是有效状态",
}

DEFAULT_MINUTES = 10
MAX_MINUTES = 24 * 60
# Short codes read aloud or typed from a phone: no 0/O, 1/I/L.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SHORT_LENGTH = 8


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str
    status: int = 409


def status_at(stored: CodeStatus, expires_at: dt.datetime, now: dt.datetime) -> CodeStatus:
    if stored is S.ACTIVE and now >= expires_at:
        return S.EXPIRED
    return stored


def lifetime_error(minutes: int) -> str | None:
    if minutes < 1 or minutes > MAX_MINUTES:
        return f"亮证码有效时长应为1至{MAX_MINUTES}分钟（最长一天）"
    return None


def guard(
    status: CodeStatus,
    action: CodeAction,
    *,
    licence_valid: bool = True,
    audience_department_id: int | None = None,
    redeemer_department_id: int | None = None,
) -> Refusal | None:
    """Why ``action`` may not happen to a code in ``status`` (its derived status; None: it may)."""
    if (status, action) not in TRANSITIONS:
        if status is S.EXPIRED:
            return Refusal("code_expired", "亮证码已过期，请持证人重新出示", 410)
        if status is S.WITHDRAWN:
            return Refusal("code_withdrawn", "亮证码已被持证人撤回", 410)
        return Refusal("bad_transition", f"亮证码{STATUS_LABELS[status]}，不能{ACTION_LABELS[action]}")
    if action is A.REDEEM:
        if audience_department_id is not None and audience_department_id != redeemer_department_id:
            return Refusal("wrong_audience", "该亮证码仅供指定部门查验", 403)
        if not licence_valid:
            return Refusal("licence_not_valid", "该证照当前不是有效状态，不能亮证", 409)
    return None


def new_short_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(SHORT_LENGTH))


def normalise_short_code(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())
