"""Serials (流水号, unique per licence type and issuer) and status-list indexes: each taken by one UPDATE …
RETURNING on a sequence row, safe under concurrency (the row stays locked until the caller commits)."""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction

from ..domain.statuslist import SIZE, allocation_index
from ..models import LicenceSerial, StatusList


def _bump(sql: str, params: list) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def next_serial(type_code: str, issuer_code: str, year: int) -> str:
    """``<year><7 digits>``: 20260000001, 20260000002 … per type and issuer."""
    q = connection.ops.quote_name
    sql = (
        f"UPDATE {q(LicenceSerial._meta.db_table)} SET {q('last')} = {q('last')} + 1 "
        f"WHERE {q('type_code')} = %s AND {q('issuer_code')} = %s AND {q('year')} = %s RETURNING {q('last')}"
    )
    row = _bump(sql, [type_code, issuer_code, year])
    if row is None:
        try:
            with transaction.atomic():
                LicenceSerial.objects.create(type_code=type_code, issuer_code=issuer_code, year=year, last=1)
            row = (1,)
        except IntegrityError:  # another transaction made the row first
            row = _bump(sql, [type_code, issuer_code, year])
    assert row is not None
    return f"{year:04d}{int(row[0]):07d}"


def next_status_slot() -> tuple[int, int]:
    """(list number, index) for a new licence version: the newest list with room, else a new list."""
    q = connection.ops.quote_name
    table = q(StatusList._meta.db_table)
    sql = (
        f"UPDATE {table} SET {q('allocated')} = {q('allocated')} + 1 "
        f"WHERE {q('number')} = (SELECT MAX({q('number')}) FROM {table}) AND {q('allocated')} < %s "
        f"RETURNING {q('number')}, {q('allocated')}"
    )
    while True:
        row = _bump(sql, [SIZE])
        if row is not None:
            number, taken = int(row[0]), int(row[1])
            return number, allocation_index(taken - 1)
        newest = StatusList.objects.order_by("-number").values_list("number", flat=True).first() or 0
        try:
            with transaction.atomic():
                StatusList.objects.create(number=newest + 1)
        except IntegrityError:
            pass  # another transaction opened it; take a slot there
