"""The public progress page: the right case for the right number and code, nothing personal, the same answer
for a wrong code and an unknown number, and a light limit on guesses."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tongban.cases import services as s
from tongban.cases import views_public
from tongban.cases.notices import progress_url
from tongban.cases.tests.factories import CaseFactory, world
from tongban.core import clock
from tongban.core.identifiers import make_resident_id

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 9, 29)
URL = "/progress/"


@pytest.fixture
def w(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return world()


def handled(w):
    """Applied at the window, accepted, one step done, suspended for expert review and resumed, supervised."""
    agent = {"name": "赵代办", "id_number": make_resident_id("330681", dt.date(1980, 5, 1), 7)}
    case = CaseFactory(world=w, channel="window", status="in_progress", agent=agent)
    approver = s.Ctx(w.approver)
    case = s.complete_step(approver, case, "申请人王五材料齐全", case.revision)
    case = s.suspend(approver, case, "专家评审", "请专家核实王五的材料", case.revision)
    case = s.resume(approver, case, case.revision)
    s.supervise(s.Ctx(w.supervisor), case, "请加快办理")
    return type(case).objects.get(pk=case.pk)


def test_lookup_page_is_a_form(client):
    assert reverse("progress:lookup") == URL
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "办件进度查询" in html and 'name="number"' in html and 'name="code"' in html
    assert 'name="viewport"' in html  # mobile: extends the base layout


def test_match_shows_progress_without_personal_data(client, w):
    case = handled(w)
    response = client.get(URL, {"number": case.number, "code": case.query_code.lower()})  # code case-insensitive
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    for shown in (
        "新生儿入户",
        "诸暨市公安局",
        "办理中",
        "2026年9月29日",
        "提交申请",
        "受理",
        "完成办理环节（审核）",
        "进入特殊环节（专家评审）",
        "恢复办理",
        case.number,
    ):
        assert shown in html, shown
    due = case.promised_due
    assert f"{due.year}年{due.month}月{due.day}日" in html
    # Nothing about people: names of applicant, agent and staff, ID numbers, phones, opinions and reasons.
    for hidden in (
        "王五",
        "赵代办",
        w.other_citizen.id_number,
        w.other_citizen.id_number[-4:],
        "13900000000",
        "窗口王",
        "审批李",
        "督办周",
        "材料齐全",
        "请专家核实",
        "请加快办理",
        "督办",
        "人证比对",
    ):
        assert hidden not in html, hidden


def test_decision_is_shown(client, w):
    case = handled(w)
    case = s.decide(s.Ctx(w.approver), case, True, "符合条件", case.revision)
    html = client.get(URL, {"number": case.number, "code": case.query_code}).content.decode()
    assert "已决定待出件" in html and "准予" in html and "符合条件" not in html
    assert views_public.STATUS_HINTS[case.status_enum] in html


def test_mismatch_does_not_reveal_whether_the_number_exists(client, w):
    case = handled(w)
    wrong = "Z" if case.query_code[0] != "Z" else "Y"
    unknown = case.number[:-6] + "999999"
    a = client.get(URL, {"number": case.number, "code": wrong + case.query_code[1:]})
    b = client.get(URL, {"number": unknown, "code": wrong + case.query_code[1:]})
    assert a.status_code == b.status_code == 200
    assert views_public.NOT_FOUND in a.content.decode()
    # The two answers differ only in the number echoed back into the form.
    assert a.content.decode().replace(case.number, "N") == b.content.decode().replace(unknown, "N")
    assert "新生儿入户" not in a.content.decode()


def test_drafts_and_half_filled_forms(client, w):
    draft = s.start_online(s.Ctx(w.applicant, "online"), w.version.implementation)
    response = client.get(URL, {"number": draft.number, "code": draft.query_code})
    assert views_public.NOT_FOUND in response.content.decode()
    response = client.get(URL, {"number": "330681-20260929-000001"})
    assert views_public.INCOMPLETE in response.content.decode()


def test_guesses_are_rate_limited_per_address(client, w, settings):
    settings.TONGBAN_PROGRESS_RATE_LIMIT = 5
    case = handled(w)
    for i in range(5):
        assert client.get(URL, {"number": case.number, "code": f"AAAA{i}"}).status_code == 200
    blocked = client.get(URL, {"number": case.number, "code": case.query_code})  # even the right code now
    assert blocked.status_code == 429
    html = blocked.content.decode()
    assert views_public.THROTTLED in html and "新生儿入户" not in html
    # Another address is not affected.
    other = client.get(URL, {"number": case.number, "code": case.query_code}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200 and "新生儿入户" in other.content.decode()
    # A bare form view is no guess.
    assert client.get(URL).status_code == 200


def test_the_notice_qr_link_opens_this_page(client, w):
    case = handled(w)
    link = urlsplit(progress_url(case))
    response = client.get(f"{link.path}?{link.query}")
    assert response.status_code == 200 and "新生儿入户" in response.content.decode()


def test_on_a_phone(mobile_page, screenshot, w):
    case = handled(w)
    page = mobile_page
    page.goto("/progress/")
    page.get_by_label("办件编号").fill(case.number)
    page.get_by_label("查询码").fill(case.query_code.lower())
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/progress/?number=*")
    assert page.locator("[data-status]").inner_text() == "办理中"
    assert page.locator(".timeline li").count() == 5  # submitted, accepted, step, suspended, resumed
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "public-progress-phone")
    page.get_by_label("查询码").fill("WRONG1")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**code=WRONG1*")
    assert page.get_by_role("alert").inner_text() == views_public.NOT_FOUND


def test_the_limit_keys_on_the_real_client_behind_a_trusted_proxy(client, w, settings):
    settings.TONGBAN_PROGRESS_RATE_LIMIT = 2
    case = handled(w)
    guess = {"number": case.number, "code": "AAAA0"}
    # Without a trusted proxy an invented X-Forwarded-For changes nothing: the address is REMOTE_ADDR.
    codes = [client.get(URL, guess, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code for i in range(3)]
    assert codes == [200, 200, 429]
    # Behind the configured proxy, each client behind it has its own count.
    settings.TONGBAN_TRUSTED_PROXIES = ["127.0.0.1"]
    for address in ("198.51.100.50", "198.51.100.51"):
        assert client.get(URL, guess, HTTP_X_FORWARDED_FOR=address).status_code == 200
