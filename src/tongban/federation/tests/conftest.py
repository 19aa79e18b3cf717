"""A node of a federation inside the test process: this process is 330681 (its key from the test settings),
370402 is a peer whose key the test holds and signs with, the directory is signed by a key of the test."""

from __future__ import annotations

import datetime as dt
import functools
import json

import pytest

from tongban.core import sm2

from .. import services
from ..domain import directory as dirdoc
from ..domain import envelope
from ..keys import node_public_key

LOCAL, PEER = "330681", "370402"
ISSUED = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


@functools.cache
def key(name: str) -> tuple[bytes, bytes]:
    return sm2.generate_keypair()


def node_entry(code: str, public: bytes, port: int) -> dict:
    return {
        "code": code,
        "name": f"节点{code}",
        "endpoint": f"http://127.0.0.1:{port}",
        "public_key": sm2.public_key_pem(public),
        "offers": [{"item_code": f"{code}-A1", "name": "测试事项", "scope": "cross_province", "modes": ["proxy"]}],
    }


class Federation:
    def __init__(self, settings, tmp_path):
        self.settings, self.path = settings, tmp_path / "directory.signed.json"
        settings.TONGBAN_NODE_CODE = LOCAL
        settings.TONGBAN_FEDERATION_DIRECTORY = str(self.path)
        settings.TONGBAN_FEDERATION_DIRECTORY_KEY = sm2.public_key_pem(key("directory")[1])

    def publish(self, version: int = 1, nodes: list[dict] | None = None, signer: bytes | None = None) -> None:
        document = {
            "version": version,
            "issued_at": envelope.iso(ISSUED),
            "nodes": nodes
            if nodes is not None
            else [node_entry(LOCAL, node_public_key(), 1), node_entry(PEER, key("peer")[1], 9)],
            "agreements": [],
        }
        signed = dirdoc.sign(document, signer or key("directory")[0])
        self.path.write_text(json.dumps(signed, ensure_ascii=False))

    def request(self, sequence: int = 1, *, case_ref: str = "C-1", at: dt.datetime | None = None, **changes):
        """A request as the peer would post it."""
        import uuid

        private = changes.pop("private", key("peer")[0])
        body = {
            "message_id": str(uuid.uuid4()),
            "sender": PEER,
            "recipient": LOCAL,
            "case_ref": case_ref,
            "message_type": "federation.ping",
            "sequence": sequence,
            "payload": {"n": sequence},
            "sent_at": envelope.iso(dt.datetime.now(dt.UTC)),
            **changes,
        }
        return envelope.signed_request(private, body, at or dt.datetime.now(dt.UTC)).as_json()


@pytest.fixture
def federation(db, settings, tmp_path):
    found = Federation(settings, tmp_path)
    found.publish()
    services.refresh_directory()
    return found
