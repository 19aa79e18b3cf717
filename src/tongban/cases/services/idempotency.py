"""Idempotency by a client-chosen key: a retried request (same account, same key) gets what the first made.

The key is claimed inside the transaction of the write it guards, before the write: a concurrent request with
the same key waits on the claim (PostgreSQL) or on the database lock (SQLite), then finds the first request's
result. Keys are scoped by purpose ("create:…", "submit:…", "window:…") so one key serves one kind of request.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from ..models import BundleCase, Case, IdempotencyKey
from .context import Ctx


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
    row = (
        IdempotencyKey.objects.filter(user_id=ctx.user_id, key=key)
        .select_related("case", "bundle_case")
        .order_by("-id")
        .first()
    )
    if row is None:
        return None
    return row.case or row.bundle_case


def claim(ctx: Ctx, key: str | None) -> IdempotencyKey | None:
    """Claim the key inside the caller's transaction; raise Replayed when it was already used."""
    if not key or ctx.user_id is None:
        return None
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(user_id=ctx.user_id, key=key)
    except IntegrityError:
        done = replayed(ctx, key)
        if done is None:  # claimed by a request that failed: it rolled back, so this can never happen twice
            raise
        raise Replayed(done) from None


def settle(claimed: IdempotencyKey | None, result: Case | BundleCase) -> None:
    """Record what the claimed key made."""
    if claimed is None:
        return
    if isinstance(result, Case):
        claimed.case = result
    else:
        claimed.bundle_case = result
    claimed.save(update_fields=["case", "bundle_case"])
