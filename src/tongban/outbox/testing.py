"""For tests: deliver what the outbox holds now, in this process, as a worker would."""

from __future__ import annotations

from .services import deliver_due


def deliver_outbox(rounds: int = 20) -> int:
    """Deliver every due pending message, then those their handlers enqueued (a booking's notice …), until
    none is left; returns how many deliveries were attempted."""
    total = 0
    for _ in range(rounds):
        attempted = deliver_due(limit=100_000)
        if not attempted:
            return total
        total += attempted
    raise AssertionError(f"发件箱在 {rounds} 轮投递后仍有消息：处理程序是否在不断排入新消息？")
