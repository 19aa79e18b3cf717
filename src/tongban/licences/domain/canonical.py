"""The canonical form of a licence version's signed content (pure).

UTF-8 JSON of the content object with its keys sorted at every level, no insignificant whitespace
(separators ``,`` and ``:``), non-ASCII characters as themselves (not ``\\u`` escapes), dates as ISO 8601
strings, no floating-point numbers (amounts are strings). Its SM3 digest is the seal's content digest, so
anyone holding the content (the online page, the PDF's attachment, a data-sharing request) recomputes it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        raise TypeError("签名内容中不能有浮点数（金额等请写成字符串）")
    return value


def canonical_bytes(content: dict[str, Any]) -> bytes:
    return json.dumps(_plain(content), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
