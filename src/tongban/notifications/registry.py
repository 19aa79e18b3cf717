"""Notifier plugins. A deployment names its notifier (SMS gateway, 浙里办 push …) in TONGBAN_NOTIFIER;
each plugin lives in its own folder under contrib/ and registers itself here."""

from __future__ import annotations

import dataclasses
import importlib
import re
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Message:
    recipient_phone: str
    recipient_name: str
    subject: str
    body: str
    case_number: str = ""
    kind: str = ""  # accepted, correction, decided, result_ready …

    def as_payload(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Message:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in payload.items() if k in names})


class Notifier(Protocol):
    name: str

    def send(self, message: Message, message_id: str) -> str:
        """Deliver the message; return the provider's message id. Raise on failure (the outbox retries).

        ``message_id`` is the outbox message's id, the same on every redelivery: pass it to the provider as the
        client reference it deduplicates on, so a message delivered twice reaches the person once."""


_registry: dict[str, type] = {}
_NAME = re.compile(r"[a-z][a-z0-9_]*")


def register(name: str):
    def wrap(cls: type) -> type:
        _registry[name] = cls
        return cls

    return wrap


def notifier_name() -> str:
    from django.conf import settings

    return str(getattr(settings, "TONGBAN_NOTIFIER", "") or "local_sms")


def get_notifier(name: str | None = None) -> Notifier:
    name = name or notifier_name()
    if name not in _registry:
        module = f"tongban.notifications.contrib.{name}"
        try:
            if not _NAME.fullmatch(name):
                raise ModuleNotFoundError(name=module)
            importlib.import_module(f"{module}.notifier")
        except ModuleNotFoundError as exc:
            if exc.name not in (module, f"{module}.notifier"):
                raise  # the plugin exists but something it imports is missing: show the real cause
            renamed = "（本地短信网关现名 local_sms）" if name == "local_outbox" else ""
            raise ImproperlyConfigured(f"未找到通知接口“{name}”，请检查 TONGBAN_NOTIFIER 配置{renamed}") from exc
    return _registry[name]()
