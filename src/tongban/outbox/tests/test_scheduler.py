"""The scheduler: an occurrence is claimed by exactly one worker, and each job runs as a task."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tongban.outbox import registry, scheduler
from tongban.outbox.models import PeriodicJobState

pytestmark = pytest.mark.django_db

runs: list[str] = []


def _job() -> int:
    runs.append("ran")
    return len(runs)


JOB = registry.PeriodicJob("test.job", _job, 60, "测试任务")


def test_an_occurrence_is_claimed_once():
    now = timezone.now()
    assert scheduler.claim(JOB, now) is True  # the first start: due at once
    assert scheduler.claim(JOB, now) is False  # the same occurrence again (a second worker)
    assert scheduler.claim(JOB, now + dt.timedelta(seconds=59)) is False
    assert scheduler.claim(JOB, now + dt.timedelta(seconds=61)) is True
    state = PeriodicJobState.objects.get(name="test.job")
    assert state.next_run_at == now + dt.timedelta(seconds=121)


def test_two_workers_that_read_the_same_row_enqueue_it_once(monkeypatch):
    now = timezone.now()
    PeriodicJobState.objects.create(name="test.job", next_run_at=now - dt.timedelta(seconds=1))
    stale = PeriodicJobState.objects.get(name="test.job")
    monkeypatch.setattr(scheduler, "_state", lambda job, at: stale)  # both read before either wrote
    assert [scheduler.claim(JOB, now), scheduler.claim(JOB, now)] == [True, False]


def test_a_shortened_interval_takes_effect(settings):
    now = timezone.now()
    PeriodicJobState.objects.create(name="test.job", next_run_at=now + dt.timedelta(seconds=50))
    assert scheduler.claim(JOB, now) is False
    settings.TONGBAN_PERIODIC_INTERVALS = {"test.job": 10}
    assert scheduler.claim(JOB, now) is True


def test_tick_enqueues_due_jobs_which_record_their_outcome(monkeypatch):
    runs.clear()
    monkeypatch.setattr(registry, "_jobs", {"test.job": JOB})
    assert scheduler.tick() == ["test.job"]  # ImmediateBackend in tests: the task has run
    assert scheduler.tick() == [] and runs == ["ran"]
    state = PeriodicJobState.objects.get(name="test.job")
    assert state.last_result == "1" and state.last_finished_at and not state.last_error


def test_a_failing_job_records_its_error(monkeypatch):
    def fails() -> None:
        raise RuntimeError("数据库暂不可用")

    monkeypatch.setattr(registry, "_jobs", {"test.bad": registry.PeriodicJob("test.bad", fails, 60, "会失败")})
    PeriodicJobState.objects.create(name="test.bad", next_run_at=timezone.now())
    with pytest.raises(RuntimeError):
        scheduler.run("test.bad")
    assert "数据库暂不可用" in PeriodicJobState.objects.get(name="test.bad").last_error


def test_every_app_registers_its_periodic_jobs():
    names = {job.name for job in registry.periodic_jobs()}
    assert {"outbox.sweep", "outbox.prune", "cases.deferral_reminders", "cases.deadlines", "delivery.tracking"} <= names
    assert {"notify", "courier.book", "workdays.calendar_changed"} <= set(registry.topics())
