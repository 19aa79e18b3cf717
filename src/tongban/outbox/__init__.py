"""The transactional outbox: messages written in the caller's transaction, delivered after commit by the task
queue, retried with backoff, dead-lettered after a limit. ``@outbox.register("topic")`` names a topic's
handler; ``@outbox.periodic(...)`` a job the worker's scheduler enqueues when due (registry.py).

A low layer: it imports only tongban.core, Django and the django-tasks packages; apps import it."""

from .registry import periodic, register

__all__ = ["periodic", "register"]
