#!/usr/bin/env python
"""Federation transport between two real nodes (each its own database, gunicorn and `tongban worker`).

1. Baseline, same run: a plain HTTP round trip from this process to node B (GET /healthz), p50/p95 and
   sequential requests per second.
2. Throughput: node A sends --messages probe messages (federation.ping, --cases cases, each case's messages in
   one transaction) to B in one command; the time until A holds B's signed receipt for every one gives
   messages/s.
3. Latency: --latency messages one at a time, each in its own transaction, --interval apart (no queue); per
   message, end to end = B processed it − A signed it, and receipt = A logged B's receipt − A signed it
   (p50/p95; one machine, one clock).
4. Outage: B is stopped, A sends as many again, they wait (several failed attempts each), B is started; the
   time from B answering again until the last receipt is the drain time. Every message once on B, in order.

    .venv/bin/python bench/federation.py [--messages 300] [--cases 30] [--db sqlite|postgres]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as common

A, B = "330681", "370402"
ENV = {
    "TONGBAN_OUTBOX_RETRY_BASE_SECONDS": "1",
    "TONGBAN_OUTBOX_RETRY_CAP_SECONDS": "5",
    "TONGBAN_PERIODIC_INTERVALS": "outbox.sweep=1,federation.process_waiting=2",
    "TONGBAN_LOG_LEVEL": "ERROR",
}
PENDING = "SELECT COUNT(*) FROM federation_outgoingmessage WHERE status = 'pending'"


def wait(cluster, code: str, sql: str, done, timeout: float) -> float:
    deadline = time.perf_counter() + timeout
    while True:
        value = cluster.query(code, sql)[0][0]
        if done(value):
            return time.perf_counter()
        if time.perf_counter() > deadline:
            sys.exit(f"timed out: {sql} = {value}")
        time.sleep(0.05)


def moments(cluster, code: str, sql: str) -> dict[str, dt.datetime]:
    def parse(value) -> dt.datetime:
        return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))

    return {str(k).replace("-", ""): parse(v) for k, v in cluster.query(code, sql) if v is not None}


def latencies(cluster, case_prefix: str) -> tuple[list[float], list[float]]:
    sent = moments(
        cluster, A, f"SELECT id, sent_at FROM federation_outgoingmessage WHERE case_ref LIKE '{case_prefix}%'"
    )
    acked = moments(
        cluster, A, f"SELECT id, acknowledged_at FROM federation_outgoingmessage WHERE case_ref LIKE '{case_prefix}%'"
    )
    processed = moments(
        cluster,
        B,
        f"SELECT message_id, processed_at FROM federation_incomingmessage WHERE case_ref LIKE '{case_prefix}%'",
    )
    end_to_end = [(processed[k] - sent[k]).total_seconds() for k in sent if k in processed]
    receipt = [(acked[k] - sent[k]).total_seconds() for k in sent if k in acked]
    return end_to_end, receipt


def check_once_in_order(cluster, case_prefix: str, expected: int) -> str:
    rows = cluster.query(
        B,
        "SELECT case_ref, sequence FROM federation_incomingmessage WHERE case_ref LIKE %s ORDER BY processed_at",
        (f"{case_prefix}%",),
    )
    by_case: dict[str, list[int]] = {}
    for case_ref, sequence in rows:
        by_case.setdefault(case_ref, []).append(sequence)
    in_order = all(seqs == list(range(1, len(seqs) + 1)) for seqs in by_case.values())
    return f"{len(rows)} of {expected} on B, {'each case in order' if in_order else 'OUT OF ORDER'}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--cases", type=int, default=30)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--latency", type=int, default=40, help="messages sent one at a time for the latency")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between them")
    parser.add_argument("--outage", type=float, default=10.0, help="seconds B stays down after A has sent")
    args = parser.parse_args()
    sys.path.insert(0, str(common.ROOT / "src"))
    from tongban.federation.cluster import Cluster

    per_case = max(args.messages // args.cases, 1)
    total = per_case * args.cases
    root = Path(tempfile.mkdtemp(prefix="tongban-federation-bench-"))
    cluster = Cluster([A, B], root=root, base_port=Cluster.free_base_port(2), db=args.db, demo=False, env=ENV)
    started = time.perf_counter()
    cluster.start()
    print(f"two nodes ready in {time.perf_counter() - started:.1f} s ({args.db}); {common.machine_note()}")
    try:
        # 1. baseline
        samples = []
        for _ in range(200):
            t0 = time.perf_counter()
            with urllib.request.urlopen(cluster.node(B).endpoint + "/healthz", timeout=10) as response:
                response.read()
            samples.append(time.perf_counter() - t0)
        print(
            f"baseline HTTP round trip (GET /healthz on B): {common.ms(samples)}, {len(samples) / sum(samples):.0f} req/s"
        )

        # 2. throughput
        t0 = time.perf_counter()
        out = json.loads(
            cluster.manage(
                A, "federation", "send", "--to", B, "--case", "T", "--cases", str(args.cases), "--count", str(per_case)
            )
        )
        t_sent = time.perf_counter()
        t_done = wait(cluster, A, PENDING, lambda v: v == 0, 900)
        print(
            f"throughput: {out['sent']} signed and queued in {out['seconds']:.2f} s inside A "
            f"({out['sent'] / out['seconds']:.0f}/s); every receipt back {t_done - t_sent:.2f} s after the command "
            f"returned: {total / (t_done - t_sent):.1f} messages/s (command start to last receipt {t_done - t0:.2f} s)"
        )
        print(check_once_in_order(cluster, "T-", total))

        # 3. latency, one message at a time
        cluster.manage(
            A,
            "federation",
            "send",
            "--to",
            B,
            "--case",
            "L",
            "--count",
            str(args.latency),
            "--interval",
            str(args.interval),
        )
        wait(cluster, A, PENDING, lambda v: v == 0, 300)
        end_to_end, receipt = latencies(cluster, "L")
        print(f"latency, one at a time ({args.latency}, {args.interval:g} s apart):")
        print(f"  end to end (A signed → B processed): {common.ms(end_to_end)}")
        print(f"  receipt (A signed → A logged B's receipt): {common.ms(receipt)}")

        # 4. outage and drain
        cluster.stop_node(B)
        cluster.manage(
            A, "federation", "send", "--to", B, "--case", "O", "--cases", str(args.cases), "--count", str(per_case)
        )
        time.sleep(args.outage)
        attempts = cluster.query(
            A, "SELECT MIN(attempts), MAX(attempts) FROM federation_outgoingmessage WHERE status = 'pending'"
        )[0]
        cluster.start_node(B)
        t_up = time.perf_counter()
        t_drained = wait(cluster, A, PENDING, lambda v: v == 0, 900)
        print(
            f"outage: {total} queued while B was down {args.outage:g} s (attempts so far {attempts[0]}–{attempts[1]}); "
            f"drained {t_drained - t_up:.2f} s after B answered again ({total / (t_drained - t_up):.1f} messages/s)"
        )
        print(check_once_in_order(cluster, "O-", total))
        verify = cluster.manage(B, "federation", "verify-log").strip().splitlines()[-1]
        print(f"B's log verified again: {verify}")
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
