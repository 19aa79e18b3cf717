"""Three real nodes on loopback ports, each with its own database, web server and worker: a peer stopped in
the middle of traffic gets every message exactly once, in order per case, after it returns; forged, tampered,
replayed and out-of-order requests are answered as the inbox promises. One cluster, one test."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from tongban.core import sm2

from ..cluster import Cluster
from ..domain import envelope
from .conftest import probe

# django_db: the suite's test database is then set up before the module's cluster copies it.
pytestmark = [pytest.mark.worker, pytest.mark.django_db]

A, B, C = "330681", "370402", "419001"
# Retries every 0.3 s at first and at least once a second, so that an outage of a few seconds already means
# several failed attempts and the drain after it is quick.
FAST = {
    "TONGBAN_OUTBOX_RETRY_BASE_SECONDS": "0.3",
    "TONGBAN_OUTBOX_RETRY_CAP_SECONDS": "1",
    "TONGBAN_PERIODIC_INTERVALS": "outbox.sweep=0.5,federation.process_waiting=1,federation.refresh_directory=2",
    "TONGBAN_LOG_LEVEL": "ERROR",
    "TONGBAN_FEDERATION_HTTP_TIMEOUT_SECONDS": "5",
}


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker, tmp_path_factory):
    root = tmp_path_factory.mktemp("federation")
    template = None
    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            # The test database is migrated already: each node starts from a copy of it.
            template = root / "migrated.sqlite3"
            connection.ensure_connection()
            with sqlite3.connect(template) as copy:
                connection.connection.backup(copy)
    started = Cluster(
        [A, B, C],
        root=root / "nodes",
        base_port=Cluster.free_base_port(3),
        db="sqlite" if template else "postgres",
        demo=False,
        env=FAST,
        log=lambda line: None,
        sqlite_template=template,
    )
    started.start()
    yield started
    started.stop()


def count(cluster: Cluster, code: str, sql: str, *params) -> int:
    return int(cluster.query(code, sql, params)[0][0])


def wait_for(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.2)


PENDING = "SELECT COUNT(*) FROM federation_outgoingmessage WHERE recipient = %s AND status = 'pending'"


def test_three_real_nodes(cluster):
    """One test, so that one test process starts the cluster (xdist may split a module's tests)."""
    a_peer_down_in_the_middle_of_traffic_gets_everything_once_and_in_order(cluster)
    the_inbox_of_a_real_node_holds_refuses_and_answers_replays(cluster)


def a_peer_down_in_the_middle_of_traffic_gets_everything_once_and_in_order(cluster):
    sent = json.loads(cluster.manage(A, "federation", "send", "--to", B, "--case", "F", "--cases", "3", "--count", "5"))
    assert sent["sent"] == 15
    acked = "SELECT COUNT(*) FROM federation_outgoingmessage WHERE status = 'acknowledged'"
    wait_for(lambda: count(cluster, A, acked) >= 2, "the first receipts")
    cluster.stop_node(B)
    cluster.manage(C, "federation", "send", "--to", B, "--case", "G1", "--count", "4")  # written during the outage
    failing = "SELECT COALESCE(MAX(attempts), 0) FROM federation_outgoingmessage WHERE status = 'pending'"
    wait_for(lambda: count(cluster, A, failing) >= 3 and count(cluster, C, failing) >= 3, "several failed retries")
    assert count(cluster, A, PENDING, B) > 0  # the outage held them back, nothing was given up
    cluster.start_node(B)
    wait_for(lambda: count(cluster, A, PENDING, B) == 0 and count(cluster, C, PENDING, B) == 0, "the drain")

    rows = cluster.query(
        B,
        "SELECT sender, case_ref, sequence, message_id, status FROM federation_incomingmessage "
        "WHERE case_ref LIKE %s OR case_ref LIKE %s ORDER BY processed_at",
        ("F-%", "G1"),
    )
    assert len(rows) == 15 + 4
    assert len({(r[0], r[3]) for r in rows}) == len(rows)  # no message twice
    assert {r[4] for r in rows} == {"processed"}
    by_case: dict[tuple[str, str], list[int]] = {}
    for sender, case_ref, sequence, *_ in rows:  # in the order they were processed
        by_case.setdefault((sender, case_ref), []).append(sequence)
    assert all(seqs == list(range(1, len(seqs) + 1)) for seqs in by_case.values()), by_case
    sent_ids = {r[0] for r in cluster.query(A, "SELECT id FROM federation_outgoingmessage WHERE recipient = %s", (B,))}
    assert {_uuid(r[3]) for r in rows if r[0] == A} == {_uuid(i) for i in sent_ids}
    # Both logs are time-stamped by the federation's authority (a service of A, named in the directory) and
    # verify again later: the senders' signatures, the receiver's receipts and the stamps.
    stamps = [cluster.spawn(code, "federation", "timestamp-log") for code in (A, B)]
    assert [stamp.wait(timeout=120) for stamp in stamps] == [0, 0]
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(lambda code: cluster.manage(code, "federation", "verify-log"), (A, B)))
    for report in reports:
        assert "0 条有问题" in report and "，0 条待加盖" in report, report
    assert cluster.query(A, "SELECT COUNT(*) FROM federation_issuedtimestamp")[0][0] >= 2


