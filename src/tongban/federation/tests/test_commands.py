"""The operator's commands: a key made off the nodes signs a directory the node then installs; the message
log verifies again, and a log row altered afterwards does not."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from tongban.core import sm2

from .. import services
from ..models import DirectoryVersion, OutgoingMessage
from .conftest import LOCAL, PEER, key, node_entry


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("federation", *args, stdout=out)
    return out.getvalue()


def test_keygen_and_sign_directory_make_what_the_node_installs(federation, tmp_path, settings):
    offline = tmp_path / "offline.pem"
    public_pem = run("keygen", "-o", str(offline))
    with pytest.raises(CommandError, match="已存在"):
        run("keygen", "-o", str(offline))
    document = {
        "version": 7,
        "nodes": [node_entry(LOCAL, sm2.public_key_of(key("x")[0]), 1), node_entry(PEER, key("peer")[1], 9)],
    }
    source = tmp_path / "directory.json"
    source.write_text(json.dumps(document, ensure_ascii=False))
    signed = tmp_path / "directory.signed.json"
    assert "v7" in run("sign-directory", str(source), "--key", str(offline), "-o", str(signed))
    settings.TONGBAN_FEDERATION_DIRECTORY = str(signed)
    settings.TONGBAN_FEDERATION_DIRECTORY_KEY = public_pem
    assert "v7" in run("refresh-directory")
    assert DirectoryVersion.objects.order_by("-version").values_list("version", flat=True)[0] == 7
    source.write_text(json.dumps({**document, "nodes": []}))
    with pytest.raises(CommandError, match="没有节点"):
        run("sign-directory", str(source), "--key", str(offline), "-o", str(signed))


def test_verify_log_finds_a_log_row_altered_after_the_fact(federation):
    with transaction.atomic():
        sent = services.send_message(to_node=PEER, case_ref="C-1", message_type="federation.ping", payload={"n": 1})
    assert "1 条签名、回执和时间戳均有效，0 条有问题" in run("verify-log")
    OutgoingMessage.objects.filter(pk=sent.pk).update(body=sent.body.replace('"n":1', '"n":2'))
    with pytest.raises(SystemExit):
        run("verify-log")
    assert "报文摘要与记录不符" in "\n".join(services.verify_logged(OutgoingMessage.objects.get()))


def test_cluster_prints_each_nodes_address_once(monkeypatch):
    from .. import cluster as cluster_module

    class Quick(cluster_module.Cluster):
        """The real start's output without processes: every node answers at once."""

        def prepare(self) -> None:
            return None

        def start_node(self, code: str, *, wait: bool = True, timeout: float = 120) -> None:
            return None

        def wait_ready(self, code: str, timeout: float = 120) -> None:
            return None

        def wait(self) -> None:
            return None

        def stop(self) -> None:
            return None

    monkeypatch.setattr(cluster_module, "Cluster", Quick)
    out = run("cluster", "--nodes", "330681,370402", "--base-port", "8301", "--root", "/tmp/unused-cluster")
    for port in (8301, 8302):
        assert out.count(f"http://127.0.0.1:{port}/ ") == 1, out
