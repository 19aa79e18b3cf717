"""The federation transport as this app uses it (the contract of issue 11's transport, ``tongban.federation``).

Messages leave only through ``send``, inside the caller's transaction (the transport writes its message log
and outbox rows in it); what arrives is handled by the functions registered with ``handler``, which the
inbox runs in a transaction, once per message, in sequence per case. The directory tells who the nodes are
and what each offers across regions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings

# Registered here as well as with the inbox, so a node can hand a message to itself (a joint case's leg on the
# accepting node) through the very same function.
HANDLERS: dict[str, Callable[[Any], None]] = {}


class Incoming(Protocol):
    message_id: str
    sender: str
    case_ref: str
    message_type: str
    sequence: int
    payload: dict
    sent_at: Any


@dataclass(frozen=True)
class LocalMessage:
    """A message a node hands to itself (no transport: same database, same transaction)."""

    message_id: str
    sender: str
    case_ref: str
    message_type: str
    sequence: int
    payload: dict
    sent_at: Any


def handler(message_type: str) -> Callable[[Callable[[Any], None]], Callable[[Any], None]]:
    def register(func: Callable[[Any], None]) -> Callable[[Any], None]:
        HANDLERS[message_type] = func
        try:
            from tongban.federation import inbox
        except ImportError:  # stand-in until the transport is merged: local delivery only
            return func
        inbox.handler(message_type)(func)
        return func

    return register


def local_code() -> str:
    return str(getattr(settings, "TONGBAN_NODE_CODE", "") or "")


def send(*, to_node: str, case_ref: str, message_type: str, payload: dict) -> None:
    """To a peer through the transport, or to this node's own handler when ``to_node`` is this node."""
    if to_node == local_code():
        from tongban.core import clock

        HANDLERS[message_type](LocalMessage("local", to_node, case_ref, message_type, 0, payload, clock.now()))
        return
    from tongban.federation.services import send_message

    send_message(to_node=to_node, case_ref=case_ref, message_type=message_type, payload=payload)


def _field(obj: Any, name: str, default: Any = "") -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


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
    scope: str  # 跨省 / 全省 (the directory's words)
    modes: tuple[str, ...]
    endpoint: str = ""


def nodes() -> list[Node]:
    from tongban.federation import selectors

    return [
        Node(str(_field(n, "code")), str(_field(n, "name")), str(_field(n, "endpoint"))) for n in selectors.directory()
    ]


def node_name(code: str) -> str:
    for n in nodes():
        if n.code == code:
            return n.name
    return code


def offered_items(node_code: str) -> list[OfferedItem]:
    from tongban.federation import selectors

    peer = next((n for n in nodes() if n.code == node_code), Node(node_code, node_code, ""))
    out = []
    for item in selectors.offered_items(node_code):
        modes = _field(item, "modes", ()) or ()
        out.append(
            OfferedItem(
                node_code,
                peer.name,
                str(_field(item, "code") or _field(item, "item_code")),
                str(_field(item, "name")),
                str(_field(item, "scope")),
                tuple(str(m) for m in modes),
                peer.endpoint,
            )
        )
    return out


def agreements() -> list[Any]:
    from tongban.federation import selectors

    return list(selectors.agreements())
