"""The three modes end to end between three real nodes (浙江省诸暨市 receives; 山东省枣庄市市中区 and 河南省济源市
decide), each a process of its own with its own database, demo data, key and worker, messages signed and
delivered by the transport over HTTP. One cluster for the module; the browser walk is test_browser.py."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from .cluster_fixture import JY, SZ, ZJ, Nodes

pytestmark = [pytest.mark.worker, pytest.mark.django_db]
STEPS = Path(__file__).with_name("node_steps.py")


def step(nodes: Nodes, code: str, call: str) -> str:
    """Run one of node_steps.py's functions inside the node's own process (its settings, its database)."""
    return nodes.cluster.manage(code, "shell", "-c", f"exec(open({str(STEPS)!r}).read()); {call}")


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.3)


def status(nodes: Nodes, code: str, ref: str, side: str) -> str:
    rows = nodes.cluster.query(
        code, "SELECT status FROM crossregion_crossregioncase WHERE ref = %s AND side = %s", (ref, side)
    )
    return rows[0][0] if rows else ""


def timeline(nodes: Nodes, code: str, ref: str, side: str) -> list[tuple[str, str]]:
    return [
        (node, action)
        for node, action in nodes.cluster.query(
            code,
            "SELECT e.node, e.action FROM crossregion_crossregionevent e JOIN crossregion_crossregioncase c"
            " ON c.id = e.case_id WHERE c.ref = %s AND c.side = %s ORDER BY e.happened_at, e.id",
            (ref, side),
        )
    ]


def test_three_modes_between_three_nodes(federation_nodes: Nodes):
    n = federation_nodes
    refs = json.loads(step(n, ZJ, f"receive_all({SZ!r}, {JY!r}, {ZJ!r})").strip().splitlines()[-1])
    proxy, online, joint = refs["proxy"], refs["online"], refs["joint"]
    out_leg, in_leg = f"{joint}-out", f"{joint}-in"
    wait_for(
        lambda: status(n, SZ, proxy, "deciding") and status(n, SZ, online, "deciding"), "the applications on 市中区"
    )
    wait_for(lambda: status(n, JY, out_leg, "deciding"), "the move-out leg on 济源")
    assert status(n, ZJ, in_leg, "receiving") == "waiting"  # the move-in waits for the move-out

    # 异地代收代办: 市中区 asks for correction through 诸暨's window, which scans the paper and sends it.
    step(n, SZ, f"ask_correction({proxy!r}, 'shizhong_window', ['授权委托书及代理人居民身份证'])")
    # 全程网办 and the move-out are granted where they are decided.
    step(n, SZ, f"grant({online!r}, 'shizhong_window', 'shizhong_police_approver', 'electronic')")
    step(n, JY, f"grant({out_leg!r}, 'jiyuan_window', 'jiyuan_police_approver', 'electronic')")
    wait_for(lambda: status(n, ZJ, proxy, "receiving") == "correction", "the correction at 诸暨's window")
    step(n, ZJ, f"resubmit({proxy!r}, 'zj_window', '授权委托书及代理人居民身份证')")
    wait_for(lambda: status(n, SZ, proxy, "deciding") == "forwarded", "the resubmission on 市中区")
    step(n, SZ, f"grant({proxy!r}, 'shizhong_window', 'shizhong_police_approver', 'window')")
    wait_for(lambda: status(n, ZJ, proxy, "receiving") == "result_sent", "the result at 诸暨's window")
    step(n, ZJ, f"hand_over({proxy!r}, 'zj_window')")
    # 多地联办: the move-out granted, the move-in started on 诸暨 itself with what 济源 decided.
    wait_for(lambda: status(n, ZJ, in_leg, "deciding") == "forwarded", "the move-in leg on 诸暨")
    step(n, ZJ, f"grant({in_leg!r}, 'zj_window', 'zj_police_approver', 'window')")

    wait_for(lambda: status(n, SZ, proxy, "deciding") == "closed", "the hand-over reported to 市中区")
    wait_for(lambda: status(n, ZJ, online, "receiving") == "closed", "the online result on 诸暨")
    joint_state = json.loads(step(n, ZJ, f"state({joint!r})").strip().splitlines()[-1])
    assert joint_state["joint"] == ["done"]
    assert status(n, ZJ, out_leg, "receiving") == "closed" and status(n, JY, out_leg, "deciding") == "closed"

    # Both sides hold the whole timeline, each event once, with the node where it happened.
    here, there = timeline(n, ZJ, proxy, "receiving"), timeline(n, SZ, proxy, "deciding")
    assert here == there
    assert [a for _, a in here if not a.startswith("case:")] == [
        "take",
        "forward",
        "request_correction",
        "resubmit",
        "accept",
        "grant",
        "issue_result",
        "hand_over",
    ]
    assert {node for node, _ in here} == {ZJ, SZ}
    # Every message signed, logged on both sides and acknowledged.
    sent = n.cluster.query(
        ZJ,
        "SELECT COUNT(*), SUM(CASE WHEN status = 'acknowledged' THEN 1 ELSE 0 END) FROM"
        " federation_outgoingmessage WHERE case_ref = %s",
        (proxy,),
    )[0]
    received = n.cluster.query(SZ, "SELECT COUNT(*) FROM federation_incomingmessage WHERE case_ref = %s", (proxy,))
    assert sent[0] == sent[1] == received[0][0] >= 3
