"""Issue 3's "Done when", in a real Chromium: a citizen applies online on a phone; a clerk accepts another
application at the window with one material deferred; approvers decide both; one is suspended for expert
review and resumed; the results are issued; a supervisor chases an overdue case and the department answers.

Screenshots: var/screenshots/cases-*.png.
"""

from __future__ import annotations

import datetime as dt
import re
import struct
import zlib
from typing import Any

import pytest

from tongban.cases import services
from tongban.cases.models import Case, CaseEvent, SupervisionNotice
from tongban.cases.tests.factories import World, holding_all, world
from tongban.core import clock
from tongban.core.testing.browser import open_panel

expect = pytest.importorskip("playwright.sync_api").expect

TODAY = dt.date(2026, 9, 29)  # Tuesday before National Day: the promised date lands after the holiday


def png(width: int = 8, height: int = 8) -> bytes:
    """A small real PNG (a scan stand-in)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\xff\xff" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def w(monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return world()


def full_shot(screenshot: Any, page: Any, name: str) -> None:
    """A full-page screenshot with the phone's sticky button bar where it rests, at the end of the form."""
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    screenshot(page, name)


def case_number(page: Any) -> str:
    return page.locator(".case-head .case-number").inner_text().strip()


def test_apply_accept_decide_suspend_resume_issue(
    page: Any, mobile_page: Any, browser_login: Any, screenshot: Any, w: World
) -> None:
    code = w.version.implementation.code
    materials = {m.name: m.pk for m in w.version.materials.all()}

    # --- a citizen applies online, on a phone ------------------------------------------------------------
    phone = mobile_page
    browser_login(phone, w.applicant)
    phone.goto(f"/items/{code}/")
    phone.get_by_role("link", name="在线申请").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("新生儿入户")
    expect(phone.locator("#id_f_applicant_name")).to_have_value("张三")  # pre-filled from the profile
    phone.locator("#id_f_child_name").fill("张小宝")
    phone.locator("#id_f_child_birth_date").fill("2026-09-20")
    phone.set_input_files(
        f"#file-{materials['结婚证']}", files=[{"name": "结婚证.png", "mimeType": "image/png", "buffer": png()}]
    )
    phone.set_input_files(
        f"#file-{materials['出生医学证明']}",
        files=[{"name": "出生证明.pdf", "mimeType": "application/pdf", "buffer": b"not really a pdf"}],
    )
    full_shot(screenshot, phone, "cases-apply-phone")
    phone.get_by_role("button", name="提交申请").click()
    summary = phone.locator("#error-summary")
    expect(summary).to_contain_text("以下文件未能上传")
    expect(phone.locator(f"#material-{materials['出生医学证明']}")).to_contain_text("不是PDF、JPEG、PNG或OFD格式")
    expect(phone.locator(f"#material-{materials['结婚证']}")).to_contain_text("已上传")  # the good file is kept
    expect(phone.locator("#id_f_child_name")).to_have_value("张小宝")
    full_shot(screenshot, phone, "cases-apply-file-error-phone")
    phone.get_by_role("button", name="提交申请").dblclick()  # an impatient double tap
    expect(phone.get_by_role("heading", name="申请已提交")).to_be_visible()
    online_number = phone.locator("#receipt-number").inner_text().strip()
    assert re.fullmatch(r"330681-20260929-\d{6}", online_number)
    expect(phone.locator("#receipt-code")).to_have_text(re.compile(r"^[2-9A-Z]{6}$"))
    screenshot(phone, "cases-receipt-phone")
    assert Case.objects.exclude(status="draft").count() == 1
    assert CaseEvent.objects.filter(action="submit").count() == 1

    # --- a clerk takes another application at the window, one material deferred -------------------------
    browser_login(page, w.clerk)
    page.goto("/cases/window/")
    expect(page.locator("#count-to-accept")).to_have_text("1")
    page.get_by_label("事项名称").fill("入户")
    page.get_by_role("button", name="查找").click()
    page.get_by_role("link", name="收件：新生儿入户").click()
    page.get_by_label("申请人姓名/名称").fill("王五")
    page.get_by_label("证件号码").fill(w.other_citizen.id_number)
    page.get_by_label("联系电话").fill("13900000000")
    page.get_by_label("读取身份证芯片并人证比对").check()
    page.locator("#id_f_child_name").fill("王小宝")
    page.locator("#id_f_child_birth_date").fill("2026-09-18")
    for name in ("居民身份证", "出生医学证明"):  # the paper checklist
        page.locator(f'#paper-list input[value="{name}"]').check()
    screenshot(page, "cases-window-intake")
    page.get_by_role("button", name="收件，进入受理审查").click()
    expect(page.locator("#case-status")).to_have_text("待受理")
    window_number = case_number(page)
    screenshot(page, "cases-window-decide")
    panel = open_panel(page, "defer")
    expect(panel.get_by_label("结婚证")).to_be_checked()
    panel.get_by_label("承诺补交日期").fill("2026-10-09")
    panel.get_by_role("button", name="容缺受理").click()
    expect(page.locator("#case-status")).to_have_text("办理中")
    callout = page.locator("#print-callout")
    expect(callout).to_contain_text("容缺受理承诺书")
    pdf = page.request.get(page.locator("#print-notice").get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    expect(page.locator("#timeline")).to_contain_text("容缺材料：结婚证（2026-10-09前补交）")
    screenshot(page, "cases-window-deferred")

    # The online application waits in the clerk's queue: accept it.
    page.goto("/cases/queue/?bucket=to_accept")
    page.locator(f'tr[data-number="{online_number}"] a').first.click()
    expect(page.locator("#panel-accept")).to_contain_text("结婚证")
    page.locator("#panel-accept").get_by_role("button", name="受理").click()
    expect(page.locator("#case-status")).to_have_text("办理中")
    expect(page.locator("#print-callout")).to_contain_text("受理通知书")
    # 5 working days from 9-29 skip the National Day holiday and count the make-up Saturday 10-10.
    assert Case.objects.get(number=online_number).promised_due == dt.date(2026, 10, 12)

    # --- approvers decide both; the online one goes to expert review and back -----------------------------
    browser_login(page, w.approver)
    page.goto("/cases/queue/")
    for number in (online_number, window_number):
        expect(page.locator(f'tr[data-number="{number}"]')).to_be_visible()
    expect(page.locator("#queue-table")).not_to_contain_text(w.other_citizen.id_number)  # masked in lists
    screenshot(page, "cases-queue-approver")

    page.locator(f'tr[data-number="{online_number}"] a').first.click()
    suspend = open_panel(page, "suspend")
    suspend.get_by_label("特殊环节").select_option("专家评审")
    suspend.get_by_label("事由").fill("出生医学证明信息需专家核实")
    suspend.get_by_role("button", name="进入特殊环节").click()
    expect(page.locator("#case-status")).to_have_text("特殊环节（挂起）")
    expect(page.locator("#case-deadline")).to_have_text("计时暂停（剩余 5 个工作日）")
    screenshot(page, "cases-suspended")
    resume = open_panel(page, "resume")
    resume.get_by_label("说明").fill("专家评审已完成，信息属实")
    resume.get_by_role("button", name="恢复办理").click()
    expect(page.locator("#case-status")).to_have_text("办理中")
    decide_both = {
        online_number: "符合《中华人民共和国户口登记条例》第七条的规定，准予登记",
        window_number: "符合《中华人民共和国户口登记条例》第七条的规定，准予登记",
    }
    for number, reason in decide_both.items():
        page.goto(f"/cases/{number}/")
        step = open_panel(page, "step")
        step.get_by_label("审查意见").fill("材料齐全，信息核实无误")
        step.get_by_role("button", name="提交审查意见").click()
        decide = open_panel(page, "decide")
        decide.get_by_label("准予").check()
        decide.get_by_label("决定理由及法律依据").fill(reason)
        if number == online_number:
            screenshot(page, "cases-review")
        decide.get_by_role("button", name="提交决定").click()
        expect(page.locator("#case-status")).to_have_text("已决定待出件")

    # --- the result desk issues both -----------------------------------------------------------------------
    browser_login(page, w.clerk)
    page.goto("/cases/queue/?bucket=result_desk")
    expect(page.locator('a[data-bucket="result_desk"] .count')).to_have_text("2")
    screenshot(page, "cases-result-desk")
    page.goto(f"/cases/{window_number}/")
    issue = page.locator("#panel-issue")
    issue.get_by_label("邮寄送达").check()
    issue.get_by_label("收件地址").fill("浙江省诸暨市暨阳街道浣纱南路88号")
    issue.get_by_role("button", name="出件并办结").click()
    expect(page.locator("#case-status")).to_have_text("已办结")
    expect(page.locator("#timeline")).to_contain_text("运单号")
    page.goto(f"/cases/{online_number}/")
    page.locator("#panel-issue").get_by_role("button", name="出件并办结").click()  # picked up at the window
    expect(page.locator("#case-status")).to_have_text("已办结")

    # --- the citizen sees the whole timeline on the phone ----------------------------------------------------
    phone.goto("/cases/mine/")
    phone.get_by_role("link", name=re.compile("新生儿入户")).first.click()
    expect(phone.locator("#case-status")).to_have_text("已办结")
    timeline = phone.locator("#timeline")
    for label in (
        "提交申请",
        "受理",
        "进入特殊环节（专家评审）",
        "恢复办理",
        "完成办理环节（审核）",
        "准予",
        "出件办结",
    ):
        expect(timeline).to_contain_text(label)
    expect(phone.locator("#rate-case")).to_contain_text("评价本次服务（好差评）")  # 一事一评 once it has ended
    screenshot(phone, "cases-detail-phone")
    assert set(Case.objects.values_list("status", flat=True)) == {"closed"}


def test_supervisor_chases_an_overdue_case_and_the_department_answers(
    page: Any, browser_login: Any, screenshot: Any, w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = services.Ctx(w.applicant, "online")
    case = services.submit(
        ctx,
        services.start_online(
            ctx,
            w.version.implementation,
            {
                "applicant_name": "张三",
                "applicant_id_number": w.applicant.id_number,
                "child_name": "张小宝",
                "child_birth_date": "2026-09-20",
            },
        ),
    )
    case = services.accept(services.Ctx(w.clerk, "window", w.window), holding_all(case), case.revision)
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 10, 15))  # three working days late

    browser_login(page, w.supervisor)
    page.goto("/cases/supervision/")
    row = page.locator(f'tr[data-number="{case.number}"]')
    expect(row).to_contain_text("诸暨市公安局")
    expect(row).to_contain_text("已超期 3 个工作日")
    screenshot(page, "cases-supervision-board")
    row.get_by_role("link", name="督办").click()
    panel = open_panel(page, "supervise")
    panel.get_by_label("督办意见").fill("该件已超期，请于两个工作日内办结并说明原因")
    panel.get_by_role("button", name="发送督办单").click()
    expect(page.locator("#supervision")).to_contain_text("等待诸暨市公安局回复")

    browser_login(page, w.approver)
    page.goto("/cases/queue/?bucket=overdue")
    expect(page.get_by_role("link", name="本部门有 1 份督办单待回复 ›")).to_be_visible()
    expect(page.locator(f'tr[data-number="{case.number}"]')).to_have_class(re.compile("row-red"))
    screenshot(page, "cases-queue-overdue")
    page.get_by_role("link", name="本部门有 1 份督办单待回复 ›").click()
    page.get_by_label("办理回复").fill("专家评审耗时较长，已安排加急，明日办结")
    page.get_by_role("button", name="回复督办").click()
    expect(page.locator(".messages")).to_contain_text("已回复")

    browser_login(page, w.supervisor)
    page.goto("/cases/supervision/")
    expect(page.locator("#sent-table")).to_contain_text("已安排加急")
    screenshot(page, "cases-supervision-answered")
    assert SupervisionNotice.objects.get().answered_by == w.approver
