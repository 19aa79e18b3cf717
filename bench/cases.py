#!/usr/bin/env python
"""Cases accepted per second through the HTTP API, against the database's own one-row insert ceiling.

For each database (SQLite file and a throw-away PostgreSQL server by default) in its own process: migrate,
load the demo data, create --clients citizen accounts, then

1. serve the app with gunicorn on a random loopback port (--workers, --worker-class sync|gthread, --threads);
2. each client obtains a bearer token (POST /api/v1/auth/token, as is; the window clerk of 诸暨 does too);
3. --concurrency client threads, each looping: a citizen applies for 无犯罪记录证明 and submits at once
   (POST /api/v1/cases with submit:true and an Idempotency-Key) → the case number and revision; the window
   clerk accepts it (POST /api/v1/cases/{number}/actions/accept with the revision). A case counts when the
   accept answers 200. Stops after --cases cases or --seconds seconds, whichever comes first;
4. the database's ceiling measured right after on the same server and machine: one-row INSERT transactions
   from 4 clients (PostgreSQL: pgbench -n -f <INSERT> -c 4 -j 2 -T 10; SQLite: the same from 4 threads
   with the settings' WAL/synchronous=NORMAL/IMMEDIATE transactions), and the ratio of our rate to it;
   on PostgreSQL also the rate of the two serial points of a submission replayed by pgbench alone: the audit
   chain's head row (platform-wide) and the case-number sequence row (per region and day).

Also printed: p50/p95 of each request and of the whole case, the SQL queries per request (counted in
process through Django's test client), the CPU used per accepted case by the gunicorn workers, the
PostgreSQL server and the load generator (from /proc), and with --profile the
hottest functions of the submit+accept path (cProfile, in process). Target (issue 3): 1,000 accepted
cases/s on PostgreSQL on this 2-core machine, load generator included.

    .venv/bin/python bench/cases.py [--backends sqlite,postgresql] [--cases 3000] [--seconds 30]
                                    [--concurrency 8] [--workers 3] [--worker-class sync] [--profile]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as common

ITEM = "无犯罪记录证明"
DIVISION = "330681000000"  # 诸暨市
CLERK = "zj_window"
PASSWORD = "Tongban@2026"  # demo accounts' published password (demo mode only); bench citizens get it too
TARGET = 1000.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--cases", type=int, default=3000, help="accepted cases to aim for per run")
    parser.add_argument("--seconds", type=float, default=30.0, help="stop a run after this long")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--clients", type=int, default=16, help="citizen accounts")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
    parser.add_argument("--profile", action="store_true", help="cProfile the submit+accept path in process")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return run(args.child, args)
    status = 0
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        if backend not in ("sqlite", "postgresql"):
            parser.error(f"unknown backend {backend!r}")
        # One process per database: Django is configured once per process.
        argv = [
            "--cases",
            str(args.cases),
            "--seconds",
            str(args.seconds),
            "--concurrency",
            str(args.concurrency),
            "--clients",
            str(args.clients),
            "--workers",
            str(args.workers),
            "--worker-class",
            args.worker_class,
            "--threads",
            str(args.threads),
        ] + (["--profile"] if args.profile else [])
        status |= subprocess.call([sys.executable, __file__, *argv, "--child", backend])
    return status


# ---- the server ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(args: argparse.Namespace) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "tongban.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.threads),
        "--timeout",
        "120",
        "--log-level",
        "warning",
        "--backlog",
        "2048",
    ]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tongban.settings", "TONGBAN_DB_CONN_MAX_AGE": "600"}
    proc = subprocess.Popen(cmd, env=env, cwd=str(common.ROOT))
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc, port
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


# ---- CPU accounting (Linux /proc) ---------------------------------------------------------------------------


def _proc_table() -> dict[int, tuple[int, float, str]]:
    """pid → (parent pid, CPU seconds of itself and its reaped children, command line)."""
    tick = os.sysconf("SC_CLK_TCK")
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        # utime stime cutime cstime are fields 14-17 of stat; here offset by the two before ")".
        cpu = sum(int(x) for x in fields[11:15]) / tick
        table[int(entry)] = (int(fields[1]), cpu, cmd)
    return table


def tree_cpu(root: int, table: dict[int, tuple[int, float, str]] | None = None) -> float:
    """CPU seconds of a process, its live descendants and the children it has reaped."""
    table = table or _proc_table()
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid in table:
            total += table[pid][1]
            todo.extend(p for p, (ppid, _, _) in table.items() if ppid == pid)
    return total


def postmaster_pid(url: str) -> int | None:
    port = url.rsplit(":", 1)[1].split("/")[0]
    for pid, (_, _, cmd) in _proc_table().items():
        if "postgres" in cmd and f"-p {port}" in cmd and " -D " in cmd:
            return pid
    return None


# ---- the load generator ------------------------------------------------------------------------------------


class Http:
    """A keep-alive connection per thread (sync workers close it after each answer: reconnect)."""

    def __init__(self, port: int):
        self.port = port
        self.local = threading.local()

    def post(
        self,
        path: str,
        body: dict[str, Any] | None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        method: str = "POST",
    ) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        head = {"Content-Type": "application/json", **(headers or {})}
        if token:
            head["Authorization"] = f"Bearer {token}"
        for attempt in range(2):
            conn = getattr(self.local, "conn", None) or http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.local.conn = conn
            try:
                conn.request(method, path, body=data, headers=head)
                r = conn.getresponse()
                payload = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    conn.close()
                    self.local.conn = None
                return r.status, json.loads(payload) if payload else None
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                conn.close()
                self.local.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")


def obtain_token(h: Http, username: str) -> str:
    status, body = h.post("/api/v1/auth/token", {"username": username, "password": PASSWORD})
    if status != 200:
        raise SystemExit(f"POST /api/v1/auth/token for {username}: HTTP {status} {body}")
    return str(body["token"])


def drive(
    h: Http, w: dict[str, Any], tokens: list[str], clerk: str, *, cases: int, seconds: float, concurrency: int
) -> dict[str, Any]:
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds
    started = {"n": 0}
    submit_lat: list[float] = []
    accept_lat: list[float] = []
    whole: list[float] = []
    errors: list[str] = []

    def worker(k: int) -> None:
        token = tokens[k % len(tokens)]
        while True:
            with lock:
                if started["n"] >= cases or time.perf_counter() > stop_at or len(errors) > 20:
                    return
                started["n"] += 1
            t0 = time.perf_counter()
            status, body = h.post(
                "/api/v1/cases",
                {"implementation": w["code"], "form_data": w["form"], "submit": True},
                token,
                {"Idempotency-Key": uuid.uuid4().hex},
            )
            t1 = time.perf_counter()
            if status != 201:
                with lock:
                    errors.append(f"create HTTP {status}: {str(body)[:200]}")
                continue
            status, answer = h.post(
                f"/api/v1/cases/{body['number']}/actions/accept", {"revision": body["revision"]}, clerk
            )
            t2 = time.perf_counter()
            with lock:
                if status != 200:
                    errors.append(f"accept HTTP {status}: {str(answer)[:200]}")
                    continue
                submit_lat.append(t1 - t0)
                accept_lat.append(t2 - t1)
                whole.append(t2 - t0)

    cpu0, wall0 = time.process_time(), time.perf_counter()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - wall0
    return {
        "wall": wall,
        "cpu": time.process_time() - cpu0,
        "accepted": len(whole),
        "submit": submit_lat,
        "accept": accept_lat,
        "whole": whole,
        "errors": errors,
    }


def framework_ceiling(h: Http, path: str, token: str | None, *, seconds: float, concurrency: int) -> float:
    """Requests per second of one GET, from the same load generator to the same server: what the web stack
    costs before the application does anything worth measuring."""
    stop_at = time.perf_counter() + seconds
    counts = [0] * concurrency

    def worker(k: int) -> None:
        while time.perf_counter() < stop_at:
            status, _ = h.post(path, None, token, method="GET")
            if status != 200:
                raise SystemExit(f"GET {path}: HTTP {status}")
            counts[k] += 1

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.perf_counter() - t0)


# ---- the database's own ceiling ----------------------------------------------------------------------------


def pgbench(url: str, script_text: str, seconds: int) -> float:
    """Transactions per second of ``script_text`` from 4 pgbench clients on 2 threads."""
    from tongban.core.testing.pgserver import pg_bin_dir

    m = re.match(r"postgres(?:ql)?://(\w+)@([\d.]+):(\d+)/(\w+)", url)
    assert m, url
    user, host, port, db = m.groups()
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(script_text)
    binary = pg_bin_dir() / "pgbench"
    if not binary.exists():
        binary = Path("/usr/bin/pgbench")
    cmd = [
        str(binary),
        "-n",
        "-f",
        script.name,
        "-c",
        "4",
        "-j",
        "2",
        "-T",
        str(seconds),
        "-h",
        host,
        "-p",
        port,
        "-U",
        user,
        db,
    ]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    return float(re.search(r"tps = ([\d.]+)", out).group(1))  # type: ignore[union-attr]


# The two rows every submission must lock in turn, replayed by pgbench without the application in between:
# the audit log's chain head (one row for the whole platform) and the case-number sequence of the region/day.
AUDIT_APPEND = """BEGIN;
SELECT last_hash FROM audit_audithead WHERE id = 1 FOR UPDATE;
INSERT INTO audit_auditentry (at, actor_label, action, object_type, object_id, detail, ip, prev_hash, hash)
  VALUES (now(), 'bench', 'case.accept', 'case', 'x', '{}', '', 'p', md5(random()::text) || md5(random()::text));
