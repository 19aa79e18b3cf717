"""The circuit breaker towards a peer: after a run of failed deliveries nothing is posted until the cool-down
ends, then one delivery probes; a receipt closes it and makes the queue due; the operator sees it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from tongban.outbox import services as outbox

from .. import services
from ..domain.circuit import Breaker, Verdict
from ..models import OutgoingMessage, PeerCircuit
from .conftest import PEER

NOW = dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.UTC)


def test_the_breaker_opens_after_the_threshold_and_cools_down_doubling_to_a_cap():
    breaker = Breaker(threshold=3, base_seconds=30, cap_seconds=300)
    assert breaker.open_until(2, NOW) is None
    assert breaker.open_until(3, NOW) == NOW + dt.timedelta(seconds=30)
    assert breaker.cool_down(4) == dt.timedelta(seconds=60)
    assert breaker.cool_down(40) == dt.timedelta(seconds=300)
    assert breaker.verdict(None, NOW) is Verdict.POST
    assert breaker.verdict(NOW + dt.timedelta(seconds=1), NOW) is Verdict.SKIP
    assert breaker.verdict(NOW, NOW) is Verdict.PROBE


def test_a_dead_peer_is_probed_once_per_cool_down_and_a_receipt_closes_the_circuit(federation, settings, monkeypatch):
    settings.TONGBAN_FEDERATION_CIRCUIT_FAILURES = 2
    settings.TONGBAN_OUTBOX_RETRY_BASE_SECONDS = 60
    posts: list[str] = []

    def refused(url, data):
        posts.append(data["message"]["message_id"])
        raise ConnectionRefusedError("connection refused")

    monkeypatch.setattr(services, "post_json", refused)
    with transaction.atomic():
        sent = [
            services.send_message(to_node=PEER, case_ref=f"C-{i}", message_type="federation.ping", payload={})
            for i in range(5)
        ]
    for message in sent:
        with pytest.raises(services.DeliveryFailed):
            services.deliver(str(message.pk))
    assert len(posts) == 2  # two failures opened it; three deliveries were not even tried
    row = PeerCircuit.objects.get(peer=PEER)
    assert row.open_until is not None and row.skipped == 3
    assert OutgoingMessage.objects.get(pk=sent[4].pk).attempts == 0  # not an attempt: nothing was posted

    PeerCircuit.objects.filter(pk=row.pk).update(open_until=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(services.DeliveryFailed):
        services.deliver(str(sent[2].pk))  # the probe, refused again: open for longer
    with pytest.raises(services.DeliveryFailed):
        services.deliver(str(sent[3].pk))  # meanwhile: not posted
    assert len(posts) == 3
    row.refresh_from_db()
    assert row.failures == 3 and row.probes == 1
    assert row.open_until > timezone.now() + dt.timedelta(seconds=100)  # 60 s doubled

    # The peer is back: the minute's check makes the oldest message due; its receipt closes the circuit and the
    # rest of the queue follows at once.
    monkeypatch.setattr(services.envelope, "check_receipt", lambda *a, **k: None)
    monkeypatch.setattr(services, "post_json", lambda url, data: (200, {"receipt": {}, "receipt_signature": "00"}))
    PeerCircuit.objects.filter(pk=row.pk).update(open_until=timezone.now() - dt.timedelta(seconds=1))
    assert services.probe_open_circuits() == 1
    row.refresh_from_db()
    assert (row.failures, row.open_until) == (0, None)
    outbox.deliver_due()  # the worker's sweep: what is due now goes
    statuses = set(OutgoingMessage.objects.values_list("status", flat=True))
    assert statuses == {OutgoingMessage.Status.ACKNOWLEDGED}


def test_the_operator_page_shows_a_paused_peer(federation, demo_db, client):
    from tongban.accounts.models import User

    PeerCircuit.objects.create(peer=PEER, failures=4, open_until=timezone.now() + dt.timedelta(minutes=2))
    client.force_login(User.objects.get(username="zj_supervisor"))
    html = client.get("/federation/operations/").content.decode()
    assert "暂停投递" in html and "连续失败 4 次" in html
