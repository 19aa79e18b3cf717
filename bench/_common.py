"""Shared by the case benchmarks: a database (throw-away PostgreSQL server or a SQLite file), Django set up
against it, percentiles and a note on the machine the figures come from."""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def database_url(backend: str, tmp: Path) -> str:
    """A fresh database: a throw-away PostgreSQL server (stopped when this process exits) or a SQLite file."""
    sys.path.insert(0, str(ROOT / "src"))
    if backend == "postgresql":
        from tongban.core.testing.pgserver import start_throwaway_server

        return start_throwaway_server()
    return f"sqlite:///{tmp / 'bench.sqlite3'}"


def setup_django(url: str, tmp: Path, *, migrate: bool = True) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tongban.settings"
    os.environ.setdefault("TONGBAN_DEMO_MODE", "1")
    os.environ["TONGBAN_VAR_DIR"] = str(tmp)
    os.environ["DATABASE_URL"] = url
    os.environ["TONGBAN_ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    (tmp / "static").mkdir(exist_ok=True)  # STATIC_ROOT: whitenoise warns when it is missing
    if str(ROOT / "src") not in sys.path:
        sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def load_demo() -> None:
    from tongban.demo.loader import load_demo as load

    load(cases=False)  # the catalogue and accounts; the benches make their own cases


def quantile(samples: Sequence[float], q: int) -> float:
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(sorted(samples), n=100, method="inclusive")[q - 1]


def ms(samples: Sequence[float]) -> str:
    """p50 / p95 of samples in seconds, printed in milliseconds."""
    return f"p50 {quantile(samples, 50) * 1000:7.2f} ms  p95 {quantile(samples, 95) * 1000:7.2f} ms"


def timed(call: Callable[[], object], n: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        call()
    out = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        out.append(time.perf_counter() - start)
    return out


def machine_note() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"machine: {os.cpu_count()} CPUs, load average {load} (1/5/15 min), Python {platform.python_version()},"
        f" {platform.system()} {platform.release()}"
    )


def server_version() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            return f"PostgreSQL {cur.fetchone()[0]}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"
