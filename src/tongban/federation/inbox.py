"""What a node does with each type of message it receives. Apps register a handler per message type:

    from tongban.federation import inbox

    @inbox.handler("crossregion.accepted")
    def accepted(message: inbox.IncomingMessage) -> None: ...

in a module imported at start-up (an app's ``tasks.py`` is: the outbox discovers them). The inbox runs the
handler in a transaction, once per message id, in sequence per (sender, case); a handler that raises has its
transaction rolled back and is tried again later (the message stays received: the sender is not asked again).
A type no handler is registered for is refused at the door, so the sender keeps it until this node knows it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

from .models import IncomingMessage

__all__ = ["IncomingMessage", "handler", "handler_for", "message_types"]

Handler = Callable[[IncomingMessage], None]
_handlers: dict[str, Handler] = {}


def handler(message_type: str) -> Callable[[Handler], Handler]:
    def wrap(func: Handler) -> Handler:
        known = _handlers.get(message_type)
        if known is not None and _name(known) != _name(func):
            raise ImproperlyConfigured(f"联邦消息类型“{message_type}”已由 {_name(known)} 处理")
        _handlers[message_type] = func
        return func

    return wrap


def handler_for(message_type: str) -> Handler | None:
    return _handlers.get(message_type)


def message_types() -> list[str]:
    return sorted(_handlers)


def _name(func: Callable[..., object]) -> str:
    return f"{func.__module__}.{func.__qualname__}"


@handler("federation.ping")
def ping(message: IncomingMessage) -> None:
    """A probe (tongban federation send, the bench, the fault test): received, logged, nothing else to do."""
