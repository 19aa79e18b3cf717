"""Reads of the licences domain: a licence as an actor may see it, the facts the policy needs, the masked
public face, what the pages and the API show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from tongban.accounts.masking import mask_name, mask_resident_id, mask_uscc
from tongban.cases.domain.policy import may_see_personal
from tongban.cases.facts import case_facts
from tongban.core.actor import Actor
from tongban.core.errors import DomainError
from tongban.jurisdictions.models import Department

from .domain import policy
from .domain.policy import LicenceFacts
from .domain.workflow import STATUS_LABELS, LicenceStatus
from .models import Annotation, Licence, LicenceEvent, LicenceVersion

NOT_FOUND = "未找到该证照，或您无权查看"


def is_holder(user: Any, licence: Licence) -> bool:
    codes = {getattr(user, "id_number", None), getattr(user, "uscc", None)} - {None, ""}
    return licence.holder_code in codes


def facts_for(user: Any, licence: Licence, actor: Actor) -> LicenceFacts:
    case_visible = False
    if licence.case_id is not None and actor.staff:
        case_visible = may_see_personal(actor, case_facts(licence.case))  # type: ignore[arg-type]
    return LicenceFacts(
        status=LicenceStatus(licence.status),
        issuer_department_id=licence.issuer_id,
        is_holder=bool(user is not None and actor.authenticated and is_holder(user, licence)),
        case_visible=case_visible,
    )


def licences() -> QuerySet[Licence]:
    return Licence.objects.select_related("licence_type", "issuer", "case")


def version_by_identifier(identifier: str) -> LicenceVersion | None:
    return (
        LicenceVersion.objects.select_related("licence", "licence__licence_type", "key")
        .filter(identifier=identifier.strip().upper())
        .first()
    )


def licence_for(user: Any, actor: Actor, identifier: str) -> tuple[Licence, LicenceVersion, LicenceFacts]:
    """The licence (by any of its versions' identifiers) and the version asked for, if the actor may see it
    whole; 404 otherwise (whether it exists or not)."""
    version = version_by_identifier(identifier)
    if version is None:
        raise DomainError("not_found", NOT_FOUND, "identifier", status=404)
    licence = licences().get(pk=version.licence_id)
    facts = facts_for(user, licence, actor)
    if not policy.may_view(actor, facts):
        raise DomainError("not_found", NOT_FOUND, "identifier", status=404)
    return licence, version, facts


def history(licence: Licence) -> list[LicenceEvent]:
    return list(licence.events.select_related("actor").order_by("at", "id"))


def annotations_of(licence: Licence) -> list[Annotation]:
    return list(licence.annotations.order_by("at", "id"))


@dataclass(frozen=True)
class FaceRow:
    label: str
    value: str


# Face fields taken from what every face shows in its fixed rows (holder, issuer, issue date): not twice.
SHOWN_ANYWAY = {"holder_name", "holder_code", "issuer_name", "issued_on"}


def face_rows(licence: Licence, version: LicenceVersion, masked: bool) -> list[FaceRow]:
    """The licence face as people read it: the type's fields in order, then the fixed ones. ``masked`` hides
    personal data (names and codes partly, other face fields whole) for the public check."""
    content = version.content
    fields = content.get("fields") or {}
    holder = content.get("holder") or {}
    mask_code = mask_resident_id if holder.get("code_type") == "111" else mask_uscc
    rows = [
        FaceRow("持证主体", mask_name(holder.get("name")) if masked else str(holder.get("name", ""))),
        FaceRow("持证主体代码", mask_code(holder.get("code")) if masked else str(holder.get("code", ""))),
    ]
    if not masked:
        for field in licence.licence_type.face_fields:
            key = str(field["key"])
            if key in fields and field.get("source") not in SHOWN_ANYWAY:
                rows.append(FaceRow(str(field.get("label", key)), str(fields[key]) or "—"))
    until = content.get("valid_until")
    rows += [
        FaceRow("证照编号", str(content.get("number", ""))),
        FaceRow("颁发机构", str((content.get("issuer") or {}).get("name", ""))),
        FaceRow("颁发日期", str(content.get("issued_on", ""))),
        FaceRow(
            "有效期", f"{content.get('valid_from')} 至 {until}" if until else f"{content.get('valid_from')} 起长期有效"
        ),
    ]
    return rows


def status_label(licence: Licence) -> str:
    return STATUS_LABELS[LicenceStatus(licence.status)]


def qr_text(public_base: str, version: LicenceVersion) -> str:
    from .domain.seal import qr_text as text
    from .services.signing import seal_of

    return text(public_base, seal_of(version))


# ---- 我的证照: the holder's wallet ------------------------------------------------------------------------


def holder_codes_of(user: Any) -> list[str]:
    return [c for c in (getattr(user, "id_number", None), getattr(user, "uscc", None)) if c]


def wallet(user: Any) -> list[Licence]:
    """Every licence the account holds (as a citizen by resident ID, as an enterprise by credit code): valid ones
    first, then suspended, then those ended, each group newest first."""
    codes = holder_codes_of(user)
    if not codes:
        return []
    order = {s.value: i for i, s in enumerate(LicenceStatus)}
    held = list(licences().filter(holder_code__in=codes).order_by("-issued_on", "-id"))
    return sorted(held, key=lambda licence: order.get(licence.status, 99))


@dataclass(frozen=True)
class UseRow:
    at: Any
    kind: str
    who: str
    where: str
    what: str
    outcome: str


def uses_of(user: Any, licence: Licence | None = None) -> list[UseRow]:
    """What others did with the holder's licences: 亮证 redemptions, cases that used them (免证办 checks), and
    look-ups for a case (also those that found nothing), newest first."""
    from .models import LicenceUse, LookupRecord

    codes = holder_codes_of(user)
    if not codes:
        return []
    uses = LicenceUse.objects.select_related("user").filter(licence__holder_code__in=codes)
    lookups = LookupRecord.objects.select_related("user").filter(holder_code__in=codes)
    if licence is not None:
        uses = uses.filter(licence=licence)
        lookups = lookups.filter(type_name=licence.licence_type.name)
    rows = [
        UseRow(
            u.at,
            u.get_kind_display(),
            f"{u.department_name} {mask_name(getattr(u.user, 'real_name', '') or '')}".strip(),
            u.ip,
            f"{u.purpose}（{u.identifier}）",
            u.outcome_words,
        )
        for u in uses[:200]
    ]
    rows += [
        UseRow(
            r.at,
            "办件查询",
            f"{r.department_name} {mask_name(getattr(r.user, 'real_name', '') or '')}".strip(),
            r.ip,
            f"办件 {r.case_number}：{r.type_name}，理由：{r.reason}",
            "查到" if r.found_id else "未查到",
        )
        for r in lookups[:200]
    ]
    return sorted(rows, key=lambda row: row.at, reverse=True)


def audience_departments(user: Any, limit: int = 500) -> tuple[list[Department], list[Department]]:
    """Whom a holder may show a licence to (亮证): the departments of their own county first (their account's
    division, else the area of their ID number), then the others."""
    area = (getattr(user, "division_id", "") or getattr(user, "id_number", "") or "")[:6]
    every = Department.objects.select_related("division").order_by("division_id", "name")
    if len(area) != 6:
        return [], list(every[:limit])
    local = list(every.filter(division__code__startswith=area)[:limit])
    others = list(every.exclude(division__code__startswith=area)[: max(limit - len(local), 0)])
    return local, others
