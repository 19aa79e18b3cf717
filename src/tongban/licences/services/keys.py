"""The issuing bodies' SM2 keys and the platform's status-list key: made by the platform on first use, through
the configured backend (signers.py), and published as the key list that offline verifiers trust."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tongban.audit.services import record as audit
from tongban.core import sm2
from tongban.jurisdictions.models import Department

from ..domain.verdict import KEYS_DOCUMENT_TYPE
from ..models import SigningKey, StatusList
from ..signers import get_backend


def _kid(public: bytes) -> str:
    return sm2.key_id(public).hex()


def _make(purpose: str, body: str, body_code: str, department: Department | None) -> SigningKey:
    backend = get_backend()
    made = backend.generate(_kid)
    sm2.check_public_key(made.public_key)
    key = SigningKey.objects.create(
        kid=_kid(made.public_key),
        purpose=purpose,
        department=department,
        body=body,
        body_code=body_code,
        public_key=made.public_key.hex(),
        backend=backend.name,
        private_key_encrypted=made.private_key_encrypted,
        key_ref=made.key_ref,
        valid_from=timezone.localdate(),
    )
    audit("licence.key_generated", "signing_key", key.kid, detail={"body": body, "purpose": purpose})
    return key


def _current(rows: Any) -> SigningKey | None:
    today = timezone.localdate()
    return rows.filter(valid_from__lte=today).exclude(valid_until__lt=today).order_by("-valid_from", "-id").first()


@transaction.atomic
def licence_key(department: Department) -> SigningKey:
    """The department's key in force, made on its first licence (the department row is locked meanwhile, so
    two first licences at once make one key)."""
    found = _current(SigningKey.objects.filter(purpose=SigningKey.Purpose.LICENCE, department=department))
    if found is not None:
        return found
    Department.objects.select_for_update().filter(pk=department.pk).first()
    found = _current(SigningKey.objects.filter(purpose=SigningKey.Purpose.LICENCE, department=department))
    return found or _make(SigningKey.Purpose.LICENCE, department.name, department.uscc, department)


@transaction.atomic
def status_key() -> SigningKey:
    """The platform's key for status lists (made once; the first list's row serialises its making)."""
    found = _current(SigningKey.objects.filter(purpose=SigningKey.Purpose.STATUS))
    if found is not None:
        return found
    StatusList.objects.get_or_create(number=1)
    StatusList.objects.select_for_update().filter(number=1).first()
    found = _current(SigningKey.objects.filter(purpose=SigningKey.Purpose.STATUS))
    name = str(getattr(settings, "TONGBAN_PLATFORM_NAME", "Tongban"))
    return found or _make(SigningKey.Purpose.STATUS, f"{name}（证照状态列表）", "", None)


def sign(key: SigningKey, message: bytes) -> bytes:
    return get_backend(key.backend).sign(key.kid, key.private_key_encrypted, key.key_ref, message)


@transaction.atomic
def retire_key(key: SigningKey, actor: Any = None) -> SigningKey:
    """No licence issued after today is accepted under this key (a compromised or replaced key); the next
    licence of its body makes a new one. Licences it signed before stay valid."""
    key.valid_until = timezone.localdate() - dt.timedelta(days=1)
    key.save(update_fields=["valid_until"])
    audit("licence.key_retired", "signing_key", key.kid, actor=actor)
    return key


def key_record(key: SigningKey) -> dict[str, Any]:
    public = bytes.fromhex(key.public_key)
    return {
        "kid": key.kid,
        "purpose": key.purpose,
        "body": key.body,
        "body_code": key.body_code,
        "algorithm": "SM2-SM3",
        "user_id": sm2.USER_ID.decode("ascii"),
        "public_key": key.public_key,
        "public_key_pem": sm2.public_key_pem(public),
        "valid_from": key.valid_from.isoformat(),
        "valid_until": key.valid_until.isoformat() if key.valid_until else None,
    }


def key_list_document() -> dict[str, Any]:
    """Every key ever used (retired ones too: what they signed before stays verifiable)."""
    status_key()
    keys = SigningKey.objects.order_by("purpose", "body", "valid_from", "id")
    return {
        "type": KEYS_DOCUMENT_TYPE,
        "issuer": str(getattr(settings, "TONGBAN_PLATFORM_NAME", "Tongban")),
        "generated": timezone.now().isoformat(timespec="seconds"),
        "keys": [key_record(k) for k in keys],
    }
