"""The platform's clock, in one place: every "today" of a time limit, a queue or a notice and every moment a
case's record keeps (its events, audit entries, materials, decisions) is read here, looked up at call time.

A process may set its clock back (or forward): ``set_to(moment)`` or ``with moved_to(moment): …``. The clock
then keeps running from that moment at the real pace, so the records made while it is set still follow each
other. The demo loader replays weeks of a service centre's work this way (events, audit entries, deadlines
and notices made by the services themselves, on the days they would have happened), and tests pin the day
the pages see. Nothing else moves it: sessions, tokens, lock-outs and the outbox's delivery keep real time
(``django.utils.timezone.now``).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

_ZERO = dt.timedelta(0)
_lock = threading.Lock()
_shift = _ZERO  # process-wide: the live server's threads see the same clock as the test that set it


def now() -> dt.datetime:
    """The current moment (aware), as this process's clock says."""
    return timezone.now() + _shift


def today() -> dt.date:
    """The current date in the platform's time zone, as this process's clock says."""
    return timezone.localdate(now()) if _shift else timezone.localdate()


def set_to(moment: dt.datetime) -> None:
    """From now on, this process's clock reads ``moment`` (aware) and runs on from there."""
    global _shift
    if timezone.is_naive(moment):
        raise ValueError("the clock is set to an aware datetime")
    with _lock:
        _shift = moment - timezone.now()


def reset() -> None:
    """Back to the real time."""
    global _shift
    with _lock:
        _shift = _ZERO


def is_set() -> bool:
    return _shift != _ZERO


@contextmanager
def moved_to(moment: dt.datetime) -> Iterator[None]:
    """Run a block with the clock at ``moment``; the clock reads as before afterwards (set or real)."""
    global _shift
    before = _shift
    set_to(moment)
    try:
        yield
    finally:
        with _lock:
            _shift = before
