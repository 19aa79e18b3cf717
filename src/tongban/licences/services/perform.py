"""The one entry point that changes a licence.

``perform`` takes a licence (or its identifier), an action and the revision the actor saw, and in one
transaction: locks the licence; asks the policy (the function the pages use for their buttons) and the state
table with its guards; applies the action's effect (a new signed version for 变更, an annotation for 加注);
moves the status; appends the event and the audit entry; tells the holder and re-signs the status lists
through the outbox. Nothing else writes Licence, LicenceVersion, LicenceEvent or Annotation rows (issue.py
creates a licence with its first event).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from tongban.audit.services import record as audit
from tongban.core.errors import ConflictError, DomainError
from tongban.notifications.registry import Message
from tongban.notifications.services import notify

from ..domain import identifier as ids
from ..domain import policy
from ..domain.workflow import ACTION_LABELS, STATUS_LABELS, LicenceAction, LicenceStatus, next_status
from ..models import Annotation, Licence, LicenceEvent
from ..selectors import facts_for
from . import keys, status
from .signing import signed_version

A = LicenceAction
NOT_FOUND = "未找到该证照，或您无权查看"


@dataclass(frozen=True)
class AnnotationInput:
    text: str
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


def _lock(licence: Licence | str) -> Licence:
    rows = Licence.objects.select_for_update(of=("self",)).select_related("licence_type", "issuer", "case")
    found = rows.filter(identifier=licence).first() if isinstance(licence, str) else rows.get(pk=licence.pk)
    if found is None:
        raise DomainError("not_found", NOT_FOUND, "identifier", status=404)
    return found


@transaction.atomic
def perform(
    ctx: Any,
    licence: Licence | str,
    action: LicenceAction | str,
    revision: int | None,
    *,
    reason: str = "",
    changes: dict[str, str] | None = None,
    annotation: AnnotationInput | None = None,
    today: dt.date | None = None,
) -> Licence:
    action = LicenceAction(action)
    locked = _lock(licence)
    today = today or timezone.localdate()
    facts = facts_for(ctx.user, locked, ctx.actor)
    changes = {str(k): str(v) for k, v in (changes or {}).items()}
    denied = policy.denial(
        ctx.actor, facts, action, reason=reason, valid_until=locked.valid_until, today=today, changes=changes
    )
    if denied is not None and denied.status in (403, 404):
        raise DomainError(denied.code, denied.message, None, status=denied.status)
    if revision is not None and revision != locked.revision:
        label = STATUS_LABELS[LicenceStatus(locked.status)]
        raise ConflictError("stale_revision", f"该证照已被他人处理（当前状态：{label}），请刷新后重试。", "revision")
    if denied is not None:
        raise DomainError(denied.code, denied.message, "action" if denied.status == 409 else "reason", denied.status)

    before = LicenceStatus(locked.status)
    after = next_status(before, action)
    assert after is not None
    data: dict[str, Any] = {}
    lists = set(locked.versions.values_list("status_list", flat=True))
    if action is A.CHANGE:
        data = _change(ctx, locked, changes, reason)
    elif action is A.ANNOTATE:
        data = _annotate(ctx, locked, annotation or AnnotationInput(reason), reason, today)
    locked.status = after.value
    locked.revision += 1
    locked.save(update_fields=["status", "revision", "identifier", "version", "updated_at"])
    LicenceEvent.objects.create(
        licence=locked,
        action=action.value,
        from_status=before.value,
        to_status=after.value,
        version=locked.version,
        actor_id=ctx.user_id,
        actor_role=ctx.actor.label,
        reason=reason,
        data=data,
    )
    audit(
        f"licence.{action.value}",
        "licence",
        locked.identifier,
        actor=ctx.user,
        ip=ctx.ip,
        detail={"from": before.value, "to": after.value, **data},
    )
    if before is not after or action is A.CHANGE:
        status.changed(lists)
        _tell_holder(locked, action, reason)
    return locked


def _change(ctx: Any, licence: Licence, changes: dict[str, str], reason: str) -> dict[str, Any]:
    """变更: a new version with the changed face fields, signed anew; the old version stays as it was."""
    current = licence.versions.order_by("-number").first()
    assert current is not None
    fields = dict(current.content.get("fields") or {})
    unknown = [k for k in changes if k not in fields]
    if unknown:
        raise DomainError("unknown_field", f"证照照面没有字段：{'、'.join(unknown)}", "changes", status=400)
    if all(fields[k] == v for k, v in changes.items()):
        raise DomainError("nothing_changed", "变更内容与现行版本相同", "changes", status=400)
    fields.update(changes)
    number = licence.version + 1
    parts = ids.parse(licence.identifier)
    identifier = str(parts.with_version(number))
    content = {k: v for k, v in current.content.items() if k not in ("identifier", "version", "status")}
    content["fields"] = fields
    content["changed_on"] = timezone.localdate().isoformat()
    version = signed_version(licence, number, identifier, content, keys.licence_key(licence.issuer), reason)
    previous = licence.identifier
    licence.identifier = identifier
    licence.version = number
    return {"previous": previous, "identifier": identifier, "changed": sorted(changes), "kid": version.key.kid}


def _annotate(ctx: Any, licence: Licence, note: AnnotationInput, reason: str, today: dt.date) -> dict[str, Any]:
    if not note.text.strip():
        raise DomainError("required", "加注内容不能为空", "text", status=400)
    author = (ctx.user.real_name or ctx.user.get_username()) if ctx.user is not None else "系统"
    row = Annotation.objects.create(
        licence=licence,
        version=licence.version,
        author=ctx.user,
        author_name=f"{licence.issuer_name} {author}",
        reason=reason,
        text=note.text.strip(),
        valid_from=note.valid_from or today,
        valid_until=note.valid_until,
    )
    return {"annotation": row.pk}


def _tell_holder(licence: Licence, action: LicenceAction, reason: str) -> None:
    phone = licence.case.applicant_phone if licence.case is not None else ""
    if not phone:
        return
    body = f"您的电子{licence.name}（{licence.identifier}）已{ACTION_LABELS[action]}。" + (
        f"理由：{reason}" if reason else ""
    )
    notify(
        Message(
            phone,
            licence.holder_name,
            f"电子证照{ACTION_LABELS[action]}",
            body,
            licence.case.number if licence.case else "",
            f"licence_{action.value}",
        )
    )


def expire_due(today: dt.date | None = None) -> int:
    """The platform ends the licences whose validity has run out (the worker, daily)."""
    from tongban.cases.services import SYSTEM

    today = today or timezone.localdate()
    due = Licence.objects.filter(
        status__in=[LicenceStatus.VALID.value, LicenceStatus.SUSPENDED.value], valid_until__lt=today
    ).values_list("identifier", flat=True)
    count = 0
    for identifier in list(due):
        perform(SYSTEM, identifier, A.EXPIRE, None, today=today)
        count += 1
    return count
