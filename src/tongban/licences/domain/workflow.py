"""The licence's state table (pure; no Django): every status, every action, the allowed transitions and
their guards, once. ``services/perform.py`` is the one place that moves a licence by it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class LicenceStatus(StrEnum):
    VALID = "valid"
    SUSPENDED = "suspended"  # 挂失: reported lost; may be lifted
    CANCELLED = "cancelled"  # 注销: ended at the holder's request or as the law requires (business closed …)
    REVOKED = "revoked"  # 吊销: taken away as an administrative penalty
    ANNULLED = "annulled"  # 撤销: issued unlawfully, undone
    EXPIRED = "expired"  # 过期: its validity ended


class LicenceAction(StrEnum):
    ISSUE = "issue"
    CHANGE = "change"  # 变更: a new version; the old one stays verifiable as superseded
    ANNOTATE = "annotate"  # 加注: an annotation beside the signed content
    SUSPEND = "suspend"
    RESUME = "resume"
    CANCEL = "cancel"
    REVOKE = "revoke"
    ANNUL = "annul"
    EXPIRE = "expire"


S, A = LicenceStatus, LicenceAction

STATUS_LABELS = {
    S.VALID: "有效",
    S.SUSPENDED: "挂失",
    S.CANCELLED: "注销",
    S.REVOKED: "吊销",
    S.ANNULLED: "撤销",
    S.EXPIRED: "过期",
}
ACTION_LABELS = {
    A.ISSUE: "签发",
    A.CHANGE: "变更",
    A.ANNOTATE: "加注",
    A.SUSPEND: "挂失",
    A.RESUME: "解除挂失",
    A.CANCEL: "注销",
    A.REVOKE: "吊销",
    A.ANNUL: "撤销",
    A.EXPIRE: "到期失效",
}

TRANSITIONS: dict[tuple[LicenceStatus | None, LicenceAction], LicenceStatus] = {
    (None, A.ISSUE): S.VALID,
    (S.VALID, A.CHANGE): S.VALID,
    (S.VALID, A.ANNOTATE): S.VALID,
    (S.SUSPENDED, A.ANNOTATE): S.SUSPENDED,
    (S.VALID, A.SUSPEND): S.SUSPENDED,
    (S.SUSPENDED, A.RESUME): S.VALID,
    (S.VALID, A.CANCEL): S.CANCELLED,
    (S.SUSPENDED, A.CANCEL): S.CANCELLED,
    (S.VALID, A.REVOKE): S.REVOKED,
    (S.SUSPENDED, A.REVOKE): S.REVOKED,
    (S.VALID, A.ANNUL): S.ANNULLED,
    (S.SUSPENDED, A.ANNUL): S.ANNULLED,
    (S.EXPIRED, A.ANNUL): S.ANNULLED,
    (S.VALID, A.EXPIRE): S.EXPIRED,
    (S.SUSPENDED, A.EXPIRE): S.EXPIRED,
}
FINAL = frozenset({S.CANCELLED, S.REVOKED, S.ANNULLED, S.EXPIRED})
# Whose bit in the status lists: a final ending other than expiry is a revocation; 挂失 a suspension.
REVOKING = frozenset({S.CANCELLED, S.REVOKED, S.ANNULLED})
SUSPENDING = frozenset({S.SUSPENDED})
# Actions that need a reason written down (and shown on the record).
NEEDS_REASON = frozenset({A.CHANGE, A.ANNOTATE, A.SUSPEND, A.RESUME, A.CANCEL, A.REVOKE, A.ANNUL})


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str
    status: int = 409


def next_status(status: LicenceStatus | None, action: LicenceAction) -> LicenceStatus | None:
    return TRANSITIONS.get((status, action))


def guard(
    status: LicenceStatus | None,
    action: LicenceAction,
    *,
    reason: str = "",
    valid_until: dt.date | None = None,
    today: dt.date | None = None,
    changes: dict | None = None,
) -> Refusal | None:
    """Why ``action`` may not happen to a licence in ``status`` (None: it may)."""
    if next_status(status, action) is None:
        label = STATUS_LABELS.get(status, "未签发") if status else "未签发"
        return Refusal("bad_transition", f"证照当前状态为“{label}”，不能{ACTION_LABELS[action]}")
    if action in NEEDS_REASON and not reason.strip():
        return Refusal("reason_required", f"{ACTION_LABELS[action]}须写明理由", 400)
    if action is A.EXPIRE and (valid_until is None or today is None or valid_until >= today):
        return Refusal("not_expired", "证照尚在有效期内（或长期有效），不能按到期处理")
    if action is A.CHANGE and not changes:
        return Refusal("nothing_changed", "变更须至少修改一项证照内容", 400)
    return None
