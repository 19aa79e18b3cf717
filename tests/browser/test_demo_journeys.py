"""Each role's journey in a real Chromium with nothing but the demo: its accounts (signed in through the login
page with the published password), its catalogue and the cases ``tongban demo load`` made, on the demo's day.

Screenshots: var/screenshots/demo-*.png.
"""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.core.identifiers import make_resident_id
from tongban.core.signing import document_signer
from tongban.core.testing.browser import (
    fill_schema_form,
    open_panel,
    review_and_decide,
    sign_in,
    submit_panel,
)
from tongban.core.testing.files import pdf
from tongban.demo.data.accounts import DEMO_PASSWORD

expect = pytest.importorskip("playwright.sync_api").expect


def login(page: Any, username: str) -> None:
    sign_in(page, username, DEMO_PASSWORD)


def status(page: Any) -> Any:
    return page.locator("#case-status")


def printed_notice(page: Any, title: str) -> bytes:
    """The notice the page offers to print after an action, fetched as the browser would."""
    expect(page.locator("#print-callout")).to_contain_text(title)
    response = page.request.get(page.locator("#print-notice").get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    return response.body()


def hand_over(page: Any, channel: str) -> None:
    """The result desk on a decided case's page: hands the result over by ``channel`` and closes the case."""
    issue = open_panel(page, "issue")
    issue.get_by_label(channel).check()
    with page.expect_navigation():
        issue.get_by_role("button", name="出件并办结").click()
    expect(status(page)).to_have_text("已办结")


def demo_case(**filters: Any) -> Case:
    return Case.objects.select_related("version").get(**filters)


def test_a_citizen_finds_an_item_applies_online_and_follows_it_on_a_phone(
    mobile_page: Any, demo_cases_db: dt.datetime, screenshot: Any
) -> None:
    phone = mobile_page
    login(phone, "zj_citizen_wang")
    phone.wait_for_url("**/cases/mine/")
    expect(phone.locator("main")).to_contain_text("社会保障卡申领")  # the demo's cases of 王晓燕
    screenshot(phone, "demo-citizen-1-my-cases")

    phone.goto("/")
    phone.locator("#home-q").fill("怎么办居住证")
    with phone.expect_navigation():
        phone.locator("#home-q").press("Enter")
    phone.get_by_role("link", name="居住证申领").first.click()
    phone.locator("#apply-online").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("居住证申领")
    expect(phone.locator("#id_f_applicant_name")).to_have_value("王晓燕")  # 一次填写: from the account
    fill_schema_form(phone, {"residence_address": "浙江省诸暨市陶朱街道艮塔西路138号", "residence_since": "2025-06-01"})
    for name in ("居住证明", "居住证申领登记表"):
        phone.get_by_label(f"上传{name}").set_input_files(
            {"name": f"{name}.pdf", "mimeType": "application/pdf", "buffer": pdf(name)}
        )
    screenshot(phone, "demo-citizen-2-form")
    phone.get_by_role("button", name="提交申请").click()
    expect(phone.get_by_role("heading", name="申请已提交")).to_be_visible()
    number = phone.locator("#receipt-number").inner_text().strip()
    code = phone.locator("#receipt-code").inner_text().strip()
    assert number.startswith("330681-20261203-")  # received on the demo's day
    screenshot(phone, "demo-citizen-3-receipt")

    phone.context.clear_cookies()  # anyone with the number and the code follows it, signed in or not
    phone.goto("/progress/")
    phone.get_by_label("办件编号").fill(number)
    phone.get_by_label("查询码").fill(code)
    phone.get_by_role("button", name="查询").click()
    expect(phone.locator("[data-status]").first).to_have_text("待受理")
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    screenshot(phone, "demo-citizen-4-progress")


def test_the_window_clerk_asks_for_correction_defers_a_material_and_refuses(
    page: Any, demo_cases_db: dt.datetime, screenshot: Any
) -> None:
    login(page, "zj_window")
    page.wait_for_url("**/cases/window/")
    screenshot(page, "demo-window-1-home")

    # 补正: the spouse-move application taken four working days ago, its 5 days nearly gone.
    page.goto("/cases/queue/?bucket=to_accept")
    waiting = demo_case(status="submitted", version__name="夫妻投靠户口迁移")
    row = page.locator(f'tr[data-number="{waiting.number}"]')
    expect(row).to_be_visible()
    screenshot(page, "demo-window-2-to-accept")
    row.locator("a").first.click()
    panel = open_panel(page, "correction")
    panel.get_by_label("合法稳定住所证明").check()
    panel.get_by_label("其他需补正的内容").fill("合法稳定住所证明须为不动产权证书或经登记备案的租赁合同")
    with page.expect_navigation():
        panel.get_by_role("button", name="出具补正材料通知书").click()
    expect(status(page)).to_have_text("待补正")
    assert printed_notice(page, "补正").startswith(b"%PDF")
    screenshot(page, "demo-window-3-correction")

    # 不予受理: an online application for a residence permit by someone registered in 诸暨 already.
    online = demo_case(status="submitted", version__name="居住证申领", applicant__username="zj_citizen_chen")
    page.goto(f"/cases/{online.number}/")
    submit_panel(
        page,
        "refuse",
        "不予受理",
        {"不予受理的理由和依据": "申请人常住户口登记在诸暨市，依照《居住证暂行条例》第二条无需申领居住证"},
    )
    expect(status(page)).to_have_text("不予受理")
    assert printed_notice(page, "不予受理").startswith(b"%PDF")

    # 容缺: at the window, an application for a disability card without the photo; accepted on a promise.
    page.goto("/cases/window/")
    page.get_by_label("事项名称").fill("残疾人证")
    page.get_by_role("button", name="查找").click()
    page.get_by_role("link", name="收件：残疾人证新办").click()
    page.get_by_label("申请人姓名/名称").fill("钟立新")
    page.get_by_label("证件号码").fill(make_resident_id("330681", dt.date(1955, 5, 5), 216))
    page.get_by_label("联系电话").fill("13905751299")
    page.get_by_label("读取身份证芯片并人证比对").check()
    fill_schema_form(page, {"disability_kind": "视力残疾", "address": "浙江省诸暨市暨阳街道大桥路5号"})
    for box in page.locator("#paper-list input[type=checkbox]").all():
        if "照片" not in (box.get_attribute("value") or ""):
            box.check()
    screenshot(page, "demo-window-4-intake")
    page.get_by_role("button", name="收件，进入受理审查").click()
    expect(status(page)).to_have_text("待受理")
    expect(page.locator("#acceptance-blocked")).to_contain_text("2寸近期免冠彩色照片")
    defer = open_panel(page, "defer")
    expect(defer.get_by_label("2寸近期免冠彩色照片")).to_be_checked()
    expect(defer.get_by_label("承诺补交日期")).to_have_value("2026-12-10")  # a week from the demo's day
    screenshot(page, "demo-window-5-defer")
    with page.expect_navigation():
        defer.get_by_role("button", name="容缺受理").click()
    expect(status(page)).to_have_text("办理中")
    assert printed_notice(page, "容缺受理").startswith(b"%PDF")
    screenshot(page, "demo-window-6-deferred")


def test_an_approver_sends_a_licence_to_expert_review_and_the_head_extends_it(
    page: Any, demo_cases_db: dt.datetime, screenshot: Any
) -> None:
    case = demo_case(status="in_progress", applicant_name="诸暨市店口精工五金有限公司")
    due_before = case.promised_due
    login(page, "zj_environment_approver")
    page.wait_for_url("**/cases/queue/")
    page.goto("/cases/queue/?bucket=due_soon")
    expect(page.locator(f'tr[data-number="{case.number}"]')).to_be_visible()
    screenshot(page, "demo-approver-1-due-soon")
    page.locator(f'tr[data-number="{case.number}"] a').first.click()
    submit_panel(page, "step", "提交审查意见", {"审查意见": "自行监测方案的监测点位和频次符合技术规范"})

    suspend = open_panel(page, "suspend")
    suspend.get_by_label("特殊环节").select_option("专家评审")
    suspend.get_by_label("事由").fill("涉及重金属排放，组织专家对排放限值进行技术评审")
    with page.expect_navigation():
        suspend.get_by_role("button", name="进入特殊环节").click()
    expect(status(page)).to_have_text("特殊环节（挂起）")
    expect(page.locator("#case-deadline")).to_contain_text("计时暂停")
    assert printed_notice(page, "特别程序告知书").startswith(b"%PDF")
    screenshot(page, "demo-approver-2-expert-review")
    submit_panel(page, "resume", "恢复办理", {"说明": "专家评审已完成，同意排放限值"})
    expect(status(page)).to_have_text("办理中")

    login(page, "zj_environment_head")
    page.goto(f"/cases/{case.number}/")
    submit_panel(page, "extend", "批准延期", {"延期理由": "需与上级生态环境部门会商总量控制指标"})
    assert printed_notice(page, "延期通知书").startswith(b"%PDF")
    extended = Case.objects.get(pk=case.pk)
    assert extended.promised_due and due_before and extended.promised_due > due_before
    assert extended.extension_days == 10
    screenshot(page, "demo-approver-3-extended")

    login(page, "zj_environment_approver")
    review_and_decide(page, case.number, opinion="同意", reason="符合《排污许可管理条例》第十一条规定的条件，准予许可")
    expect(status(page)).to_have_text("已决定待出件")
    screenshot(page, "demo-approver-4-decided")


def test_the_result_desk_hands_over_at_the_window_by_post_and_electronically(
    page: Any, demo_cases_db: dt.datetime, screenshot: Any
) -> None:
    login(page, "zj_window")
    page.goto("/cases/queue/?bucket=result_desk")
    screenshot(page, "demo-result-1-desk")

    late = demo_case(status="decided", version__name="工作调动户口迁移")
    page.goto(f"/cases/{late.number}/")
    hand_over(page, "窗口领取")

    posted = demo_case(status="decided", version__name="普通护照签发")
    page.goto(f"/cases/{posted.number}/")
    hand_over(page, "邮寄送达")
    expect(page.locator("#timeline")).to_contain_text("东旺路88号")  # to the address of the application
    screenshot(page, "demo-result-2-posted")

    # The food licence: granted, but the rules promised at 容缺 never came; the desk takes them, then sends it.
    licence = demo_case(status="decided", version__name="食品经营许可")
    page.goto(f"/cases/{licence.number}/")
    expect(page.locator("#deferred-outstanding")).to_contain_text("已逾期")
    screenshot(page, "demo-result-3-deferred-overdue")
    submit_panel(page, "supply_deferred", "确认收取")
    expect(page.locator("#deferred-outstanding")).to_have_count(0)
    hand_over(page, "电子送达")

    login(page, "zj_enterprise")  # the enterprise downloads its signed decision
    page.goto(f"/cases/{licence.number}/")
    with page.expect_download() as caught:
        page.locator("#result-document a.btn").click()
    assert document_signer().verify(Path(caught.value.path()).read_bytes()).valid
    screenshot(page, "demo-result-4-electronic")


def test_the_supervisor_watches_the_board_finds_a_case_and_sends_a_notice(
    page: Any, demo_cases_db: dt.datetime, screenshot: Any
) -> None:
    login(page, "zj_supervisor")
    page.wait_for_url("**/cases/supervision/")
    for bucket in ("overdue", "due_soon", "special_overdue", "calendar_unknown"):
        count = page.locator(f'a[data-bucket="{bucket}"] .count')
        expect(count).not_to_have_class(re.compile("is-zero"))
    screenshot(page, "demo-supervisor-1-board")
    page.locator('a[data-bucket="special_overdue"]').click()
    expect(page.locator("#board-table")).to_contain_text("排污许可")
    screenshot(page, "demo-supervisor-2-special-overdue")

    late = demo_case(deemed_accepted=True)
    page.get_by_role("link", name="办件查询").click()
    page.locator("#case-number-q").fill(late.number)
    with page.expect_navigation():
        page.get_by_role("button", name="查找").click()
    expect(page.locator(".case-head")).to_contain_text(late.number)
    assert late.applicant_id_number not in page.content()  # masked for oversight
    submit_panel(
        page, "supervise", "发送督办单", {"督办意见": "该件自收件之日起视为受理，已超过承诺办结日期，请即办结"}
    )
    expect(page.locator("#supervision")).to_contain_text("等待诸暨市公安局回复")
    screenshot(page, "demo-supervisor-3-notice")


def test_the_catalogue_administrator_exports_and_imports_the_catalogue_in_excel(
    page: Any, demo_cases_db: dt.datetime, screenshot: Any, tmp_path: Path
) -> None:
    login(page, "zj_catalogue")
    page.wait_for_url("**/admin/catalogue/")
    page.get_by_role("link", name="Excel 导入导出").first.click()
    screenshot(page, "demo-catalogue-1-excel")
    with page.expect_download() as caught:
        page.locator("#excel-export input[type=submit]").click()
    workbook = load_workbook(BytesIO(Path(caught.value.path()).read_bytes()))
    sheet = workbook["实施清单"]
    phone_column = next(i for i, c in enumerate(sheet[1], start=1) if c.value == "咨询电话")
    code = sheet.cell(2, 1).value
    sheet.cell(2, phone_column).value = "0575-87012345"
    changed = tmp_path / "目录.xlsx"
    workbook.save(changed)

    page.locator("#excel-file").set_input_files(str(changed))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#excel-result")).to_contain_text("预览")
    expect(page.locator("#excel-result")).to_contain_text(code)
    screenshot(page, "demo-catalogue-2-preview")
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("body")).to_contain_text("导入完成")
    screenshot(page, "demo-catalogue-3-imported")
    assert User.objects.get(username="zj_catalogue").role == "catalogue_admin"
