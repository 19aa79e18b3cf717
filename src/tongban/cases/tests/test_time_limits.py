"""Time limits as the law counts them, end to end: the services store each clock (to accept, to decide,
paused, to issue), and the case page, the queues, the supervision board, the API, the progress page and the
notices all show it the same way (行政许可法 Art. 32, 42, 44, 45, 82; domain.md §2)."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from tongban.accounts.models import User
from tongban.accounts.tests.factories import DepartmentHeadFactory
from tongban.bundles.services import bundle_problems
from tongban.cases import services as s
from tongban.cases.models import BundleCase, BundleCaseEvent, Case, CaseEvent, Suspension
from tongban.cases.notices import NoticeKind, render_notice
from tongban.cases.tests.factories import (
    Api,
    World,
    bundle_holding_all,
    calendar_year_post,
    child,
    form,
    grant_item,
    holding_all,
    make_env,
    world,
)
from tongban.cases.tests.factories import (
    bundle_at_window as received_bundle,
)
from tongban.catalogue import services as catalogue
from tongban.catalogue.models import CatalogueEntry, ImplementationVersion, SpecialStep
from tongban.catalogue.services import PublishRejected
from tongban.catalogue.tests import factories as cf
from tongban.core import clock
from tongban.core.errors import ConflictError, DomainError
from tongban.core.testing import files as samples
from tongban.outbox.models import Message
from tongban.workdays.models import CalendarYear
from tongban.workdays.selectors import current_calendar

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 9, 29)  # Tuesday; 10-1 … 10-7 off, 10-8 and the Saturday 10-10 working days
UNKNOWN_2027 = "待定（2027年节假日安排未发布）"


@pytest.fixture
def day(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Set the platform's today (core.clock) for the rest of the test."""

    def set_day(value: dt.date) -> None:
        monkeypatch.setattr(clock, "today", lambda: value)

    set_day(TODAY)
    return set_day


@pytest.fixture
def w(day: Any) -> World:
    return world()


def clerk(w: World) -> s.Ctx:
    return s.Ctx(w.clerk, "window", w.window)


def received(w: World, version: ImplementationVersion | None = None) -> Case:
    """An application taken at the window today, for the applicant (who has an account), every material held."""
    impl = (version or w.version).implementation
    case = s.apply_at_window(
        clerk(w),
        impl,
        applicant={"name": "张三", "id_number": w.applicant.id_number or "", "phone": "13900000000"},
        identity_check="读取居民身份证芯片并人证比对",
        form_data=form(w),
        paper_materials=["居民身份证", "出生医学证明"],
    )
    return holding_all(case)


def accepted(w: World, version: ImplementationVersion | None = None) -> Case:
    case = received(w, version)
    return s.accept(clerk(w), case, case.revision)


def guide(
    w: World, name: str, special_steps: list[dict[str, Any]] | None = None, **content: Any
) -> ImplementationVersion:
    draft = cf.DraftVersionFactory(name=name, division=w.centre.division, department=w.police, **content)
    if special_steps is not None:
        catalogue.update_draft(draft, special_steps=special_steps)
    return catalogue.publish_now(draft)


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def page(who: User, case: Case) -> str:
    client = Client()
    client.force_login(who)
    response = client.get(reverse("cases:detail", args=[case.number]))
    assert response.status_code == 200
    return response.content.decode()


def queue_page(who: User, bucket: str) -> str:
    client = Client()
    client.force_login(who)
    return client.get(reverse("cases:queue"), {"bucket": bucket}).content.decode()


def board_page(who: User, bucket: str) -> str:
    client = Client()
    client.force_login(who)
    return client.get(reverse("cases:supervision"), {"bucket": bucket}).content.decode()


def api_rows(who: User, path: str, bucket: str) -> dict[str, dict[str, Any]]:
    body = Api(Client(), who).get(path, {"bucket": bucket}).json()
    return {r["number"]: r for r in body["results"]}


def api_deadline(who: User, case: Case) -> dict[str, Any]:
    return Api(Client(), who).get(f"/cases/{case.number}").json()["deadline"]


def pdf_text(case: Case, kind: NoticeKind) -> str:
    return words_of(render_notice(fresh(case), kind))


