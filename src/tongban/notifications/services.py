from __future__ import annotations

from django.db import transaction

from .registry import Message, get_notifier


def notify(message: Message) -> None:
    """Send after the surrounding transaction commits: a rolled-back action tells nobody anything."""
    transaction.on_commit(lambda: get_notifier().send(message))
