"""Settings for the test suite.

With TONGBAN_TEST_POSTGRES=1 a throw-away PostgreSQL server is started on a temporary directory and a
loopback port (see tongban.core.testing.pgserver) and the suite runs against it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("TONGBAN_TESTING", "1")

if os.environ.get("TONGBAN_TEST_POSTGRES") == "1" and not os.environ.get("TONGBAN_TEST_PG_URL"):
    from tongban.core.testing.pgserver import start_throwaway_server

    os.environ["TONGBAN_TEST_PG_URL"] = start_throwaway_server()

if os.environ.get("TONGBAN_TEST_PG_URL"):
    os.environ["DATABASE_URL"] = os.environ["TONGBAN_TEST_PG_URL"]
else:
    os.environ["DATABASE_URL"] = "sqlite:///:memory:"

from tongban.settings import *  # noqa: F403
from tongban.settings import DATABASES

DEMO_MODE = False
# Each test run signs with a key of its own, never one in the checkout's var/ (core/signing.py).
TONGBAN_SIGNING_KEY_DIR = tempfile.mkdtemp(prefix="tongban-signing-")
# Tests roll their calendar rows back; a cached calendar must not outlive them (workdays/selectors.py).
TONGBAN_CALENDAR_RECHECK_SECONDS = 0.0
TONGBAN_CATALOGUE_RECHECK_SECONDS = 0.0
# Tests change token rows behind the API's back; the cache has its own test (accounts/tests/test_tokens.py).
TONGBAN_API_TOKEN_CACHE_SECONDS = 0.0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "django.contrib.auth.hashers.Argon2PasswordHasher"]
DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks run at once in the test process (after commit); tests about the worker start a real one.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
# The audit log's anchor outside the database: a directory of this test process (audit tests use their own).
TONGBAN_AUDIT_ANCHOR_DIR = Path(tempfile.mkdtemp(prefix="tongban-audit-"))
# The federation node key of this test process (federation/keys.py makes it there), never the checkout's var/.
TONGBAN_NODE_KEY_FILE = str(Path(tempfile.mkdtemp(prefix="tongban-node-")) / "node_key.pem")