def _uuid(value) -> str:
    return str(value).replace("-", "")


def post(cluster: Cluster, code: str, data: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        cluster.node(code).endpoint + "/federation/inbox/",
        data=json.dumps(data).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def forged(cluster: Cluster, private: bytes, sender: str, case_ref: str, sequence: int) -> dict:
    return envelope.signed_request(private, probe(sender, B, case_ref, sequence), dt.datetime.now(dt.UTC)).as_json()


def the_inbox_of_a_real_node_holds_refuses_and_answers_replays(cluster):
    a_key = sm2.private_key_from_pem(Path(cluster.node(A).env["TONGBAN_NODE_KEY_FILE"]).read_text())
    b_public = sm2.public_key_from_pem(json.loads(cluster.manage(B, "federation", "describe-node"))["public_key"])
    second, first = forged(cluster, a_key, A, "X-1", 2), forged(cluster, a_key, A, "X-1", 1)
    status, answer = post(cluster, B, second)
    assert (status, answer["state"]) == (202, "held")
    status, answer = post(cluster, B, first)
    assert (status, answer["state"]) == (200, "processed")
    envelope.check_receipt(
        answer["receipt"],
        answer["receipt_signature"],
        receiver_public=b_public,
        message_id=first["message"]["message_id"],
        body_hash=envelope.Request(first["message"], "", {}, "").body_hash,
    )
    states = cluster.query(B, "SELECT sequence, status FROM federation_incomingmessage WHERE case_ref = 'X-1'")
    assert sorted(states) == [(1, "processed"), (2, "processed")]

    status, answer = post(cluster, B, first)  # replayed
    assert status == 409 and answer["error"]["code"] == "replayed" and answer["receipt"]

    tampered = forged(cluster, a_key, A, "X-2", 1)
    tampered["message"]["payload"]["n"] = 42
    assert post(cluster, B, tampered)[1]["error"]["code"] == "bad_signature"

    stranger, _ = sm2.generate_keypair()
    assert post(cluster, B, forged(cluster, stranger, "110101", "X-3", 1))[1]["error"]["code"] == "unknown_node"
    assert post(cluster, B, forged(cluster, stranger, A, "X-3", 1))[1]["error"]["code"] == "bad_signature"

    refusals = [r[0] for r in cluster.query(B, "SELECT code FROM federation_refusal ORDER BY at")]
    assert refusals[-4:] == ["replayed", "bad_signature", "unknown_node", "bad_signature"]
    assert count(cluster, B, "SELECT COUNT(*) FROM federation_incomingmessage WHERE case_ref LIKE %s", "X-%") == 2
