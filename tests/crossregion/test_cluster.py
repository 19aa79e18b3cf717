"""The three modes end to end between three real nodes (浙江省诸暨市 receives; 山东省枣庄市市中区 and 河南省济源市
decide), each a process of its own with its own database, demo data, key and worker, messages signed and
delivered by the transport over HTTP; 诸暨's 跨省通办 window is walked in Chromium. One cluster, one test (the
browser walk and the services' steps share it, whatever worker runs it)."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tongban.cases.forms import FIELD_PREFIX
from tongban.core.testing.files import pdf
from tongban.crossregion import transport
from tongban.crossregion.services import guides
from tongban.demo.answers import fill
from tongban.demo.data.accounts import DEMO_PASSWORD as PASSWORD

from .cluster_fixture import JY, SZ, ZJ, Nodes
from .conftest import APPLICANT

expect = pytest.importorskip("playwright.sync_api").expect

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


def sign_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def fill_form(page: Any, schema: list[dict]) -> None:
    """Answer the deciding region's form as the applicant would (demo.answers), field by field."""
    for key, value in fill(schema, APPLICANT, dt.date.today()).items():
        kind = next(f["type"] for f in schema if f["key"] == key)
        name = f"[name='{FIELD_PREFIX}{key}']"
        if kind == "select":
            page.locator(name).select_option(str(value))
        elif kind == "boolean":
            page.locator(name).set_checked(bool(value))
        elif kind == "multiselect":
            for option in value:
                page.locator(f"{name}[value='{option}']").check()
        else:
            page.locator(name).fill(str(value))


def pdf_file(name: str) -> dict:
    return {"name": f"{name}.pdf", "mimeType": "application/pdf", "buffer": pdf(name)}


def take_at_the_window_in_the_browser(n: Nodes, browser: Any, screenshot: Any) -> tuple[Any, str]:
    """异地代收 at 诸暨's 跨省通办 window: find 市中区's item, check identity and form, scan, take, forward."""
    context = browser.new_context(base_url=n.url(ZJ), locale="zh-CN")
    page = context.new_page()
    sign_in(page, "zj_window")
    page.goto("/kuayu/?q=无犯罪记录证明")
    page.locator("tr", has_text="山东省枣庄市市中区").get_by_role("link", name="窗口代收").click()
    expect(page.locator("h1")).to_contain_text("异地代收：无犯罪记录证明")
    page.locator("#name").fill(APPLICANT.name)
    page.locator("#id_number").fill(APPLICANT.id_number)
    page.locator("#phone").fill(APPLICANT.phone)
    schema = guides.parse_guide(transport.Node(SZ, "", n.url(SZ)), _guide(n, page.url)).form_schema
    fill_form(page, schema)
    page.locator("input[type=file]").first.set_input_files(pdf_file("身份证扫描件"))
    screenshot(page, "crossregion-window-take")
    page.get_by_role("button", name="收件").click()
    expect(page.locator("#xr-status")).to_have_text("已收件待转递")
    ref = re.search(r"KY\d+[0-9A-F]+", page.locator(".where").inner_text()).group(0)  # type: ignore[union-attr]
    page.get_by_role("button", name="转递山东省枣庄市市中区").click()
    # Until 市中区 signs for the application the page says so; then 已转递待受理.
    expect(page.locator("#xr-status")).to_have_text(re.compile(r"已转递(待受理|，待办理地签收)"))
    return page, ref


def _guide(n: Nodes, take_url: str) -> dict:
    code = take_url.rstrip("/").rsplit("/", 1)[1]
    with urllib.request.urlopen(f"{n.url(SZ)}/api/v1/implementations/{code}", timeout=10) as response:
        return json.load(response)


def test_three_modes_between_three_nodes_the_window_in_the_browser(federation_nodes: Nodes, browser, screenshot):
    n = federation_nodes
    refs = json.loads(step(n, ZJ, f"receive_online_and_joint({SZ!r}, {JY!r}, {ZJ!r})").strip().splitlines()[-1])
    online, joint = refs["online"], refs["joint"]
    out_leg, in_leg = f"{joint}-out", f"{joint}-in"
    page, proxy = take_at_the_window_in_the_browser(n, browser, screenshot)
    wait_for(lambda: status(n, SZ, proxy, "deciding") and status(n, SZ, online, "deciding"), "the cases on 市中区")
    wait_for(lambda: status(n, JY, out_leg, "deciding"), "the move-out leg on 济源")
    assert status(n, ZJ, in_leg, "receiving") == "waiting"  # the move-in waits for the move-out

    # 异地代收代办: 市中区 asks for correction through 诸暨's window, which scans the paper and sends it.
    step(n, SZ, f"ask_correction({proxy!r}, 'shizhong_window', ['授权委托书及代理人居民身份证'])")
    # 全程网办 and the move-out are granted where they are decided.
    step(n, SZ, f"grant({online!r}, 'shizhong_window', 'shizhong_police_approver', 'electronic')")
    step(n, JY, f"grant({out_leg!r}, 'jiyuan_window', 'jiyuan_police_approver', 'electronic')")
    wait_for(lambda: status(n, ZJ, proxy, "receiving") == "correction", "the correction at 诸暨's window")
    page.reload()
    expect(page.locator("#xr-status")).to_have_text("待补正")
    page.get_by_label("授权委托书及代理人居民身份证").set_input_files(pdf_file("授权委托书"))
    page.get_by_role("button", name="转递补正材料").click()
    wait_for(lambda: status(n, SZ, proxy, "deciding") == "forwarded", "the resubmission on 市中区")
    step(n, SZ, f"grant({proxy!r}, 'shizhong_window', 'shizhong_police_approver', 'window')")
    wait_for(lambda: status(n, ZJ, proxy, "receiving") == "result_sent", "the result at 诸暨's window")
    page.reload()
    page.get_by_role("button", name="申请人已领取结果").click()
    expect(page.locator("#xr-status")).to_have_text("已办结")
    screenshot(page, "crossregion-window-timeline")
    # 多地联办: the move-out granted, the move-in started on 诸暨 itself with what 济源 decided.
    wait_for(lambda: status(n, ZJ, in_leg, "deciding") == "forwarded", "the move-in leg on 诸暨")
    step(n, ZJ, f"grant({in_leg!r}, 'zj_window', 'zj_police_approver', 'window')")

    wait_for(lambda: status(n, SZ, proxy, "deciding") == "closed", "the hand-over reported to 市中区")
    wait_for(lambda: status(n, ZJ, online, "receiving") == "closed", "the online result on 诸暨")
    # The move-in decided here, its result at this window: not 联办完成 until the applicant has it (the window's
    # page is the receiving copy although both copies are in this node's database).
    wait_for(lambda: status(n, ZJ, in_leg, "receiving") == "result_sent", "the move-in result at 诸暨's window")
    assert json.loads(step(n, ZJ, f"state({joint!r})").strip().splitlines()[-1])["joint"] == ["running"]
    page.goto(f"{n.url(ZJ)}/kuayu/case/{in_leg}/")
    page.get_by_role("button", name="申请人已领取结果").click()
    expect(page.locator("#xr-status")).to_have_text("已办结")
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