def words_of(pdf: bytes) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages))


def badge(html: str, number: str) -> str:
    """The deadline badge of a case's row in a list page."""
    row = re.search(rf'<tr[^>]*data-number="{re.escape(number)}".*?</tr>', html, re.S)
    assert row, number
    found = re.search(r'data-deadline="(\w+)"[^>]*>([^<]*)<', row.group(0))
    return f"{found.group(1)}:{found.group(2)}" if found else ""


# --- Art. 44: the result goes out within 10 working days of the decision, or the guide's shorter time -----


def test_a_decided_case_has_its_result_deadline_and_turns_red_on_the_board(w: World, day: Any) -> None:
    case = accepted(w)
    case = s.complete_step(s.Ctx(w.approver), case, "材料齐全", case.revision)
    case = s.decide(s.Ctx(w.approver), case, True, "材料齐全，符合规定", case.revision)
    # The guide promises 1 working day (送达时限) — shorter than the law's 10.
    assert (case.clock, case.result_due, case.clock_due) == ("result", dt.date(2026, 9, 30), dt.date(2026, 9, 30))
    assert "出件期限" in page(w.approver, case) and "2026年9月30日" in page(w.approver, case)
    day(dt.date(2026, 10, 9))
    label = "出件已超期 2 个工作日"  # 10-8 and 10-9 after the due day 9-30
    board = api_rows(w.supervisor, "/supervision", "overdue")
    assert board[case.number]["deadline_label"] == label and board[case.number]["deadline_colour"] == "red"
    assert badge(board_page(w.supervisor, "overdue"), case.number) == f"red:{label}"
    assert badge(queue_page(w.clerk, "result_desk"), case.number) == f"red:{label}"
    assert api_deadline(w.clerk, case)["label"] == label
    assert f'data-deadline="red" data-clock="result">{label}' in page(w.clerk, case)
    # Issued: the clock stops, the case leaves every deadline list.
    case = s.issue_result(clerk(w), fresh(case), "window")
    assert fresh(case).clock == "" and case.number not in api_rows(w.supervisor, "/supervision", "overdue")


def test_without_a_shorter_promise_the_law_gives_ten_working_days(w: World) -> None:
    version = guide(w, "婚姻登记证明", delivery_days=0)
    case = accepted(w, version)
    case = s.decide(s.Ctx(w.approver), case, True, "符合规定", case.revision)
    assert case.result_due == dt.date(2026, 10, 19)  # 9-30, 10-8 … 10-16, 10-19


# --- Art. 32: accept, refuse or ask for correction within 5 working days; or it counts as accepted -----------


def test_an_application_not_acted_on_in_five_working_days_counts_as_accepted_from_receipt(w: World, day: Any) -> None:
    case = received(w)
    assert (case.received_on, case.acceptance_due, case.clock) == (TODAY, dt.date(2026, 10, 12), "acceptance")
    assert api_deadline(w.clerk, case)["label"] == "受理期限剩余 5 个工作日"
    day(dt.date(2026, 10, 13))
    label = "逾期未受理（依法视为已受理）"
    assert api_rows(w.supervisor, "/supervision", "overdue")[case.number]["deadline_label"] == label
    assert badge(queue_page(w.clerk, "to_accept"), case.number) == f"red:{label}"
    assert badge(board_page(w.supervisor, "overdue"), case.number) == f"red:{label}"
    # Too late for a correction notice: the application already counts as accepted.
    with pytest.raises(ConflictError) as late:
        s.request_correction(clerk(w), fresh(case), ["结婚证"], fresh(case).revision)
    assert late.value.code == "acceptance_deadline_passed" and "2026年10月12日" in late.value.message
    # The window finally accepts: its clock runs from the day the application was received.
    case = s.accept(clerk(w), fresh(case), fresh(case).revision)
    assert case.accepted_on == TODAY and case.promised_due == dt.date(2026, 10, 12)
    event = CaseEvent.objects.filter(case=case, action="accept").get()
    assert event.data == {"deemed_accepted_on": "2026-09-29"} and "依法自收到申请材料之日" in event.reason
    assert api_deadline(w.clerk, case)["deemed_accepted"] is True
    assert api_deadline(w.clerk, case)["label"] == "已超期 1 个工作日"
    assert "依法自收件之日起视为受理" in page(w.applicant, case)
    assert "依法自2026年9月29日起视为受理" in pdf_text(case, NoticeKind.ACCEPTANCE)


