"""Providers of shared data: plugins behind one interface, one folder each under ``contrib/``.

Each provider answers for one subject (a resident ID or a unified social credit code) with the fields asked.
Its LOCAL implementation reads the platform's own tables (contrib/<name>/); with
``TONGBAN_SHARING_EXCHANGE_URL`` set, every provider is asked through the provincial exchange over HTTP
(contrib/exchange.py) instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings


@dataclass(frozen=True)
class ProviderInfo:
    key: str
    name: str  # 人口库 …
    subject: str  # "person" | "enterprise" | "any"
    fields: tuple[tuple[str, str], ...]  # (key, label) in display order


class Provider(Protocol):
    info: ProviderInfo

    def fetch(self, subject_code: str, fields: frozenset[str]) -> dict[str, str] | None:
        """The subject's record restricted to ``fields``; None when the provider holds no such subject."""


_local: dict[str, Callable[[], Provider]] = {}
_infos: dict[str, ProviderInfo] = {}


def register(info: ProviderInfo, local: Callable[[], Provider]) -> None:
    _infos[info.key] = info
    _local[info.key] = local


def register_builtin() -> None:
    from .contrib.credit.local import LocalCredit
    from .contrib.legal_entity.local import LocalLegalEntities
    from .contrib.licences.local import LicenceStore
    from .contrib.population.local import LocalPopulation
    from .contrib.social_insurance.local import LocalSocialInsurance

    for plugin in (LocalPopulation, LocalLegalEntities, LocalCredit, LocalSocialInsurance, LicenceStore):
        register(plugin.info, plugin)


def infos() -> dict[str, ProviderInfo]:
    return dict(_infos)


def provider_choices() -> list[tuple[str, str]]:
    return [(info.key, info.name) for info in _infos.values()]


def provider(key: str) -> Provider:
    """The provider answering for ``key``: the exchange when one is configured, else the local tables."""
    if key not in _infos:
        raise KeyError(key)
    base = settings.TONGBAN_SHARING_EXCHANGE_URL
    if base:
        from .contrib.exchange import ExchangeProvider

        return ExchangeProvider(_infos[key], base, settings.TONGBAN_SHARING_EXCHANGE_TOKEN)
    return _local[key]()


def local(key: str) -> Provider:
    """The local implementation, whatever the configuration (what this node serves to others)."""
    return _local[key]()


def pick(record: dict[str, str], fields: frozenset[str]) -> dict[str, str]:
    return {k: v for k, v in record.items() if k in fields}
