"""Each role's workspace (工作台): where signing in lands, the header's 工作台 link and the case pages'
navigation, 在线申请 offered only to those the policy lets apply, the footer's staff entry, the Chinese error
pages, and the supervisor's 办件查询 (find by number, open cases by state, time limit and department, masked)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from tongban.accounts.models import User
from tongban.accounts.tests.factories import (
    CatalogueAdminFactory,
    CitizenFactory,
    EnterpriseFactory,
    SupervisorFactory,
    SystemAdminFactory,
)
from tongban.bundles.tests.factories import newborn_bundle
from tongban.cases import services as s
from tongban.cases.models import Case
from tongban.core import clock
from tongban.jurisdictions.tests.factories import DivisionFactory

from .factories import PASSWORD, World, form, holding_all, world

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 9, 29)


@pytest.fixture
def w(monkeypatch) -> World:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return world()


def text(response) -> str:
    return response.content.decode()


def sign_in(client: Client, username: str) -> str:
    """Sign in through the login form; where the browser ends up after following every redirect."""
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD}, follow=True)
    assert response.status_code == 200, text(response)[:400]
    return response.redirect_chain[-1][0]


def online_case(w: World, who=None) -> Case:
    """An application by ``who`` (the world's applicant unless given), in their own name."""
    who = who or w.applicant
    ctx = s.Ctx(who, "online")
    answers = {**form(w), "applicant_name": who.real_name, "applicant_id_number": who.id_number}
    return s.submit(ctx, s.start_online(ctx, w.version.implementation, answers))


# ---- landing ---------------------------------------------------------------------------------------------


def test_every_role_lands_on_its_own_workspace_after_signing_in(w):
    catalogue_admin = CatalogueAdminFactory(username="catalogue", division=w.clerk.division)
    system_admin = SystemAdminFactory(username="sysadmin")
    enterprise = EnterpriseFactory(username="firm", real_name="某公司")
    expected = {
        w.applicant.username: reverse("cases:mine"),
        enterprise.username: reverse("cases:mine"),
        w.clerk.username: reverse("cases:window"),
        w.approver.username: reverse("cases:queue"),
        w.head.username: reverse("cases:queue"),
        w.supervisor.username: reverse("cases:supervision"),
        catalogue_admin.username: reverse("admin:app_list", kwargs={"app_label": "catalogue"}),
        system_admin.username: reverse("admin:index"),
    }
    for username, landing in expected.items():
        client = Client()
        assert sign_in(client, username) == landing, username
        assert client.get(landing).status_code == 200, username  # and the landing page opens for that role


def test_a_staff_account_without_a_workspace_is_told_why_in_chinese(client, w):
    nobody = User.objects.create_user("norole", password=PASSWORD, kind="staff", division=w.clerk.division)  # no role
    client.force_login(nobody)
    response = client.get(reverse("workspace"))
    assert response.status_code == 403 and "尚未分配岗位" in text(response)


def test_the_workspace_asks_an_anonymous_visitor_to_sign_in_first(client):
    response = client.get(reverse("workspace"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={reverse('workspace')}"


def test_staff_have_a_workspace_link_in_the_header_and_applicants_do_not(client, w):
    client.force_login(w.approver)
    html = text(client.get("/"))
    assert re.search(r'class="nav-workspace" href="/workspace/"[^>]*>工作台</a>', html)
    client.force_login(w.applicant)
    assert "nav-workspace" not in text(client.get("/"))


def test_the_footer_staff_entry_leads_to_the_workspace(client, w):
    html = text(client.get("/"))
    assert '<a href="/workspace/">工作人员入口</a>' in html
    assert 'href="/admin/">工作人员入口' not in html


def test_case_navigation_lists_what_each_role_may_use(client, w):
    navs = {
        w.clerk: ["窗口收件", "待受理", "统一出件", "一件事收件", "跨省通办", "亮证查验", "12345工单"],
        w.approver: ["工作队列", "亮证查验", "督办单", "差评整改", "12345工单"],
        w.supervisor: ["督办看板", "差评整改", "办件查询", "共享数据监督", "一件事看板", "12345工单"],
        w.applicant: [
            "我的办件",
            "我的草稿",
            "我的一件事",
            "我的证照",
            "跨域办件",
            "我的数据",
            "12345诉求",
            "进度查询",
        ],
    }
    for who, labels in navs.items():
        client.force_login(who)
        html = text(client.get(reverse("workspace"), follow=True))
        nav = re.search(r'<nav class="cases-nav".*?</nav>', html, re.S)
        assert nav, who.username
        assert re.findall(r">([^<>]+)</a>", nav.group(0)) == labels, who.username
        assert 'aria-current="page"' in nav.group(0)


# ---- 在线申请 only for those who may apply ------------------------------------------------------------------


def test_guide_page_offers_online_application_to_applicants_and_visitors_only(client, w):
    guide = reverse("catalogue:guide", args=[w.version.implementation.code])
    apply = reverse("cases:apply", args=[w.version.implementation.code])
    assert apply in text(client.get(guide))  # a visitor: the link leads through sign-in
    client.force_login(w.applicant)
    assert apply in text(client.get(guide))
    for staff in (w.clerk, w.approver, w.supervisor):
        client.force_login(staff)
        html = text(client.get(guide))
        assert "在线申请" not in html and apply not in html, staff.username
        # The link would have answered 403: it is not offered at all.
        assert client.get(apply).status_code == 403


def test_bundle_page_offers_online_application_to_applicants_and_visitors_only(client, w):
    bundle = newborn_bundle()
    page = reverse("bundles:detail", args=[bundle.code])
    apply = reverse("bundle_cases:apply", args=[bundle.code])
    assert apply in text(client.get(page))
    client.force_login(w.applicant)
    assert apply in text(client.get(page))
    client.force_login(w.clerk)
    html = text(client.get(page))
    assert apply not in html and "在线申请" not in html


# ---- error pages ------------------------------------------------------------------------------------------


def test_403_and_404_pages_are_chinese_with_a_way_back(client, w):
    client.force_login(w.applicant)
    forbidden = client.get(reverse("cases:supervision"))
    assert forbidden.status_code == 403
    html = text(forbidden)
    assert '<html lang="zh-hans">' in html and 'href="/"' in html and "回到我的工作台" in html
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    html = text(missing)
    assert "没有找到您要的页面" in html and "返回首页" in html and "回到我的工作台" in html


def test_the_django_403_handler_is_chinese_and_hides_english_internals(rf, w):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    from tongban.core.views import permission_denied

    request = rf.get("/admin/x/")
    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied("CSRF token missing"))
    html = text(response)
    assert response.status_code == 403 and "无权访问" in html and "CSRF" not in html and "登录" in html
    response = permission_denied(request, PermissionDenied("您没有事项目录 Excel 导入导出的权限"))
    assert "您没有事项目录 Excel 导入导出的权限" in text(response)


@pytest.mark.parametrize("name", ["400.html", "403_csrf.html", "500.html"])
def test_standalone_error_pages_are_chinese_with_a_way_back(name):
    from django.template.loader import get_template

    html = get_template(name).render()  # rendered without a request, as Django's handlers do
    assert '<html lang="zh-hans">' in html and 'href="/"' in html and re.search(r"[\u4e00-\u9fff]{4}", html)


def test_a_csrf_failure_answers_the_chinese_page(w):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403 and "页面已过期" in text(response)


# ---- the supervisor's 办件查询 -------------------------------------------------------------------------------


def test_supervisor_finds_a_case_by_number_however_it_is_typed(client, w):
    case = online_case(w)
    client.force_login(w.supervisor)
    search = reverse("cases:search")
    typed = "  " + case.number.lower().replace("-", "－") + " "  # spaces, full-width dashes
    response = client.get(search, {"number": typed})
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.number])
    page = client.get(response["Location"])
    html = text(page)
    # Supervision needs no identity: the case page shows the applicant masked, as the policy says (the page
    # used to print the full resident ID and phone to every staff member who could open it).
    assert page.status_code == 200 and w.applicant.id_number not in html and w.applicant.phone not in html
    assert "3306**********0111" in html and "张*" in html and "张三" not in html