UPDATE audit_audithead SET last_hash = md5(random()::text) WHERE id = 1;
COMMIT;
"""
NUMBER_BUMP = """BEGIN;
UPDATE cases_casenumbersequence SET last = last + 1 WHERE region = 'BENCH1' AND day = current_date RETURNING last;
COMMIT;
"""


def serial_points(url: str, seconds: int = 5) -> list[tuple[str, float]]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("INSERT INTO audit_audithead (id, last_hash) VALUES (1, 'genesis') ON CONFLICT (id) DO NOTHING")
        cur.execute("INSERT INTO cases_casenumbersequence (region, day, last) VALUES ('BENCH1', current_date, 0)")
    out = [
        ("audit chain append (lock head, insert entry, move head)", pgbench(url, AUDIT_APPEND, seconds)),
        ("case-number bump of one region and day", pgbench(url, NUMBER_BUMP, seconds)),
    ]
    with connection.cursor() as cur:
        cur.execute("DELETE FROM cases_casenumbersequence WHERE region = 'BENCH1'")
    return out


def pgbench_ceiling(url: str, seconds: int = 10) -> tuple[float, str]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_ceiling")
        cur.execute(
            "CREATE TABLE bench_ceiling (id bigserial PRIMARY KEY, payload text NOT NULL, "
            "at timestamptz NOT NULL DEFAULT now())"
        )
    tps = pgbench(url, "INSERT INTO bench_ceiling (payload) VALUES ('一行');\n", seconds)
    with connection.cursor() as cur:
        cur.execute("SHOW synchronous_commit")
        sync = cur.fetchone()[0]
        cur.execute("SHOW fsync")
        fsync = cur.fetchone()[0]
        cur.execute("DROP TABLE bench_ceiling")
    return tps, f"pgbench -n -f <one-row INSERT> -c 4 -j 2 -T {seconds} (fsync={fsync}, synchronous_commit={sync})"


def sqlite_ceiling(path: str, seconds: float = 10.0) -> tuple[float, str]:
    """One-row INSERT transactions from 4 threads, each with its own connection and the app's settings."""
    setup = sqlite3.connect(path)
    setup.execute(
        "CREATE TABLE IF NOT EXISTS bench_ceiling (id INTEGER PRIMARY KEY AUTOINCREMENT, "
        "payload TEXT NOT NULL, at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
    )
    setup.commit()
    setup.close()
    stop = time.perf_counter() + seconds
    counts = [0] * 4

    def loop(k: int) -> None:
        db = sqlite3.connect(path, timeout=20, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        while time.perf_counter() < stop:
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO bench_ceiling (payload) VALUES ('一行')")
            db.execute("COMMIT")
            counts[k] += 1
        db.close()

    threads = [threading.Thread(target=loop, args=(k,)) for k in range(4)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rate = sum(counts) / (time.perf_counter() - start)
    drop = sqlite3.connect(path)
    drop.execute("DROP TABLE bench_ceiling")
    drop.commit()
    drop.close()
    return rate, f"4 threads of BEGIN IMMEDIATE; INSERT one row; COMMIT for {seconds:.0f} s (WAL, synchronous=NORMAL)"


# ---- in process: queries per request and a profile --------------------------------------------------------


def in_process(w: dict[str, Any], tokens: list[str], clerk: str, profile: bool) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    c = Client()

    def create(token: str) -> Any:
        return c.post(
            "/api/v1/cases",
            {"implementation": w["code"], "form_data": w["form"], "submit": True},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
            HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
        )

    def accept(number: str, revision: int) -> Any:
        return c.post(
            f"/api/v1/cases/{number}/actions/accept",
            {"revision": revision},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {clerk}",
        )

    create(tokens[0])  # warm
    with CaptureQueriesContext(connection) as q1:
        r = create(tokens[0])
    assert r.status_code == 201, r.content
    body = r.json()
    with CaptureQueriesContext(connection) as q2:
        r = accept(body["number"], body["revision"])
    assert r.status_code == 200, r.content
    print(f"SQL per request (in process): create+submit {len(q1.captured_queries)}, accept {len(q2.captured_queries)}")
    if os.environ.get("BENCH_SHOW_SQL"):
        for q in q1.captured_queries + q2.captured_queries:
            print("   ", q["sql"][:160])
    if not profile:
        return
    import cProfile
    import pstats

    n = 200
    pr = cProfile.Profile()
    t0 = time.perf_counter()
    pr.enable()
    for i in range(n):
        body = create(tokens[i % len(tokens)]).json()
        accept(body["number"], body["revision"])
    pr.disable()
    wall = time.perf_counter() - t0
    print(
        f"\nprofile: {n} create+accept pairs in process (test client, no HTTP), {n / wall:.0f} pairs/s "
        f"under cProfile; hottest by own time:"
    )
    stats = pstats.Stats(pr)
    stats.sort_stats("tottime").print_stats(18)
    print("by cumulative time, tongban code:")
    stats.sort_stats("cumulative").print_stats(r"tongban/", 30)


# ---- one backend -------------------------------------------------------------------------------------------


def world(clients: int) -> dict[str, Any]:
    import datetime as dt

    from tongban.accounts.models import User
    from tongban.catalogue.models import ItemImplementation
    from tongban.core.identifiers import make_resident_id

    impl = ItemImplementation.objects.select_related("published_version").get(
        division_id=DIVISION, published_version__name=ITEM
    )
    answers: dict[str, Any] = {}
    for field in impl.published_version.form_schema:
        if field.get("type") in ("select", "multiselect") and field.get("options"):
            answers[field["key"]] = field["options"][0] if field["type"] == "select" else [field["options"][0]]
        elif field["key"] == "purpose":
            answers["purpose"] = "入职审查"
    citizens = []
    for n in range(clients):
        citizens.append(
            User.objects.create_user(
                f"bench_citizen_{n}",
                password=PASSWORD,
                kind="citizen",
                real_name=f"申请人{n}",
                id_number=make_resident_id("330681", dt.date(1990, 1, 1) + dt.timedelta(days=n), 200 + n),
                phone=f"1395750{n:04d}",
                address="浙江省诸暨市暨阳街道",
            ).username
        )
    return {"code": impl.code, "form": answers, "citizens": citizens}


def run(backend: str, args: argparse.Namespace) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="tongban-bench-cases-"))
    url = common.database_url(backend, tmp)
    common.setup_django(url, tmp)
    common.load_demo()
    w = world(args.clients)
    from django.db import connection, connections

    print(f"\n=== {common.server_version()} ===")
    print(common.machine_note())
    connections.close_all()
    proc, port = start_gunicorn(args)
    threads = f", {args.threads} threads each" if args.worker_class == "gthread" else ""
    print(
        f"server: gunicorn on 127.0.0.1:{port}, {args.workers} {args.worker_class} workers{threads}; "
        f"load: {args.concurrency} client threads in this process, {args.clients} citizens, one window clerk"
    )
    try:
        h = Http(port)
        tokens = [obtain_token(h, u) for u in w["citizens"]]
        clerk = obtain_token(h, CLERK)
        drive(h, w, tokens, clerk, cases=4 * args.concurrency, seconds=30, concurrency=args.concurrency)  # warm
        pg = postmaster_pid(url) if backend == "postgresql" else None
        before = _proc_table()
        app0, db0 = tree_cpu(proc.pid, before), tree_cpu(pg, before) if pg else 0.0
        r = drive(h, w, tokens, clerk, cases=args.cases, seconds=args.seconds, concurrency=args.concurrency)
        after = _proc_table()
        r["app_cpu"], r["db_cpu"] = tree_cpu(proc.pid, after) - app0, (tree_cpu(pg, after) - db0) if pg else 0.0
        health = framework_ceiling(h, "/healthz", None, seconds=5, concurrency=args.concurrency)
        status, made = h.post(
            "/api/v1/cases",
            {"implementation": w["code"], "form_data": w["form"], "submit": True},
            tokens[0],
            {"Idempotency-Key": uuid.uuid4().hex},
        )
        if status != 201:
            raise SystemExit(f"POST /api/v1/cases: HTTP {status} {made}")
        one = framework_ceiling(
            h, f"/api/v1/cases/{made['number']}", tokens[0], seconds=5, concurrency=args.concurrency
        )
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    if r["errors"]:
        print(f"ERRORS ({len(r['errors'])}):", *r["errors"][:5], sep="\n  ")
    rate = r["accepted"] / r["wall"]
    print(f"accepted cases: {r['accepted']} in {r['wall']:.1f} s = {rate:,.1f} cases/s ({2 * rate:,.0f} requests/s)")
    print(f"  create+submit {common.ms(r['submit'])}")
    print(f"  accept        {common.ms(r['accept'])}")
    print(f"  whole case    {common.ms(r['whole'])}")
    print(f"  load generator CPU: {r['cpu']:.1f} s over {r['wall']:.1f} s ({r['cpu'] / r['wall']:.0%} of one core)")
    if r["accepted"]:
        per = {k: r[v] / r["accepted"] * 1000 for k, v in (("app", "app_cpu"), ("db", "db_cpu"), ("load", "cpu"))}
        total = sum(per.values())
        db = f", PostgreSQL server {per['db']:.1f} ms" if backend == "postgresql" else " (SQLite runs inside it)"
        print(
            f"  CPU per accepted case: gunicorn workers {per['app']:.1f} ms{db}, load generator {per['load']:.1f} ms"
            f" — {total:.1f} ms in all: {os.cpu_count()} cores allow at most {os.cpu_count() * 1000 / total:,.0f}"
            f" cases/s at this cost"
        )
    print(
        f"web stack ceiling, same server and load generator: GET /healthz (one SELECT 1) {health:,.0f} requests/s;"
        f" GET /api/v1/cases/<number> (bearer token looked up, one case read) {one:,.0f} requests/s — at the two"
        f" requests an accepted case takes, at most {one / 2:,.0f} cases/s before any case work is done"
    )
    print(common.machine_note())

    connection.connect()
    if backend == "postgresql":
        ceiling, how = pgbench_ceiling(url)
    else:
        ceiling, how = sqlite_ceiling(connection.settings_dict["NAME"])
    print(f"database ceiling: {ceiling:,.0f} one-row insert transactions/s — {how}")
    print(f"ratio: our accepted cases/s ÷ ceiling = {rate / ceiling:.3f} (1 : {ceiling / max(rate, 1e-9):,.0f})")
    if backend == "postgresql":
        print(f"target {TARGET:,.0f} accepted cases/s: {'MET' if rate >= TARGET else 'NOT MET'} ({rate / TARGET:.0%})")
        print("serial points (pgbench, 4 clients, the database alone — the application holds these locks longer):")
        for label, tps in serial_points(url):
            print(f"  {label}: {tps:,.0f}/s")
        print("  (each accepted case appends to the audit chain twice, submit and accept)")
    in_process(w, tokens, clerk, args.profile)
    return 1 if r["errors"] and not r["accepted"] else 0


if __name__ == "__main__":
    sys.exit(main())
