"""Case numbers and query codes."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError, connection, transaction

from ..models import CaseNumberSequence

_QUERY_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def next_case_number(region6: str, day: dt.date, prefix: str = "") -> str:
    """Readable, unique, dense per region and day: 330681-20261122-000001 (bundles: YJS330681-…)."""
    key = prefix + region6
    # One statement in the usual case: the row stays locked until the caller's transaction ends, so every
    # submission of the region that day waits for it — take the number as late as possible.
    last = _bump_sequence(key, day)
    if last is None:
        try:
            with transaction.atomic():
                CaseNumberSequence.objects.create(region=key, day=day, last=1)
            last = 1
        except IntegrityError:  # another transaction made the day's row first
            last = _bump_sequence(key, day)
    return f"{key}-{day:%Y%m%d}-{last:06d}"


def _bump_sequence(key: str, day: dt.date) -> int | None:
    table, last, region, on = (
        connection.ops.quote_name(n) for n in (CaseNumberSequence._meta.db_table, "last", "region", "day")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {last} = {last} + 1 WHERE {region} = %s AND {on} = %s RETURNING {last}",
            [key, connection.ops.adapt_datefield_value(day)],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else None


def query_code() -> str:
    return "".join(secrets.choice(_QUERY_ALPHABET) for _ in range(6))
