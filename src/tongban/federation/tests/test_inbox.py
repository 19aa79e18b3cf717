"""The inbox in one process: what it accepts, holds, processes once in order, and what it refuses and why;
sending from a case change's transaction; the directory's refresh."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from tongban.core import sm2
from tongban.core.errors import DomainError
from tongban.outbox.models import Message as OutboxMessage

from .. import inbox, selectors, services
from ..domain import directory as dirdoc
from ..domain import envelope
from ..models import DirectoryVersion, IncomingMessage, OutgoingMessage, Refusal
from .conftest import LOCAL, PEER, key


def post(client, data):
    response = client.post("/federation/inbox/", json.dumps(data), content_type="application/json")
    return response.status_code, response.json()


def test_a_message_is_processed_and_signed_for(client, federation):
    status, answer = post(client, federation.request(1))
    assert status == 200, answer
    assert answer["state"] == "processed"
    row = IncomingMessage.objects.get()
    envelope.check_receipt(
        answer["receipt"],
        answer["receipt_signature"],
        receiver_public=selectors.local_node().public_key,
        message_id=row.message_id,
        body_hash=row.body_hash,
    )
    assert services.verify_logged(row) == []


def test_a_later_message_waits_for_the_gap_then_all_run_once_in_order(client, federation, monkeypatch):
    seen = []
    monkeypatch.setitem(inbox._handlers, "test.record", lambda m: seen.append((m.case_ref, m.sequence)))
    third, second, first = (federation.request(n, message_type="test.record") for n in (3, 2, 1))
    assert post(client, third)[0] == 202
    assert post(client, second)[1]["state"] == "held"
    assert seen == []
    assert post(client, first)[0] == 200
    assert seen == [("C-1", 1), ("C-1", 2), ("C-1", 3)]
    # Another case runs on its own.
    assert post(client, federation.request(1, case_ref="C-2", message_type="test.record"))[0] == 200
    assert seen[-1] == ("C-2", 1)


def test_a_replayed_message_is_not_processed_again_and_gets_its_first_receipt(client, federation, monkeypatch):
    seen = []
    monkeypatch.setitem(inbox._handlers, "test.record", lambda m: seen.append(m.sequence))
    request = federation.request(1, message_type="test.record")
    _, first = post(client, request)
    status, again = post(client, request)
    assert status == 409 and again["error"]["code"] == "replayed"
    assert again["receipt"] == first["receipt"] and again["receipt_signature"] == first["receipt_signature"]
    assert seen == [1]
    assert Refusal.objects.get().code == "replayed"


def test_a_failing_handler_rolls_back_and_is_retried_later(client, federation, monkeypatch):
    calls = []

    def flaky(message):
        calls.append(message.sequence)
        OutboxMessage.objects.create(topic="test.effect", payload={})  # an effect that must roll back
        if len(calls) == 1:
            raise RuntimeError("down for a moment")

    monkeypatch.setitem(inbox._handlers, "test.flaky", flaky)
    status, answer = post(client, federation.request(1, message_type="test.flaky"))
    assert status == 202 and answer["state"] == "failed"  # received and signed for all the same
    assert not OutboxMessage.objects.filter(topic="test.effect").exists()
    assert services.process_waiting() == 1
    assert IncomingMessage.objects.get().status == "processed"
    assert OutboxMessage.objects.filter(topic="test.effect").count() == 1


@pytest.mark.parametrize(
    ("make", "status", "code"),
    [
        (lambda f: f.request(1, sender="110101"), 403, "unknown_node"),
        (lambda f: f.request(1, private=key("stranger")[0]), 403, "bad_signature"),
        (lambda f: f.request(1, recipient="419001"), 400, "wrong_recipient"),
        (lambda f: f.request(1, at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)), 400, "clock_skew"),
        (lambda f: f.request(1, message_type="nobody.knows"), 400, "unknown_message_type"),
        (lambda f: {"message": "x"}, 400, "bad_request"),
    ],
)
def test_refusals_are_logged_with_their_reason_and_answered_in_the_error_shape(client, federation, make, status, code):
    got, answer = post(client, make(federation))
    assert got == status
    assert answer["error"]["code"] == code and answer["error"]["message"]
    assert Refusal.objects.get().code == code
    assert not IncomingMessage.objects.exists()


def test_tampered_payload_is_refused(client, federation):
    request = federation.request(1)
    request["message"]["payload"]["n"] = 999
    status, answer = post(client, request)
    assert status == 403 and answer["error"]["code"] == "bad_signature"


def test_a_sequence_number_used_by_another_message_is_refused(client, federation):
    assert post(client, federation.request(1))[0] == 200
    status, answer = post(client, federation.request(1))
    assert status == 409 and answer["error"]["code"] == "sequence_reused"


def test_not_json_is_a_bad_request(client, federation):
    response = client.post("/federation/inbox/", "{", content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_request"


@pytest.mark.django_db(transaction=True)
def test_send_message_outside_a_transaction_is_a_programming_error(settings):
    settings.TONGBAN_NODE_CODE = LOCAL
    with pytest.raises(ImproperlyConfigured, match="事务"):
        services.send_message(to_node=PEER, case_ref="C-9", message_type="federation.ping", payload={})


def test_send_message_numbers_per_case_signs_and_queues_in_the_callers_transaction(federation):
    with transaction.atomic():
        first = services.send_message(
            to_node=PEER, case_ref="C-9", message_type="x", payload={"d": dt.date(2026, 1, 2)}
        )
        second = services.send_message(to_node=PEER, case_ref="C-9", message_type="x", payload={})
        other = services.send_message(to_node=PEER, case_ref="C-10", message_type="x", payload={})
    assert (first.sequence, second.sequence, other.sequence) == (1, 2, 1)
    assert first.payload == {"d": "2026-01-02"}
    assert OutboxMessage.objects.filter(topic=services.DELIVER_TOPIC).count() == 3
    assert services.verify_logged(first) == []
    with transaction.atomic(), pytest.raises(DomainError) as caught:
        services.send_message(to_node="110101", case_ref="C-9", message_type="x", payload={})
    assert caught.value.code == "unknown_node"


def test_a_rolled_back_change_sends_nothing(federation):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.send_message(to_node=PEER, case_ref="C-9", message_type="x", payload={})
        raise RuntimeError("the case change failed")
    assert not OutgoingMessage.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_the_outbox_never_gives_up_a_federation_message(federation, settings, monkeypatch):
    from tongban.outbox import services as outbox

    settings.TONGBAN_OUTBOX_MAX_ATTEMPTS = 2
    settings.TONGBAN_FEDERATION_CIRCUIT_FAILURES = 100  # every retry really posts (the breaker: test_circuit.py)
    monkeypatch.setattr(outbox, "request_delivery", lambda *a, **k: None)
    with transaction.atomic():
        sent = services.send_message(to_node=PEER, case_ref="C-1", message_type="x", payload={})
    assert sent.outbox_message_id is not None
    for _ in range(4):  # the peer's endpoint (port 9) refuses connections
        OutboxMessage.objects.filter(pk=sent.outbox_message_id).update(next_attempt_at=dt.datetime.now(dt.UTC))
        assert outbox.deliver(sent.outbox_message_id) == "retry"
    sent.refresh_from_db()
    assert sent.status == "pending" and sent.attempts == 4 and sent.last_error
    assert sent.last_error.startswith("连接被拒绝") and "Connection refused" in sent.last_error  # said in Chinese


def test_the_directory_refuses_older_unsigned_and_foreign_versions(federation):
    federation.publish(version=2)
    installed = services.refresh_directory()
    assert installed is not None and installed.version == 2
    assert services.refresh_directory() is None  # unchanged
    federation.publish(version=1)
    with pytest.raises(dirdoc.DirectoryError, match="旧版本"):
        services.refresh_directory()
    federation.publish(version=3, signer=key("stranger")[0])
    with pytest.raises(dirdoc.DirectoryError, match="签名无效"):
        services.refresh_directory()
    federation.path.write_text(json.dumps({"directory": {"version": 4}}))
    with pytest.raises(dirdoc.DirectoryError, match="未签名"):
        services.refresh_directory()
    assert DirectoryVersion.objects.order_by("-version").values_list("version", flat=True)[0] == 2


def test_selectors_read_the_directory_in_force(federation):
    assert [n.code for n in selectors.directory()] == [LOCAL, PEER]
    peer = selectors.node(PEER)
    assert peer is not None and peer.public_key == key("peer")[1]
    assert selectors.node("110101") is None
    assert [i.item_code for i in selectors.offered_items(PEER)] == [f"{PEER}-A1"]
    assert selectors.local_node().code == LOCAL
    listed = selectors.node(LOCAL)
    assert listed is not None and sm2.public_key_pem(selectors.local_node().public_key) == listed.public_key_pem
    assert selectors.agreements() == []
