from django.apps import AppConfig


class ProbeConfig(AppConfig):
    """A test-only app for the real worker (test_worker.py): its tasks.py registers a topic that fails on
    purpose. Installed only by tongban.outbox.tests.worker_settings."""

    name = "tongban.outbox.tests.probe"
    label = "outbox_probe"
