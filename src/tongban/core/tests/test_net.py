"""The real client address (core/net.py) and the rate limits every process shares (core/ratelimit.py)."""

from __future__ import annotations

import ipaddress

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from tongban.core import net, ratelimit
from tongban.core.models import RateCounter

PROXIES = (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("fd00::/8"))


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.5", "", "203.0.113.5"),
        ("203.0.113.5", "1.2.3.4", "203.0.113.5"),  # not a proxy: the header is anyone's to invent
        ("10.0.0.2", "198.51.100.7", "198.51.100.7"),
        ("10.0.0.2", "1.2.3.4, 198.51.100.7", "198.51.100.7"),  # the client prepended a fake hop
        ("10.0.0.2", "198.51.100.7, 10.1.1.1", "198.51.100.7"),  # two proxies of ours
        ("10.0.0.2", "10.1.1.1", "10.1.1.1"),  # only proxies: the farthest one
        ("10.0.0.2", "", "10.0.0.2"),
        ("10.0.0.2", "garbage, 198.51.100.7", "198.51.100.7"),
        ("10.0.0.2", "198.51.100.7, garbage", "10.0.0.2"),
        ("10.0.0.2", "[2001:db8::1]:443", "2001:db8::1"),
        ("10.0.0.2", "198.51.100.7:5555", "198.51.100.7"),
        ("fd00::1", "2001:db8::5", "2001:db8::5"),
        ("", "1.2.3.4", ""),
        ("not-an-address", "", ""),
    ],
)
def test_the_client_is_the_last_hop_that_is_not_a_trusted_proxy(remote: str, forwarded: str, expected: str) -> None:
    assert net.real_client_ip(remote, forwarded, PROXIES) == expected


def test_without_trusted_proxies_forwarded_for_is_ignored(settings) -> None:
    settings.TONGBAN_TRUSTED_PROXIES = []
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert net.client_ip(request) == "10.0.0.2"
    settings.TONGBAN_TRUSTED_PROXIES = ["10.0.0.2"]
    assert net.client_ip(request) == "198.51.100.7"


def test_a_typo_in_the_trusted_proxies_stops_the_start() -> None:
    assert net.parse_networks(" 10.0.0.0/8, 192.0.2.1 ,") == ["10.0.0.0/8", "192.0.2.1"]
    with pytest.raises(ImproperlyConfigured, match=r"10\.0\.0\.300"):
        net.parse_networks("10.0.0.300")


@pytest.mark.django_db
def test_a_rate_limit_counts_in_the_database_and_starts_again_in_the_next_window() -> None:
    at = 1_000_000.0
    assert [ratelimit.hit("k", 3, 60, now=at + i) for i in range(5)] == [False, False, False, True, True]
    assert RateCounter.objects.get(key="k").count == 5  # one row, whichever process counted
    assert ratelimit.hit("other", 3, 60, now=at) is False
    assert ratelimit.hit("k", 3, 60, now=at + 61) is False  # a new window
    assert RateCounter.objects.get(key="k").count == 1