def test_accepted_in_time_its_clock_starts_that_day(w: World, day: Any) -> None:
    case = received(w)
    day(dt.date(2026, 10, 12))  # the fifth working day: still in time
    case = s.accept(clerk(w), case, case.revision)
    assert case.accepted_on == dt.date(2026, 10, 12) and not api_deadline(w.clerk, case)["deemed_accepted"]


def test_a_second_correction_request_repeats_the_first_list_or_says_why(w: World) -> None:
    case = received(w)
    case = s.request_correction(clerk(w), case, ["出生医学证明照片不清晰"], case.revision)
    case = s.resubmit(clerk(w), case, case.revision)
    api = Api(Client(), w.clerk)
    refused = api.act(case.number, "request_correction", case.revision, items=["出生医学证明照片不清晰", "结婚证"])
    assert refused.status_code == 400
    assert refused.json()["error"]["field"] == "added_reason" and "结婚证" in refused.json()["error"]["message"]
    assert fresh(case).status == "submitted"
    # Repeating the first list needs no reason; adding to it does, and the applicant is told why.
    why = "复核时发现父母婚姻状况需核实"
    done = api.act(case.number, "request_correction", case.revision, items=["出生医学证明照片不清晰", "结婚证"],
                   added_reason=why)  # fmt: skip
    assert done.status_code == 200, done.content
    detail = Api(Client(), w.applicant).get(f"/cases/{case.number}").json()
    assert detail["correction_added"] == ["结婚证"] and detail["correction_added_reason"] == why
    assert f"其中“结婚证”为首次告知后新增，理由：{why}" in page(w.applicant, case)
    assert f"其中“结婚证”为首次告知后新增的补正内容，理由：{why}" in pdf_text(case, NoticeKind.CORRECTION)
    case = s.resubmit(clerk(w), fresh(case), fresh(case).revision)
    case = s.request_correction(clerk(w), case, ["结婚证"], case.revision)  # listed before: no reason needed
    assert case.status == "correction"


# --- Art. 45: only the law's procedures or a step with its own basis stop the clock; each has its maximum ----


def test_a_free_text_step_cannot_be_published_as_one_that_stops_the_clock(w: World) -> None:
    draft = cf.DraftVersionFactory(name="某项许可", division=w.centre.division, department=w.police)
    catalogue.update_draft(
        draft, special_steps=[{"name": "领导研究", "max_days": 5, "counted_in_limit": False, "description": ""}]
    )
    with pytest.raises(PublishRejected, match="领导研究"):
        catalogue.publish_now(draft)
    # With its own legal basis it may.
    catalogue.update_draft(
        draft,
        special_steps=[
            {"name": "领导研究", "max_days": 5, "counted_in_limit": False, "legal_basis": "《某省某条例》第九条"}
        ],
    )
    assert catalogue.publish_now(draft).special_steps.get().stops_clock