def test_a_number_outside_the_jurisdiction_or_a_draft_is_not_found(client, w):

    elsewhere = SupervisorFactory(username="far_supervisor", division=DivisionFactory(code="330682", name="上虞区"))
    case = online_case(w)
    draft = s.start_online(s.Ctx(w.applicant, "online"), w.version.implementation, form(w))
    client.force_login(elsewhere)
    html = text(client.get(reverse("cases:search"), {"number": case.number}))
    assert "本辖区没有编号为" in html and reverse("cases:detail", args=[case.number]) not in html
    client.force_login(w.supervisor)
    assert "本辖区没有编号为" in text(client.get(reverse("cases:search"), {"number": draft.number or "DRAFT"}))


def test_supervisor_lists_open_cases_by_state_time_limit_and_department(client, w):
    submitted = online_case(w)
    running = online_case(w, CitizenFactory(username="wangwu", real_name="王五"))
    running = s.accept(s.Ctx(w.clerk, "window", w.window), holding_all(running), running.revision)
    late = TODAY - dt.timedelta(days=3)
    Case.objects.filter(pk=running.pk).update(promised_due=late, clock_due=late)  # its clock ran out
    withdrawn = online_case(w, CitizenFactory(username="zhaoliu", real_name="赵六"))
    s.withdraw(s.Ctx(withdrawn.applicant, "online"), withdrawn, "不再需要", withdrawn.revision)
    client.force_login(w.supervisor)
    search = reverse("cases:search")

    def numbers(**params) -> list[str]:
        html = text(client.get(search, params))
        return re.findall(r'<tr class="[^"]*" data-number="([^"]+)"', html)

    assert sorted(numbers()) == sorted([submitted.number, running.number])  # the withdrawn one is not open
    assert numbers(status="submitted") == [submitted.number]
    assert numbers(due="overdue") == [running.number]
    assert numbers(due="not_started") == [submitted.number]
    assert numbers(department=str(w.police.pk)) != [] and numbers(department=str(w.hrss.pk)) == []
    html = text(client.get(search))
    assert "张三" not in html and "王五" not in html and "张*" in html  # names masked, as on the board
    assert w.applicant.id_number not in html
    assert numbers(status="no-such-state") == numbers()  # an unknown filter value is ignored, never a 500


