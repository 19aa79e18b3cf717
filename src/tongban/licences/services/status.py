"""The signed status lists: built from the licences' states, signed with the platform's status key, re-signed
by the worker after every change (outbox topic ``licences.status_list``), on a schedule before they go stale,
and at once when someone downloads a list that a change has overtaken."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tongban.outbox.services import enqueue

from ..domain.canonical import canonical_bytes
from ..domain.statuslist import PURPOSES, Bitstring, unsigned_document
from ..domain.workflow import REVOKING, SUSPENDING, LicenceStatus
from ..models import LicenceVersion, StatusList
from . import keys

TOPIC = "licences.status_list"


def validity() -> dt.timedelta:
    return dt.timedelta(hours=float(getattr(settings, "TONGBAN_LICENCE_STATUS_LIST_HOURS", 24)))


def bits_of(number: int) -> dict[str, Bitstring]:
    lists = {purpose: Bitstring() for purpose in PURPOSES}
    rows = LicenceVersion.objects.filter(status_list=number).values_list(
        "status_index", "number", "licence__status", "licence__version"
    )
    for index, version, status, current in rows.iterator():
        state = LicenceStatus(status)
        if state in REVOKING:
            lists["revocation"].set(index)
        if state in SUSPENDING:
            lists["suspension"].set(index)
        if version < current:
            lists["supersession"].set(index)
    return lists


def changed(numbers: Iterable[int]) -> None:
    """In the caller's transaction: the lists these versions lie in moved on; the worker re-signs them after
    the commit (a rolled-back change re-signs nothing)."""
    for number in sorted(set(numbers)):
        StatusList.objects.filter(number=number).update(generation=F("generation") + 1)
        enqueue(TOPIC, {"list": number})


@transaction.atomic
def publish(number: int, force: bool = False) -> StatusList:
    """Sign list ``number`` as the licences stand now (unless its signed document is current and fresh)."""
    status_list, _ = StatusList.objects.get_or_create(number=number)
    status_list = StatusList.objects.select_for_update().get(pk=status_list.pk)
    now = timezone.now()
    fresh = status_list.signed_at is not None and now - status_list.signed_at < validity() / 2
    if not force and status_list.document and status_list.signed_generation == status_list.generation and fresh:
        return status_list
    key = keys.status_key()
    generation = status_list.generation
    document: dict[str, Any] = unsigned_document(
        number,
        now.isoformat(timespec="seconds"),
        (now + validity()).isoformat(timespec="seconds"),
        key.kid,
        bits_of(number),
    )
    document["signature"] = keys.sign(key, canonical_bytes(document)).hex()
    status_list.document = document
    status_list.signed_generation = generation
    status_list.signed_at = now
    status_list.save(update_fields=["document", "signed_generation", "signed_at"])
    return status_list


def current_document(number: int) -> dict[str, Any] | None:
    """The list to hand out: re-signed at once when a change overtook it or it grew stale."""
    if not StatusList.objects.filter(number=number).exists():
        return None
    return publish(number).document


def republish_all() -> int:
    count = 0
    for number in StatusList.objects.order_by("number").values_list("number", flat=True):
        publish(number)
        count += 1
    return count
