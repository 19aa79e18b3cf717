from __future__ import annotations

from ...providers import ProviderInfo, pick
from .models import LegalEntityRecord


class LocalLegalEntities:
    info = ProviderInfo(
        "legal_entity",
        "法人库",
        "enterprise",
        (
            ("name", "名称"),
            ("legal_representative", "法定代表人"),
            ("address", "住所"),
            ("entity_type", "类型"),
            ("registered_capital", "注册资本"),
            ("established_on", "成立日期"),
            ("status", "登记状态"),
        ),
    )

    def fetch(self, subject_code: str, fields: frozenset[str]) -> dict[str, str] | None:
        row = LegalEntityRecord.objects.filter(uscc=subject_code).values(*[k for k, _ in self.info.fields]).first()
        return pick({k: str(v) for k, v in row.items()}, fields) if row else None
