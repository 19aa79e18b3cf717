"""Fixed-window rate limits shared by every process: a count per key in the database.

``hit(key, limit, period)`` counts one request and says whether the key is over its limit in the current
window. One statement does it (an upsert that starts a new window when the old one ended, RETURNING the
count), atomic on PostgreSQL and SQLite alike, so two processes never both see the last allowed slot.
"""

from __future__ import annotations

import random
import time

from django.db import connection

from .models import RateCounter

# Now and then a hit also deletes windows that ended long ago, so the table stays small without a job.
_PRUNE_ONE_IN = 500
_PRUNE_AFTER_SECONDS = 3600.0
MAX_KEY = 200


def _sql() -> str:
    q = connection.ops.quote_name
    table = q(RateCounter._meta.db_table)
    key, count, expires = q("key"), q("count"), q("expires")
    return (
        f"INSERT INTO {table} ({key}, {count}, {expires}) VALUES (%s, 1, %s) "
        f"ON CONFLICT ({key}) DO UPDATE SET "
        f"{count} = CASE WHEN {table}.{expires} <= %s THEN 1 ELSE {table}.{count} + 1 END, "
        f"{expires} = CASE WHEN {table}.{expires} <= %s THEN excluded.{expires} ELSE {table}.{expires} END "
        f"RETURNING {count}"
    )


def hit(key: str, limit: int, period: float, now: float | None = None) -> bool:
    """Count a request for ``key``; True when it is over ``limit`` requests within ``period`` seconds."""
    at = time.time() if now is None else now
    with connection.cursor() as cursor:
        cursor.execute(_sql(), [key[:MAX_KEY], at + period, at, at])
        count = int(cursor.fetchone()[0])
    if random.randrange(_PRUNE_ONE_IN) == 0:
        RateCounter.objects.filter(expires__lt=at - _PRUNE_AFTER_SECONDS).delete()
    return count > limit