def test_special_steps_stop_the_clock_only_as_the_law_allows_and_each_within_its_maximum(w: World, day: Any) -> None:
    version = guide(
        w,
        "食品生产许可",
        special_steps=[
            {"name": "检验", "max_days": 3, "counted_in_limit": False, "description": "委托检验"},
            {"name": "领导研究", "max_days": 2, "counted_in_limit": True, "description": ""},
        ],
    )
    # A guide published before the rule that lets its 领导研究 stop the clock all the same.
    SpecialStep.objects.filter(version=version, name="领导研究").update(counted_in_limit=False)
    approver = s.Ctx(w.approver)
    talk = accepted(w, version)
    talk = s.suspend(approver, talk, "领导研究", "需集体研究", talk.revision)
    stop = Suspension.objects.get(case=talk)
    assert stop.counted and talk.clock == "handling" and talk.clock_due == talk.promised_due
    assert "领导研究所需时间计算在办理期限内" in pdf_text(talk, NoticeKind.SPECIAL_STEP)

    case = accepted(w, version)  # promised 5 working days: due 10-12
    day(dt.date(2026, 9, 30))
    case = s.suspend(approver, case, "检验", "产品需送检", case.revision)
    assert (case.clock, case.clock_due, case.paused_left, case.special_due) == (
        "paused",
        None,
        4,
        dt.date(2026, 10, 10),
    )
    text = pdf_text(case, NoticeKind.SPECIAL_STEP)
    assert "特别程序告知书" in text and "最长不超过3个工作日" in text
    assert "根据《中华人民共和国行政许可法》第四十五条的规定，检验所需时间不计算在办理期限内" in text
    # Long past its promised date: paused, so overdue nowhere; the 检验 itself overran and is flagged.
    day(dt.date(2026, 10, 20))
    for path, who in (("/supervision", w.supervisor), ("/cases", w.approver)):
        assert case.number not in api_rows(who, path, "overdue")
        assert case.number in api_rows(who, path, "special_overdue")
    assert case.number not in board_page(w.supervisor, "overdue")
    assert case.number in board_page(w.supervisor, "special_overdue")
    assert case.number in queue_page(w.approver, "special_overdue")
    assert badge(queue_page(w.approver, "suspended"), case.number) == "paused:计时暂停（剩余 4 个工作日）"
    deadline = api_deadline(w.approver, case)
    assert (deadline["colour"], deadline["special_overdue"], deadline["paused"]) == ("paused", True, True)
    assert "特殊环节已超过最长期限" in page(w.approver, case)
    # Resumed: the days it stood still are added; the clock runs again from what it had left.
    case = s.resume(approver, fresh(case), fresh(case).revision)
    assert case.clock == "handling" and case.promised_due == dt.date(2026, 10, 26)  # 4 working days after 10-20


def test_suspending_and_extending_on_the_page_print_the_written_notices(w: World) -> None:
    case = accepted(w)
    client = Client()
    client.force_login(w.approver)
    response = client.post(
        reverse("cases:act", args=[case.number, "suspend"]),
        {"revision": case.revision, "step_name": "专家评审", "reason": "需要组织专家评审"},
    )
    assert response.status_code == 302 and response["Location"].endswith("?print=special_step")
    notice = client.get(reverse("cases:notice", args=[case.number, "special_step"]))
    assert notice.status_code == 200 and notice["Content-Type"] == "application/pdf"
    head = Client()
    head.force_login(w.head)
    case = fresh(case)
    response = head.post(
        reverse("cases:act", args=[case.number, "extend"]),
        {"revision": case.revision, "days": 10, "reason": "案情复杂"},
    )
    assert response.status_code == 302 and response["Location"].endswith("?print=extension")
    text = pdf_text(case, NoticeKind.EXTENSION)
    assert "延期通知书" in text and "决定将办理期限延长10个工作日" in text
    # 新生儿入户 is a 行政确认, not a licence: its notice cites no article of the licensing law.
    assert "行政许可法" not in text and "第四十二条" not in text


def test_an_extension_asked_for_after_the_limit_ran_out_is_refused(w: World, day: Any) -> None:
    case = accepted(w)  # due 10-12
    day(dt.date(2026, 10, 13))
    api = Api(Client(), w.head)
    assert "extend" not in [a["action"] for a in api.get(f"/cases/{case.number}").json()["allowed_actions"]]
    response = api.act(case.number, "extend", case.revision, reason="案情复杂", days=10)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "deadline_passed" and "办理期限已于2026年10月12日届满，依法不能再延期" in error["message"]
    assert fresh(case).extension_days == 0
    day(dt.date(2026, 10, 12))  # on its last day it may still be extended
    assert api.act(case.number, "extend", case.revision, reason="案情复杂", days=10).status_code == 200


# --- 退回补正: whether its days count is each implementation's rule, the same on every surface -------------------


