"""The outbox's tasks (Django's Tasks API, django-tasks backport) and its own periodic jobs."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from . import registry, scheduler, services


@task()
def deliver_message(message_id: str) -> str:
    return services.deliver(uuid.UUID(message_id))


@task()
def run_periodic_job(name: str) -> Any:
    return scheduler.run(name)


@registry.periodic("outbox.sweep", seconds=60, label="补投到期未投递的发件箱消息")
def sweep() -> int:
    return services.deliver_due()


@registry.periodic("outbox.prune", seconds=86400, label="清理过期的任务记录和已投递消息", first_delay=3600)
def prune() -> dict[str, int]:
    before = timezone.now() - dt.timedelta(days=float(getattr(settings, "TONGBAN_TASK_RESULTS_KEEP_DAYS", 14)))
    return {"messages": services.prune_delivered(before), "task_results": prune_task_results(before)}


def prune_task_results(before: dt.datetime) -> int:
    """Finished results of the database backend older than ``before``, and rows a killed worker left RUNNING
    (the outbox's lease already had their message delivered again). Other backends keep their own results."""
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db import DatabaseBackend

    if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        return 0
    from django.db.models import Q
    from django_tasks_db.models import DBTaskResult

    stale = Q(finished_at__lt=before) | Q(status="RUNNING", started_at__lt=before)
    return DBTaskResult.objects.filter(stale).delete()[0]
