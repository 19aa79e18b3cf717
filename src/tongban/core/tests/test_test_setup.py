"""The test set-up itself: the throw-away PostgreSQL server and the browser plugin's Chromium lookup."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection

from tongban.core.testing import browser, pgserver


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_it_was_asked_for() -> None:
    # A silent fall-back to SQLite would make the PostgreSQL run prove nothing.
    expected = "postgresql" if os.environ.get("TONGBAN_TEST_POSTGRES") == "1" else "sqlite"
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_throwaway_postgres_starts_answers_and_is_removed() -> None:
    try:
        pgserver.pg_bin_dir()
    except pgserver.PostgresUnavailable as exc:
        if _in_ci():
            raise
        pytest.skip(str(exc))
    import psycopg

    url, stop = pgserver.start_server()
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1"
    with psycopg.connect(url) as conn:
        assert conn.execute("SHOW server_encoding").fetchone() == ("UTF8",)
        conn.execute("CREATE TABLE t (name text)")
        conn.execute("INSERT INTO t VALUES ('诸暨市')")
        assert conn.execute("SELECT name FROM t").fetchone() == ("诸暨市",)
        row = conn.execute("SHOW data_directory").fetchone()
        assert row is not None
        data_dir = Path(row[0])
    stop()
    assert not data_dir.exists()
    with socket.socket() as s, pytest.raises(OSError):
        s.settimeout(2)
        s.connect(("127.0.0.1", parts.port or 5432))


def test_missing_postgres_binaries_say_how_to_install_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TONGBAN_PG_BIN", raising=False)
    monkeypatch.setattr(pgserver.glob, "glob", lambda pattern: [])
    monkeypatch.setattr(pgserver.shutil, "which", lambda name: None)
    with pytest.raises(pgserver.PostgresUnavailable, match="apt-get install postgresql"):
        pgserver.pg_bin_dir()


def test_chromium_path_comes_from_the_environment_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    monkeypatch.setenv("TONGBAN_CHROMIUM", str(fake))
    assert browser.chromium_executable() is None  # not executable
    fake.chmod(0o755)
    assert browser.chromium_executable() == str(fake)