@pytest.mark.parametrize("counted", [False, True])
def test_a_return_for_correction_counts_as_the_guide_says_everywhere(w: World, day: Any, counted: bool) -> None:
    version = guide(w, "补正规则事项", correction_counted=counted)
    case = accepted(w, version)  # due 10-12
    case = s.return_for_correction(s.Ctx(w.approver), case, ["结婚证复印件不清晰"], "材料需核实", case.revision)
    day(dt.date(2026, 10, 20))
    colour = "red" if counted else "paused"
    label = "已超期 6 个工作日" if counted else "计时暂停（剩余 5 个工作日）"
    assert (api_deadline(w.approver, case)["colour"], api_deadline(w.approver, case)["label"]) == (colour, label)
    assert api_deadline(w.approver, case)["correction_counted"] is counted
    assert badge(queue_page(w.approver, "suspended"), case.number) == f"{colour}:{label}"
    assert f'data-deadline="{colour}" data-clock="{"handling" if counted else "paused"}">{label}' in page(
        w.applicant, case
    )
    overdue = (api_rows(w.approver, "/cases", "overdue"), api_rows(w.supervisor, "/supervision", "overdue"))
    assert all((case.number in rows) is counted for rows in overdue)
    assert (case.number in board_page(w.supervisor, "overdue")) is counted
    assert ("补正期间计算在办理时限内" if counted else "补正期间不计算在办理时限内") in pdf_text(
        case, NoticeKind.CORRECTION
    )


# --- time limits in calendar days --------------------------------------------------------------------------


def test_limits_in_calendar_days_are_not_working_days(w: World, day: Any) -> None:
    version = guide(w, "居民身份证申领", limit_unit="calendar", statutory_days=60, promised_days=60)
    day(dt.date(2026, 8, 3))
    case = accepted(w, version)
    assert case.limit_unit == "calendar" and case.promised_due == dt.date(2026, 10, 8)  # 10-2 is a holiday
    deadline = api_deadline(w.approver, case)
    assert deadline["unit"] == "calendar" and deadline["label"] == "剩余 66 日"
    assert "2026年10月8日（60日）" in page(w.approver, case)


# --- joint handling: 45 working days at most, +15 with the government head's approval --------------------------


def test_a_bundle_is_held_to_45_working_days_and_extended_once_with_who_approved(day: Any) -> None:
    CalendarYear.objects.create(year=2027, basis="测试：2027年按平常的周一至周五")  # 45 + 15 days reach 2027
    env = make_env()
    env.bundle.statutory_days = 60
    assert any(field == "statutory_days" for field, _ in bundle_problems(env.bundle))
    applicant, window = s.Ctx(env.w.applicant, "online"), clerk(env.w)
    bc = s.start_bundle_online(applicant, env.bundle, None, {"applicant_name": "张三", "child_name": "张小宝",
                                                                "child_birth_date": "2026-09-20"})  # fmt: skip
    for name in ("父母结婚证", "住院分娩记录", "居民户口簿"):
        s.attach_bundle_material(applicant, bc, name, f"{name}.pdf", samples.pdf(name))
    bc = s.submit_bundle(applicant, BundleCase.objects.get(pk=bc.pk), BundleCase.objects.get(pk=bc.pk).revision)
    assert bc.acceptance_due == dt.date(2026, 10, 12)
    bundle_holding_all(bc)
    bc = s.accept_bundle(window, bc, bc.revision)
    bc = BundleCase.objects.get(pk=bc.pk)
    start = bc.statutory_due
    assert bc.statutory_days == 45 and bc.clock == "handling"
    # An item returned for correction (its days do not count) stops the bundle's clock too …
    cert = Case.objects.get(bundle_case=bc, version__name="出生医学证明")
    doctor = s.Ctx(env.doctor)
    cert = s.return_for_correction(doctor, cert, ["住院分娩记录不全"], "材料需补正", cert.revision)
    assert BundleCase.objects.get(pk=bc.pk).clock == "paused"
    day(dt.date(2026, 10, 12))  # five working days later: 9-30, 10-8, 10-9, the Saturday 10-10, 10-12
    s.supply_correction(clerk(env.w), cert, cert.revision)
    bc = BundleCase.objects.get(pk=bc.pk)
    assert bc.clock == "handling" and bc.statutory_due == env_add(start, 5)
    # … and the government's head may extend it by 15 working days, once, recorded with who approved.
    head = s.Ctx(env.w.head)
    bc = s.extend_bundle(head, bc, "涉及多部门联合核查", "诸暨市人民政府副市长 某某", bc.revision)
    assert bc.extension_days == 15 and bc.statutory_due == env_add(start, 5 + 15)
    event = BundleCaseEvent.objects.get(bundle_case=bc, action="extend")
    assert event.data == {"days": 15, "approved_by": "诸暨市人民政府副市长 某某"}
    with pytest.raises(ConflictError, match="已延期一次"):
        s.extend_bundle(head, bc, "再次延期", "某某", bc.revision)
    with pytest.raises(DomainError):  # a department's approver records no government extension
        s.extend_bundle(s.Ctx(env.w.approver), BundleCase.objects.get(pk=bc.pk), "理由", "某某")


