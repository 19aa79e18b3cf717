#!/usr/bin/env python
"""Bundle applications (一件事) through the API: bundle cases per second and child dispatch latency.

On a fresh database (a SQLite file by default, or a throw-away PostgreSQL server with --backend postgresql)
with the demo data of 诸暨市 loaded, the API is served by **gunicorn on a random loopback port** (sync workers,
--workers, default 2) and driven over real HTTP by --concurrency client threads; ``--server client`` drives
it in this process through Django's test client instead (one client, no HTTP, no concurrency). Each client
has its own citizen account and bearer token (issued directly: the password hash of POST /auth/token is not
what is measured).

1. Baseline, same run, same server: single-case applications (新生儿入户 alone) the way a client makes them —
   POST /cases (draft with the form), POST /cases/{n}/materials (its one upload), POST /cases/{n}/submit.
2. Bundle applications of 新生儿出生一件事 (five items, four departments): POST /bundle-cases (the one merged
   form), three POST /bundle-cases/{n}/materials (each material once), POST .../actions/submit (five child
   cases are made). Printed: applications per second, requests per second, child cases per second, and the
   p50/p95 of the whole application and of its submit request.
3. Child dispatch latency: the window accepts every bundle case (POST .../actions/accept), then the health
   approver grants each birth certificate (POST /cases/{n}/actions/grant). Household registration waits for
   that result; the platform starts it by itself inside the grant. Printed: p50/p95 of the time from the
   certificate's GRANT event to registration's START event (their timestamps in the database), and the
   grant request's latency with a dependant to start against a grant without one (预防接种证) in the same run.

    .venv/bin/python bench/bundles.py [--applications 200] [--concurrency 4] [--workers 2]
                                      [--backend sqlite|postgresql] [--server gunicorn|client]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as common

from tongban.core.testing import files as samples

PDF = samples.pdf()
BUNDLE = "新生儿出生一件事"
SINGLE = "新生儿入户"


# ---- transports ---------------------------------------------------------------------------------------------


class Response:
    def __init__(self, status: int, body: bytes):
        self.status, self.body = status, body

    def json(self) -> Any:
        return json.loads(self.body)


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode() + b"\r\n"
        )
    for name, (filename, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class HttpTransport:
    """Real HTTP to the gunicorn server, one connection per client thread."""

    def __init__(self, port: int):
        self.port = port
        self.local = threading.local()

    def _conn(self) -> http.client.HTTPConnection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        return conn

    def request(
        self,
        method: str,
        path: str,
        token: str,
        *,
        json_body: Any = None,
        form: dict[str, str] | None = None,
        files: dict[str, tuple[str, bytes]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        head = {"Authorization": f"Bearer {token}", **(headers or {})}
        body: bytes | None = None
        if json_body is not None:
            body, head["Content-Type"] = json.dumps(json_body).encode(), "application/json"
        elif files is not None:
            body, head["Content-Type"] = _multipart(form or {}, files)
        for attempt in range(2):
            conn = self._conn()
            try:
                conn.request(method, path, body=body, headers=head)
                r = conn.getresponse()
                return Response(r.status, r.read())
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                conn.close()  # sync workers close idle connections: reconnect once
                self.local.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")


class ClientTransport:
    """Django's test client in this process (no HTTP, no concurrency)."""

    def __init__(self) -> None:
        from django.test import Client

        self.client = Client()

    def request(
        self,
        method: str,
        path: str,
        token: str,
        *,
        json_body: Any = None,
        form: dict[str, str] | None = None,
        files: dict[str, tuple[str, bytes]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        from django.core.files.uploadedfile import SimpleUploadedFile

        extra: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        for k, v in (headers or {}).items():
            extra["HTTP_" + k.upper().replace("-", "_")] = v
        if method == "GET":
            r = self.client.get(path, **extra)
        elif json_body is not None:
            r = self.client.post(path, json.dumps(json_body), content_type="application/json", **extra)
        else:
            data: dict[str, Any] = dict(form or {})
            for name, (filename, content) in (files or {}).items():
                data[name] = SimpleUploadedFile(filename, content)
            r = self.client.post(path, data, **extra)
        return Response(r.status_code, r.content)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(env: dict[str, str], workers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "tongban.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
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


# ---- the world ------------------------------------------------------------------------------------------------


def world(clients: int) -> dict[str, Any]:
    from tongban.accounts.models import User
    from tongban.accounts.tokens import issue_token
    from tongban.bundles.models import Bundle
    from tongban.catalogue.models import ItemImplementation
    from tongban.core.identifiers import make_resident_id
    from tongban.jurisdictions.models import Department

    bundle = Bundle.objects.get(name=BUNDLE)
    health = Department.objects.get(division=bundle.division, kind="health")
    approver = User.objects.create_user(
        "bench_health",
        password=None,
        kind="staff",
        role="approver",
        department=health,
        division=bundle.division,
        real_name="卫健审批",
    )
    import datetime as dt

    citizens = []
    for n in range(clients):
        u = User.objects.create_user(
            f"bench_parent_{n}",
            password=None,
            kind="citizen",
            real_name=f"家长{n}",
            id_number=make_resident_id("330681", dt.date(1991, 1, 1 + n % 28), 100 + n),
            phone=f"1385751{n:04d}",
            address="浙江省诸暨市暨阳街道浣纱南路88号",
        )
        citizens.append(issue_token(u)[0])
    single = ItemImplementation.objects.get(published_version__name=SINGLE, division=bundle.division)
    return {
        "bundle": bundle.code,
        "single": single.code,
        "citizens": citizens,
        "clerk": issue_token(User.objects.get(username="zj_window"))[0],
        "approver": issue_token(approver)[0],
        "form": {
            "child_name": "王小满",
            "child_gender": "女",
            "child_birth_date": "2026-11-15",
            "birth_place": "诸暨市人民医院",
            "mother_name": "王晓燕",
            "mother_id_number": make_resident_id("330681", dt.date(1992, 5, 16), 128),
            "father_name": "陈浩",
            "father_id_number": make_resident_id("330681", dt.date(1990, 3, 8), 151),
            "household_of": "随母落户",
            "household_address": "浙江省诸暨市暨阳街道浣纱南路88号",
            "insured_name": "王小满",
            "insured_category": "新生儿",
            "receive_method": "网点领取",
        },
    }


# ---- one application ------------------------------------------------------------------------------------------


def ok(r: Response, *expected: int) -> Any:
    if r.status not in expected:
        raise RuntimeError(f"HTTP {r.status}: {r.body[:300]!r}")
    return r.json()


def single_application(t: Any, w: dict[str, Any], token: str) -> tuple[float, float, int]:
    """(whole application, submit request, requests) for one case of 新生儿入户."""
    start = time.perf_counter()
    keys = {
        "applicant_name",
        "applicant_id_number",
        "applicant_phone",
        "child_name",
        "child_gender",
        "child_birth_date",
        "birth_place",
        "mother_name",
        "mother_id_number",
        "father_name",
        "father_id_number",
        "household_of",
        "household_address",
        "address",
    }
    form = {k: v for k, v in w["form"].items() if k in keys}
    case = ok(
        t.request("POST", "/api/v1/cases", token, json_body={"implementation": w["single"], "form_data": form}), 201
    )
    ok(
        t.request(
            "POST",
            f"/api/v1/cases/{case['number']}/materials",
            token,
            form={"name": "出生登记申报表"},
            files={"file": ("f.pdf", PDF)},
        ),
        201,
    )
    s0 = time.perf_counter()
    ok(
        t.request(
            "POST",
            f"/api/v1/cases/{case['number']}/submit",
            token,
            json_body={"revision": case["revision"]},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        ),
        200,
    )
    end = time.perf_counter()
    return end - start, end - s0, 3


def bundle_application(t: Any, w: dict[str, Any], token: str) -> tuple[float, float, int, str]:
    start = time.perf_counter()
    draft = ok(
        t.request(
            "POST",
            "/api/v1/bundle-cases",
            token,
            json_body={"bundle": w["bundle"], "form_data": w["form"]},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        ),
        201,
    )
    for name in draft["missing_uploads"]:
        ok(
            t.request(
                "POST",
                f"/api/v1/bundle-cases/{draft['number']}/materials",
                token,
                form={"name": name},
                files={"file": ("f.pdf", PDF)},
            ),
            201,
        )
    s0 = time.perf_counter()
    done = ok(
        t.request(
            "POST",
            f"/api/v1/bundle-cases/{draft['number']}/actions/submit",
            token,
            json_body={"revision": draft["revision"]},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        ),
        200,
    )
    end = time.perf_counter()
    return end - start, end - s0, 2 + len(draft["missing_uploads"]), done["number"]


def run_many(
    label: str, n: int, concurrency: int, tokens: list[str], one: Callable[[str], tuple[Any, ...]]
) -> tuple[float, list[tuple[Any, ...]]]:
    results: list[tuple[Any, ...]] = []
    lock = threading.Lock()
    counter = iter(range(n))

    def worker(token: str) -> None:
        while True:
            with lock:
                if next(counter, None) is None:
                    return
            r = one(token)
            with lock:
                results.append(r)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for f in [pool.submit(worker, tokens[i % len(tokens)]) for i in range(concurrency)]:
            f.result()
    return time.perf_counter() - start, results


# ---- main -------------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=200, help="applications of each kind (default 200)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (gunicorn mode)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--server", choices=["gunicorn", "client"], default="gunicorn")
    args = parser.parse_args()
    if args.server == "client":
        args.concurrency = 1

    tmp = Path(tempfile.mkdtemp(prefix="tongban-bench-bundles-"))
    url = common.database_url(args.backend, tmp)
    common.setup_django(url, tmp)
    t0 = time.perf_counter()
    common.load_demo()
    w = world(args.concurrency)
    from django.db import connections

    connections.close_all()  # the server's processes open their own
    print(f"database: {common.server_version()} · demo data loaded in {time.perf_counter() - t0:.1f} s")
    print(common.machine_note())
    proc = None
    if args.server == "gunicorn":
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tongban.settings"}
        proc, port = start_gunicorn(env, args.workers)
        transport: Any = HttpTransport(port)
        print(f"server: gunicorn on 127.0.0.1:{port}, {args.workers} sync workers; {args.concurrency} client threads")
    else:
        transport = ClientTransport()
        print("server: Django test client in this process (no HTTP), one client")
    try:
        return measure(args, transport, w)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)


def measure(args: Any, t: Any, w: dict[str, Any]) -> int:
    n, c = args.applications, args.concurrency
    tokens = w["citizens"]
    # Warm-up: imports, caches and connections of every worker.
    run_many("warm-up", 2 * c, c, tokens, lambda tok: single_application(t, w, tok))
    run_many("warm-up", 2 * c, c, tokens, lambda tok: bundle_application(t, w, tok))

    print(f"\n1. baseline — single-case applications ({SINGLE}), {n} × 3 requests")
    wall, rows = run_many("single", n, c, tokens, lambda tok: single_application(t, w, tok))
    single_rate = n / wall
    print(f"   {single_rate:7.1f} applications/s   {n * 3 / wall:7.1f} requests/s   {n / wall:7.1f} cases/s")
    print(f"   whole application {common.ms([r[0] for r in rows])}")
    print(f"   submit request    {common.ms([r[1] for r in rows])}")

    print(f"\n2. bundle applications ({BUNDLE}, 5 items), {n} × 5 requests")
    wall, rows = run_many("bundle", n, c, tokens, lambda tok: bundle_application(t, w, tok))
    bundle_rate = n / wall
    requests = sum(r[2] for r in rows)
    print(
        f"   {bundle_rate:7.1f} bundle cases/s   {requests / wall:7.1f} requests/s   {5 * n / wall:7.1f} child cases/s"
    )
    print(f"   whole application {common.ms([r[0] for r in rows])}")
    print(f"   submit request    {common.ms([r[1] for r in rows])}")
    print(
        f"   → {bundle_rate / single_rate:.2f}× the single-case rate per application, "
        f"{5 * bundle_rate / single_rate:.2f}× per item applied for"
    )
    numbers = [r[3] for r in rows]

    print(f"\n3. child dispatch latency — {len(numbers)} bundles accepted, then each birth certificate granted")
    from django.db import connections

    from tongban.cases.models import Case, CaseEvent

    for number in numbers:
        bc = ok(t.request("GET", f"/api/v1/bundle-cases/{number}", w["clerk"]), 200)
        ok(
            t.request(
                "POST",
                f"/api/v1/bundle-cases/{number}/actions/accept",
                w["clerk"],
                json_body={"revision": bc["revision"]},
            ),
            200,
        )
    connections.close_all()
    kids: dict[tuple[str, str], Any] = {
        (number, name): c
        for c, number, name in (
            (c, c.bundle_case.number if c.bundle_case else "", c.version.name)
            for c in Case.objects.filter(bundle_case__number__in=numbers).select_related("bundle_case", "version")
        )
    }

    def grant(item: str) -> Callable[[str], tuple[float, str]]:
        todo = iter(numbers)
        lock = threading.Lock()

        def one(_token: str) -> tuple[float, str]:
            with lock:
                number = next(todo)
            child = kids[(number, item)]
            s0 = time.perf_counter()
            ok(
                t.request(
                    "POST",
                    f"/api/v1/cases/{child.number}/actions/grant",
                    w["approver"],
                    json_body={"revision": child.revision, "reason": "符合规定，准予"},
                ),
                200,
            )
            return time.perf_counter() - s0, child.number

        return one

    _, with_dependant = run_many("grant", len(numbers), c, [w["approver"]], grant("出生医学证明签发"))
    _, without = run_many("grant", len(numbers), c, [w["approver"]], grant("预防接种证办理"))
    connections.close_all()
    gaps = []
    for number in numbers:
        cert, registration = kids[(number, "出生医学证明签发")], kids[(number, SINGLE)]
        granted = CaseEvent.objects.get(case=cert, action="grant").at
        started = CaseEvent.objects.get(case=registration, action="start").at
        gaps.append((started - granted).total_seconds())
    assert all(Case.objects.get(pk=kids[(n, SINGLE)].pk).status == "in_progress" for n in numbers)
    print(f"   GRANT → dependant START (database timestamps) {common.ms(gaps)}")
    print(f"   grant request with a dependant to start    {common.ms([r[0] for r in with_dependant])}")
    print(f"   grant request without dependants (baseline) {common.ms([r[0] for r in without])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
