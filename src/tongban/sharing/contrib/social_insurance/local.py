from __future__ import annotations

from ...providers import ProviderInfo, pick
from .models import SocialInsuranceRecord


class LocalSocialInsurance:
    info = ProviderInfo(
        "social_insurance",
        "社保库",
        "person",
        (
            ("employer", "参保单位"),
            ("insured_since", "参保日期"),
            ("status", "参保状态"),
            ("months_paid", "累计缴费月数"),
        ),
    )

    def fetch(self, subject_code: str, fields: frozenset[str]) -> dict[str, str] | None:
        keys = [k for k, _ in self.info.fields]
        row = SocialInsuranceRecord.objects.filter(id_number=subject_code).values(*keys).first()
        return pick({k: str(v) for k, v in row.items()}, fields) if row else None
