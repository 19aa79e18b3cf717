"""The demo's cases (casebook.py, played by replay.py): every state of a case and a bundle case, work in every
queue and on the supervision board, made by the services on the days they happened, and loaded once."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tongban.accounts.models import User
from tongban.audit.models import AuditEntry
from tongban.audit.services import examine
from tongban.cases.deferrals import deferral_flags
from tongban.cases.domain.bundle_workflow import BundlePhase
from tongban.cases.domain.workflow import CaseStatus
from tongban.cases.models import BundleCase, BundleCaseEvent, Case, CaseEvent, SupervisionNotice
from tongban.cases.selectors import Bucket, queue_counts, supervision_board
from tongban.cases.views_office import BOARD_BUCKETS, ROLE_BUCKETS
from tongban.core import clock
from tongban.demo import casebook, loader, replay
from tongban.outbox.models import Message
from tongban.workdays.workcal import WorkingCalendar, from_chinesecalendar

pytestmark = pytest.mark.django_db

MODELS: list[Any] = [Case, CaseEvent, BundleCase, BundleCaseEvent, AuditEntry, Message, SupervisionNotice]


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def test_a_case_in_every_state_and_a_bundle_case_in_every_phase(demo_cases_db: dt.datetime) -> None:
    statuses = Counter(Case.objects.values_list("status", flat=True))
    assert set(statuses) == {s.value for s in CaseStatus}, statuses
    decided = set(Case.objects.filter(status="decided").values_list("decision", flat=True))
    assert decided == {"granted", "denied"}
    closed = set(Case.objects.filter(status="closed", bundle_case=None).values_list("result_delivery", flat=True))
    assert closed >= {"window", "post", "electronic"}
    phases = set(BundleCase.objects.values_list("phase", flat=True))
    assert phases == {p.value for p in BundlePhase}
    assert len(casebook.SCENARIOS) == len({s.key for s in casebook.SCENARIOS})


MAIN_STAFF = ["zj_window", "zj_police_approver", "zj_hrss_approver", "zj_head", "zj_environment_approver"]


def test_every_queue_and_the_supervision_board_have_work(demo_cases_db: dt.datetime) -> None:
    """On the demo's day, each tab of the main accounts' queues and of the board lists cases (a special step can
    only overrun where the department's guides declare one)."""
    today = clock.today()
    assert today == demo_cases_db.date()
    for username in [*MAIN_STAFF, "zj_environment_head"]:
        user = User.objects.get(username=username)
        buckets = ROLE_BUCKETS[user.role]
        empty = [b for b, n in queue_counts(user, buckets, today).items() if n == 0]
        if user.department and user.department.kind in ("police", "hrss"):
            assert empty == [Bucket.SPECIAL_OVERDUE], username
        else:
            assert empty == [], username
    # Every other approver and head of 诸暨市 finds work too (every_department_at_work).
    staff = User.objects.filter(
        is_demo=True, role__in=["approver", "department_head"], department__division__code="330681000000"
    )
    idle = [u.username for u in staff if not any(queue_counts(u, ROLE_BUCKETS[u.role], today).values())]
    assert staff.count() > 30 and idle == []
    supervisor = User.objects.get(username="zj_supervisor")
    board = {b: supervision_board(supervisor, b, today=today, limit=0)[1] for b in BOARD_BUCKETS}
    assert all(board.values()), board

    # The facts the board is about, named in the issue: one waiting for acceptance beyond 5 working days and
    # one past its special step's maximum; an overdue 容缺 promise; an extension; a deemed acceptance.
    late = Case.objects.get(status="submitted", clock="acceptance", clock_due__lt=today)
    assert late.version.name == "工作调动户口迁移"
    special = Case.objects.get(status="suspended", special_due__lt=today)
    assert special.suspensions.get(ended_on=None).step_name == "专家评审"
    assert [f.material.name for f in deferral_flags(None, today)] == ["食品安全管理制度文本"]
    assert Case.objects.filter(extension_days=10, status="in_progress").count() == 1
    assert Case.objects.filter(deemed_accepted=True).count() == 1
    assert SupervisionNotice.objects.filter(answered_at__isnull=False).count() == 1


def test_made_by_the_services_on_the_days_they_happened(demo_cases_db: dt.datetime) -> None:
    """Every case has its events and audit entries, dated in the past in the order they happened; the clock's
    deadlines count from those days; the applicants were told through the outbox; the audit chain holds."""
    now = demo_cases_db + dt.timedelta(minutes=5)
    for case in Case.objects.exclude(status="draft"):
        events = list(case.events.order_by("id"))
        assert events and events[0].action in ("submit", "save_draft"), case.number
        times = [e.at for e in events]
        assert times == sorted(times) and times[-1] < now, case.number
        assert case.created_at <= times[0] + dt.timedelta(seconds=1)
        submitted = [e for e in events if e.to_status == "submitted"]
        assert case.received_on == timezone.localdate(submitted[-1].at), case.number  # its 5 days from that day
        assert case.number.split("-")[1] == f"{timezone.localdate(case.submitted_at):%Y%m%d}"
    audited = set(AuditEntry.objects.filter(object_type="case").values_list("object_id", flat=True))
    assert set(Case.objects.exclude(status="draft").values_list("number", flat=True)) <= audited
    oldest = AuditEntry.objects.filter(object_type="case").order_by("at").first()
    assert oldest is not None and oldest.at < demo_cases_db - dt.timedelta(days=40)
    assert examine().first_broken is None  # (checkpoints and their anchor file are other tests' business)
    told = Message.objects.filter(topic="notify")
    assert told.count() >= Case.objects.exclude(status="draft").count()
    assert User.objects.get(username="zj_citizen_wang").phone in "".join(str(m.payload) for m in told)


def test_a_second_load_changes_nothing(demo_cases_db: dt.datetime) -> None:
    before = counts()
    report = loader.load_demo()
    assert not report.changed, report.lines()
    assert report.unchanged["scenario"] == len(casebook.SCENARIOS)
    assert counts() == before


def test_no_cases_loads_the_rest_only(demo_db: None) -> None:
    out = StringIO()
    call_command("demo", "load", "--no-cases", stdout=out)
    assert "无需更改" in out.getvalue() and "秒" in out.getvalue()
    assert Case.objects.count() == 0 and replay.played() == set()


# ---- the stage ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return from_chinesecalendar()


def test_working_days_before_skips_weekends_and_holidays(calendar: WorkingCalendar) -> None:
    thursday = dt.date(2026, 11, 12)
    assert replay.working_days_before(calendar, thursday, 0) == thursday
    assert replay.working_days_before(calendar, thursday, 4) == dt.date(2026, 11, 6)  # over a weekend
    # National Day 2026: 1–7 October off, Saturday 10 October a working day.
    assert replay.working_days_before(calendar, dt.date(2026, 10, 12), 1) == dt.date(2026, 10, 10)
    assert replay.working_days_before(calendar, dt.date(2026, 10, 9), 2) == dt.date(2026, 9, 30)
    # A Sunday is no working day: 0 working days before it is the Friday.
    assert replay.working_days_before(calendar, dt.date(2026, 11, 15), 0) == dt.date(2026, 11, 13)
    # Loaded on a weekend, one working day ago is the Thursday, as on the Friday (it was the Friday too).
    for day_off in (dt.date(2026, 11, 14), dt.date(2026, 11, 15)):
        assert replay.working_days_before(calendar, day_off, 1) == dt.date(2026, 11, 12)
        assert replay.working_days_before(calendar, day_off, 5) == dt.date(2026, 11, 6)
    # A year nobody has entered: Monday to Friday stand in.
    assert replay.working_days_before(calendar, dt.date(2031, 3, 3), 1) == dt.date(2031, 2, 28)


def test_a_scenario_only_moves_forward_and_never_into_the_future(demo_cases_db: dt.datetime) -> None:
    stage = replay.Play(clock.today())
    stage.begin("test")
    with stage.at(3, "10:00"):
        assert clock.today() == stage.day(3) and timezone.localtime(clock.now()).hour == 10
    with pytest.raises(replay.PlayError, match="早于"), stage.at(4, "10:00"):
        pass
    stage.begin("test")
    with pytest.raises(replay.PlayError, match="晚于"), stage.at(0, "23:59"):
        pass
    assert abs(clock.now() - (demo_cases_db + dt.timedelta(seconds=30))) < dt.timedelta(minutes=5)