def test_only_supervisors_may_search_cases(client, w):
    for who in (w.applicant, w.clerk, w.approver):
        client.force_login(who)
        assert client.get(reverse("cases:search")).status_code == 403


def test_the_api_lists_the_same_open_cases_masked(client, w):
    from .factories import Api

    submitted = online_case(w)
    api = Api(client, w.supervisor)
    body = api.get("/supervision/cases", {"status": "submitted"}).json()
    assert [r["number"] for r in body["results"]] == [submitted.number] and body["total"] == 1
    assert w.applicant.id_number not in str(body) and "张三" not in str(body)
    assert api.get("/supervision/cases", {"due": "overdue"}).json()["total"] == 0
    assert api.get("/supervision/cases", {"department": w.police.uscc}).json()["total"] == 1
    assert api.get("/supervision/cases", {"department": w.hrss.uscc}).json()["total"] == 0
    unknown = api.get("/supervision/cases", {"department": "91330681MA2B000000"})
    assert unknown.status_code == 404 and unknown.json()["error"]["field"] == "department"
    refused = Api(client, w.approver).get("/supervision/cases")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    bad = api.get("/supervision/cases", {"due": "tomorrow"})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "due"


def test_the_online_application_offers_each_materials_blank_form(client, w):
    from tongban.catalogue import services as catalogue

    stored = catalogue.store_guide_file("出生登记申报表.pdf", b"%PDF-1.4\n%%EOF\n")
    draft = catalogue.start_new_version(w.version.implementation)
    rows = [{k: v for k, v in r.items() if k != "order"} for r in catalogue.snapshot(draft)["materials"]]
    rows[0].update(blank_form=stored.name, blank_form_file_id=stored.pk)
    catalogue.update_draft(draft, materials=rows)
    catalogue.publish_now(draft)
    client.force_login(w.applicant)
    html = text(client.get(reverse("cases:apply", args=[w.version.implementation.code])))
    assert f'href="{stored.get_absolute_url()}" download>下载空白表格</a>' in html
