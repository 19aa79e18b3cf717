"""The worker's scheduler: enqueue each periodic job (registry.periodic) when its next occurrence is due.

Each job has a PeriodicJobState row. A worker claims an occurrence by moving next_run_at on with an UPDATE
conditioned on the value it read: of several workers ticking at once, exactly one sees its UPDATE match, and
only that one enqueues the job. A process that dies between the claim and the enqueue loses that occurrence
only; the jobs are sweeps that the next occurrence catches up with.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import PeriodicJobState
from .registry import PeriodicJob, periodic_job, periodic_jobs

logger = logging.getLogger(__name__)


def _state(job: PeriodicJob, now: dt.datetime) -> PeriodicJobState:
    first = now + dt.timedelta(seconds=job.first_delay)
    try:
        with transaction.atomic():
            state, _ = PeriodicJobState.objects.get_or_create(name=job.name, defaults={"next_run_at": first})
    except IntegrityError:  # another worker created it first
        state = PeriodicJobState.objects.get(name=job.name)
    return state


def claim(job: PeriodicJob, now: dt.datetime | None = None) -> bool:
    """True if this caller won the job's due occurrence (and must enqueue it)."""
    now = now or timezone.now()
    state = _state(job, now)
    interval = job.interval
    # Due, or scheduled further ahead than the interval allows (an administrator shortened it).
    if state.next_run_at > now and state.next_run_at <= now + interval:
        return False
    won = PeriodicJobState.objects.filter(name=job.name, next_run_at=state.next_run_at).update(
        next_run_at=now + interval, last_enqueued_at=now
    )
    return bool(won)


def tick(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every job whose occurrence this caller claimed; returns their names."""
    from .tasks import run_periodic_job

    enqueued = []
    for job in periodic_jobs():
        if not claim(job, now):
            continue
        try:
            run_periodic_job.enqueue(job.name)
            enqueued.append(job.name)
        except Exception:
            logger.exception("周期任务 %s 未能排入任务队列", job.name)
    return enqueued


def run(name: str) -> Any:
    """Run one job now (the task the scheduler enqueued), recording when and how it ended on its row."""
    job = periodic_job(name)
    if job is None:
        raise LookupError(f"周期任务“{name}”未注册")
    PeriodicJobState.objects.filter(name=name).update(last_started_at=timezone.now())
    try:
        result = job.func()
    except Exception as exc:
        PeriodicJobState.objects.filter(name=name).update(
            last_finished_at=timezone.now(), last_error=f"{type(exc).__name__}: {exc}"[:2000], last_result=""
        )
        raise
    PeriodicJobState.objects.filter(name=name).update(
        last_finished_at=timezone.now(), last_error="", last_result=str(result)[:200]
    )
    return result
