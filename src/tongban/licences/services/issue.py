"""A licence issued with a case's result: the hook the case domain calls as a granted case's result is issued
(cases.services.results.register_result_hook), in the closing transition's transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tongban.audit.services import record as audit
from tongban.catalogue.licence_types import validity_end
from tongban.catalogue.models import LicenceType
from tongban.core.errors import DomainError
from tongban.core.identifiers import resident_id_error, uscc_error
from tongban.jurisdictions.models import Department

from ..domain import identifier as ids
from ..domain.workflow import LicenceAction, LicenceStatus
from ..models import Licence, LicenceEvent
from . import keys
from .sequences import next_serial
from .signing import signed_version

if TYPE_CHECKING:
    from tongban.cases.models import Case
    from tongban.cases.services import Ctx, ResultAddition


def holder_code_type(code: str) -> str:
    """111 for a resident ID number, 001 for a unified social credit code."""
    if resident_id_error(code) is None:
        return "111"
    if uscc_error(code) is None:
        return "001"
    raise DomainError(
        "licence_holder_code",
        "申请人证件号码既不是有效的公民身份号码也不是统一社会信用代码，无法签发电子证照；请先更正申请人信息",
        "applicant_id_number",
        status=409,
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(_text(v) for v in value)
    return str(value)


def face_values(licence_type: LicenceType, case: Case, issued_on: dt.date) -> dict[str, str]:
    """Each face field's value from the case (application form, applicant, decision, issuer)."""
    known = {
        "holder_name": case.applicant_name,
        "holder_code": case.applicant_id_number,
        "case_number": case.number,
        "decided_on": case.decided_on.isoformat() if case.decided_on else issued_on.isoformat(),
        "issued_on": issued_on.isoformat(),
        "issuer_name": case.deciding_department.name,
        "jurisdiction_name": case.deciding_division.name,
        "item_name": case.version.name,
    }
    values: dict[str, str] = {}
    for field in licence_type.face_fields:
        source = str(field.get("source", ""))
        raw = (case.form_data or {}).get(source[5:]) if source.startswith("form.") else known.get(source)
        values[str(field["key"])] = _text(raw)
    return values


@dataclass(frozen=True)
class NewLicence:
    """What a new licence is made of, wherever it comes from (a case's result, or an earlier system's record).
    ``number`` is the face's 证照编号: empty for the platform's own (the serial), kept for a registered one."""

    licence_type: LicenceType
    issuer: Department
    holder_name: str
    holder_code: str
    jurisdiction_code: str
    issued_on: dt.date
    valid_from: dt.date
    valid_until: dt.date | None
    fields: dict[str, str]
    item_code: str = ""
    item_name: str = ""
    case: Case | None = None
    number: str = ""
    source: str = Licence.Source.PLATFORM
    source_system: str = ""


def create_signed(ctx: Ctx, new: NewLicence) -> Licence:
    """The licence and its first signed version (GB/T 36904 identifier from a fresh serial of its type and
    issuer, the issuer's key) and the 签发 event, in the caller's transaction."""
    licence_type, department = new.licence_type, new.issuer
    holder_type = holder_code_type(new.holder_code)
    with transaction.atomic(savepoint=False):
        key = keys.licence_key(department)
        serial = next_serial(licence_type.code, department.uscc, new.issued_on.year)
        identifier = ids.build(licence_type.code, department.uscc, serial, 1)
        number = new.number or serial
        licence = Licence.objects.create(
            identifier=identifier,
            licence_type=licence_type,
            type_code=licence_type.code,
            name=licence_type.name,
            number=number,
            holder_name=new.holder_name,
            holder_code=new.holder_code,
            holder_code_type=holder_type,
            issuer=department,
            issuer_name=department.name,
            issuer_code=department.uscc,
            jurisdiction_code=new.jurisdiction_code,
            item_code=new.item_code,
            item_name=new.item_name,
            case=new.case,
            status=LicenceStatus.VALID.value,
            issued_on=new.issued_on,
            valid_from=new.valid_from,
            valid_until=new.valid_until,
            source=new.source,
            source_system=new.source_system,
        )
        content = {
            "type_code": licence_type.code,
            "type_name": licence_type.name,
            "name": licence_type.name,
            "number": number,
            "issued_on": new.issued_on.isoformat(),
            "issuer": {"name": department.name, "code": department.uscc},
            "defining_body": {"name": licence_type.defining_body, "code": licence_type.defining_body_code},
            "valid_from": new.valid_from.isoformat(),
            "valid_until": new.valid_until.isoformat() if new.valid_until else None,
            "jurisdiction": new.jurisdiction_code,
            "holder": {"name": new.holder_name, "code": new.holder_code, "code_type": holder_type},
            "item": {"code": new.item_code, "name": new.item_name, "case": new.case.number if new.case else ""},
            "fields": new.fields,
        }
        if new.source != Licence.Source.PLATFORM:
            content["source"] = {"kind": new.source, "system": new.source_system}
        version = signed_version(licence, 1, identifier, content, key)
        data: dict[str, Any] = {"kid": key.kid, "status_list": version.status_list}
        if new.case is not None:
            data["case"] = new.case.number
        if new.source_system:
            data["source_system"] = new.source_system
        LicenceEvent.objects.create(
            licence=licence,
            action=LicenceAction.ISSUE.value,
            from_status="",
            to_status=licence.status,
            version=1,
            actor_id=ctx.user_id,
            actor_role=ctx.actor.label,
            data=data,
        )
    return licence


def issue_for_case(ctx: Ctx, case: Case) -> Licence | None:
    """The licence of a granted case whose pinned guide names a licence type (None otherwise); made once."""
    code = (case.version.result_licence_type or "").strip()
    if case.decision != "granted" or not code:
        return None
    existing = Licence.objects.filter(case=case).first()
    if existing is not None:
        return existing
    licence_type = LicenceType.objects.filter(code=code).first()
    if licence_type is None or not licence_type.is_active:
        raise DomainError(
            "licence_type_missing",
            f"结果电子证照类型“{code}”不存在或已停用，无法签发电子证照；请联系事项管理员",
            "result_licence_type",
            status=409,
        )
    department = case.deciding_department
    issued_on = timezone.localdate()
    licence = create_signed(
        ctx,
        NewLicence(
            licence_type=licence_type,
            issuer=department,
            holder_name=case.applicant_name,
            holder_code=case.applicant_id_number,
            jurisdiction_code=case.deciding_division.code,
            issued_on=issued_on,
            valid_from=issued_on,
            valid_until=validity_end(
                licence_type.validity_rule, licence_type.validity_years, licence_type.valid_until, issued_on
            ),
            fields=face_values(licence_type, case, issued_on),
            item_code=case.implementation.code,
            item_name=case.version.name,
            case=case,
        ),
    )
    audit("licence.issue", "licence", licence.identifier, actor=ctx.user, ip=ctx.ip, detail={"case": case.number})
    return licence


class LicenceResultHook:
    """Registered in LicencesConfig.ready(): the licence of a granted case is made as its result is issued."""

    def page_url(self, identifier: str) -> str:
        """Where the case page links the licence its result made."""
        return reverse("licences:detail", args=[identifier])

    def on_issue(self, ctx: Ctx, case: Case) -> ResultAddition | None:
        from tongban.cases.services import ResultAddition

        licence = issue_for_case(ctx, case)
        if licence is None:
            return None
        return ResultAddition(
            data={"licence": licence.identifier},
            licence_id=licence.identifier,
            notice=f"电子{licence.name}已签发，证照标识 {licence.identifier}，可在平台查看下载。",
        )
