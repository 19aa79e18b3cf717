from __future__ import annotations

import datetime as dt

import pytest

from tongban.cases.tests.factories import CaseFactory, world
from tongban.core import clock

TODAY = dt.date(2026, 9, 29)
ADDRESS = "浙江省诸暨市暨阳街道艮塔西路138号3幢201室"


@pytest.fixture
def w(monkeypatch, db):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    world_ = world()
    world_.centre.phone = "0575-87001234"
    world_.centre.save(update_fields=["phone"])
    return world_


@pytest.fixture
def decided(w):
    """Build a decided case (granted unless told otherwise), accepted at the window."""

    def make(grant: bool = True, **form_extra):
        return CaseFactory(world=w, channel="window", status="decided", grant=grant, form_extra=form_extra)

    return make
