"""The time-stamping service a node runs when it is given a TSA key (TONGBAN_TSA_KEY_FILE): in the demo
cluster one node plays the federation's authority; in production a certified authority is named in the
directory instead and this stays off. Every token it issues is numbered and kept (IssuedTimeStamp)."""

from __future__ import annotations

import functools
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tongban.core import sm2
from tongban.core.errors import DomainError

from .domain import timestamp
from .models import IssuedTimeStamp


def enabled() -> bool:
    return bool(settings.TONGBAN_TSA_KEY_FILE)


@functools.lru_cache(maxsize=2)
def _key(path: str) -> bytes:
    return sm2.private_key_from_pem(Path(path).read_text(encoding="ascii"))


def authority_name() -> str:
    return settings.TONGBAN_TSA_NAME or f"{settings.TONGBAN_NODE_NAME or settings.TONGBAN_NODE_CODE}时间戳服务"


def public_key() -> bytes:
    return sm2.public_key_of(_key(settings.TONGBAN_TSA_KEY_FILE))


def issue(digest: str, requester: str = "") -> tuple[dict, str]:
    """Number, sign and keep a token for ``digest`` at this moment."""
    if not enabled():
        raise DomainError("not_found", "本节点不提供时间戳服务", None, status=404)
    if not timestamp.valid_digest(digest):
        raise DomainError("bad_digest", "摘要应为64位小写十六进制（SM3）", "digest")
    with transaction.atomic():
        now = timezone.now()
        row = IssuedTimeStamp.objects.create(digest=digest, requester=str(requester)[:100], stamped_at=now)
        token, signature = timestamp.issue(
            _key(settings.TONGBAN_TSA_KEY_FILE), authority=authority_name(), serial=row.serial, digest=digest, at=now
        )
        row.signature = signature
        row.save(update_fields=["signature"])
    return token, signature
