"""Repository-wide pytest set-up: fixtures every app's tests may use.

The browser fixtures (``browser``, ``page``, ``mobile_page``, ``screenshot``, ``browser_login``) live in a
plugin inside the package so that tests anywhere in src/tongban/*/tests and tests/ can use them;
``demo_db`` (the whole demo, loaded once per test process) is below. docs/adr/0002-testing.md describes them.
"""

import os

from hypothesis import HealthCheck, settings

pytest_plugins = ["tongban.core.testing.browser"]

# On a shared 2-core CI machine, timing is not what a property test is about.
settings.register_profile("ci", deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=1000)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE")
    or ("ci" if os.environ.get("CI", "").lower() in {"1", "true", "yes"} else "dev")
)


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _forget_process_caches():
    """Tests roll their rows back and primary keys come again: no process cache outlives a test."""
    from tongban.core import caches

    caches.forget_all()
    yield
    caches.forget_all()


# --- the demo data, loaded once per test process ------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_rows(django_db_setup, django_db_blocker):
    """The rows ``tongban demo load`` makes, loaded once per test process (each xdist worker) into its test
    database, kept, and rolled back (tongban.core.testing.snapshot)."""
    from django.test import override_settings

    from tongban.core.testing.snapshot import RowSnapshot
    from tongban.demo.loader import load_demo

    with django_db_blocker.unblock(), override_settings(DEMO_MODE=True):
        return RowSnapshot.capture(load_demo)


@pytest.fixture
def demo_db(demo_rows, db, settings):
    """This test's database holds the whole demo (regions, catalogue, bundles, demo accounts) as after
    ``tongban demo load``, in demo mode so the demo accounts may sign in: put back from the process's
    snapshot in a fraction of a second. Works in transactional and browser tests too (the rows are flushed
    with the rest)."""
    settings.DEMO_MODE = True
    demo_rows.restore()
