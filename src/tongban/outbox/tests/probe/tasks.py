"""Topics for tests of the outbox and the worker."""

from __future__ import annotations

from tongban import outbox
from tongban.outbox.models import Message

FLAKY = "probe.flaky"


class FailedOnPurpose(RuntimeError):
    pass


@outbox.register(FLAKY)
def fail_then_succeed(message: Message) -> None:
    """Fails the first ``fail_times`` attempts of each message, then succeeds."""
    if message.attempts <= int(message.payload.get("fail_times", 1)):
        raise FailedOnPurpose(f"第 {message.attempts} 次投递按测试要求失败")
