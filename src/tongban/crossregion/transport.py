"""The federation transport (``tongban.federation``) as this app uses it.

Messages leave only through ``send``, inside the caller's transaction (the transport signs them and writes its
message log and outbox rows in it); what arrives is handled by the functions registered with ``handler``,
which the inbox runs in a transaction, once per message, in sequence per case. The directory tells who the
nodes are and what each offers across regions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from tongban.core import clock
from tongban.federation import inbox, selectors
from tongban.federation.services import send_message
from tongban.jurisdictions.models import Division


@dataclass(frozen=True)
class LocalMessage:
    """A message a node hands to itself (a joint case's leg on the accepting node): same database, same
    transaction, no transport."""

    message_id: str
    sender: str
    case_ref: str
    message_type: str
    sequence: int
    payload: dict
    sent_at: Any


def handler(message_type: str) -> Callable[[Callable[[Any], None]], Callable[[Any], None]]:
    return inbox.handler(message_type)  # type: ignore[return-value]


def local_code() -> str:
    return str(getattr(settings, "TONGBAN_NODE_CODE", "") or "")


def send(*, to_node: str, case_ref: str, message_type: str, payload: dict) -> None:
    """To a peer through the transport, or to this node's own handler when ``to_node`` is this node."""
    if to_node == local_code():
        run = inbox.handler_for(message_type)
        assert run is not None, message_type
        run(LocalMessage("local", to_node, case_ref, message_type, 0, payload, clock.now()))  # type: ignore[arg-type]
        return
    send_message(to_node=to_node, case_ref=case_ref, message_type=message_type, payload=payload)


@dataclass(frozen=True)
class Node:
    code: str
    name: str
    endpoint: str


@dataclass(frozen=True)
class OfferedItem:
    node_code: str
    node_name: str
    code: str
    name: str
    scope: str  # the directory's cross_province / province
    modes: tuple[str, ...]


def _shown(code: str, listed: str) -> str:
    """The directory's name of a node; where it lists only the code, the division's full name as known here."""
    if listed and listed != code:
        return listed
    division = Division.objects.filter(code=code.ljust(12, "0")).first()
    return division.full_name if division is not None else code


def nodes() -> list[Node]:
    return [Node(n.code, _shown(n.code, n.name), n.endpoint) for n in selectors.directory()]


def node_name(code: str) -> str:
    found = selectors.node(code)
    return _shown(code, found.name if found is not None else "")


def offered_items(node_code: str) -> list[OfferedItem]:
    name = node_name(node_code)
    return [
        OfferedItem(node_code, name, item.item_code, item.name, item.scope, tuple(item.modes))
        for item in selectors.offered_items(node_code)
    ]


def agreements() -> list[Any]:
    return list(selectors.agreements())
