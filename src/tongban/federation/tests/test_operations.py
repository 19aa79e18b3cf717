"""The operator's page and the alerts: per peer the queue and its oldest message, thresholds that raise an
alert the supervisors' board shows, and who may look."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tongban.accounts.models import User

from .. import services
from ..models import Alert, OutgoingMessage
from .conftest import PEER


def queue(n: int) -> None:
    with transaction.atomic():
        for _ in range(n):
            services.send_message(to_node=PEER, case_ref="C-1", message_type="federation.ping", payload={})


def test_thresholds_raise_one_alert_per_peer_and_kind_and_clear_it(federation, settings):
    settings.TONGBAN_FEDERATION_ALERT_QUEUE_DEPTH = 1
    settings.TONGBAN_FEDERATION_ALERT_AGE_MINUTES = 10
    queue(2)
    OutgoingMessage.objects.update(sent_at=timezone.now() - dt.timedelta(minutes=11))
    services.check_thresholds()
    services.check_thresholds()  # still crossed: the same alerts, not new ones
    assert sorted(Alert.objects.filter(cleared_at__isnull=True).values_list("kind", flat=True)) == [
        "oldest_age",
        "queue_depth",
    ]
    OutgoingMessage.objects.update(status=OutgoingMessage.Status.ACKNOWLEDGED)
    services.check_thresholds()
    assert not Alert.objects.filter(cleared_at__isnull=True).exists()
    assert Alert.objects.count() == 2  # kept, closed


def test_the_operator_page_shows_each_peers_queue_to_supervisors_only(federation, demo_db, client, settings):
    settings.TONGBAN_FEDERATION_ALERT_QUEUE_DEPTH = 1
    queue(2)
    services.check_thresholds()
    page = reverse("federation:operations")
    assert client.get(page).status_code == 302  # to the login page
    client.force_login(User.objects.get(username="zj_window"))
    assert client.get(page).status_code == 403

    client.force_login(User.objects.get(username="zj_supervisor"))
    html = client.get(page).content.decode()
    assert "跨地区联邦运行情况" in html and "待投递消息过多" in html
    assert f'data-node="{PEER}"' in html and '<td class="depth">2</td>' in html
    assert "联邦目录未指定时间戳服务" in html  # this directory names no time-stamping authority
    board = client.get(reverse("cases:supervision")).content.decode()
    assert "跨地区联邦告警 1 条未解除" in board
