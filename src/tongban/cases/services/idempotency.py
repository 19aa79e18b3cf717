"""Idempotency by a client-chosen key: a retried request (same account, same key) gets what the first made.

The key is recorded in the transaction of the write it guards, as its last statement, with what the write
made: a retry finds it first; a concurrent request with the same key meets the unique key, rolls its work
back and finds the first request's result. Keys are scoped by purpose ("create:…", "submit:…", "window:…") so one key serves one kind of request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, transaction

from ..models import BundleCase, Case, IdempotencyKey
from .context import Ctx

Made = TypeVar("Made", Case, BundleCase)


class Replayed(Exception):
    """The key was used before: ``result`` is what the first request made. Creating services raise it (the
    caller answers "already made", e.g. 200 instead of 201); ``perform`` returns the result instead."""

    def __init__(self, result: Case | BundleCase):
        self.result = result
        super().__init__("replayed")


def replayed(ctx: Ctx, key: str | None) -> Case | BundleCase | None:
    """What the first request with this key made (a fresh read), or None."""
    if not key or ctx.user_id is None:
        return None
    found = IdempotencyKey.objects.filter(user_id=ctx.user_id, key=key).values_list("case_id", "bundle_case_id").first()
    if found is None:
        return None
    case_id, bundle_case_id = found
    if case_id is not None:
        return Case.objects.get(pk=case_id)
    return BundleCase.objects.get(pk=bundle_case_id)


def once(ctx: Ctx, key: str | None, make: Callable[[], Made]) -> Made:
    """``make()`` in one transaction, the key recorded with what it made as its last statement; raise Replayed
    when the key was used before. A concurrent request with the same key does its work, then meets the unique
    key (on PostgreSQL it waits there for the first to commit), rolls back and answers with the first's result."""
    if not key or ctx.user_id is None:
        with transaction.atomic():
            return make()
    done = replayed(ctx, key)
    if done is not None:
        raise Replayed(done)
    try:
        with transaction.atomic():
            made = make()
            field = "case" if isinstance(made, Case) else "bundle_case"
            IdempotencyKey.objects.create(user_id=ctx.user_id, key=key, **{field: made})
            return made
    except IntegrityError:
        done = replayed(ctx, key)
        if done is None:  # not the key's constraint: a real error
            raise
        raise Replayed(done) from None
