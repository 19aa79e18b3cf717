"""The provincial data exchange over HTTP: one adapter for every provider.

``GET {TONGBAN_SHARING_EXCHANGE_URL}/{provider}/{subject}?fields=a,b`` with ``Authorization: Bearer <token>``
answers ``{"found": true, "record": {...}}`` or ``{"found": false}``. The platform serves the same interface
from its local tables (sharing/views.py ``exchange``), so one node can be another's exchange.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

from tongban.core.errors import DomainError

from ..providers import ProviderInfo, pick

TIMEOUT_SECONDS = 5.0


class ExchangeUnavailable(DomainError):
    status = 502

    def __init__(self, detail: str):
        super().__init__("exchange_unavailable", f"共享交换平台暂时无法访问（{detail}），请稍后再试")


class ExchangeProvider:
    def __init__(self, info: ProviderInfo, base_url: str, token: str = ""):
        self.info, self.base_url, self.token = info, base_url.rstrip("/"), token

    def fetch(self, subject_code: str, fields: frozenset[str]) -> dict[str, str] | None:
        query = urllib.parse.urlencode({"fields": ",".join(sorted(fields))})
        url = f"{self.base_url}/{self.info.key}/{urllib.parse.quote(subject_code)}?{query}"
        request = urllib.request.Request(url, headers={"Accept": "application/json"})
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                body = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise ExchangeUnavailable(f"HTTP {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, ValueError) as exc:
            raise ExchangeUnavailable(type(exc).__name__) from exc
        if not isinstance(body, dict) or not body.get("found"):
            return None
        record = body.get("record")
        if not isinstance(record, dict):
            raise ExchangeUnavailable("应答格式不正确")
        return pick({str(k): "" if v is None else str(v) for k, v in record.items()}, fields)
