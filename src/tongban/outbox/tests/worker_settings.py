"""Settings of the real worker that test_worker.py starts: Tongban's own, plus the probe app's topics."""

from tongban.settings import *  # noqa: F403
from tongban.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tongban.outbox.tests.probe"]
