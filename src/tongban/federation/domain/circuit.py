"""The circuit breaker towards a peer (pure; no Django): closed, open for a cool-down after a run of failed
deliveries, then half open (one probe). The cool-down doubles with every failed probe, up to a cap."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    POST = "post"  # closed: deliver
    PROBE = "probe"  # the cool-down is over: this one delivery tries the peer
    SKIP = "skip"  # open: do not post now


@dataclass(frozen=True)
class Breaker:
    threshold: int  # failures in a row that open the circuit
    base_seconds: float  # the first cool-down
    cap_seconds: float

    def verdict(self, open_until: dt.datetime | None, now: dt.datetime) -> Verdict:
        if open_until is None:
            return Verdict.POST
        return Verdict.PROBE if now >= open_until else Verdict.SKIP

    def cool_down(self, failures: int) -> dt.timedelta:
        """After ``failures`` in a row (at least the threshold): base, doubling, capped."""
        steps = max(failures - self.threshold, 0)
        return dt.timedelta(seconds=min(self.base_seconds * 2 ** min(steps, 30), self.cap_seconds))

    def open_until(self, failures: int, now: dt.datetime) -> dt.datetime | None:
        return now + self.cool_down(failures) if failures >= self.threshold else None
