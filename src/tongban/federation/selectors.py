"""Reads of the federation: this node, and the verified directory in force (its highest stored version)."""

from __future__ import annotations

import datetime as dt
import threading

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone

from tongban.core import caches

from .domain import directory as dirdoc
from .domain.directory import Agreement, Directory, Node, OfferedItem
from .keys import node_public_key
from .models import Alert, DirectoryVersion, IncomingMessage, OutgoingMessage, Refusal

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
    pending = {
        row["recipient"]: row
        for row in OutgoingMessage.objects.filter(status=OutgoingMessage.Status.PENDING)
        .values("recipient")
        .annotate(depth=Count("pk"), oldest=Min("sent_at"))
    }
    failing = {
        row["sender"]: row["n"]
        for row in IncomingMessage.objects.filter(status=IncomingMessage.Status.FAILED)
        .values("sender")
        .annotate(n=Count("pk"))
    }
    refused = {
        row["claimed_sender"]: row["n"]
        for row in Refusal.objects.filter(at__gte=now - dt.timedelta(days=1))
        .values("claimed_sender")
        .annotate(n=Count("pk"))
    }
    rows = []
    for peer in peers():
        queued = pending.get(peer.code, {})
        last_failed = (
            OutgoingMessage.objects.filter(recipient=peer.code, status=OutgoingMessage.Status.PENDING)
            .exclude(last_error="")
            .order_by("-last_attempt_at")
            .values("last_error", "last_attempt_at")
            .first()
        )
        oldest = queued.get("oldest")
        rows.append(
            {
                "node": peer,
                "depth": queued.get("depth", 0),
                "oldest_age": (now - oldest) if oldest else None,
                "last_failure": last_failed,
                "inbox_failed": failing.get(peer.code, 0),
                "refused_today": refused.get(peer.code, 0),
                "acknowledged": OutgoingMessage.objects.filter(
                    recipient=peer.code, status=OutgoingMessage.Status.ACKNOWLEDGED
                ).count(),
            }
        )
    return rows


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
