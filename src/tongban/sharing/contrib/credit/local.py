from __future__ import annotations

from ...providers import ProviderInfo, pick
from .models import CreditRecord

# A subject the credit base has no line for has no 失信 record: the answer is "no record", not "good".
NO_RECORD = "none"


class LocalCredit:
    info = ProviderInfo(
        "credit",
        "信用库",
        "any",
        (("standing", "信用状况"), ("list_name", "名单"), ("reason", "事由"), ("listed_on", "列入日期")),
    )

    def fetch(self, subject_code: str, fields: frozenset[str]) -> dict[str, str] | None:
        row = CreditRecord.objects.filter(subject_code=subject_code).first()
        if row is None:
            return pick({"standing": NO_RECORD, "list_name": "", "reason": "", "listed_on": ""}, fields)
        record = {
            "standing": row.standing,
            "list_name": row.list_name,
            "reason": row.reason,
            "listed_on": row.listed_on.isoformat() if row.listed_on else "",
        }
        return pick(record, fields)
