from __future__ import annotations

import datetime as dt

import pytest

from tongban.cases import services as s
from tongban.cases.tests.factories import form, holding_all, world
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
        clerk = s.Ctx(w.clerk, "window", w.window)
        case = s.apply_at_window(
            clerk,
            w.version.implementation,
            applicant={"name": "王五", "id_number": w.other_citizen.id_number, "phone": "13900000000"},
            identity_check="读取居民身份证芯片并人证比对",
            form_data=form(w),
            paper_materials=["居民身份证", "出生医学证明"],
        )
        if form_extra:  # as if the item's form had asked for these fields
            type(case).objects.filter(pk=case.pk).update(form_data={**case.form_data, **form_extra})
            case.refresh_from_db()
        case = s.accept(clerk, holding_all(case), case.revision)
        approver = s.Ctx(w.approver)
        case = s.complete_step(approver, case, "材料齐全，符合规定", case.revision)
        return s.decide(
            approver, case, grant, "符合《户口登记条例》第七条" if grant else "不符合落户条件", case.revision
        )

    return make