def test_a_bundles_extension_prints_its_written_notice(day: Any, client: Client) -> None:
    env = make_env()
    bc = accepted_bundle(env)
    url = reverse("bundle_cases:notice", args=[bc.number, "extension"])
    client.force_login(env.w.clerk)
    assert client.get(url).status_code == 409  # not extended: no notice of it
    bc = BundleCase.objects.get(pk=bc.pk)
    bc = s.extend_bundle(s.Ctx(env.w.head), bc, "涉及多部门联合核查。", "诸暨市人民政府副市长 某某", bc.revision)
    assert f'href="{url}"' in bundle_page(env.w.applicant, bc)
    client.force_login(env.w.applicant)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = words_of(response.content)
    assert "一件事延期通知书" in text and bc.number in text and bc.query_code in text
    assert "因涉及多部门联合核查，在45个工作日内不能办结，经诸暨市人民政府副市长某某批准" in text
    assert "延长15个工作日" in text and f"延长后的承诺办结日期为{cn(bc.promised_due)}" in text
    assert "行政许可法" not in text  # none of these items is a licence
    cert = Case.objects.get(bundle_case=bc, version__name="出生医学证明")
    CatalogueEntry.objects.filter(pk=cert.implementation.entry_id).update(item_type="01")  # a licence
    text = words_of(client.get(url).content)
    assert "根据《中华人民共和国行政许可法》第四十二条第二款的规定" in text
    # Only those who see the bundle's personal data print it.
    client.force_login(env.w.other_citizen)
    assert client.get(url).status_code == 404


def cn(day_: dt.date | None) -> str:
    assert day_ is not None
    return f"{day_.year}年{day_.month}月{day_.day}日"


def env_add(start: dt.date | None, days: int) -> dt.date:
    assert start is not None
    return current_calendar().add_working_days(start, days)


def bundle_at_window(env: Any) -> BundleCase:
    return bundle_holding_all(received_bundle(env))


def test_an_items_extension_moves_the_bundles_promise(day: Any) -> None:
    env = make_env()
    head = DepartmentHeadFactory(username="health_head", department=env.health)
    bc = bundle_at_window(env)
    bc = s.accept_bundle(clerk(env.w), bc, bc.revision)
    promised = BundleCase.objects.get(pk=bc.pk).promised_due
    cert = Case.objects.get(bundle_case=bc, version__name="出生医学证明")
    s.extend(s.Ctx(head), cert, "需补充调查", cert.revision)
    assert BundleCase.objects.get(pk=bc.pk).promised_due == env_add(promised, 10)


# --- Art. 44 for a bundle: 统一出件 counts from the last item's decision --------------------------------------


def bundle_page(who: User, bc: BundleCase) -> str:
    client = Client()
    client.force_login(who)
    return client.get(reverse("bundle_cases:case", args=[bc.number])).content.decode()


def accepted_bundle(env: Any, mode: str = "together") -> BundleCase:
    bc = bundle_at_window(env)
    if mode != bc.result_mode:
        bc = s.choose_result_mode(clerk(env.w), bc, mode, bc.revision)
    return s.accept_bundle(clerk(env.w), bc, bc.revision)


