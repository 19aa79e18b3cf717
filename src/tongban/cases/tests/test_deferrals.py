"""Overdue 容缺 promises: flagged per material with days overdue, scoped like cases, the applicant told once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tongban.audit.models import AuditEntry
from tongban.cases import deferrals
from tongban.cases import services as s
from tongban.cases.models import Case, CaseMaterial
from tongban.cases.tests.factories import CaseFactory, world
from tongban.core import clock
from tongban.notifications.models import LocalSmsMessage

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 9, 29)
DUE = dt.date(2026, 10, 9)


@pytest.fixture
def w(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return world()


def deferred_case(w, due=DUE, phone="13900000000"):
    return CaseFactory(
        world=w,
        channel="window",
        status="in_progress",
        window_applicant={"name": "王五", "id_number": w.other_citizen.id_number, "phone": phone},
        deferrals=[s.Deferral("结婚证", due, "本人承诺按期补交结婚证")],
    )


def pin(monkeypatch, day):
    monkeypatch.setattr(clock, "today", lambda: day)


def test_nothing_is_flagged_until_the_promised_date_has_passed(w):
    deferred_case(w)
    assert deferrals.deferral_flags(None, DUE) == []  # due today: still in time
    flags = deferrals.deferral_flags(None, DUE + dt.timedelta(days=3))
    assert [(f.material.name, f.due, f.days_overdue) for f in flags] == [("结婚证", DUE, 3)]


def test_flags_are_scoped_like_the_cases(w, monkeypatch):
    case = deferred_case(w)
    pin(monkeypatch, DUE + dt.timedelta(days=1))
    for user in (w.clerk, w.approver, w.head, w.other_citizen):
        assert [f.case.pk for f in deferrals.deferral_flags(user)] == [case.pk], user
    for user in (w.other_approver, w.applicant):
        assert deferrals.deferral_flags(user) == [], user
    assert deferrals.flagged_case_ids(w.approver) == {case.pk}


def test_supplied_or_closed_cases_are_not_flagged(w):
    supplied = deferred_case(w)
    s.supply_deferred(s.Ctx(w.clerk, "window", w.window), supplied, "结婚证", supplied.revision)
    withdrawn = deferred_case(w)
    s.withdraw(s.Ctx(w.other_citizen, "online"), withdrawn, "不办了", withdrawn.revision)
    kept = deferred_case(w)
    assert [f.case.pk for f in deferrals.deferral_flags(None, DUE + dt.timedelta(days=1))] == [kept.pk]


def test_the_applicant_is_told_once_per_material(w, monkeypatch, django_capture_on_commit_callbacks):
    case = deferred_case(w)
    no_phone = deferred_case(w, phone="")
    pin(monkeypatch, DUE + dt.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        first = deferrals.flag_overdue_deferrals()
    assert {(f.case.pk, outcome) for f, outcome in first} == {(case.pk, "sent"), (no_phone.pk, "no_phone")}
    sms = LocalSmsMessage.objects.get(kind="deferral_overdue")
    assert sms.case_number == case.number and "结婚证" in sms.body and "2026年10月9日" in sms.body
    assert "已逾期2天" in sms.body
    material = CaseMaterial.objects.get(case=case, name="结婚证")
    assert material.overdue_notified_at is not None
    assert not CaseMaterial.objects.get(case=no_phone, name="结婚证").overdue_notified_at
    assert AuditEntry.objects.filter(action="case.deferral_overdue", object_id=case.number).count() == 1
    # Running again (the next day) lists it still, tells nobody twice.
    pin(monkeypatch, DUE + dt.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        again = deferrals.flag_overdue_deferrals()
    assert {(f.case.pk, outcome, f.days_overdue) for f, outcome in again} == {
        (case.pk, "already", 3),
        (no_phone.pk, "no_phone", 3),
    }
    assert LocalSmsMessage.objects.filter(kind="deferral_overdue").count() == 1
    # Telling is race-safe: a second claim of the same flag sends nothing.
    assert deferrals.notify_overdue(again[0][0]) in ("already", "no_phone")
    # Nor does the reminder touch the case's revision (staff working on it get no conflict).
    assert Case.objects.get(pk=case.pk).revision == case.revision


def test_the_command_prints_and_notifies(w, monkeypatch, capsys, django_capture_on_commit_callbacks):
    case = deferred_case(w)
    call_command("cases", "flag-overdue-deferrals", "--date", "2026-10-09")
    assert "没有逾期未补交的容缺材料" in capsys.readouterr().out
    call_command("cases", "flag-overdue-deferrals", "--date", "2026-10-12", "--dry-run")
    out = capsys.readouterr().out
    assert "已逾期3天  未提醒（仅列出）" in out and not LocalSmsMessage.objects.filter(kind="deferral_overdue").exists()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("cases", "flag-overdue-deferrals", "--date", "2026-10-12")
    out = capsys.readouterr().out
    assert f"{case.number}  新生儿入户  诸暨市公安局  “结婚证” 承诺2026-10-09补交，已逾期3天  已提醒申请人" in out
    assert "共 1 件容缺材料逾期（涉及 1 个办件），本次提醒 1 件。" in out
    call_command("cases", "flag-overdue-deferrals", "--date", "2026-10-13")
    out = capsys.readouterr().out
    assert "已逾期4天  此前已提醒" in out and "本次提醒 0 件" in out
    pin(monkeypatch, dt.date(2026, 10, 14))
    call_command("cases", "flag-overdue-deferrals")
    assert "已逾期5天" in capsys.readouterr().out
    assert LocalSmsMessage.objects.filter(kind="deferral_overdue").count() == 1
    with pytest.raises(CommandError, match="日期“10/12”无效"):
        call_command("cases", "flag-overdue-deferrals", "--date", "10/12")
