"""The cases' periodic work: deadlines follow an administrator's calendar edit, reminders go through the outbox."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tongban.accounts.models import User
from tongban.cases import services as s
from tongban.cases import tasks
from tongban.cases.models import Case
from tongban.cases.tests.factories import CaseFactory, calendar_year_post, world
from tongban.core import clock
from tongban.notifications.models import LocalSmsMessage
from tongban.outbox.models import Message
from tongban.outbox.testing import deliver_outbox

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 9, 29)


@pytest.fixture
def w(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return world()


def accepted(w, deferrals=()):
    return CaseFactory(world=w, channel="window", status="in_progress", deferrals=deferrals)


def test_an_administrators_calendar_edit_moves_open_deadlines(w, client, django_capture_on_commit_callbacks):
    case = accepted(w)
    due, revision = case.promised_due, case.revision
    assert due == dt.date(2026, 10, 12)
    root = User.objects.create_superuser("root", "root@example.cn", "Root-pass-2024")
    client.force_login(root)
    form_data = calendar_year_post(2026, "测试：临时增加一天假期", [(due, "holiday", "临时假日")])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:workdays_calendaryear_add"), form_data, follow=True)
    assert "在办办件的办结期限将在后台按新日历重算" in response.content.decode()
    recompute = Message.objects.get(topic="workdays.calendar_changed")
    assert recompute.status == "delivered" and recompute.payload == {"year": 2026, "by": "root"}
    # One day entered for a year the package knows changes that day only (National Day stays a holiday):
    # the deadline moves by exactly that one working day.
    case = Case.objects.get(pk=case.pk)
    assert case.promised_due == dt.date(2026, 10, 13) and case.clock_due == case.promised_due
    fresh = Case.objects.get(pk=case.pk)
    s.refresh_deadlines(fresh)
    assert case.promised_due == fresh.promised_due
    assert case.revision == revision  # derived dates: no revision bump, no conflict for staff at work on it
    assert tasks.recompute_deadlines_daily() == 0  # the safety net finds nothing left to change


def test_deferral_reminders_go_through_the_outbox(w, monkeypatch):
    accepted(w, [s.Deferral("结婚证", TODAY + dt.timedelta(days=3), "本人承诺按期补交结婚证")])
    monkeypatch.setattr(clock, "today", lambda: TODAY + dt.timedelta(days=5))
    assert tasks.remind_overdue_deferrals() == 1
    assert not LocalSmsMessage.objects.filter(kind="deferral_overdue").exists()  # queued, not yet sent
    assert Message.objects.filter(topic="notify", payload__kind="deferral_overdue").count() == 1
    deliver_outbox()
    assert "已逾期2天" in LocalSmsMessage.objects.get(kind="deferral_overdue").body
    assert tasks.remind_overdue_deferrals() == 0  # once per material
