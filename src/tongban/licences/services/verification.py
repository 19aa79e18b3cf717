"""The online check (no login): a scanned code or an identifier in, the licence's status and masked face out,
and every check on record (when, from where, what was asked, what was said), as OpenCRVS records each scan.

A code is checked as an offline verifier would (signature, key, issuer: domain/verdict.py) and then against
the platform's own record, which knows a revocation the moment it is made; an identifier is looked up, and
its stored signature and content digest checked again, so a row changed behind the platform's back shows as
forged rather than valid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from tongban.core import sm2

from ..domain import identifier as ids
from ..domain.canonical import canonical_bytes
from ..domain.seal import Seal, SealError, read
from ..domain.verdict import OUTCOME_LABELS, Outcome, decide, read_keys
from ..domain.workflow import REVOKING, LicenceStatus
from ..models import Licence, LicenceVersion, VerificationRecord
from ..selectors import FaceRow, face_rows, version_by_identifier
from .keys import key_list_document


@dataclass
class OnlineResult:
    outcome: Outcome
    reasons: list[str] = field(default_factory=list)
    licence: Licence | None = None
    version: LicenceVersion | None = None
    face: list[FaceRow] = field(default_factory=list)

    @property
    def label(self) -> str:
        if self.licence is not None and self.outcome is Outcome.REVOKED:
            return f"已失效（{self.licence.get_status_display()}）"
        return OUTCOME_LABELS[self.outcome]

    @property
    def valid(self) -> bool:
        return self.outcome is Outcome.VALID


def _state(licence: Licence, version: LicenceVersion, today: dt.date) -> Outcome:
    status = LicenceStatus(licence.status)
    if status in REVOKING:
        return Outcome.REVOKED
    if status is LicenceStatus.SUSPENDED:
        return Outcome.SUSPENDED
    if version.number < licence.version:
        return Outcome.SUPERSEDED
    until = version.content.get("valid_until")
    if status is LicenceStatus.EXPIRED or (until and dt.date.fromisoformat(until) < today):
        return Outcome.EXPIRED
    return Outcome.VALID


def _intact(version: LicenceVersion, verified: Seal | None = None) -> bool:
    """The stored content still hashes to the signed digest, and the signature over the seal holds.
    ``verified``: a seal whose signature was just verified (the scanned code); when the record's seal is the
    very same bytes, that verification stands for it (SM2 verification is deterministic)."""
    from .signing import seal_of

    if sm2.sm3(canonical_bytes(version.content)).hex() != version.content_digest:
        return False
    seal = seal_of(version)
    if verified is not None and (verified.signed_bytes(), verified.signature) == (seal.signed_bytes(), seal.signature):
        return True
    return sm2.verify(bytes.fromhex(version.key.public_key), seal.signed_bytes(), seal.signature)


def _looks_like_identifier(text: str) -> bool:
    return text.strip().startswith(ids.PREFIX + ".")


def check(query: str, *, channel: str, ip: str = "", user_agent: str = "", user: Any = None) -> OnlineResult:
    query = (query or "").strip()
    today = timezone.localdate()
    if not query:
        result = OnlineResult(Outcome.UNREADABLE, ["请输入证照标识或扫描证照二维码"])
    elif _looks_like_identifier(query):
        result = _by_identifier(query, today)
    else:
        result = _by_code(query, today)
    with transaction.atomic():
        VerificationRecord.objects.create(
            channel=channel,
            ip=ip[:45],
            user_agent=user_agent[:200],
            user=user if getattr(user, "pk", None) else None,
            query=query[:400],
            identifier=result.version.identifier if result.version else "",
            licence=result.licence,
            outcome=result.outcome.value,
        )
    return result


def _by_identifier(text: str, today: dt.date) -> OnlineResult:
    problem = ids.identifier_error(text)
    if problem:  # a typo is not a forgery: say what is wrong with what was typed
        return OnlineResult(Outcome.UNREADABLE, [problem])
    version = version_by_identifier(text)
    if version is None:
        return OnlineResult(Outcome.FORGED, ["本平台未签发该证照标识"])
    return _from_record(version, today, [])


def _by_code(text: str, today: dt.date) -> OnlineResult:
    try:
        seal = read(text)
    except SealError as exc:
        return OnlineResult(Outcome.FORGED, [str(exc)])
    verdict = decide(text, read_keys(key_list_document()), [], today)
    if verdict.outcome is Outcome.FORGED:
        return OnlineResult(Outcome.FORGED, verdict.reasons)
    version = version_by_identifier(seal.identifier)
    if version is None or version.content_digest != seal.content_digest.hex():
        return OnlineResult(Outcome.FORGED, ["证照码与平台记录不符"])
    return _from_record(version, today, verdict.reasons[:1], seal)


def _from_record(
    version: LicenceVersion, today: dt.date, reasons: list[str], verified: Seal | None = None
) -> OnlineResult:
    licence = Licence.objects.select_related("licence_type").get(pk=version.licence_id)
    if not _intact(version, verified):
        return OnlineResult(Outcome.FORGED, ["平台记录的证照内容与签名不符"], licence, version)
    outcome = _state(licence, version, today)
    if outcome is Outcome.SUPERSEDED:
        reasons = [*reasons, f"现行版本为第{licence.version}版"]
    return OnlineResult(outcome, reasons, licence, version, face_rows(licence, version, masked=True))
