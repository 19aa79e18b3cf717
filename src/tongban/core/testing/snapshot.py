"""A database's rows, made once per test process and put back into any test's database in a moment.

``RowSnapshot.capture(make)`` runs ``make`` (the demo loader, say) in a transaction on the test database,
keeps every row it added, model by model through Django's own fields, and rolls the transaction back, so no
other test sees them. ``snapshot.restore()`` inserts those rows again, with their keys, in one transaction:
in a test that runs in a transaction they vanish with it, in a transactional test (a browser test with the
live server) the database flush at its end removes them. Inserting thousands of rows this way costs a small
fraction of running the code that made them.

What ``make`` changed in rows that existed before it ran (content types, permissions, role groups made by
``migrate``) cannot be replayed this way; ``capture`` refuses rather than hand back half the change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models, transaction

Values = tuple[Any, ...]


def _tables() -> list[type[models.Model]]:
    """Every model with a table of its own, many-to-many tables included."""
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    ]


def _rows(model: type[models.Model]) -> dict[Any, Values]:
    names = [f.attname for f in model._meta.concrete_fields]
    return {values[0]: values for values in _values(model, ["pk", *names])}


def _values(model: type[models.Model], names: list[str]) -> list[Values]:
    return list(model._base_manager.order_by().values_list(*names))


class SnapshotError(Exception):
    """What was captured cannot be replayed."""


@dataclass
class RowSnapshot:
    # Per model: the attnames of its concrete fields, and the rows the capture added.
    rows: dict[type[models.Model], tuple[list[str], list[Values]]] = field(default_factory=dict)

    @classmethod
    def capture(cls, make: Callable[[], object]) -> RowSnapshot:
        """The rows ``make`` adds to the database; the database is left as it was."""
        snapshot = cls()
        with transaction.atomic():
            before = {model: _rows(model) for model in _tables()}
            make()
            for model, old in before.items():
                after = _rows(model)
                changed = [pk for pk, values in old.items() if after.get(pk) != values]
                if changed:
                    raise SnapshotError(f"{model._meta.label} 中已有的 {len(changed)} 行被修改，无法作为快照重放")
                added = [values[1:] for pk, values in after.items() if pk not in old]
                if added:
                    snapshot.rows[model] = ([f.attname for f in model._meta.concrete_fields], added)
            transaction.set_rollback(True)
        return snapshot

    def restore(self) -> int:
        """Insert the captured rows into the current database (keys and all); returns how many."""
        count = 0
        with transaction.atomic():  # foreign keys are checked at its end, whatever the order of the models
            for model, (names, rows) in self.rows.items():
                model._base_manager.bulk_create(
                    [model(**dict(zip(names, values, strict=True))) for values in rows], batch_size=500
                )
                count += len(rows)
        return count
