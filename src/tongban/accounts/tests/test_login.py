"""Login, logout, lockout after repeated failures (django-axes), Argon2 hashing and the demo guard."""

from __future__ import annotations

import importlib

import pytest
from django.contrib.auth import get_user
from django.contrib.auth.hashers import identify_hasher, make_password
from django.test import Client, override_settings

from tongban.accounts.forms import DEMO_REFUSED
from tongban.accounts.roles import Role

from . import factories

pytestmark = pytest.mark.django_db

WRONG = "Wrong#password1"


def login(client: Client, username: str, password: str, url: str = "/accounts/login/"):
    return client.post(url, {"username": username, "password": password})


def test_login_page_is_chinese(client: Client) -> None:
    html = client.get("/accounts/login/").content.decode()
    assert "<h1>登录</h1>" in html and "用户名" in html and "密码" in html
    assert "/accounts/register/" in html


def test_login_and_logout(client: Client) -> None:
    user = factories.CitizenFactory()
    response = login(client, user.username, factories.PASSWORD)
    # Signing in lands on the account's own workspace (工作台: a citizen's is 我的办件).
    assert response.status_code == 302 and response["Location"] == "/workspace/"
    assert get_user(client).pk == user.pk
    # Logging out takes a POST: a link (or an image tag on another site) cannot do it.
    assert client.get("/accounts/logout/").status_code == 405
    assert get_user(client).is_authenticated
    assert client.post("/accounts/logout/").status_code == 302
    assert not get_user(client).is_authenticated


def test_login_follows_a_safe_next(client: Client) -> None:
    user = factories.CitizenFactory()
    response = client.post(
        "/accounts/login/?next=/accounts/me/",
        {"username": user.username, "password": factories.PASSWORD, "next": "/accounts/me/"},
    )
    assert response["Location"] == "/accounts/me/"
    client.logout()
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": factories.PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/workspace/"


def test_wrong_password_message_is_chinese(client: Client) -> None:
    user = factories.CitizenFactory()
    response = login(client, user.username, WRONG)
    assert response.status_code == 200
    html = response.content.decode()
    assert "用户名或密码不正确" in html and "连续输错5次" in html
    assert not get_user(client).is_authenticated


def test_me_requires_login(client: Client) -> None:
    response = client.get("/accounts/me/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/accounts/me/")


def test_sixth_attempt_with_the_right_password_is_refused_after_five_failures(client: Client) -> None:
    user = factories.CitizenFactory()
    for _ in range(4):
        assert login(client, user.username, WRONG).status_code == 200
    # The fifth failure reaches the limit and already answers with the lockout page.
    assert login(client, user.username, WRONG).status_code == 429
    response = login(client, user.username, factories.PASSWORD)
    assert response.status_code == 429
    assert not get_user(client).is_authenticated
    html = response.content.decode()
    assert "账号已暂时锁定" in html and "30分钟" in html and user.username in html
    # The lockout is by username and address: it follows the account to another browser at that address …
    other = Client()
    assert login(other, user.username, factories.PASSWORD).status_code == 429
    # … and does not touch other accounts.
    neighbour = factories.CitizenFactory()
    assert login(other, neighbour.username, factories.PASSWORD).status_code == 302


def test_four_failures_then_the_right_password_logs_in_and_resets(client: Client) -> None:
    user = factories.CitizenFactory()
    for _ in range(4):
        login(client, user.username, WRONG)
    assert login(client, user.username, factories.PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):  # the counter started again after the success
        assert login(client, user.username, WRONG).status_code == 200
    assert login(client, user.username, factories.PASSWORD).status_code == 302


def test_admin_login_is_protected_too(client: Client) -> None:
    admin = factories.StaffFactory(role=Role.SYSTEM_ADMIN)
    for _ in range(5):
        login(client, admin.username, WRONG, url="/admin/login/")
    response = login(client, admin.username, factories.PASSWORD, url="/admin/login/")
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    assert client.get("/admin/").status_code == 302  # still sent to the login page


def test_admin_login_works_for_an_admin_role(client: Client) -> None:
    admin = factories.StaffFactory(role=Role.CATALOGUE_ADMIN)
    assert login(client, admin.username, factories.PASSWORD, url="/admin/login/").status_code == 302
    assert client.get("/admin/").status_code == 200


def test_production_settings_hash_with_argon2() -> None:
    production = importlib.import_module("tongban.settings")
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        encoded = make_password("Tongban#2025pass")
        assert encoded.startswith("argon2$argon2id$")
        assert identify_hasher(encoded).algorithm == "argon2"


def test_production_settings_lock_out_by_username_and_address_after_five() -> None:
    production = importlib.import_module("tongban.settings")
    assert production.AXES_FAILURE_LIMIT == 5
    assert production.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert production.AXES_HANDLER == "tongban.accounts.lockout.AccountAndAddressHandler"
    assert production.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


@override_settings(DEMO_MODE=False)
def test_demo_account_is_refused_outside_demo_mode(client: Client) -> None:
    user = factories.CitizenFactory(is_demo=True)
    response = login(client, user.username, factories.PASSWORD)
    assert response.status_code == 200
    assert DEMO_REFUSED in response.content.decode()
    assert not get_user(client).is_authenticated
    # The admin login applies the same guard.
    admin = factories.StaffFactory(role=Role.SYSTEM_ADMIN, is_demo=True)
    login(client, admin.username, factories.PASSWORD, url="/admin/login/")
    assert not get_user(client).is_authenticated


@override_settings(DEMO_MODE=True)
def test_demo_account_logs_in_in_demo_mode(client: Client) -> None:
    user = factories.CitizenFactory(is_demo=True)
    assert login(client, user.username, factories.PASSWORD).status_code == 302
    assert get_user(client).pk == user.pk


@override_settings(DEMO_MODE=False)
def test_demo_refusal_says_nothing_about_real_accounts(client: Client) -> None:
    user = factories.CitizenFactory()
    html = login(client, user.username, WRONG).content.decode()
    assert DEMO_REFUSED not in html and "用户名或密码不正确" in html


def test_inactive_account_cannot_log_in(client: Client) -> None:
    user = factories.CitizenFactory()
    user.is_active = False
    user.save()
    assert login(client, user.username, factories.PASSWORD).status_code == 200
    assert not get_user(client).is_authenticated


def test_password_change(client: Client) -> None:
    user = factories.CitizenFactory()
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {"old_password": factories.PASSWORD, "new_password1": "Another#2025pw", "new_password2": "Another#2025pw"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/accounts/me/"
    assert "密码已修改" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("Another#2025pw")


def test_staff_profile_shows_role_and_admin_link(client: Client) -> None:
    clerk = factories.StaffFactory(role=Role.WINDOW_CLERK)
    client.force_login(clerk)
    html = client.get("/accounts/me/").content.decode()
    assert "综合窗口受理人员" in html and "浙江省绍兴市诸暨市" in html
    assert "进入管理后台" not in html  # window clerks do not work in the admin site
    assert "进入工作台" not in html  # a clerk bound to no service centre has no window to work at
    client.force_login(factories.StaffFactory(role=Role.APPROVER))
    assert 'href="/workspace/">进入工作台</a>' in client.get("/accounts/me/").content.decode()
    client.force_login(factories.StaffFactory(role=Role.CATALOGUE_ADMIN))
    assert "进入管理后台" in client.get("/accounts/me/").content.decode()
