"""Production settings (issue 8): `tongban check --deploy` is clean when neither demo nor debug mode; no public
fallback secret even in debug; staff sessions end after idle time; HTTPS behind a proxy; the CSP header."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.utils import timezone

from tongban.accounts.tests.factories import PASSWORD, CitizenFactory, WindowClerkFactory

ROOT = Path(__file__).resolve().parents[1]
OLD_PUBLIC_KEY = "tongban-insecure-demo-key-do-not-use-in-production"


def run_settings(tmp_path: Path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter with Tongban's production settings module and only ``env``."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TONGBAN_", "DJANGO_", "DATABASE_URL"))}
    full = {**base, "DJANGO_SETTINGS_MODULE": "tongban.settings", "TONGBAN_VAR_DIR": str(tmp_path), **env}
    return subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=120)


PRODUCTION = {
    "TONGBAN_SECRET_KEY": "k" * 10 + "Z9x#Q-v!s@e%r^t&y*u(i)o_p+l=a~s:d;f'g<h>j,k.l?m/n" * 2,
    "TONGBAN_AUDIT_KEY": "audit-signing-key-from-the-environment",
    "TONGBAN_LICENCE_KEY_SECRET": "licence-key-encryption-secret-from-the-environment",
    "TONGBAN_ALLOWED_HOSTS": "tongban.example.gov.cn",
}


def test_check_deploy_is_clean_in_production(tmp_path: Path) -> None:
    code = "import django; django.setup(); from django.core.management import call_command; " + (
        "call_command('check', '--deploy', '--fail-level', 'WARNING')"
    )
    done = run_settings(tmp_path, code, **PRODUCTION)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "no issues" in done.stdout


def test_production_refuses_to_start_without_its_keys(tmp_path: Path) -> None:
    for missing in ("TONGBAN_SECRET_KEY", "TONGBAN_AUDIT_KEY", "TONGBAN_LICENCE_KEY_SECRET"):
        env = {k: v for k, v in PRODUCTION.items() if k != missing}
        done = run_settings(tmp_path, "import tongban.settings", **env)
        assert done.returncode != 0 and missing in done.stderr


def test_debug_has_no_public_fallback_key_but_one_of_its_own(tmp_path: Path) -> None:
    code = "import tongban.settings as s; print(s.SECRET_KEY); print(s.TONGBAN_AUDIT_KEYS[0])"
    first = run_settings(tmp_path, code, TONGBAN_DEBUG="1")
    assert first.returncode == 0, first.stderr
    key, audit_key = first.stdout.split()
    assert key != OLD_PUBLIC_KEY and len(key) >= 50 and audit_key != key
    stored = tmp_path / "secret_key"
    assert stored.read_text(encoding="utf-8") == key
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600  # readable by the installation's user only
    again = run_settings(tmp_path, code, TONGBAN_DEMO_MODE="1")
    assert again.stdout.split() == [key, audit_key]  # the same installation keeps its keys (sessions survive)
    elsewhere = run_settings(tmp_path / "other", code, TONGBAN_DEBUG="1")
    assert elsewhere.stdout.split()[0] != key


def test_production_defaults_are_secure(tmp_path: Path) -> None:
    code = (
        "import tongban.settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS > 0, getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    done = run_settings(tmp_path, code, **PRODUCTION, TONGBAN_PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert done.stdout.strip() == "True True True True ('HTTP_X_FORWARDED_PROTO', 'https')", done.stderr


@pytest.mark.django_db
def test_behind_a_tls_proxy_https_is_recognised_and_plain_http_redirected() -> None:
    with override_settings(SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
        plain = Client().get("/items/")
        assert plain.status_code == 301 and plain["Location"].startswith("https://")
        assert Client().get("/healthz").status_code == 200  # the health check stays reachable
        secure = Client().get("/", HTTP_X_FORWARDED_PROTO="https")
        assert secure.status_code == 200
    with override_settings(SECURE_HSTS_SECONDS=31536000):
        response = Client().get("/", secure=True)
        assert "max-age=31536000" in response["Strict-Transport-Security"]


@pytest.mark.django_db
def test_every_answer_carries_the_content_security_policy(client: Client) -> None:
    for path in ("/", "/accounts/login/", "/api/v1/openapi.json", "/api/v1/docs"):
        policy = client.get(path)["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_a_staff_session_ends_after_its_idle_time(settings) -> None:
    settings.TONGBAN_STAFF_IDLE_MINUTES = 30
    clerk, person = WindowClerkFactory(), CitizenFactory()
    desk = Client()
    response = desk.post("/accounts/login/", {"username": clerk.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies["sessionid"]["max-age"] == 30 * 60  # not Django's two weeks
    session = Session.objects.get(session_key=desk.cookies["sessionid"].value)
    assert timezone.now() + timezone.timedelta(minutes=29) < session.expire_date
    assert session.expire_date < timezone.now() + timezone.timedelta(minutes=31)
    # Working keeps it alive; 31 idle minutes end it.
    assert desk.get("/accounts/me/").status_code == 200
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    assert desk.get("/accounts/me/").status_code == 302  # back to the login page
    # A citizen keeps the ordinary session.
    home = Client()
    response = home.post("/accounts/login/", {"username": person.username, "password": PASSWORD})
    assert (
        response.cookies["sessionid"]["max-age"] in ("", None) or int(response.cookies["sessionid"]["max-age"]) > 86400
    )


@pytest.mark.django_db
def test_a_staff_session_slides_while_in_use(settings, monkeypatch: Any) -> None:
    clerk = WindowClerkFactory()
    desk = Client()
    desk.force_login(clerk)
    desk.get("/accounts/me/")
    first = Session.objects.get(session_key=desk.cookies["sessionid"].value).expire_date
    later = time.time() + 600
    monkeypatch.setattr(time, "time", lambda: later)
    from django.utils import timezone as tz

    real_now = tz.now
    monkeypatch.setattr(tz, "now", lambda: real_now() + tz.timedelta(seconds=600))
    desk.get("/accounts/me/")
    assert Session.objects.get(session_key=desk.cookies["sessionid"].value).expire_date > first
