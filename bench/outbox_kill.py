#!/usr/bin/env python
"""Kill the worker in the middle of deliveries: no notice lost, none sent twice.

On a fresh database (a SQLite file by default, or a throw-away PostgreSQL server with --backend postgresql),
with the embedded task backend (django_tasks_db) and the local SMS gateway stand-in:

1. Baseline, same run, same database: --messages notices are enqueued through notifications.notify (in
   transactions of 100, as actions would), one `tongban worker` is started and timed until every message is
   delivered, then stopped with SIGTERM. Deliveries per second.
2. With kills: as many notices again; the worker is SIGKILLed --kills times, each time once another share of
   them is delivered (1/(kills+1), 2/(kills+1) …), and restarted at once. A message it held when killed stays
   leased for TONGBAN_OUTBOX_LEASE_SECONDS (--lease, 3 s here) and is then delivered again by the sweeper
   (every second here). Deliveries per second over the whole phase, its ratio to the baseline, and the time
   to drain after the last restart.
3. Checks: every outbox message is delivered; the gateway holds exactly one row per message id
   (2 × --messages rows, no id twice); the redeliveries it absorbed (its duplicate counter) and the messages
   attempted more than once are printed.

    .venv/bin/python bench/outbox_kill.py [--messages 2000] [--kills 3] [--backend sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as common

BATCH = 100


def enqueue(n: int, tag: str) -> None:
    from django.db import transaction

    from tongban.notifications.registry import Message
    from tongban.notifications.services import notify

    for start in range(0, n, BATCH):
        with transaction.atomic():
            for i in range(start, min(start + BATCH, n)):
                notify(Message("13800000000", "张三", "受理通知", f"{tag}-{i}", f"N{tag}{i}", "accepted"))


def delivered() -> int:
    from tongban.outbox.models import Message

    return Message.objects.filter(status="delivered").count()


class Worker:
    """One `tongban worker` subprocess, its output appended to a log."""

    def __init__(self, log: Path):
        self.log = log
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tongban.cli", "worker", "--interval", "0.05", "--tick", "0.5"],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=os.environ.copy(),
            )
        self.starts += 1

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


def wait_until(target: int, worker: Worker, deadline: float) -> float:
    while True:
        if delivered() >= target:
            return time.perf_counter()
        if not worker.alive():
            sys.exit(f"the worker exited on its own; see {worker.log}")
        if time.perf_counter() > deadline:
            sys.exit(f"only {delivered()} of {target} delivered in time; see {worker.log}")
        time.sleep(0.05)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=2000, help="notices per phase")
    parser.add_argument("--kills", type=int, default=3, help="SIGKILLs of the worker in the second phase")
    parser.add_argument("--lease", type=float, default=3.0, help="TONGBAN_OUTBOX_LEASE_SECONDS for the run")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--timeout", type=float, default=600.0, help="give up a phase after this many seconds")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="tongban-outbox-kill-"))
    os.environ.update(
        {
            "TONGBAN_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "TONGBAN_NOTIFIER": "local_sms",
            "TONGBAN_OUTBOX_LEASE_SECONDS": str(args.lease),
            "TONGBAN_OUTBOX_RETRY_BASE_SECONDS": "1",
            "TONGBAN_PERIODIC_INTERVALS": "outbox.sweep=1",
            "TONGBAN_LOG_LEVEL": "ERROR",
        }
    )
    url = common.database_url(args.backend, tmp)
    common.setup_django(url, tmp)
    print(f"outbox kill test on {common.server_version()}: {args.messages} notices per phase, {args.kills} kills")
    print(common.machine_note())

    from django.db.models import Count, Sum

    from tongban.notifications.models import LocalSmsMessage
    from tongban.outbox.models import Message

    n = args.messages
    worker = Worker(tmp / "worker.log")

    # 1. Baseline.
    start = time.perf_counter()
    enqueue(n, "base")
    enqueued_in = time.perf_counter() - start
    start = time.perf_counter()
    worker.start()
    done = wait_until(n, worker, start + args.timeout)
    worker.stop()
    baseline = n / (done - start)
    print(f"enqueue: {n} notices in {enqueued_in:.2f} s ({n / enqueued_in:,.0f}/s, outbox row + task row each)")
    print(f"baseline: {n} delivered in {done - start:.2f} s = {baseline:,.0f} deliveries/s (worker start included)")

    # 2. With kills.
    enqueue(n, "kill")
    start = time.perf_counter()
    worker.start()
    killed_at = []
    for k in range(1, args.kills + 1):
        wait_until(n + n * k // (args.kills + 1), worker, start + args.timeout)
        worker.kill()
        killed_at.append(delivered() - n)
        worker.start()
    restarted = time.perf_counter()
    done = wait_until(2 * n, worker, start + args.timeout)
    worker.stop()
    with_kills = n / (done - start)
    print(
        f"with kills: {n} delivered in {done - start:.2f} s = {with_kills:,.0f} deliveries/s"
        f" ({with_kills / baseline:.2f} × baseline); SIGKILLed at {killed_at} delivered,"
        f" drained {done - restarted:.2f} s after the last restart"
    )

    # 3. Exactly once at the gateway, nothing lost.
    states = dict(Message.objects.values_list("status").annotate(n=Count("pk")))
    rows = LocalSmsMessage.objects.count()
    distinct = LocalSmsMessage.objects.values("outbox_id").distinct().count()
    absorbed = LocalSmsMessage.objects.aggregate(s=Sum("duplicates"))["s"] or 0
    retried = Message.objects.filter(attempts__gt=1).count()
    lost = Message.objects.exclude(pk__in=LocalSmsMessage.objects.values("outbox_id")).count()
    print(
        f"outbox: {states}; gateway: {rows} rows for {distinct} message ids, {lost} messages missing;"
        f" redeliveries absorbed by dedupe: {absorbed}; messages attempted more than once: {retried}"
    )
    ok = states == {"delivered": 2 * n} and rows == distinct == 2 * n and lost == 0
    print("every notice reached the gateway exactly once" if ok else "FAILED: lost or duplicated notices")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
