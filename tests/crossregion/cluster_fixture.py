"""The three demo nodes as a session fixture (one cluster for the cross-region end-to-end and browser tests)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import connection

from tongban.federation.cluster import Cluster

ZJ, SZ, JY = "330681", "370402", "419001"
FAST = {
    "TONGBAN_OUTBOX_RETRY_BASE_SECONDS": "0.3",
    "TONGBAN_OUTBOX_RETRY_CAP_SECONDS": "1",
    "TONGBAN_PERIODIC_INTERVALS": "outbox.sweep=0.5,federation.process_waiting=1,federation.refresh_directory=2",
    "TONGBAN_LOG_LEVEL": "ERROR",
}


@dataclass
class Nodes:
    cluster: Cluster

    def url(self, code: str) -> str:
        return self.cluster.node(code).endpoint


@pytest.fixture(scope="session")
def federation_nodes(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Nodes]:
    root = tmp_path_factory.mktemp("crossregion")
    template = None
    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":  # the suite's migrated test database: each node starts from a copy
            template = root / "migrated.sqlite3"
            connection.ensure_connection()
            with sqlite3.connect(template) as copy:
                connection.connection.backup(copy)
    cluster = Cluster(
        [ZJ, SZ, JY],
        root=root / "nodes",
        base_port=Cluster.free_base_port(3),
        db="sqlite" if template else "postgres",
        demo=True,
        env=FAST,
        log=lambda line: None,
        sqlite_template=template,
    )
    cluster.start(timeout=180)
    yield Nodes(cluster)
    cluster.stop()
