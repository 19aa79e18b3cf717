"""Failed logins (accounts/lockout.py): a username locked from the address that failed for it only, an address
throttled across usernames, the same on the pages, the admin and the API token endpoint, counted in the
database and keyed on the real client address behind a configured proxy only.

Replays issue 8: five wrong passwords for someone else's username locked that person out everywhere for 30
minutes, and one address could try 30 usernames unthrottled."""

from __future__ import annotations

import json

import pytest
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.contrib.auth import get_user
from django.test import Client

from tongban.accounts.roles import Role

from . import factories
from .factories import CitizenFactory, StaffFactory

pytestmark = pytest.mark.django_db

WRONG = "Wrong#password1"
ATTACKER, OWNER, HALL = "203.0.113.66", "198.51.100.7", "192.0.2.10"


def page_login(client: Client, username: str, password: str, url: str = "/accounts/login/") -> int:
    return client.post(url, {"username": username, "password": password}).status_code


def token(client: Client, username: str, password: str) -> tuple[int, dict]:
    response = client.post(
        "/api/v1/auth/token", json.dumps({"username": username, "password": password}), content_type="application/json"
    )
    return response.status_code, response.json()


def test_a_stranger_cannot_lock_the_owner_out_of_their_own_address() -> None:
    owner = CitizenFactory()
    attacker = Client(REMOTE_ADDR=ATTACKER)
    codes = [page_login(attacker, owner.username, WRONG) for _ in range(6)]
    assert codes == [200, 200, 200, 200, 429, 429]
    # The attacker's address stays locked for this username, even with the right password …
    assert page_login(attacker, owner.username, factories.PASSWORD) == 429
    # … but the owner signs in from their own address (the old lock by username alone refused them).
    mine = Client(REMOTE_ADDR=OWNER)
    assert page_login(mine, owner.username, factories.PASSWORD) == 302
    assert get_user(mine).pk == owner.pk


def test_the_lockout_page_says_which_account_and_for_how_long() -> None:
    owner = CitizenFactory()
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(5):
        page_login(attacker, owner.username, WRONG)
    html = attacker.post("/accounts/login/", {"username": owner.username, "password": WRONG}).content.decode()
    assert "账号已暂时锁定" in html and owner.username in html and "30分钟" in html and "此地址" in html


def test_one_address_is_throttled_across_usernames(settings) -> None:
    victims = [CitizenFactory() for _ in range(30)]
    sprayer = Client(REMOTE_ADDR=ATTACKER)
    codes = [page_login(sprayer, victim.username, WRONG) for victim in victims]
    refused = sum(code == 429 for code in codes)
    limit = settings.TONGBAN_LOGIN_ADDRESS_FAILURE_LIMIT
    # The address reaches its limit at the 20th failure (answered with the throttle page); every later try is refused.
    assert codes[: limit - 1] == [200] * (limit - 1) and codes[limit - 1 :] == [429] * (30 - limit + 1)
    assert not any(code >= 500 for code in codes)
    page = sprayer.post("/accounts/login/", {"username": victims[0].username, "password": WRONG})
    assert page.status_code == 429 and "登录尝试过于频繁" in page.content.decode()
    # A right password from the throttled address is refused too: guessing stops, whoever guesses right.
    assert page_login(sprayer, victims[-1].username, factories.PASSWORD) == 429
    # Everyone else's address is untouched, the victims included.
    assert page_login(Client(REMOTE_ADDR=OWNER), victims[0].username, factories.PASSWORD) == 302
    print(f"FIGURES login spray: {len(codes)} usernames tried, {refused} refused (429), 0 5xx")


def test_a_shared_hall_address_survives_citizens_typos() -> None:
    """Below the address limit, several people mistyping at one service hall lock nobody but themselves."""
    hall = Client(REMOTE_ADDR=HALL)
    people = [CitizenFactory() for _ in range(6)]
    for person in people[:5]:
        for _ in range(2):
            assert page_login(hall, person.username, WRONG) == 200
    assert page_login(hall, people[5].username, factories.PASSWORD) == 302


def test_the_api_token_endpoint_has_the_same_limits() -> None:
    owner = CitizenFactory()
    attacker = Client(REMOTE_ADDR=ATTACKER)
    answers = [token(attacker, owner.username, WRONG) for _ in range(6)]
    assert [status for status, _ in answers] == [401, 401, 401, 401, 429, 429]
    assert answers[-1][1]["error"]["code"] == "locked" and "此地址" in answers[-1][1]["error"]["message"]
    status, body = token(Client(REMOTE_ADDR=OWNER), owner.username, factories.PASSWORD)
    assert status == 200 and body["token"]
    # Spraying usernames through the API is throttled per address as on the pages.
    victims = [CitizenFactory() for _ in range(25)]
    sprayer = Client(REMOTE_ADDR=HALL)
    statuses = [token(sprayer, victim.username, WRONG)[0] for victim in victims]
    assert statuses.count(429) == 6 and statuses[-1] == 429 and max(statuses) < 500
    status, body = token(sprayer, owner.username, factories.PASSWORD)
    assert status == 429 and body["error"]["code"] == "throttled" and body["error"]["field"] is None
    print(f"FIGURES token spray: {len(statuses)} usernames tried, {statuses.count(429)} refused (429), 0 5xx")


def test_the_admin_login_is_limited_per_account_and_address() -> None:
    admin = StaffFactory(role=Role.SYSTEM_ADMIN)
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(5):
        page_login(attacker, admin.username, WRONG, url="/admin/login/")
    assert page_login(attacker, admin.username, factories.PASSWORD, url="/admin/login/") == 429
    assert page_login(Client(REMOTE_ADDR=OWNER), admin.username, factories.PASSWORD, url="/admin/login/") == 302


def test_the_counts_live_in_the_database_for_every_process() -> None:
    owner = CitizenFactory()
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(5):
        page_login(attacker, owner.username, WRONG)
    row = AccessAttempt.objects.get(username=owner.username, ip_address=ATTACKER)
    assert row.failures_since_start == 5
    # Another process starts with its own handler and no memory of these requests: it reads the same rows.
    AxesProxyHandler.get_implementation(force=True)
    assert page_login(Client(REMOTE_ADDR=ATTACKER), owner.username, factories.PASSWORD) == 429


def test_forwarded_for_counts_only_behind_a_trusted_proxy(settings) -> None:
    owner = CitizenFactory()
    # Not behind a proxy: a client cannot escape its lock by inventing X-Forwarded-For addresses.
    for n in range(5):
        Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"10.9.9.{n}").post(
            "/accounts/login/", {"username": owner.username, "password": WRONG}
        )
    spoofing = Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="10.9.9.99")
    assert page_login(spoofing, owner.username, factories.PASSWORD) == 429
    # Behind the configured proxy, each client is its own address: the owner behind the same proxy gets in.
    settings.TONGBAN_TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxy = "10.0.0.2"
    for _ in range(5):
        Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=ATTACKER).post(
            "/accounts/login/", {"username": owner.username, "password": WRONG}
        )
    assert AccessAttempt.objects.filter(ip_address=ATTACKER, username=owner.username).exists()
    assert not AccessAttempt.objects.filter(ip_address=proxy).exists()
    behind = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"{OWNER}")
    assert page_login(behind, owner.username, factories.PASSWORD) == 302
    # A client prepending a fake hop is still keyed on what the proxy saw.
    forged = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"{OWNER}, {ATTACKER}")
    assert page_login(forged, owner.username, factories.PASSWORD) == 429
