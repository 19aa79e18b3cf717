"""Reads of the federation: this node, and the verified directory in force (its highest stored version)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone

from tongban.core import caches

from .domain import directory as dirdoc
from .domain.directory import Agreement, Directory, Node, OfferedItem, TimeStampAuthority
from .keys import node_public_key
from .models import Alert, DirectoryVersion, IncomingMessage, OutgoingMessage, PeerCircuit, Refusal, TimeStampBatch

_parsed: dict[int, Directory] = caches.keyed({})
_lock = threading.Lock()


def current_directory() -> Directory | None:
    """The directory in force, parsed once per version and process (it was verified when installed)."""
    row = DirectoryVersion.objects.order_by("-version").values_list("version", "signed").first()
    if row is None:
        return None
    version, signed = row
    with _lock:
        if version not in _parsed:
            _parsed.clear()
            _parsed[version] = dirdoc.parse(signed["directory"])
        return _parsed[version]


def local_node() -> Node:
    """This node as its settings and key say; its offers as the directory lists them."""
    code = settings.TONGBAN_NODE_CODE
    listed = node(code) if code else None
    return Node(
        code=code,
        name=settings.TONGBAN_NODE_NAME or (listed.name if listed else code),
        endpoint=settings.TONGBAN_NODE_ENDPOINT.rstrip("/"),
        public_key=node_public_key(),
        offers=listed.offers if listed else (),
    )


def directory() -> list[Node]:
    found = current_directory()
    return list(found.nodes) if found else []


def node(code: str) -> Node | None:
    found = current_directory()
    return found.node(code) if found else None


def peers() -> list[Node]:
    return [n for n in directory() if n.code != settings.TONGBAN_NODE_CODE]


def offered_items(node_code: str) -> list[OfferedItem]:
    found = node(node_code)
    return list(found.offers) if found else []


def agreements(day: dt.date | None = None) -> list[Agreement]:
    """The directory's 点对点 agreements; with ``day``, only those in force on it."""
    found = current_directory()
    listed = list(found.agreements) if found else []
    return [a for a in listed if day is None or a.in_force(day)]


# ---- the operator's view ----------------------------------------------------------------------------------


def peer_queues(now: dt.datetime | None = None) -> list[dict]:
    """Per peer: messages waiting for its receipt, the age of the oldest, the last failure, received ones
    that failed to process, and refusals of its requests in the last day."""
    now = now or timezone.now()
    out = OutgoingMessage.objects.values("recipient")
    pending = {
        row["recipient"]: row
        for row in out.filter(status=OutgoingMessage.Status.PENDING).annotate(depth=Count("pk"), oldest=Min("sent_at"))
    }
    acknowledged = dict(
        out.filter(status=OutgoingMessage.Status.ACKNOWLEDGED).annotate(n=Count("pk")).values_list("recipient", "n")
    )
    failing = dict(
        IncomingMessage.objects.filter(status=IncomingMessage.Status.FAILED)
        .values("sender")
        .annotate(n=Count("pk"))
        .values_list("sender", "n")
    )
    refused = dict(
        Refusal.objects.filter(at__gte=now - dt.timedelta(days=1))
        .values("claimed_sender")
        .annotate(n=Count("pk"))
        .values_list("claimed_sender", "n")
    )
    circuits = {c.peer: c for c in PeerCircuit.objects.filter(open_until__isnull=False)}
    rows = []
    for peer in peers():
        queued = pending.get(peer.code, {})
        oldest = queued.get("oldest")
        rows.append(
            {
                "node": peer,
                "depth": queued.get("depth", 0),
                "oldest_age": (now - oldest) if oldest else None,
                # Only a peer with a queue has a failure worth showing: one query each, not one per peer.
                "last_failure": _last_failure(peer.code) if queued else None,
                "inbox_failed": failing.get(peer.code, 0),
                "refused_today": refused.get(peer.code, 0),
                "acknowledged": acknowledged.get(peer.code, 0),
                "circuit": circuits.get(peer.code),  # open: posting paused until its cool-down ends
            }
        )
    return rows


def _last_failure(code: str) -> Mapping[str, Any] | None:
    return (
        OutgoingMessage.objects.filter(recipient=code, status=OutgoingMessage.Status.PENDING)
        .exclude(last_error="")
        .order_by("-last_attempt_at")
        .values("last_error", "last_attempt_at")
        .first()
    )


def open_alerts() -> list[Alert]:
    return list(Alert.objects.filter(cleared_at__isnull=True).order_by("-raised_at"))


def recent_refusals(limit: int = 20) -> list[Refusal]:
    return list(Refusal.objects.order_by("-at")[:limit])


def message_log(*, direction: str, peer: str = "", case_ref: str = "", limit: int = 200) -> list:
    model = OutgoingMessage if direction == "out" else IncomingMessage
    rows = model.objects.all()
    if peer:
        rows = rows.filter(Q(recipient=peer) if direction == "out" else Q(sender=peer))
    if case_ref:
        rows = rows.filter(case_ref=case_ref)
    return list(rows.order_by("-sent_at")[:limit])


# ---- time stamps ----------------------------------------------------------------------------------------------


def time_stamping() -> list[TimeStampAuthority]:
    found = current_directory()
    return list(found.time_stamping) if found else []


def oldest_unstamped(now: dt.datetime | None = None) -> dt.timedelta | None:
    """How long the oldest message of the log (either direction) has waited for its time stamp."""
    now = now or timezone.now()
    firsts = [
        OutgoingMessage.objects.filter(time_stamp__isnull=True).aggregate(m=Min("sent_at"))["m"],
        IncomingMessage.objects.filter(time_stamp__isnull=True).aggregate(m=Min("received_at"))["m"],
    ]
    known = [f for f in firsts if f is not None]
    return now - min(known) if known else None


def stamping_summary() -> dict[str, Any]:
    """For the operator: the authorities, the last batch, what waits for a stamp."""
    return {
        "authorities": time_stamping(),
        "last": TimeStampBatch.objects.order_by("-stamped_at").first(),
        "waiting": OutgoingMessage.objects.filter(time_stamp__isnull=True).count()
        + IncomingMessage.objects.filter(time_stamp__isnull=True).count(),
        "oldest": oldest_unstamped(),
    }
