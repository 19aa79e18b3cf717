"""The platform's calendar date, in one place: every "today" of a time limit, a queue or a notice is read
here (``clock.today()``, looked up at call time), so a test or a replayed demo day sets it once."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()
