"""The process clock: real time by default; set back, it runs on from there; a block moved leaves it as it was."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tongban.core import clock

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _real_time_after():
    yield
    clock.reset()


def test_real_time_by_default() -> None:
    assert not clock.is_set()
    assert abs(clock.now() - timezone.now()) < dt.timedelta(seconds=1)
    assert clock.today() == timezone.localdate()


def test_set_back_it_runs_on_from_there() -> None:
    moment = dt.datetime(2026, 3, 2, 23, 59, 59, 900_000, tzinfo=SHANGHAI)
    clock.set_to(moment)
    assert clock.is_set() and clock.today() == dt.date(2026, 3, 2)
    first = clock.now()
    time.sleep(0.2)
    second = clock.now()
    assert moment <= first < second < moment + dt.timedelta(seconds=5)
    assert clock.today() == dt.date(2026, 3, 3)  # the local day turned over at midnight in Shanghai
    clock.reset()
    assert not clock.is_set() and abs(clock.now() - timezone.now()) < dt.timedelta(seconds=1)


def test_a_moved_block_leaves_the_clock_as_it_was() -> None:
    pinned = dt.datetime(2026, 12, 3, 10, 0, tzinfo=SHANGHAI)
    clock.set_to(pinned)
    with clock.moved_to(dt.datetime(2026, 9, 1, 9, 0, tzinfo=SHANGHAI)):
        assert clock.today() == dt.date(2026, 9, 1)
    assert clock.today() == dt.date(2026, 12, 3)
    with pytest.raises(RuntimeError), clock.moved_to(dt.datetime(2026, 1, 5, 9, 0, tzinfo=SHANGHAI)):
        raise RuntimeError("the block fails")
    assert abs(clock.now() - pinned) < dt.timedelta(seconds=5)


def test_only_an_aware_moment() -> None:
    with pytest.raises(ValueError):
        clock.set_to(dt.datetime(2026, 3, 2, 9, 0))
