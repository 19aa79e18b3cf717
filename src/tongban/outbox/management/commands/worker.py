"""``tongban worker``: the task queue's worker (django_tasks_db's loop) and the scheduler of periodic jobs in one
process. With another task backend (RQ …) that backend's own workers run the tasks, and this command only
schedules."""

from __future__ import annotations

import signal
import threading
from types import FrameType

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db import DatabaseBackend

from tongban.outbox import scheduler
from tongban.outbox.registry import periodic_jobs


class SchedulerThread(threading.Thread):
    """Ticks the scheduler every ``every`` seconds on its own database connection until stopped."""

    def __init__(self, every: float, stdout, verbose: bool) -> None:
        super().__init__(name="tongban-scheduler", daemon=True)  # daemon: ends with the worker process
        self.every, self.stdout, self.verbose, self.stopped = every, stdout, verbose, threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.is_set():
                close_old_connections()
                try:
                    for name in scheduler.tick():
                        if self.verbose:
                            self.stdout.write(f"周期任务已排入：{name}")
                except Exception as exc:  # a locked or unreachable database: try again at the next tick
                    self.stdout.write(f"周期任务调度出错，稍后重试：{exc}")
                self.stopped.wait(self.every)
        finally:
            connection.close()


class Command(BaseCommand):
    help = "后台任务：运行任务队列并按时排入周期任务（发件箱补投、容缺逾期提醒、物流跟踪、期限重算、清理）"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="队列为空时每隔多少秒查看一次（默认 1）")
        parser.add_argument("--tick", type=float, default=1.0, help="每隔多少秒检查周期任务是否到期（默认 1）")
        parser.add_argument("--no-scheduler", action="store_true", help="只执行任务，不排入周期任务")
        parser.add_argument("--worker-id", default="", help="本工作进程的名称（多个工作进程时各不相同）")

    def handle(self, *args, **options):
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        ticker = None
        if not options["no_scheduler"]:
            jobs = "、".join(f"{j.label}（每 {j.interval.total_seconds():g} 秒）" for j in periodic_jobs())
            self.stdout.write(f"周期任务：{jobs}")
            ticker = SchedulerThread(options["tick"], self.stdout, verbose=options["verbosity"] >= 2)
            ticker.start()
        if isinstance(backend, DatabaseBackend):
            self.stdout.write("后台任务进程已启动（数据库任务队列）。Ctrl-C 停止。")
            worker_options = {"worker_id": options["worker_id"]} if options["worker_id"] else {}
            call_command(
                "db_worker",
                queue_name="*",
                interval=options["interval"],
                startup_delay=False,
                reload=False,
                verbosity=max(options["verbosity"] - 1, 0),  # each task's start and end from -v 2 on
                **worker_options,
            )
            return
        if ticker is None:
            self.stdout.write(f"任务由 {type(backend).__name__} 的工作进程执行，本进程无事可做。")
            return
        self.stdout.write(f"任务由 {type(backend).__name__} 的工作进程执行；本进程只按时排入周期任务。Ctrl-C 停止。")
        self._wait_for_signal(ticker)

    def _wait_for_signal(self, ticker: SchedulerThread) -> None:
        def stop(signum: int, frame: FrameType | None) -> None:
            ticker.stopped.set()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        ticker.join()
