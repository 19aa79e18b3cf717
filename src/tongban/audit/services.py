from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from .chain import GENESIS, entry_hash, first_broken
from .models import AuditEntry, AuditHead


def record(
    action: str, obj_type: str, obj_id: Any, *, actor: Any = None, detail: dict | None = None, ip: str = ""
) -> AuditEntry:
    # No savepoint inside a caller's transaction (two round trips saved per entry): an entry that fails takes
    # the caller's write down with it, as it must — a transition is never committed unaudited.
    with transaction.atomic(savepoint=False):
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})
        user = actor if getattr(actor, "pk", None) else None
        entry = AuditEntry(
            at=timezone.now(),
            actor=user,
            actor_label=str(user.get_username()) if user else "系统",
            action=action,
            object_type=obj_type,
            object_id=str(obj_id),
            detail=detail or {},
            ip=ip,
            prev_hash=head.last_hash,
        )
        entry.hash = entry_hash(entry.prev_hash, entry.chained_fields())
        entry.save()
        head.last_hash = entry.hash
        head.save(update_fields=["last_hash"])
        return entry


def client_ip(request: Any) -> str:
    return (request.META.get("REMOTE_ADDR") or "")[:45] if request is not None else ""


def verify() -> tuple[int, int | None]:
    """(entries checked, id of the first tampered entry or None). Also notices a truncated tail."""
    rows = AuditEntry.objects.order_by("id").iterator(chunk_size=2000)
    checked = 0
    last = GENESIS

    def entries():
        nonlocal checked, last
        for e in rows:
            checked += 1
            last = e.hash
            yield e.id, e.prev_hash, e.hash, e.chained_fields()

    broken = first_broken(entries())
    if broken is None:
        head = AuditHead.objects.filter(pk=1).first()
        if head and head.last_hash != last:
            return checked, -1  # entries after the last one were removed
    return checked, broken
