"""The offline verdict (pure): from a seal, the published key list and the signed status lists alone,
whether a licence is valid, revoked, suspended, superseded, expired or forged. The command-line verifier
(`tongban licences verify`) and the online page both decide by this one function.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tongban.core import sm2

from .canonical import canonical_bytes
from .identifier import parse
from .seal import Seal, SealError, read
from .statuslist import DOCUMENT_TYPE, StatusListError, entry

KEYS_DOCUMENT_TYPE = "TongbanLicenceKeys"
# Licence dates are dates in China (UTC+8), wherever the verifier runs.
CHINA = dt.timezone(dt.timedelta(hours=8))


def china_today() -> dt.date:
    return dt.datetime.now(CHINA).date()


class Outcome(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    SUPERSEDED = "superseded"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    FORGED = "forged"
    UNREADABLE = "unreadable"  # not a licence identifier at all (a typo), online only


OUTCOME_LABELS = {
    Outcome.VALID: "有效",
    Outcome.REVOKED: "已失效（注销、吊销或撤销）",
    Outcome.SUSPENDED: "已挂失",
    Outcome.SUPERSEDED: "已变更（此为旧版本，请以最新版本为准）",
    Outcome.EXPIRED: "已过有效期",
    Outcome.NOT_YET_VALID: "尚未生效",
    Outcome.FORGED: "无效：伪造或被篡改",
    Outcome.UNREADABLE: "无法识别：证照标识格式不正确，请核对后重新输入",
}


@dataclass(frozen=True)
class PublishedKey:
    kid: str  # hex
    body: str
    body_code: str
    purpose: str  # "licence" or "status"
    public_key: bytes
    valid_from: dt.date
    valid_until: dt.date | None


@dataclass
class Verdict:
    outcome: Outcome
    reasons: list[str] = field(default_factory=list)
    seal: Seal | None = None
    key: PublishedKey | None = None
    status_checked: bool = False

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self.outcome]

    @property
    def exit_code(self) -> int:
        return {Outcome.VALID: 0, Outcome.FORGED: 2, Outcome.UNREADABLE: 2}.get(self.outcome, 1)


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


def read_keys(document: dict[str, Any]) -> dict[str, PublishedKey]:
    if document.get("type") != KEYS_DOCUMENT_TYPE:
        raise ValueError("不是证照签名公钥列表")
    keys: dict[str, PublishedKey] = {}
    for row in document.get("keys") or []:
        public = bytes.fromhex(str(row["public_key"]))
        sm2.check_public_key(public)
        kid = sm2.key_id(public).hex()
        if kid != str(row["kid"]).lower():
            raise ValueError(f"公钥列表中密钥 {row['kid']} 的标识与公钥不符")
        keys[kid] = PublishedKey(
            kid,
            str(row.get("body", "")),
            str(row.get("body_code", "")),
            str(row.get("purpose", "licence")),
            public,
            _date(row.get("valid_from")) or dt.date.min,
            _date(row.get("valid_until")),
        )
    return keys


def status_document_error(document: dict[str, Any], keys: dict[str, PublishedKey], today: dt.date) -> str | None:
    """Why a status list cannot be believed (None: it is signed by a published status key)."""
    if document.get("type") != DOCUMENT_TYPE:
        return "不是证照状态列表"
    key = keys.get(str(document.get("kid", "")).lower())
    if key is None or key.purpose != "status":
        return "状态列表的签名密钥不在公钥列表中"
    body = {k: v for k, v in document.items() if k != "signature"}
    try:
        signature = bytes.fromhex(str(document.get("signature", "")))
    except ValueError:
        return "状态列表签名格式无效"
    if not sm2.verify(key.public_key, canonical_bytes(body), signature):
        return "状态列表签名无效（被篡改或非本平台签发）"
    return None


def decide(
    text: str,
    keys: dict[str, PublishedKey],
    status_documents: list[dict[str, Any]] | None = None,
    today: dt.date | None = None,
    content: dict[str, Any] | None = None,
) -> Verdict:
    """The verdict on the scanned ``text`` (link or code). ``content``, when the verifier also holds the
    licence's content, must hash to the digest the issuer signed."""
    today = today or china_today()
    try:
        seal = read(text)
    except SealError as exc:
        return Verdict(Outcome.FORGED, [str(exc)])
    key = keys.get(seal.key_id.hex())
    if key is None or key.purpose != "licence":
        return Verdict(Outcome.FORGED, ["签名密钥不在已公布的颁发机构公钥列表中"], seal)
    if parse(seal.identifier).issuer_code != key.body_code:
        return Verdict(Outcome.FORGED, ["签名机构与证照标识中的颁发机构不一致"], seal, key)
    if not sm2.verify(key.public_key, seal.signed_bytes(), seal.signature):
        return Verdict(Outcome.FORGED, ["签名验证失败：证照码被篡改或非颁发机构签发"], seal, key)
    # The seal carries no signing time: a licence whose validity begins after its key was retired was not
    # signed while the key was in force. (One beginning before the key existed is a registered earlier
    # licence, 存量证照, signed now.)
    if key.valid_until and seal.valid_from > key.valid_until:
        return Verdict(Outcome.FORGED, ["签发日期不在该签名密钥的有效期内"], seal, key)
    if content is not None and sm2.sm3(canonical_bytes(content)) != seal.content_digest:
        return Verdict(Outcome.FORGED, ["证照内容与签名时的内容不一致（内容被篡改）"], seal, key)

    verdict = Verdict(Outcome.VALID, ["签名有效：由" + (key.body or key.body_code) + "签发"], seal, key)
    for document in status_documents or []:
        if document.get("list") != seal.status_list:
            continue
        problem = status_document_error(document, keys, today)
        if problem:
            verdict.reasons.append(f"状态列表未采用：{problem}")
            continue
        try:
            state = entry(document, seal.status_index)
        except StatusListError as exc:
            verdict.reasons.append(f"状态列表未采用：{exc}")
            continue
        verdict.status_checked = True
        stale = _date(str(document.get("valid_until", ""))[:10])
        if stale and stale < today:
            verdict.reasons.append(f"状态列表已过更新期限（{stale}），请下载最新列表")
        if state.revoked:
            verdict.outcome = Outcome.REVOKED
        elif state.suspended:
            verdict.outcome = Outcome.SUSPENDED
        elif state.superseded:
            verdict.outcome = Outcome.SUPERSEDED
        break
    if not verdict.status_checked:
        verdict.reasons.append("未核对状态列表：无法确认是否已注销、吊销或挂失")
    if verdict.outcome is Outcome.VALID:
        if seal.valid_until and seal.valid_until < today:
            verdict.outcome = Outcome.EXPIRED
        elif seal.valid_from > today:
            verdict.outcome = Outcome.NOT_YET_VALID
    return verdict
