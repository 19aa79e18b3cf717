"""The seam to the call-centre system (呼叫中心): it reports incoming calls (the screen pop opens with the
caller's history) and dials call-backs. A deployment names its adapter in TONGBAN_HOTLINE_TELEPHONY; each
adapter lives in its own folder under contrib/ and registers itself here. The local adapter only persists."""

from __future__ import annotations

import contextlib
import importlib
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class CallCentre(Protocol):
    name: str

    def new_call_id(self) -> str:
        """An id for a call the platform learns of without one (typed in by hand)."""

    def dial(self, number: str, operator: str) -> str:
        """Ring ``operator``'s extension and connect it to ``number``; return the call record id."""


_registry: dict[str, type] = {}


def register(name: str):  # type: ignore[no-untyped-def]
    def wrap(cls: type) -> type:
        _registry[name] = cls
        return cls

    return wrap


def adapter() -> CallCentre:
    name = str(getattr(settings, "TONGBAN_HOTLINE_TELEPHONY", "") or "local")
    if name not in _registry:
        with contextlib.suppress(ModuleNotFoundError):
            importlib.import_module(f"tongban.hotline.contrib.{name}")
    if name not in _registry:
        raise ImproperlyConfigured(f"未知的呼叫中心适配器：{name}")
    return _registry[name]()  # type: ignore[no-any-return]
