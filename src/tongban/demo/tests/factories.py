"""What the demo tests share: a plausible answer to any field of a demo form."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from tongban.core.identifiers import make_resident_id, make_uscc

CANDIDATES = ["6222021234567890123", "2026-03", "310000", "A1234567", "测试内容", "2026", "1"]


def answer(field: dict[str, Any]) -> Any:
    kind = field["type"]
    if field.get("pattern") and kind in ("text", "textarea"):
        return next(c for c in CANDIDATES if re.fullmatch(field["pattern"], c))
    return {
        "date": "2026-09-20",
        "id_number": make_resident_id("330681", dt.date(1960, 5, 1), 21),
        "uscc": make_uscc("9", "1", "330681", "MA2H3K4L"),
        "phone": "13800000000",
        "number": field.get("min") or 1,
        "boolean": True,
        "division": "330681",
        "email": "test@example.cn",
        "textarea": "情况说明",
        "select": (field.get("options") or [""])[0],
        "multiselect": (field.get("options") or [])[:1],
    }.get(kind, "测试内容")
