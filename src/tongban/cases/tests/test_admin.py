"""Cases in the Django admin: read-only pages that load, masked lists, due colours, scoping (404 outside), the
case.view audit entry, and the read-only event list with its filters."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from tongban.accounts.masking import mask_phone, mask_resident_id
from tongban.accounts.models import User
from tongban.accounts.tests.factories import CatalogueAdminFactory
from tongban.audit.models import AuditEntry
from tongban.cases import services as s
from tongban.cases.models import Case, CaseEvent
from tongban.cases.tests.factories import form, holding_all, world
from tongban.catalogue import services as catalogue
from tongban.catalogue.tests import factories as cf
from tongban.core import clock
from tongban.outbox.testing import deliver_outbox

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 9, 29)
PHONE = "13912345678"


@pytest.fixture
def w(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return world()


def clerk(w):
    return s.Ctx(w.clerk, "window", w.window)


def at_window(w, implementation=None, form_data=None):
    return s.apply_at_window(
        clerk(w),
        implementation or w.version.implementation,
        applicant={"name": "王五", "id_number": w.other_citizen.id_number, "phone": PHONE},
        identity_check="读取居民身份证芯片并人证比对",
        form_data=form_data or form(w),
        paper_materials=["居民身份证", "出生医学证明"],
    )


@pytest.fixture
def cases(w):
    """A police case through everything the page shows, and one of 人社 (another department)."""
    police = at_window(w)
    police = s.accept(
        clerk(w),
        police,
        police.revision,
        [s.Deferral("结婚证", TODAY + dt.timedelta(days=10), "本人承诺10日内补交结婚证")],
    )
    approver = s.Ctx(w.approver)
    police = s.suspend(approver, police, "专家评审", "需组织专家评审", police.revision)
    police = s.resume(approver, police, police.revision)
    s.supervise(s.Ctx(w.supervisor), police, "请加快办理")
    police = s.complete_step(approver, Case.objects.get(pk=police.pk), "材料齐全", None)
    police = s.decide(approver, police, True, "符合《户口登记条例》第七条", police.revision)
    police = s.issue_result(clerk(w), police, "post", police.revision, address="浙江省诸暨市暨阳街道艮塔西路138号")
    deliver_outbox()  # the courier's booking (worker)
    draft = cf.DraftVersionFactory(name="失业登记", division=w.police.division, department=w.hrss)
    hrss_version = catalogue.publish_now(draft)
    hrss = at_window(w, hrss_version.implementation, form(w))
    hrss = s.accept(clerk(w), holding_all(hrss), hrss.revision)
    running = at_window(w)
    running = s.accept(
        clerk(w),
        running,
        running.revision,
        [s.Deferral("结婚证", TODAY + dt.timedelta(days=5), "本人承诺5日内补交结婚证")],
    )
    return {"police": police, "hrss": hrss, "running": running}


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def admin_staff(user: User) -> User:
    """An approver or clerk given admin access by a deployment (is_staff); no Django permissions at all."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def due_cells(html: str) -> list[str]:
    """The colour word of each row's deadline cell ("" for a case off the clock)."""
    cells = re.findall(r'<td class="field-due[^"]*">(.*?)</td>', html, re.S)
    return [m.group(1) if (m := re.search(r'title="(.*?)"', c)) else "" for c in cells]


def views_of(case: Case) -> int:
    return AuditEntry.objects.filter(action="case.view", object_id=case.number).count()


def test_superuser_sees_every_page(w, cases):
    root = login(User.objects.create_superuser("root", "root@example.cn", "Root-pass-2024"))
    assert root.get(reverse("admin:index")).status_code == 200
    for name in ("cases_case", "cases_caseevent", "delivery_shipment"):
        response = root.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 200, name
    page = root.get(change_url(cases["police"]))
    assert page.status_code == 200
    html = page.content.decode()
    shipment = cases["police"].shipments.get()
    for text in (
        "办件过程（只追加，不可修改）",
        "专家评审",
        "请加快办理",
        "结婚证",
        "容缺后补",
        shipment.tracking_number,
        "已揽收",
        "本地模拟快递",
        "出件办结",
        "受理 → ",
        "运单号",
    ):
        assert text in html, text
    # Read-only: no save buttons, no add or delete.
    assert 'name="_save"' not in html
    assert root.get(reverse("admin:cases_case_add")).status_code == 403
    assert root.post(change_url(cases["police"]), {"status": "closed"}).status_code == 403
    assert root.get(reverse("admin:cases_case_delete", args=[cases["police"].pk])).status_code == 403
    event = CaseEvent.objects.filter(case=cases["police"]).first()
    assert root.get(change_url(event)).status_code == 200
    assert root.get(change_url(shipment)).status_code == 200
    assert root.get(reverse("admin:cases_case_change", args=[999999])).status_code == 404


