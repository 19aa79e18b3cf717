"""Using licences: the source the case domain asks for 免证办 (cases/licence_refs.py), the record of staff
seeing a licence as a case's material, and the look-up by holder and type for a case its asker handles."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tongban.audit.services import record as audit
from tongban.cases.domain.policy import handles
from tongban.cases.facts import case_facts
from tongban.cases.licence_refs import LicenceCheck, LicenceRef
from tongban.cases.models import Case
from tongban.core.actor import Actor
from tongban.core.errors import DomainError
from tongban.core.identifiers import normalize_resident_id, normalize_uscc, resident_id_error, uscc_error

from ..domain import policy
from ..domain.verdict import OUTCOME_LABELS, Outcome
from ..domain.workflow import LicenceStatus
from ..models import Licence, LicenceUse, LicenceVersion, LookupRecord
from ..selectors import face_rows, version_by_identifier
from .verification import _intact, _state

NO_CASE = "未找到该办件，或您不是该办件的经办人员，不能查询证照"


def _ref(licence: Licence, version: LicenceVersion) -> LicenceRef:
    until = version.content.get("valid_until")
    return LicenceRef(
        identifier=version.identifier,
        version=version.number,
        digest=version.content_digest,
        name=licence.name,
        number=licence.number,
        valid_until=str(until) if until else None,
    )


def _valid_now(holder_code: str, type_name: str) -> list[Licence]:
    today = timezone.localdate()
    return list(
        Licence.objects.select_related("licence_type")
        .filter(holder_code=holder_code, licence_type__name=type_name, status=LicenceStatus.VALID.value)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today), valid_from__lte=today)
        .order_by("-issued_on", "-id")
    )


def _current(licence: Licence) -> LicenceVersion:
    return licence.versions.select_related("key").get(number=licence.version)


def verify_version(version: LicenceVersion, digest: str = "") -> tuple[Outcome, list[str]]:
    """The version checked now, as the online check does: intact, the content used, and its state today."""
    if digest and version.content_digest != digest:
        return Outcome.FORGED, ["证照内容与使用时不符"]
    if not _intact(version):
        return Outcome.FORGED, ["平台记录的证照内容与签名不符"]
    licence = Licence.objects.get(pk=version.licence_id)
    outcome = _state(licence, version, timezone.localdate())
    reasons = [f"现行版本为第{licence.version}版"] if outcome is Outcome.SUPERSEDED else []
    return outcome, reasons


class PlatformLicences:
    """The licences app as the case domain's ``LicenceSource``."""

    def valid_held(self, holder_code: str, type_name: str) -> list[LicenceRef]:
        return [_ref(licence, _current(licence)) for licence in _valid_now(holder_code, type_name)]

    def recheck(self, identifier: str, digest: str) -> LicenceCheck:
        version = version_by_identifier(identifier)
        if version is None:
            return LicenceCheck(False, "本平台未签发该证照")
        outcome, reasons = verify_version(version, digest)
        licence = Licence.objects.select_related("licence_type").get(pk=version.licence_id)
        verified = outcome is Outcome.VALID
        label = "已核验" if verified else OUTCOME_LABELS[outcome]
        if outcome is Outcome.REVOKED:
            label = f"已失效（{licence.get_status_display()}）"
        face = tuple((r.label, r.value) for r in face_rows(licence, version, masked=False))
        return LicenceCheck(verified, label, tuple(reasons), face, licence.name)

    def result_ref(self, identifier: str) -> LicenceRef | None:
        licence = Licence.objects.filter(identifier=identifier, status=LicenceStatus.VALID.value).first()
        return _ref(licence, _current(licence)) if licence is not None else None

    def seen(self, user: Any, case_number: str, identifier: str, outcome: str, ip: str) -> None:
        record_case_use(user, case_number, identifier, outcome, ip)


def record_case_use(user: Any, case_number: str, identifier: str, outcome: str, ip: str = "") -> None:
    """Staff opened a case whose material is this licence: on the holder's record (and the audit chain)."""
    version = version_by_identifier(identifier)
    if version is None:
        return
    with transaction.atomic():
        # Every opening is audited; the holder's record keeps one line per person, case, licence, outcome and day.
        audit("licence.case_view", "licence", version.identifier, actor=user, ip=ip, detail={"case": case_number})
        staff = user if getattr(user, "pk", None) else None
        if LicenceUse.objects.filter(
            kind=LicenceUse.Kind.CASE,
            identifier=version.identifier,
            user=staff,
            case_number=case_number,
            outcome=outcome[:40],
            at__date=timezone.localdate(),
        ).exists():
            return
        LicenceUse.objects.create(
            kind=LicenceUse.Kind.CASE,
            licence_id=version.licence_id,
            identifier=version.identifier,
            user=staff,
            department_name=_department_name(user),
            ip=ip[:45],
            case_number=case_number,
            purpose=f"办件“{case_number}”的申请材料",
            outcome=outcome[:40],
        )


def _department_name(user: Any) -> str:
    department = getattr(user, "department", None)
    return str(getattr(department, "name", "") or "")[:100]


def normalise_holder_code(text: str) -> str:
    code = (text or "").strip().upper()
    if resident_id_error(normalize_resident_id(code)) is None:
        return normalize_resident_id(code)
    if uscc_error(normalize_uscc(code)) is None:
        return normalize_uscc(code)
    raise DomainError("bad_holder_code", "请填写正确的公民身份号码或统一社会信用代码", "holder_code")


def look_up(
    user: Any, actor: Actor, case_number: str, holder_code: str, type_name: str, reason: str, ip: str = ""
) -> tuple[Licence, LicenceVersion, Outcome] | None:
    """A licence of ``holder_code`` and ``type_name`` for a case the asker handles (cases' policy), with a reason;
    the answer is the holder's newest licence of that type (verified) or none, and every look-up is recorded."""
    case = Case.objects.filter(number=(case_number or "").strip()).first()
    if case is None or not policy.may_look_up(actor, handles(actor, case_facts(case))):
        raise DomainError("not_found", NO_CASE, "case_number", status=404)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise DomainError("reason_required", "请写明查询理由", "reason")
    code = normalise_holder_code(holder_code)
    type_name = (type_name or "").strip()
    if not type_name:
        raise DomainError("type_required", "请选择证照类型", "type_name")
    found = (
        Licence.objects.select_related("licence_type")
        .filter(holder_code=code, licence_type__name=type_name)
        .order_by("-issued_on", "-id")
        .first()
    )
    with transaction.atomic():
        LookupRecord.objects.create(
            user=user,
            department_name=_department_name(user),
            case_number=case.number,
            holder_code=code,
            type_name=type_name[:100],
            reason=reason[:300],
            ip=ip[:45],
            found=found,
        )
        audit(
            "licence.lookup",
            "licence",
            found.identifier if found else "",
            actor=user,
            ip=ip,
            detail={"case": case.number, "type": type_name, "found": bool(found)},
        )
    if found is None:
        return None
    version = _current(found)
    outcome, _ = verify_version(version)
    return found, version, outcome
