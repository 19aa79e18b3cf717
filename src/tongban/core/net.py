"""The real client address of a request, behind the proxies a deployment names and no others.

Rate limits, lock-outs and the audit log key on the client's address. Behind a reverse proxy REMOTE_ADDR is
the proxy's, and X-Forwarded-For carries the client's; but anyone can send that header, so it is believed
only when the request came from a proxy listed in ``TONGBAN_TRUSTED_PROXIES`` (addresses or networks), and
only up to the first hop that is not such a proxy: a client cannot forge its way past the last trusted hop.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_ADDRESS = 45  # the longest textual IPv6 address (with an embedded IPv4 part)


@functools.lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "TONGBAN_TRUSTED_PROXIES", ())))


def parse_networks(spec: str) -> list[str]:
    """The comma-separated setting, checked (a typo must stop the start, not silently trust nobody)."""
    items = [item.strip() for item in spec.split(",") if item.strip()]
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(f"TONGBAN_TRUSTED_PROXIES 中的“{item}”不是IP地址或网段") from exc
    return items


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: Iterable[Network]) -> bool:
    return any(address in network for network in networks)


def real_client_ip(remote_addr: str, forwarded_for: str, networks: tuple[Network, ...]) -> str:
    """The client's address: REMOTE_ADDR, or, when that is a trusted proxy, the last X-Forwarded-For hop
    (right to left) that is not itself a trusted proxy."""
    remote = _address(remote_addr or "")
    if remote is None:
        return ""
    if not networks or not _trusted(remote, networks):
        return str(remote)
    client = remote
    for hop in reversed([h for h in forwarded_for.split(",") if h.strip()]):
        address = _address(hop)
        if address is None:  # garbage in the header: stop at the last hop we could read
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)


def client_ip(request: Any) -> str:
    """The address of the client that sent ``request`` ("" without a request)."""
    if request is None:
        return ""
    meta = request.META
    return real_client_ip(meta.get("REMOTE_ADDR", ""), meta.get("HTTP_X_FORWARDED_FOR", ""), trusted_networks())[
        :MAX_ADDRESS
    ]