def test_results_together_count_from_the_last_decision_and_none_is_due_while_an_item_is_open(day: Any) -> None:
    env = make_env()
    bc = accepted_bundle(env)
    grant_item(env, bc, "出生医学证明")  # 9-29; 新生儿入户 starts with its result
    cert = child(bc, "出生医学证明")
    assert (cert.status, cert.clock, cert.clock_due, cert.result_due) == ("decided", "", None, None)
    assert BundleCase.objects.get(pk=bc.pk).clock == "handling"  # no result deadline while items are open
    assert "自最后一个决定之日起计算" in page(env.w.clerk, cert)
    day(dt.date(2026, 10, 9))
    grant_item(env, bc, "预防接种证")
    assert child(bc, "预防接种证").clock_due is None
    day(dt.date(2026, 10, 12))
    grant_item(env, bc, "新生儿入户")  # the last decision: every result goes out from here
    due = env_add(dt.date(2026, 10, 12), 1)  # the guides' 送达时限 of one working day
    ready = BundleCase.objects.get(pk=bc.pk)
    assert (ready.phase, ready.clock, ready.clock_due) == ("ready", "result", due)
    assert {c.version.name: c.result_due for c in Case.objects.filter(bundle_case=bc)} == {
        "出生医学证明": due,
        "预防接种证": due,
        "新生儿入户": due,
    }
    api = Api(Client(), env.w.clerk).get(f"/bundle-cases/{bc.number}").json()
    assert (api["clock"], api["clock_due"]) == ("result", due.isoformat())
    assert "出件期限剩余" in bundle_page(env.w.clerk, bc)
    # Nothing was overdue on the board meanwhile: the first decision's day plus one has long passed.
    assert child(bc, "出生医学证明").number not in queue_page(env.w.clerk, "overdue")


def test_results_item_by_item_each_count_from_its_own_decision(day: Any) -> None:
    env = make_env()
    bc = accepted_bundle(env, "separate")
    grant_item(env, bc, "出生医学证明")
    own = env_add(TODAY, 1)
    assert child(bc, "出生医学证明").clock_due == own
    day(dt.date(2026, 10, 9))
    grant_item(env, bc, "预防接种证")
    grant_item(env, bc, "新生儿入户")
    ready = BundleCase.objects.get(pk=bc.pk)
    assert (ready.phase, ready.clock_due) == ("ready", own)  # the earliest result still owed


def test_choosing_results_together_while_an_item_is_open_stops_the_decided_ones_clock(day: Any) -> None:
    env = make_env()
    bc = accepted_bundle(env, "separate")
    grant_item(env, bc, "出生医学证明")
    assert child(bc, "出生医学证明").clock == "result"
    bc = BundleCase.objects.get(pk=bc.pk)
    s.choose_result_mode(clerk(env.w), bc, "together", bc.revision)
    assert (child(bc, "出生医学证明").clock, child(bc, "出生医学证明").result_due) == ("", None)


# --- a new year entered in the admin: every open deadline recomputed, every surface agrees -------------------


def enter_2027(client: Client, capture: Any) -> None:
    root = User.objects.create_superuser("root", "root@example.cn", "Root-pass-2024")
    client.force_login(root)
    data = calendar_year_post(
        2027, "国务院办公厅关于2027年部分节假日安排的通知", [(dt.date(2027, 1, 1), "holiday", "元旦")]
    )
    with capture(execute=True):
        assert client.post(reverse("admin:workdays_calendaryear_add"), data).status_code == 302


