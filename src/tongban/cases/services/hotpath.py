"""SQL built once per process for what every transition reads and writes: the locked case row and the new rows
of an event or a case.

Measured with bench/cases.py: building and compiling the ORM's query for these took more CPU than the
database spent answering it. The statements are made by the ORM itself, once, and then only executed; the
values go through each field's own preparation (``pre_save``, ``get_db_prep_save``), so what is stored is
what ``Model.save()`` would store. The one place with raw SQL for cases; tests/test_case_hotpath.py holds it
to the ORM's answers.
"""

from __future__ import annotations

import threading
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model

from ..models import Case

M = TypeVar("M", bound=Model)
_lock = threading.Lock()
_statements: dict[tuple[str, str], str] = {}
_SENTINEL = "\x01tongban-hotpath\x01"


def _remember(name: str, build: Any) -> str:
    key = (connection.vendor, name)
    sql = _statements.get(key)
    if sql is None:
        sql = build()
        with _lock:
            _statements[key] = sql
    return sql


def _insert_fields(model: type[Model]) -> list[Any]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def insert(obj: M) -> M:
    """INSERT ``obj`` (a new row with an auto primary key) and set its pk, as ``obj.save()`` would."""
    model = type(obj)
    fields = _insert_fields(model)

    def build() -> str:
        q = connection.ops.quote_name
        columns = ", ".join(q(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        return (
            f"INSERT INTO {q(model._meta.db_table)} ({columns}) VALUES ({marks}) RETURNING {q(model._meta.pk.column)}"
        )

    sql = _remember(f"insert:{model._meta.label}", build)
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    obj.pk = row[0]
    obj._state.adding = False
    obj._state.db = "default"
    return obj


def locked_case(*, pk: int | None = None, number: str | None = None, alone: bool = False) -> Case | None:
    """The case row under FOR UPDATE (where the database has it), by pk or by number; ``alone``: only if it
    belongs to no bundle (a bundle's item is locked after its bundle)."""
    by = "pk" if pk is not None else "number"
    name = f"lock:{by}:{alone}"

    def build() -> str:
        lookup: dict[str, Any] = {"pk": 0} if by == "pk" else {"number": _SENTINEL}
        if alone:
            lookup["bundle_case__isnull"] = True
        sql, params = Case.objects.select_for_update().filter(**lookup).order_by().query.sql_with_params()
        assert len(params) == 1  # the one value this statement takes
        return sql

    sql = _remember(name, build)
    rows = list(Case.objects.raw(sql, [pk if by == "pk" else number]))
    return rows[0] if rows else None
