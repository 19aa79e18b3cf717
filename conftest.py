"""Repository-wide pytest set-up: fixtures every app's tests may use.

The browser fixtures (``browser``, ``page``, ``mobile_page``, ``screenshot``, ``browser_login``) live in a
plugin inside the package so that tests anywhere in src/tongban/*/tests and tests/ can use them;
``demo_db`` (the demo's regions, catalogue, bundles and accounts, loaded once per test process) and
``demo_cases_db`` (the same with the demo's cases, on a fixed day) are below. docs/adr/0002-testing.md
describes them.
"""

import datetime as dt
import os
from zoneinfo import ZoneInfo

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
    """The rows ``tongban demo load --no-cases`` makes, loaded once per test process (each xdist worker) into
    its test database, kept, and rolled back (tongban.core.testing.snapshot)."""
    from django.test import override_settings

    from tongban.core.testing.snapshot import RowSnapshot
    from tongban.demo.loader import load_demo

    with django_db_blocker.unblock(), override_settings(DEMO_MODE=True):
        return RowSnapshot.capture(lambda: load_demo(cases=False))


# The day the demo's cases are loaded on in tests (a Thursday the calendar knows), and its moment: the pages
# of a test with ``demo_cases_db`` see this day, so its due-soon and late cases are the same on every run.
DEMO_MOMENT = dt.datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="session")
def demo_case_rows(django_db_setup, django_db_blocker):
    """The rows of the whole ``tongban demo load``, its cases included, loaded on DEMO_MOMENT once per test
    process."""
    from django.test import override_settings

    from tongban.core import clock
    from tongban.core.testing.snapshot import RowSnapshot
    from tongban.demo.loader import load_demo

    with django_db_blocker.unblock(), override_settings(DEMO_MODE=True), clock.moved_to(DEMO_MOMENT):
        return RowSnapshot.capture(load_demo)


@pytest.fixture
def demo_db(demo_rows, db, settings):
    """This test's database holds the demo (regions, catalogue, bundles, demo accounts; not its cases) as after
    ``tongban demo load --no-cases``, in demo mode so the demo accounts may sign in: put back from the process's
    snapshot in a fraction of a second. Works in transactional and browser tests too (the rows are flushed
    with the rest)."""
    settings.DEMO_MODE = True
    demo_rows.restore()


@pytest.fixture
def demo_cases_db(demo_case_rows, db, settings):
    """The whole demo with its cases, as ``tongban demo load`` left it on DEMO_MOMENT, with the process clock
    (tongban.core.clock, the live server's too) running on from that moment for the test."""
    from tongban.core import clock

    settings.DEMO_MODE = True
    demo_case_rows.restore()
    clock.set_to(DEMO_MOMENT)
    yield DEMO_MOMENT
    clock.reset()
