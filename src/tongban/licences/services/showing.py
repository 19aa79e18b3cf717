"""亮证: the holder makes a short-lived code for one licence, one purpose and one audience; staff redeem it and
see the licence verified; the holder may withdraw it. Every change and every redemption is recorded; the code
moves only by the table in domain/showing.py."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from tongban.audit.services import record as audit
from tongban.core.actor import Actor
from tongban.core.errors import DomainError
from tongban.jurisdictions.models import Department

from ..domain import policy
from ..domain import showing as table
from ..domain.showing import CodeAction, CodeStatus
from ..domain.verdict import Outcome
from ..models import Licence, LicenceUse, LicenceVersion, ShowCode
from ..selectors import facts_for, version_by_identifier
from .use import _department_name, verify_version

NOT_FOUND = "未找到该亮证码，请核对后重新输入"


def status_of(code: ShowCode, now: dt.datetime | None = None) -> CodeStatus:
    return table.status_at(CodeStatus(code.status), code.expires_at, now or timezone.now())


def _refuse(refusal: table.Refusal, field: str | None = None) -> None:
    raise DomainError(refusal.code, refusal.message, field, status=refusal.status)


def create(
    user: Any,
    actor: Actor,
    identifier: str,
    *,
    purpose: str,
    minutes: int = table.DEFAULT_MINUTES,
    audience_id: int | None = None,
    ip: str = "",
) -> ShowCode:
    """A new code for the holder's licence (its current version), valid ``minutes`` from now."""
    version = version_by_identifier(identifier)
    if version is None:
        raise DomainError("not_found", "未找到该证照，或您无权查看", "identifier", status=404)
    licence = Licence.objects.select_related("licence_type").get(pk=version.licence_id)
    if not policy.may_show(actor, facts_for(user, licence, actor)):
        raise DomainError("not_found", "未找到该证照，或您无权查看", "identifier", status=404)
    purpose = (purpose or "").strip()
    if not purpose:
        raise DomainError("purpose_required", "请写明亮证用途", "purpose")
    if problem := table.lifetime_error(minutes):
        raise DomainError("bad_minutes", problem, "minutes")
    if licence.status != "valid":
        raise DomainError(
            "licence_not_valid", f"证照当前为“{licence.get_status_display()}”，不能亮证", "identifier", status=409
        )
    audience = None
    if audience_id is not None:
        audience = Department.objects.filter(pk=audience_id).first()
        if audience is None:
            raise DomainError("bad_audience", "没有该部门", "audience")
    current = licence.versions.get(number=licence.version)
    for _ in range(5):  # a short code taken already: draw again
        try:
            with transaction.atomic():
                code = ShowCode.objects.create(
                    licence=licence,
                    version=current,
                    holder=user,
                    short_code=table.new_short_code(),
                    token=secrets.token_urlsafe(24),
                    audience=audience,
                    purpose=purpose[:100],
                    expires_at=timezone.now() + dt.timedelta(minutes=minutes),
                )
                audit("licence.show_code", "licence", current.identifier, actor=user, ip=ip, detail={"code": code.pk})
                return code
        except IntegrityError:
            continue
    raise DomainError("busy", "生成亮证码失败，请重试", None, status=503)


def holder_codes(user: Any) -> list[ShowCode]:
    return list(ShowCode.objects.filter(holder=user).select_related("licence", "audience").order_by("-created_at"))


@transaction.atomic
def withdraw(user: Any, code_id: int, ip: str = "") -> ShowCode:
    code = ShowCode.objects.select_for_update().filter(pk=code_id, holder=user).first()
    if code is None:
        raise DomainError("not_found", NOT_FOUND, "code", status=404)
    refused = table.guard(status_of(code), CodeAction.WITHDRAW)
    if refused is not None:
        _refuse(refused, "code")
    code.status = CodeStatus.WITHDRAWN.value
    code.withdrawn_at = timezone.now()
    code.save(update_fields=["status", "withdrawn_at"])
    audit("licence.show_code_withdraw", "licence", code.version.identifier, actor=user, ip=ip)
    return code


def find(text: str) -> ShowCode | None:
    """A code by what the QR gives (the token) or what the holder reads out (the short code)."""
    text = (text or "").strip()
    if not text:
        return None
    rows = ShowCode.objects.select_related("licence", "licence__licence_type", "version", "audience")
    return rows.filter(token=text).first() or rows.filter(short_code=table.normalise_short_code(text)).first()


def redeem(user: Any, actor: Actor, text: str, ip: str = "") -> tuple[ShowCode, LicenceVersion, Outcome]:
    """Staff see the licence behind a code while it is active, if they are its audience; on the holder's record."""
    if not policy.may_redeem(actor):
        raise DomainError("forbidden", "只有工作人员可以查验亮证码", "code", status=403)
    code = find(text)
    if code is None:
        raise DomainError("not_found", NOT_FOUND, "code", status=404)
    version = code.version
    outcome, _ = verify_version(version)
    refused = table.guard(
        status_of(code),
        CodeAction.REDEEM,
        licence_valid=outcome is Outcome.VALID,
        audience_department_id=code.audience_id,
        redeemer_department_id=actor.department_id,
    )
    with transaction.atomic():
        LicenceUse.objects.create(
            kind=LicenceUse.Kind.SHOWN,
            licence=code.licence,
            identifier=version.identifier,
            user=user,
            department_name=_department_name(user),
            ip=ip[:45],
            show_code=code,
            purpose=code.purpose,
            outcome=(refused.code if refused else "shown")[:40],
        )
        if refused is None:
            audit("licence.view", "licence", version.identifier, actor=user, ip=ip, detail={"show_code": code.pk})
    if refused is not None:
        _refuse(refused, "code")
    return code, version, outcome
