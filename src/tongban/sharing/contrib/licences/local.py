from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from tongban.licences.domain.workflow import LicenceStatus
from tongban.licences.models import Licence

from ...providers import ProviderInfo, pick


class LicenceStore:
    """The subject's valid licences, one line per type: the licences app keeps them (its own tables)."""

    info = ProviderInfo(
        "licences",
        "证照库",
        "any",
        (("licences", "持有的有效证照"), ("licence_numbers", "证照编号")),
    )

    def fetch(self, subject_code: str, fields: frozenset[str]) -> dict[str, str] | None:
        today = timezone.localdate()
        rows = list(
            Licence.objects.filter(holder_code=subject_code, status=LicenceStatus.VALID.value, valid_from__lte=today)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
            .order_by("licence_type__name", "-issued_on")
            .values_list("licence_type__name", "number")
        )
        if not rows:
            return None
        record = {"licences": "、".join(name for name, _ in rows), "licence_numbers": "、".join(n for _, n in rows)}
        return pick(record, fields)
