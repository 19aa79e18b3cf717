"""A real ``tongban worker`` process on a file database: it runs enqueued tasks, a delivery that fails on purpose
is retried after its backoff, and then everything is done; SIGTERM stops it cleanly."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.worker

ENQUEUE = """
import django
django.setup()
from django.db import transaction
from tongban.notifications.registry import Message
from tongban.notifications.services import notify
from tongban.outbox.services import enqueue
with transaction.atomic():
    flaky = enqueue("probe.flaky", {"fail_times": 1})
    notice = notify(Message("13800000000", "张三", "受理通知", "您的申请已受理", "N1", "accepted"))
print(flaky.pk.hex, notice.pk.hex)
"""


def _run(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    done = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_a_real_worker_runs_tasks_and_retries_a_failure(tmp_path: Path) -> None:
    database = tmp_path / "worker.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tongban.outbox.tests.worker_settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "TONGBAN_VAR_DIR": str(tmp_path),
        "TONGBAN_DEMO_MODE": "1",
        "TONGBAN_OUTBOX_RETRY_BASE_SECONDS": "0.5",  # the retry comes half a second after the failure
        "TONGBAN_PERIODIC_INTERVALS": "outbox.sweep=1",
    }
    env.pop("TONGBAN_TASKS_BACKEND", None)  # the embedded database backend
    _run(env, "-m", "tongban.cli", "migrate", "--noinput", "-v0")
    flaky, notice = _run(env, "-c", ENQUEUE).split()

    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "tongban.cli", "worker", "--interval", "0.1", "--tick", "0.2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    db = sqlite3.connect(database, timeout=20)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            states = dict(db.execute("SELECT id, status FROM outbox_message").fetchall())
            if states == {flaky: "delivered", notice: "delivered"}:
                break
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            time.sleep(0.2)
        else:
            pytest.fail(f"not delivered within 60 s: {states}\n{(tmp_path / 'worker.log').read_text()}")
    finally:
        worker.send_signal(signal.SIGTERM)
        returncode = worker.wait(timeout=20)
        log.close()
    assert returncode == 0

    attempts, error = db.execute("SELECT attempts, last_error FROM outbox_message WHERE id = ?", (flaky,)).fetchone()
    assert attempts == 2 and error == ""  # failed once on purpose, delivered on the retry
    runs = db.execute(
        "SELECT status, return_value, args_kwargs FROM django_tasks_database_dbtaskresult"
        " WHERE task_path = 'tongban.outbox.tasks.deliver_message' ORDER BY enqueued_at"
    ).fetchall()
    outcomes = {
        (json.loads(args)["args"][0].replace("-", ""), json.loads(value))
        for status, value, args in runs
        if status == "SUCCESSFUL"
    }
    assert {(flaky, "retry"), (flaky, "delivered"), (notice, "delivered")} <= outcomes
    sms = db.execute("SELECT outbox_id, body, duplicates FROM notifications_localsmsmessage").fetchall()
    assert sms == [(notice, "您的申请已受理", 0)]
    jobs = dict(db.execute("SELECT name, last_finished_at FROM outbox_periodicjobstate").fetchall())
    assert jobs["outbox.sweep"] is not None  # the scheduler enqueued the sweeper and the worker ran it
    log_text = (tmp_path / "worker.log").read_text()
    assert "后台任务进程已启动" in log_text and "第 1 次投递按测试要求失败" in log_text
