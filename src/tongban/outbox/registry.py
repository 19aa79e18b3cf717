"""Who handles each outbox topic, and which periodic jobs exist. Apps register both in their tasks.py:

    @outbox.register("notify")
    def send_notice(message: Message) -> None: ...

    @outbox.periodic("cases.deferral_reminders", seconds=3600, label="容缺材料逾期提醒")
    def remind() -> int: ...

A handler receives the outbox Message (its ``id`` is what a receiver deduplicates on, the same on every
redelivery) and raises to have the delivery retried. Delivery is at least once: handlers must be idempotent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from .models import Message

Handler = Callable[["Message"], None]

_handlers: dict[str, Handler] = {}
_retry_forever: set[str] = set()


def register(topic: str, *, retry_forever: bool = False) -> Callable[[Handler], Handler]:
    """``retry_forever``: the topic's messages never become dead letters (TONGBAN_OUTBOX_MAX_ATTEMPTS does not
    apply); for receivers that come back, such as another node of the federation."""

    def wrap(handler: Handler) -> Handler:
        known = _handlers.get(topic)
        if known is not None and _qualname(known) != _qualname(handler):
            raise ImproperlyConfigured(
                f"发件箱主题“{topic}”已由 {_qualname(known)} 处理，不能再注册 {_qualname(handler)}"
            )
        _handlers[topic] = handler
        if retry_forever:
            _retry_forever.add(topic)
        return handler

    return wrap


def handler_for(topic: str) -> Handler | None:
    return _handlers.get(topic)


def retries_forever(topic: str) -> bool:
    return topic in _retry_forever


def topics() -> list[str]:
    return sorted(_handlers)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: Callable[[], Any]
    seconds: float  # the default interval; TONGBAN_PERIODIC_INTERVALS may override it per job
    label: str
    first_delay: float = 0.0  # seconds after the first start of a worker before the first run

    @property
    def interval(self) -> dt.timedelta:
        from django.conf import settings

        overrides: dict[str, float] = getattr(settings, "TONGBAN_PERIODIC_INTERVALS", {})
        return dt.timedelta(seconds=float(overrides.get(self.name, self.seconds)))


_jobs: dict[str, PeriodicJob] = {}


def periodic(
    name: str, *, seconds: float, label: str, first_delay: float = 0.0
) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    def wrap(func: Callable[[], Any]) -> Callable[[], Any]:
        known = _jobs.get(name)
        if known is not None and _qualname(known.func) != _qualname(func):
            raise ImproperlyConfigured(f"周期任务“{name}”已注册为 {_qualname(known.func)}")
        _jobs[name] = PeriodicJob(name, func, seconds, label, first_delay)
        return func

    return wrap


def periodic_jobs() -> list[PeriodicJob]:
    return [_jobs[name] for name in sorted(_jobs)]


def periodic_job(name: str) -> PeriodicJob | None:
    return _jobs.get(name)


def _qualname(func: Callable[..., Any]) -> str:
    return f"{func.__module__}.{func.__qualname__}"
