"""Time stamps on the message log: the authority's token binds a batch of logged messages to a moment; the
adapter speaks to the authority over HTTP; the node's own service issues and keeps numbered tokens; a stamp
that does not match its batch, or is not signed by an authority of the directory, does not verify."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.db import transaction

from tongban.core import sm2

from .. import services
from ..domain import directory as dirdoc
from ..domain import timestamp
from ..models import Alert, IncomingMessage, IssuedTimeStamp, OutgoingMessage
from ..timestamping import TimeStampUnavailable
from .conftest import LOCAL, PEER, key, node_entry

AT = dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.UTC)
DIGEST = timestamp.batch_digest(["a" * 64, "b" * 64])


def test_a_token_verifies_for_its_digest_and_key_only():
    private, public = key("tsa")
    token, signature = timestamp.issue(private, authority="测试时间戳服务", serial=7, digest=DIGEST, at=AT)
    assert timestamp.check(token, signature, public, digest=DIGEST).stamped_at == AT
    with pytest.raises(timestamp.TimeStampError, match="摘要"):
        timestamp.check(token, signature, public, digest=timestamp.batch_digest(["a" * 64]))
    with pytest.raises(timestamp.TimeStampError, match="密钥"):
        timestamp.check(token, signature, key("other")[1], digest=DIGEST)
    with pytest.raises(timestamp.TimeStampError, match="签名无效"):
        timestamp.check(
            {**token, "stamped_at": timestamp.envelope.iso(AT + dt.timedelta(days=1))}, signature, public, digest=DIGEST
        )
    with pytest.raises(timestamp.TimeStampError, match="十六进制"):
        timestamp.issue(private, authority="x", serial=1, digest="not-a-digest", at=AT)
    # The order of the batch is part of what is stamped.
    assert timestamp.batch_digest(["b" * 64, "a" * 64]) != DIGEST


def test_the_directory_names_the_authorities_and_refuses_a_bad_entry():
    entry = {"name": "省时间戳服务", "url": "https://tsa.example/", "public_key": sm2.public_key_pem(key("tsa")[1])}
    document: dict[str, Any] = {
        "version": 1,
        "issued_at": "2026-12-01T00:00:00+00:00",
        "nodes": [node_entry(LOCAL, key("x")[1], 1)],
        "timestamping": [entry],
    }
    (authority,) = dirdoc.parse(document).time_stamping
    assert (authority.name, authority.protocol, authority.public_key) == ("省时间戳服务", "sm2-json", key("tsa")[1])
    with pytest.raises(dirdoc.DirectoryError, match="地址"):
        dirdoc.parse({**document, "timestamping": [{**entry, "url": "ftp://x"}]})
    with pytest.raises(dirdoc.DirectoryError, match="公钥"):
        dirdoc.parse({**document, "timestamping": [{**entry, "public_key": "nope"}]})


class _Authority(BaseHTTPRequestHandler):
    """A stand-in authority on a loopback port speaking the sm2-json protocol (the pure issuing code)."""

    serial = 0
    down = False

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if _Authority.down:
            status, answer = 503, {"error": {"code": "down", "message": "维护中", "field": None}}
        else:
            _Authority.serial += 1
            token, signature = timestamp.issue(
                key("tsa")[0],
                authority="测试时间戳服务",
                serial=_Authority.serial,
                digest=body["digest"],
                at=dt.datetime.now(dt.UTC),
            )
            status, answer = 200, {"token": token, "signature": signature}  # type: ignore[dict-item]
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def authority():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Authority)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Authority.down = False
    yield f"http://127.0.0.1:{server.server_address[1]}/federation/tsa/"
    server.shutdown()


def _publish(federation, url: str, version: int = 2) -> None:
    entry = {
        "name": "测试时间戳服务",
        "url": url,
        "public_key": sm2.public_key_pem(key("tsa")[1]),
        "protocol": "sm2-json",
    }
    federation.publish(version)
    signed = json.loads(federation.path.read_text())
    document = {**signed["directory"], "timestamping": [entry]}
    federation.path.write_text(json.dumps(dirdoc.sign(document, key("directory")[0]), ensure_ascii=False))
    services.refresh_directory()


def test_the_log_of_both_directions_is_stamped_in_one_batch_and_verifies(federation, authority, client):
    assert services.timestamp_log() is None  # no authority in the directory: nothing is stamped
    _publish(federation, authority)
    with transaction.atomic():
        sent = services.send_message(to_node=PEER, case_ref="C-1", message_type="federation.ping", payload={"n": 1})
    status, _ = services.receive(json.loads(json.dumps(federation.request(1))))
    assert status == 200
    received = IncomingMessage.objects.get()

    batch = services.timestamp_log()
    assert batch is not None and batch.hashes == [sent.body_hash, received.body_hash]
    sent.refresh_from_db()
    received.refresh_from_db()
    assert sent.time_stamp == batch == received.time_stamp
    assert services.verify_logged(sent) == [] and services.verify_logged(received) == []
    assert services.timestamp_log() is None  # nothing new

    # Altered afterwards, the batch no longer matches its stamp.
    type(batch).objects.filter(pk=batch.pk).update(hashes=[sent.body_hash])
    sent.refresh_from_db()
    problems = services.verify_logged(sent)
    assert any("批次" in p for p in problems), problems


def test_an_authority_that_does_not_answer_leaves_the_log_waiting_and_raises_an_alert(federation, authority, settings):
    _publish(federation, authority)
    with transaction.atomic():
        services.send_message(to_node=PEER, case_ref="C-1", message_type="federation.ping", payload={"n": 1})
    _Authority.down = True
    with pytest.raises(TimeStampUnavailable, match="HTTP 503"):
        services.timestamp_log()
    assert OutgoingMessage.objects.filter(time_stamp__isnull=True).count() == 1
    settings.TONGBAN_FEDERATION_ALERT_AGE_MINUTES = 0
    services.check_thresholds()
    assert Alert.objects.filter(kind=Alert.Kind.TIME_STAMP, cleared_at__isnull=True).exists()
    _Authority.down = False
    assert services.timestamp_log() is not None
    services.check_thresholds()
    assert not Alert.objects.filter(kind=Alert.Kind.TIME_STAMP, cleared_at__isnull=True).exists()


def test_the_nodes_own_service_numbers_signs_and_keeps_every_token(db, client, settings, tmp_path):
    assert client.post("/federation/tsa/", {"digest": DIGEST}, content_type="application/json").status_code == 404
    pem = tmp_path / "tsa.pem"
    pem.write_text(sm2.private_key_pem(key("tsa")[0]), encoding="ascii")
    settings.TONGBAN_TSA_KEY_FILE, settings.TONGBAN_TSA_NAME = str(pem), "本地时间戳服务"
    answers = [
        client.post(
            "/federation/tsa/", {"digest": DIGEST, "requester": "370402"}, content_type="application/json"
        ).json()
        for _ in range(2)
    ]
    serials = [timestamp.check(a["token"], a["signature"], key("tsa")[1], digest=DIGEST).serial for a in answers]
    assert serials[1] > serials[0]
    assert list(IssuedTimeStamp.objects.order_by("serial").values_list("serial", "requester")) == [
        (s, "370402") for s in serials
    ]
    bad = client.post("/federation/tsa/", {"digest": "xyz"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "digest"
    assert client.post("/federation/tsa/", "not json", content_type="application/json").status_code == 400
