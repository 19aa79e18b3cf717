"""Notifier plugins. A deployment names its notifier (SMS gateway, 浙里办 push …) in TONGBAN_NOTIFIER;
each plugin lives in its own folder under contrib/ and registers itself here."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Message:
    recipient_phone: str
    recipient_name: str
    subject: str
    body: str
    case_number: str = ""
    kind: str = ""  # accepted, correction, decided, result_ready …


class Notifier(Protocol):
    name: str

    def send(self, message: Message) -> str:
        """Deliver (or queue) the message; return the provider's message id. Raise on failure."""


_registry: dict[str, type] = {}


def register(name: str):
    def wrap(cls: type) -> type:
        _registry[name] = cls
        return cls

    return wrap


def get_notifier(name: str | None = None) -> Notifier:
    from django.conf import settings

    name = name or str(getattr(settings, "TONGBAN_NOTIFIER", "local_outbox"))
    if name not in _registry:
        importlib.import_module(f"tongban.notifications.contrib.{name}.notifier")
    return _registry[name]()