def test_the_list_masks_ids_and_phones_and_colours_the_due_date(w, cases, monkeypatch):
    root = login(User.objects.create_superuser("root", "root@example.cn", "Root-pass-2024"))
    html = root.get(reverse("admin:cases_case_changelist")).content.decode()
    id_number = w.other_citizen.id_number
    assert id_number not in html and PHONE not in html and "王五" not in html and "李四" not in html
    assert mask_resident_id(id_number) in html and mask_phone(PHONE) in html and "王*" in html
    assert "新生儿入户" in html and "失业登记" in html and "诸暨市人力资源和社会保障局" in html
    # Two running cases due in time (green), the closed one without colour.
    assert sorted(due_cells(html)) == ["", "正常", "正常"]
    running = cases["running"]
    monkeypatch.setattr(clock, "today", lambda: running.promised_due - dt.timedelta(days=1))
    assert due_cells(root.get(reverse("admin:cases_case_changelist")).content.decode()).count("即将到期") == 2
    monkeypatch.setattr(clock, "today", lambda: running.promised_due + dt.timedelta(days=1))
    overdue = root.get(reverse("admin:cases_case_changelist") + "?due=overdue").content.decode()
    assert due_cells(overdue) == ["已超期", "已超期"] and running.number in overdue
    assert cases["police"].number not in overdue
    # Shipments list masks the recipient's phone too.
    shipments = root.get(reverse("admin:delivery_shipment_changelist")).content.decode()
    assert PHONE not in shipments and mask_phone(PHONE) in shipments


def test_filters_and_search(w, cases, monkeypatch):
    root = login(User.objects.create_superuser("root", "root@example.cn", "Root-pass-2024"))
    url = reverse("admin:cases_case_changelist")
    police, hrss = cases["police"], cases["hrss"]

    def numbers(query: str) -> set[str]:
        response = root.get(url + query)
        assert response.status_code == 200, query
        return {c.number for c in response.context["cl"].result_list}

    assert numbers(f"?q={police.number}") == {police.number}
    assert numbers(f"?q={police.number[:15]}") == {c.number for c in cases.values()}
    assert numbers("?status__exact=closed") == {police.number}
    assert numbers(f"?deciding_department__id__exact={w.hrss.pk}") == {hrss.number}
    running = cases["running"]
    assert numbers("?deferred__exact=1") == {police.number, running.number}
    assert numbers("?calendar_unknown__exact=1") == set()
    assert numbers("?channel__exact=window") == {c.number for c in cases.values()}
    # Still-deferred materials of open cases (the closed police case no longer counts).
    assert numbers("?deferral=pending") == {running.number}
    assert numbers("?deferral=overdue") == set()
    monkeypatch.setattr(clock, "today", lambda: TODAY + dt.timedelta(days=6))
    assert numbers("?deferral=overdue") == {running.number}
    events = reverse("admin:cases_caseevent_changelist")

    def actions(query: str) -> list[str]:
        response = root.get(events + query)
        assert response.status_code == 200, query
        return sorted(e.action for e in response.context["cl"].result_list)

    assert actions("?action__exact=suspend&q=" + police.number) == ["suspend"]
    assert actions("?actor_role=approver") == ["complete_step", "grant", "resume", "suspend"]
    assert actions("?actor_role=supervisor") == ["supervise"]
    assert actions("?channel=window&action__exact=accept_deferred") == ["accept_deferred", "accept_deferred"]
    assert actions("?channel=online") == []
    html = root.get(events).content.decode()
    assert "审批人员" in html and "综合窗口受理人员" in html and "窗口办理" in html


def test_scoped_staff_see_only_their_cases_and_others_are_404(w, cases):
    police_approver = login(admin_staff(w.approver))
    hrss_approver = login(admin_staff(w.other_approver))
    police, hrss = cases["police"], cases["hrss"]
    listed = police_approver.get(reverse("admin:cases_case_changelist")).context["cl"].result_list
    assert {c.number for c in listed} == {police.number, cases["running"].number}
    assert police_approver.get(change_url(police)).status_code == 200
    assert police_approver.get(change_url(hrss)).status_code == 404
    assert hrss_approver.get(change_url(police)).status_code == 404
    assert hrss_approver.get(change_url(hrss)).status_code == 200
    police_event = CaseEvent.objects.filter(case=police).first()
    assert hrss_approver.get(change_url(police_event)).status_code == 404
    assert hrss_approver.get(change_url(police.shipments.get())).status_code == 404
    events = hrss_approver.get(reverse("admin:cases_caseevent_changelist")).context["cl"].result_list
    assert {e.case_id for e in events} == {hrss.pk}
    # The clerk sees the centre's cases (both departments); a catalogue administrator none at all.
    clerk_client = login(admin_staff(w.clerk))
    assert clerk_client.get(change_url(hrss)).status_code == 200
    cat_admin = CatalogueAdminFactory(division=w.police.division)
    assert login(cat_admin).get(reverse("admin:cases_case_changelist")).status_code == 403
    # Even given the Django permission, the scope still holds: a catalogue administrator sees no case.
    cat_admin.user_permissions.add(Permission.objects.get(codename="view_case"))
    cat_client = login(User.objects.get(pk=cat_admin.pk))
    assert cat_client.get(reverse("admin:cases_case_changelist")).context["cl"].result_count == 0
    assert cat_client.get(change_url(police)).status_code == 404
    # Citizens never reach the admin.
    assert login(w.other_citizen).get(change_url(police)).status_code == 302


def test_opening_a_case_is_audited(w, cases):
    police, hrss = cases["police"], cases["hrss"]
    client = login(admin_staff(w.approver))
    before = views_of(police)
    client.get(reverse("admin:cases_case_changelist"))
    assert views_of(police) == before  # the masked list is not a view of personal data
    client.get(change_url(police))
    entry = AuditEntry.objects.filter(action="case.view", object_id=police.number).latest("id")
    assert views_of(police) == before + 1
    assert entry.actor == w.approver and entry.detail["via"] == "admin" and entry.ip == "127.0.0.1"
    refused_before = views_of(hrss)
    client.get(change_url(hrss))
    assert views_of(hrss) == refused_before  # a refused view records nothing
