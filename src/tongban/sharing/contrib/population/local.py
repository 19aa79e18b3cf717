from __future__ import annotations

from ...providers import ProviderInfo, pick
from .models import PopulationRecord


class LocalPopulation:
    info = ProviderInfo(
        "population",
        "人口库",
        "person",
        (
            ("name", "姓名"),
            ("gender", "性别"),
            ("ethnicity", "民族"),
            ("birth_date", "出生日期"),
            ("address", "居住地址"),
            ("household_address", "户籍地址"),
            ("household_head", "户主姓名"),
            ("relation_to_head", "与户主关系"),
        ),
    )

    def fetch(self, subject_code: str, fields: frozenset[str]) -> dict[str, str] | None:
        row = PopulationRecord.objects.filter(id_number=subject_code).values(*[k for k, _ in self.info.fields]).first()
        return pick({k: str(v) for k, v in row.items()}, fields) if row else None