def test_until_the_calendar_knows_a_year_every_surface_says_so_then_all_agree(
    w: World, day: Any, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    day(dt.date(2026, 12, 28))
    case = accepted(w)  # 5 working days: 12-29, 12-30, 12-31 and two of 2027
    submitted = received(w)  # 5 working days to accept: into 2027 too
    assert (case.clock_due, case.unknown_year, submitted.acceptance_due) == (None, 2027, None)

    def found(pattern: str, html: str) -> str:
        match = re.search(pattern, html)
        return match.group(1) if match else ""

    def surfaces() -> list[str]:
        c = fresh(case)
        progress = Client().get(reverse("progress:lookup"), {"number": c.number, "code": c.query_code})
        return [
            api_deadline(w.approver, c)["due_text"],
            api_rows(w.approver, "/cases", "to_review")[c.number]["deadline_label"],
            found(r'data-limit="承诺办结"><dt>承诺办结</dt><dd>(.*?)（\d+个工作日', page(w.approver, c)),
            found(r'<td data-label="期限" class="nowrap">([^<]*)<', queue_page(w.approver, "to_review")),
            found(r'id="progress-promised">([^<]*)<', progress.content.decode()),
        ]

    assert surfaces() == [UNKNOWN_2027] * 5
    assert "承诺办结日期" in pdf_text(case, NoticeKind.ACCEPTANCE) and UNKNOWN_2027 in pdf_text(
        case, NoticeKind.ACCEPTANCE
    )
    # The due-soon lists never guess; the board lists them as 期限待定.
    assert case.number not in api_rows(w.approver, "/cases", "due_soon")
    assert {case.number, submitted.number} <= set(api_rows(w.supervisor, "/supervision", "calendar_unknown"))

    enter_2027(client, django_capture_on_commit_callbacks)
    assert Message.objects.get(topic="workdays.calendar_changed").status == "delivered"
    due = dt.date(2027, 1, 5)  # 12-29, 12-30, 12-31, 1-4, 1-5 (1-1 entered as a holiday)
    assert (fresh(case).promised_due, fresh(case).clock_due, fresh(case).unknown_year) == (due, due, None)
    assert fresh(submitted).acceptance_due == due and fresh(submitted).clock_due == due
    assert surfaces()[0] == surfaces()[4] == "2027年1月5日" == surfaces()[2]
    assert surfaces()[3] == "2027年1月5日" and surfaces()[1] == "剩余 5 个工作日"
    assert "2027年1月5日" in pdf_text(case, NoticeKind.ACCEPTANCE)
    assert case.number not in api_rows(w.supervisor, "/supervision", "calendar_unknown")


def test_a_handling_date_the_calendar_could_not_count_keeps_its_reason_after_the_decision(w: World, day: Any) -> None:
    """Promised within 2026, statutory into 2027 (not published): decided in 2026 with its result due in 2026,
    the case page still says why 法定办结 has no date instead of "—"."""
    day(dt.date(2026, 12, 14))
    case = accepted(w)
    assert case.promised_due is not None and (case.statutory_due, case.unknown_year) == (None, 2027)
    approver = s.Ctx(w.approver)
    while not case.awaiting_decision:
        case = s.complete_step(approver, case, "材料齐全", case.revision)
    case = s.decide(approver, case, True, "符合规定", case.revision)
    assert (case.status, case.statutory_due, case.unknown_year) == ("decided", None, None)
    html = page(w.approver, case)
    assert re.search(r'data-limit="法定办结"><dt>法定办结</dt><dd>待定（2027年节假日安排未发布）（', html)


def test_a_bundles_second_correction_list_repeats_the_first_or_says_why(day: Any) -> None:
    env = make_env()
    bc = bundle_at_window(env)
    bc = s.request_bundle_correction(clerk(env.w), bc, ["住院分娩记录不全"], bc.revision)
    bc = s.resubmit_bundle(clerk(env.w), bc, bc.revision)
    api = Api(Client(), env.w.clerk)
    url = f"/bundle-cases/{bc.number}/actions/request_correction"
    refused = api.post(url, {"revision": bc.revision, "items": ["住院分娩记录不全", "父母结婚证"]})
    assert refused.status_code == 400 and refused.json()["error"]["field"] == "added_reason"
    why = "复核时发现结婚证信息与申请表不一致"
    body = {"revision": bc.revision, "items": ["住院分娩记录不全", "父母结婚证"], "added_reason": why}
    assert api.post(url, body).status_code == 200
    detail = Api(Client(), env.w.applicant).get(f"/bundle-cases/{bc.number}").json()
    assert (detail["correction_added"], detail["correction_added_reason"]) == (["父母结婚证"], why)
    client = Client()
    client.force_login(env.w.applicant)
    html = client.get(reverse("bundle_cases:case", args=[bc.number])).content.decode()
    assert f"其中“父母结婚证”为首次告知后新增，理由：{why}" in html
