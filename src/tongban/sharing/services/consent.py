"""Consent receipts: given on the application form (online or at the window), withdrawn under 我的授权."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tongban.audit.services import record as audit
from tongban.core import clock
from tongban.core.errors import DomainError

from ..models import Consent, DataResource
from ..selectors import subject_code_of

# The version of the privacy notice (docs/privacy.md) a consent was given under.
POLICY_VERSION = "2026-12"


def give(
    *,
    subject_code: str,
    subject_name: str,
    resource: DataResource,
    fields: list[str],
    purpose: str,
    controllers: str,
    collected: str,
    item_code: str = "",
    subject: Any = None,
    recorded_by: Any = None,
    ip: str = "",
) -> Consent:
    with transaction.atomic():
        consent = Consent.objects.create(
            subject=subject,
            subject_code=subject_code,
            subject_name=subject_name[:100],
            resource=resource,
            fields=sorted(fields),
            purpose=purpose[:200],
            item_code=item_code[:60],
            controllers=controllers[:300],
            collected=collected,
            policy_version=POLICY_VERSION,
            recorded_by=recorded_by,
        )
        audit(
            "sharing.consent_given",
            "sharing_consent",
            consent.pk,
            actor=recorded_by or subject,
            ip=ip,
            detail={"subject": subject_code, "resource": resource.code, "collected": collected},
        )
    return consent


def withdraw(user: Any, consent_id: int, ip: str = "") -> Consent:
    """The subject withdraws their consent: no further use rests on it (services.access asks for one in force)."""
    with transaction.atomic():
        code = subject_code_of(user)
        consent = Consent.objects.select_for_update().filter(pk=consent_id, subject_code=code).first()
        if consent is None or not code:
            raise DomainError("not_found", "没有找到该授权记录", "consent", status=404)
        if consent.withdrawn_at is not None:
            return consent
        consent.withdrawn_at = clock.now()
        consent.save(update_fields=["withdrawn_at"])
        audit("sharing.consent_withdrawn", "sharing_consent", consent.pk, actor=user, ip=ip)
    return consent
