"""Case pages through the test client, per role: applicants, the window clerk, approvers, the head, the
supervisor — and everyone else, who must not learn that someone else's case exists."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tongban.accounts.tests.factories import WindowClerkFactory
from tongban.audit.models import AuditEntry
from tongban.cases import services as s
from tongban.cases.models import Case, CaseEvent, CaseMaterial, SupervisionNotice
from tongban.cases.notices import render_notice
from tongban.cases.tests.factories import CaseFactory, form, holding_all, world
from tongban.catalogue import services as catalogue
from tongban.catalogue.tests import factories as cf
from tongban.core import clock
from tongban.core.identifiers import make_resident_id, make_uscc
from tongban.core.signing import document_signer
from tongban.core.testing import files as samples
from tongban.jurisdictions.tests.factories import ServiceCentreFactory
from tongban.outbox.testing import deliver_outbox

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 9, 29)  # a Tuesday before National Day
PNG = samples.png()
PDF = samples.pdf()


@pytest.fixture
def w(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return world()


def code(w) -> str:
    return w.version.implementation.code


def token(html: str) -> str:
    found = re.search(r'name="token" value="([^"]+)"', html)
    assert found, "the form carries a one-time token"
    return found.group(1)


def fields(w, **overrides) -> dict[str, str]:
    return {f"f_{k}": v for k, v in {**form(w), **overrides}.items()}


def online_case(w) -> Case:
    return CaseFactory(world=w, uploads=())


def window_case(w) -> Case:
    return CaseFactory(world=w, channel="window")


def accepted(w) -> Case:
    return CaseFactory(world=w, status="in_progress", uploads=())


def text(response) -> str:
    return response.content.decode()


# ---- applicants ---------------------------------------------------------------------------------------


def test_apply_form_is_rendered_from_the_schema_and_prefilled(client, w):
    client.force_login(w.applicant)
    r = client.get(reverse("cases:apply", args=[code(w)]))
    assert r.status_code == 200
    html = text(r)
    assert 'name="f_applicant_name"' in html and 'value="张三"' in html
    assert f'value="{w.applicant.id_number}"' in html  # pre-filled from the profile (一次填写)
    assert 'type="date"' in html and 'name="f_child_birth_date"' in html
    assert html.count('class="required"') >= 4  # every required field is marked
    assert "保存草稿" in html and "提交申请" in html
    assert 'name="material_' in html and "可用电子证照免提交" in html


def test_save_draft_then_submit_gives_a_receipt_with_number_and_query_code(client, w):
    client.force_login(w.applicant)
    url = reverse("cases:apply", args=[code(w)])
    r = client.post(url, {"token": token(text(client.get(url))), "action": "save", "f_child_name": "张小宝"})
    draft = Case.objects.get()
    assert draft.status == "draft" and draft.form_data["child_name"] == "张小宝"
    assert r.status_code == 302 and r["Location"] == reverse("cases:edit", args=[draft.number])
    drafts = text(client.get(reverse("cases:drafts")))
    assert "新生儿入户" in drafts and reverse("cases:edit", args=[draft.number]) in drafts

    edit = reverse("cases:edit", args=[draft.number])
    r = client.post(edit, {"token": token(text(client.get(edit))), "action": "submit", **fields(w)})
    case = Case.objects.get()
    assert case.status == "submitted" and not case.number.startswith("draft-")
    assert r["Location"] == reverse("cases:receipt", args=[case.number])
    receipt = text(client.get(r["Location"]))
    assert case.number in receipt and case.query_code in receipt
    mine = text(client.get(reverse("cases:mine")))
    assert case.number in mine and "待受理" in mine
    assert "没有保存的草稿" in text(client.get(reverse("cases:drafts")))


def test_invalid_form_shows_each_error_next_to_its_field_and_keeps_the_draft(client, w):
    client.force_login(w.applicant)
    url = reverse("cases:apply", args=[code(w)])
    r = client.post(
        url,
        {
            "token": token(text(client.get(url))),
            "action": "submit",
            **fields(w, child_name="", child_birth_date="2026-13-45"),
        },
    )
    assert r.status_code == 400
    html = text(r)
    assert 'id="id_f_child_name_error">请填写新生儿姓名' in html
    assert 'id="id_f_child_birth_date_error">出生日期应为日期' in html
    assert 'value="2026-13-45"' in html  # what was typed stays
    case = Case.objects.get()
    assert case.status == "draft"
    assert f'action="{reverse("cases:edit", args=[case.number])}"' in html  # the page now edits that draft


def test_double_click_or_reload_never_makes_a_second_case(client, w):
    client.force_login(w.applicant)
    url = reverse("cases:apply", args=[code(w)])
    data = {"token": token(text(client.get(url))), "action": "submit", **fields(w)}
    first = client.post(url, data)
    second = client.post(url, data)  # the same form again: a double click, or a reload after POST
    assert Case.objects.count() == 1
    case = Case.objects.get()
    assert case.status == "submitted"
    assert first["Location"] == second["Location"] == reverse("cases:receipt", args=[case.number])
    # Resubmitting a draft's form twice: still one case, one submission.
    client.post(url, {"token": token(text(client.get(url))), "action": "save", **fields(w)})
    draft = Case.objects.get(status="draft")
    edit = reverse("cases:edit", args=[draft.number])
    data = {"token": token(text(client.get(edit))), "action": "submit", **fields(w)}
    client.post(edit, data)
    again = client.post(edit, data)
    assert Case.objects.filter(status="submitted").count() == 2
    assert CaseEvent.objects.filter(case=draft, action="submit").count() == 1
    assert again.status_code == 302
    assert client.post(url, {"action": "submit", **fields(w)}).status_code == 400  # no token: nothing made
    assert Case.objects.count() == 2


def test_a_bad_file_is_refused_alone_and_the_rest_is_kept(client, w):
    client.force_login(w.applicant)
    url = reverse("cases:apply", args=[code(w)])
    mats = {m.name: m.pk for m in w.version.materials.all()}
    r = client.post(
        url,
        {
            "token": token(text(client.get(url))),
            "action": "submit",
            **fields(w),
            f"material_{mats['出生医学证明']}": SimpleUploadedFile("证明.pdf", b"this is not a pdf at all"),
            f"material_{mats['结婚证']}": SimpleUploadedFile("结婚证.png", PNG, content_type="image/png"),
        },
    )
    assert r.status_code == 400
    html = text(r)
    assert "不是PDF、JPEG、PNG或OFD格式" in html and "证明.pdf" in html
    case = Case.objects.get()
    assert case.status == "draft" and case.form_data["child_name"] == "张小宝"
    assert list(case.materials.values_list("name", flat=True)) == ["结婚证"]
    assert "已上传" in html


def test_case_detail_shows_timeline_materials_notices_and_records_the_view(client, w):
    case = accepted(w)
    client.force_login(w.applicant)
    before = AuditEntry.objects.filter(action="case.view").count()
    r = client.get(reverse("cases:detail", args=[case.number]))
    html = text(r)
    assert r.status_code == 200
    for label in ("提交申请", "受理", "办理过程", "受理通知书", "撤回申请"):
        assert label in html
    assert "即将开放" not in html  # no placeholder: 好差评 offers its link once the case has ended
    assert w.applicant.id_number in html  # the applicant's own data, in full (docs/privacy.md)
    assert AuditEntry.objects.filter(action="case.view", object_id=case.number, actor=w.applicant).count() == before + 1
    pdf = client.get(reverse("cases:notice", args=[case.number, "acceptance"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get(reverse("cases:notice", args=[case.number, "grant"])).status_code == 409


def test_applicant_withdraws(client, w):
    case = online_case(w)
    client.force_login(w.applicant)
    r = client.post(reverse("cases:act", args=[case.number, "withdraw"]), {"revision": case.revision})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == "withdrawn"
    # A draft given up leaves both lists.
    draft = s.start_online(s.Ctx(w.applicant, "online"), w.version.implementation)
    assert "放弃这份草稿" in text(client.get(reverse("cases:edit", args=[draft.number])))
    client.post(reverse("cases:act", args=[draft.number, "withdraw"]), {"revision": draft.revision})
    draft.refresh_from_db()
    assert draft.status == "withdrawn"
    assert draft.number not in text(client.get(reverse("cases:drafts")))
    assert draft.number not in text(client.get(reverse("cases:mine")))


def test_applicant_supplies_a_correction_with_files(client, w):
    case = online_case(w)
    case = s.request_correction(s.Ctx(w.clerk, "window", w.window), case, ["结婚证"], case.revision)
    client.force_login(w.applicant)
    html = text(client.get(reverse("cases:detail", args=[case.number])))
    assert "需要补正的内容（一次性告知）" in html and "补正后重新提交" in html
    pk = w.version.materials.get(name="结婚证").pk
    r = client.post(
        reverse("cases:act", args=[case.number, "resubmit"]),
        {"revision": case.revision, f"material_{pk}": SimpleUploadedFile("m.pdf", PDF)},
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == "submitted" and case.materials.filter(name="结婚证", state="received").exists()


def test_a_correction_fixes_the_form_fields_the_office_named(client, w):
    """补正 can fix the form as well as files: the clerk names fields; the applicant changes those, no others; the
    change is on the event. The same during handling (退回补正)."""
    case = online_case(w)
    client.force_login(w.clerk)
    page = text(client.get(reverse("cases:detail", args=[case.number])))
    assert 'name="form_fields" value="child_birth_date"' in page  # the form's fields offered beside the materials
    r = client.post(
        reverse("cases:act", args=[case.number, "correction"]),
        {"revision": case.revision, "items": ["结婚证"], "form_fields": ["child_birth_date"]},
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.correction_fields == ["child_birth_date"]
    assert case.correction_items == ["结婚证", "申请表“出生日期”栏需更正"]  # on the one list (and the notice)
    client.force_login(w.applicant)
    page = text(client.get(reverse("cases:detail", args=[case.number])))
    fix = page.split('id="fix-fields"')[1].split("</fieldset>")[0]
    assert 'name="f_child_birth_date"' in fix and 'value="2026-11-01"' in fix and "f_child_name" not in fix
    url = reverse("cases:act", args=[case.number, "resubmit"])
    bad = client.post(url, {"revision": case.revision, "f_child_birth_date": "2026-13-45", "f_child_name": "改名"})
    assert bad.status_code == 400 and 'aria-invalid="true"' in text(bad).split('id="fix-fields"')[1]
    pk = w.version.materials.get(name="结婚证").pk
    r = client.post(
        url,
        {
            "revision": case.revision,
            "f_child_birth_date": "2026-10-30",
            "f_child_name": "改名",  # not named: not read, not changed
            f"material_{pk}": SimpleUploadedFile("m.pdf", PDF),
        },
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == "submitted" and case.correction_fields == []
    assert case.form_data["child_birth_date"] == "2026-10-30" and case.form_data["child_name"] == "张小宝"
    event = case.events.get(action="resubmit")
    assert event.data["changed"] == [
        {"field": "child_birth_date", "label": "出生日期", "before": "2026-11-01", "after": "2026-10-30"}
    ]
    assert "更正申请表：出生日期" in text(client.get(reverse("cases:detail", args=[case.number])))

    # 退回补正 during handling: the approver names a field, the applicant supplies it and handling resumes.
    case = s.accept(s.Ctx(w.clerk, "window", w.window), holding_all(case), case.revision)
    case = s.return_for_correction(
        s.Ctx(w.approver), case, [], "新生儿姓名与出生医学证明不一致", case.revision, fields=["child_name"]
    )
    assert case.status == "returned" and case.correction_items == ["申请表“新生儿姓名”栏需更正"]
    r = client.post(
        reverse("cases:act", args=[case.number, "supply_correction"]),
        {"revision": case.revision, "f_child_name": "张小宝宝"},
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == "in_progress" and case.form_data["child_name"] == "张小宝宝"
    assert case.events.get(action="supply_correction").data["changed"][0]["before"] == "张小宝"


def test_who_may_not_apply_online(client, w):
    client.force_login(w.clerk)
    assert client.get(reverse("cases:apply", args=[code(w)])).status_code == 403
    client.logout()
    r = client.get(reverse("cases:apply", args=[code(w)]))
    assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:login"))
    client.force_login(w.applicant)
    assert client.get(reverse("cases:apply", args=["no-such-code"])).status_code == 404


def test_guide_page_links_to_online_application(client, w):
    html = text(client.get(reverse("catalogue:guide", args=[code(w)])))
    assert reverse("cases:apply", args=[code(w)]) in html and "在线申请" in html


# ---- the window ---------------------------------------------------------------------------------------


def test_window_lists_the_items_of_the_centre_and_takes_an_application(client, w):
    client.force_login(w.clerk)
    home = text(client.get(reverse("cases:window"), {"q": "入户"}))
    assert "新生儿入户" in home and reverse("cases:window_apply", args=[code(w)]) in home
    url = reverse("cases:window_apply", args=[code(w)])
    page = text(client.get(url))
    for choice in ("读取身份证芯片并人证比对", "核验纸质身份证原件", "电子身份证扫码"):
        assert choice in page
    assert 'name="f_applicant_name"' not in page  # asked once, in the applicant section
    bad = client.post(
        url,
        {
            "token": token(page),
            "kind": "natural",
            "name": "王五",
            "id_number": "330681199001010000",
            "f_child_name": "王小宝",
            "f_child_birth_date": "2026-11-01",
        },
    )
    assert bad.status_code == 400
    html = text(bad)
    assert "公民身份号码有误" in html and "请选择申请人身份的核验方式" in html
    assert 'value="王小宝"' in html and not Case.objects.exists()

    data = {
        "token": token(html),
        "kind": "natural",
        "name": "王五",
        "id_number": w.other_citizen.id_number,
        "phone": "13900000000",
        "identity_check": "核验纸质身份证原件",
        "agent_name": "",
        "f_child_name": "王小宝",
        "f_child_birth_date": "2026-11-01",
        "paper": ["居民身份证", "出生医学证明"],
    }
    r = client.post(url, data)
    case = Case.objects.get()
    assert r["Location"] == reverse("cases:detail", args=[case.number]) + "#decide"
    assert case.status == "submitted" and case.channel == "window" and case.identity_check == "核验纸质身份证原件"
    assert case.receiving_window == w.window and case.form_data["applicant_name"] == "王五"
    assert set(case.materials.filter(paper_checked=True).values_list("name", flat=True)) == {
        "居民身份证",
        "出生医学证明",
    }
    again = client.post(url, data)  # the same form once more
    assert Case.objects.count() == 1 and again["Location"] == reverse("cases:detail", args=[case.number])


COMPANY_FORM = [
    {"key": "enterprise_name", "label": "企业（字号）名称", "type": "text", "required": True, "max_length": 100},
    {"key": "legal_representative", "label": "法定代表人", "type": "text", "required": True, "max_length": 50},
    {"key": "registered_address", "label": "住所", "type": "text", "required": True, "max_length": 200},
    {"key": "applicant_name", "label": "经办人姓名", "type": "text", "required": True, "max_length": 50},
    {"key": "applicant_id_number", "label": "经办人公民身份号码", "type": "id_number", "required": True},
    {"key": "applicant_phone", "label": "经办人联系电话", "type": "phone", "required": True},
]


def company_item(w, name: str, extra: list | None = None):
    draft = cf.DraftVersionFactory(name=name, division=w.police.division, department=w.hrss)
    catalogue.update_draft(draft, content={"form_schema": [*COMPANY_FORM, *(extra or [])]})
    return catalogue.publish_now(draft).implementation


def test_window_takes_a_company_formation_from_its_founder_or_agent_without_a_credit_code(client, w):
    """企业开办: the company does not exist yet, so it has no USCC. The founder (or their 经办人) applies; the
    window used to demand a USCC for every enterprise and put the company's name into the person's."""
    impl = company_item(w, "内资企业设立登记")
    client.force_login(w.clerk)
    url = reverse("cases:window_apply", args=[impl.code])
    page = text(client.get(url))
    assert "设立中企业（企业开办，尚无统一社会信用代码）" in page and 'name="enterprise_name"' in page
    founder, agent = w.other_citizen, w.applicant
    data = {
        "kind": "founding",
        "name": "李四",
        "id_number": founder.id_number,
        "phone": "13900000000",
        "identity_check": "读取身份证芯片并人证比对",
        "f_legal_representative": "李四",
        "f_registered_address": "诸暨市暨阳街道浣纱南路1号",
    }
    missing_name = client.post(url, {**data, "token": token(page)})
    assert missing_name.status_code == 400 and "设立中企业须填写拟设立的企业名称" in text(missing_name)
    r = client.post(
        url,
        {
            **data,
            "token": token(text(missing_name)),
            "enterprise_name": "诸暨市新芽科技有限公司",
            "agent_name": "张三",
            "agent_id_number": agent.id_number,
            "principal_check": "核验委托人身份证原件（委托人未到场）",
            "written": "on",
        },
    )
    assert r.status_code == 302, text(r)
    case = Case.objects.get(implementation=impl)
    assert case.applicant_kind == "natural" and case.applicant_name == "李四"
    assert case.applicant_id_number == founder.id_number and case.applicant == founder  # the founder's account
    assert case.agent_name == "张三" and case.agent == agent
    assert case.form_data["enterprise_name"] == "诸暨市新芽科技有限公司"
    assert case.form_data["applicant_name"] == "张三"  # the form's 经办人 is the agent at the window
    assert "uscc" not in case.form_data
    # An item that needs an existing enterprise's USCC says so instead of taking a company being formed.
    change = company_item(
        w, "内资企业变更登记", [{"key": "uscc", "label": "统一社会信用代码", "type": "uscc", "required": True}]
    )
    url = reverse("cases:window_apply", args=[change.code])
    page = text(client.get(url))
    refused = client.post(url, {**data, "token": token(page), "enterprise_name": "诸暨市新芽科技有限公司"})
    assert refused.status_code == 400 and "设立中企业不能办理" in text(refused)


def test_window_decision_deferred_then_print_the_notice(client, w):
    case = window_case(w)
    client.force_login(w.clerk)
    page = text(client.get(reverse("cases:detail", args=[case.number])))
    # 结婚证 (容缺后补) is not in hand: no 受理 button, the reason instead; 容缺受理 with a commitment is offered.
    for title in ("容缺受理", "补正（一次性告知）", "不予受理"):
        assert f"<summary>{title}</summary>" in page
    assert "<summary>受理</summary>" not in page
    assert 'id="acceptance-blocked"' in page and "“结婚证”" in page.split('id="acceptance-blocked"')[1]
    # The promised date comes filled in as a date picker reads it (ISO), a week from today.
    due = (clock.today() + dt.timedelta(days=7)).isoformat()
    assert f'type="date" name="due" value="{due}"' in page
    r = client.post(reverse("cases:act", args=[case.number, "accept"]), {"revision": case.revision})
    assert r.status_code == 409 and Case.objects.get(pk=case.pk).status == "submitted"
    r = client.post(
        reverse("cases:act", args=[case.number, "defer"]),
        {
            "revision": case.revision,
            "materials": ["结婚证"],
            "due": "2026-10-12",
            "commitment": "本人承诺10月12日前补交结婚证",
        },
    )
    assert r.status_code == 302 and r["Location"].endswith("?print=deferral")
    case.refresh_from_db()
    assert case.status == "in_progress" and case.deferred
    assert case.materials.get(name="结婚证").deferred_due == dt.date(2026, 10, 12)
    page = text(client.get(r["Location"]))
    assert "请打印《容缺受理承诺书》" in page
    pdf = client.get(reverse("cases:notice", args=[case.number, "deferral"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # The deferred material arrives later at the window.
    r = client.post(
        reverse("cases:act", args=[case.number, "supply_deferred"]), {"revision": case.revision, "material": "结婚证"}
    )
    assert r.status_code == 302
    assert case.materials.get(name="结婚证").state == "received"


def test_correction_list_is_one_complete_list(client, w):
    case = s.apply_at_window(
        s.Ctx(w.clerk, "window", w.window),
        w.version.implementation,
        applicant={"name": "王五", "id_number": w.other_citizen.id_number},
        identity_check="电子身份证扫码",
        form_data=form(w),
        paper_materials=["居民身份证"],
    )
    client.force_login(w.clerk)
    page = text(client.get(reverse("cases:detail", args=[case.number])))
    assert re.search(r'name="items" value="出生医学证明"[^>]*checked', page) is None  # replaceable: not missing
    r = client.post(
        reverse("cases:act", args=[case.number, "correction"]),
        {"revision": case.revision, "items": ["结婚证"], "extra": "申请表第3栏未签字\n户口簿复印件不清晰"},
    )
    assert r.status_code == 302 and r["Location"].endswith("?print=correction")
    case.refresh_from_db()
    assert case.status == "correction"
    assert case.correction_items == ["结婚证", "申请表第3栏未签字", "户口簿复印件不清晰"]


def test_refusal_needs_a_reason_shown_next_to_the_field(client, w):
    case = online_case(w)
    client.force_login(w.clerk)
    r = client.post(reverse("cases:act", args=[case.number, "refuse"]), {"revision": case.revision, "reason": ""})
    assert r.status_code == 400
    assert 'id="id_refuse_reason_error">不予受理必须说明理由和依据' in text(r)
    r = client.post(
        reverse("cases:act", args=[case.number, "refuse"]),
        {"revision": case.revision, "reason": "不属于本机关职权范围"},
    )
    assert r.status_code == 302 and r["Location"].endswith("?print=refusal")


def test_stale_revision_shows_the_conflict_and_the_fresh_state(client, w):
    case = holding_all(online_case(w))
    shown = case.revision
    s.request_correction(s.Ctx(w.clerk, "window", w.window), case, ["结婚证"], case.revision)
    s.resubmit(s.Ctx(w.applicant, "online"), Case.objects.get(pk=case.pk))  # back to 待受理, newer revision
    client.force_login(w.clerk)
    r = client.post(reverse("cases:act", args=[case.number, "accept"]), {"revision": shown})
    assert r.status_code == 409
    html = text(r)
    assert "该办件已被他人处理" in html and 'id="case-status" data-status="submitted"' in html
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.status == "submitted" and f'name="revision" value="{fresh.revision}"' in html


def test_result_desk_issues_by_post_through_the_courier(client, w):
    case = accepted(w)
    approver = s.Ctx(w.approver)
    case = s.complete_step(approver, case, "材料齐全", case.revision)
    case = s.decide(approver, case, True, "符合规定", case.revision)
    client.force_login(w.clerk)
    queue = text(client.get(reverse("cases:queue"), {"bucket": "result_desk"}))
    assert case.number in queue
    url = reverse("cases:act", args=[case.number, "issue"])
    r = client.post(url, {"revision": case.revision, "delivery": "post", "address": ""})
    assert r.status_code == 400
    assert 'id="id_issue_address_error">邮寄送达须有收件地址' in text(r)
    r = client.post(url, {"revision": case.revision, "delivery": "post", "address": "浙江省诸暨市暨阳街道浣纱南路88号"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == "closed" and case.result_delivery == "post"
    event = case.events.get(action="issue_result")
    # Until the worker has booked the parcel, the timeline says so; then it shows the tracking number.
    assert "出件方式：邮寄送达，待揽收" in text(client.get(reverse("cases:detail", args=[case.number])))
    deliver_outbox()
    shipment = case.shipments.get(pk=event.data["shipment"])
    assert f"运单号 {shipment.tracking_number}" in text(client.get(reverse("cases:detail", args=[case.number])))


def test_the_result_desk_warns_of_deferred_materials_and_receives_them(client, w):
    clerk = s.Ctx(w.clerk, "window", w.window)
    case = window_case(w)
    case = s.accept(clerk, case, case.revision, [s.Deferral("结婚证", TODAY + dt.timedelta(days=5), "本人承诺补交")])
    approver = s.Ctx(w.approver)
    case = s.complete_step(approver, case, "材料齐全", case.revision)
    case = s.decide(approver, case, True, "符合规定", case.revision)
    client.force_login(w.clerk)
    queue = text(client.get(reverse("cases:queue"), {"bucket": "result_desk"}))
    row = queue.split(f'data-number="{case.number}"')[1].split("</tr>")[0]
    assert "容缺材料未补交" in row
    page = text(client.get(reverse("cases:detail", args=[case.number])))
    assert "“结婚证”（承诺 2026年10月4日 前补交）" in page.split('id="deferred-outstanding"')[1].split("</div>")[0]
    r = client.post(
        reverse("cases:act", args=[case.number, "supply_deferred"]), {"revision": case.revision, "material": "结婚证"}
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == "decided" and case.materials.get(name="结婚证").state == "received"
    assert 'id="deferred-outstanding"' not in text(client.get(reverse("cases:detail", args=[case.number])))
    queue = text(client.get(reverse("cases:queue"), {"bucket": "result_desk"}))
    assert "容缺材料未补交" not in queue


def test_electronic_delivery_gives_the_applicant_a_signed_decision_to_download(client, w):
    case = accepted(w)
    approver = s.Ctx(w.approver)
    case = s.complete_step(approver, case, "材料齐全", case.revision)
    case = s.decide(approver, case, True, "符合《户口登记条例》第七条", case.revision)
    # Deferred materials still outstanding would be named at the result desk; here everything is in hand.
    client.force_login(w.clerk)
    assert 'id="deferred-outstanding"' not in text(client.get(reverse("cases:detail", args=[case.number])))
    r = client.post(
        reverse("cases:act", args=[case.number, "issue"]), {"revision": case.revision, "delivery": "electronic"}
    )
    assert r.status_code == 302
    url = reverse("cases:result_document", args=[case.number])
    client.force_login(w.applicant)
    page = text(client.get(reverse("cases:detail", args=[case.number])))
    assert f'href="{url}"' in page and "下载电子送达文书（已签名PDF）" in page
    before = AuditEntry.objects.filter(action="case.view", detail__has_key="result_document").count()
    download = client.get(url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    signed = b"".join(download.streaming_content)
    verdict = document_signer().verify(signed)
    assert verdict.valid and "通办" in verdict.signer
    assert AuditEntry.objects.filter(action="case.view", detail__has_key="result_document").count() == before + 1
    # Any change to the signed bytes is detected; an unsigned notice carries no signature.
    tampered = signed.replace(b"/Producer", b"/Producex", 1) if b"/Producer" in signed else signed[:-10]
    assert not document_signer().verify(tampered).valid
    assert not document_signer().verify(render_notice(case, "grant")).signed
    # The certificate to check it against is public; the document is not.
    cert = Client().get(reverse("progress:signing_certificate"))
    assert cert.status_code == 200 and cert.content.startswith(b"-----BEGIN CERTIFICATE-----")
    client.force_login(w.other_citizen)
    assert client.get(url).status_code == 404
    client.force_login(w.supervisor)
    assert client.get(url).status_code == 403
    # A case delivered at the window has no such document.
    client.force_login(w.applicant)
    other = accepted(w)
    other = s.complete_step(approver, other, "材料齐全", other.revision)
    other = s.decide(approver, other, True, "符合规定", other.revision)
    s.issue_result(s.Ctx(w.clerk, "window", w.window), other, "window", other.revision)
    assert client.get(reverse("cases:result_document", args=[other.number])).status_code == 404


# ---- the back office -----------------------------------------------------------------------------------


def test_queue_tabs_count_and_rows_are_masked(client, w):
    case = accepted(w)
    client.force_login(w.approver)
    r = client.get(reverse("cases:queue"))
    html = text(r)
    assert r.status_code == 200
    for label in ("待审查", "待决定", "特殊环节", "即将到期", "已超期"):
        assert label in html
    assert case.number in html
    assert w.applicant.id_number not in html and w.applicant.phone not in html
    assert w.applicant.id_number[:4] + "*" * 10 in html and "138****0001" in html
    assert case.number not in text(client.get(reverse("cases:queue"), {"bucket": "to_decide"}))


def test_queue_page_makes_a_bounded_number_of_queries(client, w, django_assert_max_num_queries):
    for _ in range(3):
        accepted(w)
    client.force_login(w.approver)
    client.get(reverse("cases:queue"))  # warm the calendar cache
    with django_assert_max_num_queries(16) as few:
        small = client.get(reverse("cases:queue"))
    for _ in range(12):
        accepted(w)
    with django_assert_max_num_queries(16) as many:
        big = client.get(reverse("cases:queue"))
    assert text(big).count('data-number="') == 15 > text(small).count('data-number="')
    assert len(many.captured_queries) == len(few.captured_queries)  # nothing per row


def test_big_buckets_show_more_than_the_cap_and_page_on_without_a_last_page(client, w, monkeypatch):
    from tongban.cases import selectors, views_office

    for _ in range(5):
        accepted(w)
    monkeypatch.setattr(selectors, "PAGE_COUNT_CAP", 3)
    monkeypatch.setattr(views_office, "PER_PAGE", 2)
    client.force_login(w.approver)
    first = text(client.get(reverse("cases:queue"), {"bucket": "to_review"}))
    assert ">3+</span>" in first and "共 3+ 件" in first
    assert "第 1 页</span>" in first and "page=2" in first
    third = text(client.get(reverse("cases:queue"), {"bucket": "to_review", "page": 3}))
    assert third.count('data-number="') == 1 and "page=4" not in third  # the last, short page
    accepted(w)  # six: the third page is full, and still the last
    third = text(client.get(reverse("cases:queue"), {"bucket": "to_review", "page": 3}))
    assert third.count('data-number="') == 2 and "page=4" not in third
    past = client.get(reverse("cases:queue"), {"bucket": "to_review", "page": 9})
    assert past.status_code == 302 and past["Location"].endswith("?bucket=to_review")
    huge = client.get(reverse("cases:queue"), {"bucket": "to_review", "page": "9" * 25})
    assert huge.status_code == 200
    other = text(client.get(reverse("cases:queue"), {"bucket": "to_decide"}))
    assert ">0</span>" in other  # small buckets stay exact


def test_review_steps_decision_suspension_and_extension(client, w):
    case = accepted(w)
    client.force_login(w.approver)
    detail = reverse("cases:detail", args=[case.number])
    page = text(client.get(detail))
    assert "完成“审核”环节" in page and "进入特殊环节" in page and "延期（负责人审批）" not in page

    def act(action, **data):
        fresh = Case.objects.get(pk=case.pk)
        return client.post(reverse("cases:act", args=[case.number, action]), {"revision": fresh.revision, **data})

    assert act("suspend", step_name="专家评审", reason="组织专家评审").status_code == 302
    assert Case.objects.get(pk=case.pk).status == "suspended"
    assert act("resume", note="专家评审已完成").status_code == 302
    r = act("extend", reason="情况复杂", days="10")  # an approver may not extend
    assert r.status_code == 409 and "不能执行“延期”" in text(r)
    assert act("step", opinion="").status_code == 400
    assert act("step", opinion="材料齐全，符合规定").status_code == 302
    assert "作出决定" in text(client.get(detail))
    client.force_login(w.head)
    assert act("extend", reason="需补充调查", days="10").status_code == 302
    assert Case.objects.get(pk=case.pk).extension_days == 10
    client.force_login(w.approver)
    r = act("decide", grant="1", reason="符合《户口登记条例》第七条")
    assert r.status_code == 302 and r["Location"].endswith("?print=grant")
    case.refresh_from_db()
    assert case.status == "decided" and case.decision == "granted"
    page = text(client.get(detail))
    for label in ("进入特殊环节", "恢复办理", "延期", "完成办理环节", "准予"):
        assert label in page


def test_supervision_notice_is_sent_and_answered(client, w, monkeypatch):
    case = accepted(w)
    assert case.promised_due is not None
    late = case.promised_due + dt.timedelta(days=3)
    monkeypatch.setattr(clock, "today", lambda: late)
    client.force_login(w.supervisor)
    board = text(client.get(reverse("cases:supervision")))
    assert case.number in board and "诸暨市公安局" in board and "已超期" in board
    r = client.post(
        reverse("cases:act", args=[case.number, "supervise"]), {"revision": case.revision, "message": "请于明日前办结"}
    )
    assert r.status_code == 302
    notice = SupervisionNotice.objects.get()
    client.force_login(w.approver)
    assert "1 份督办单待回复" in text(client.get(reverse("cases:queue")))
    assert "请于明日前办结" in text(client.get(reverse("cases:supervision_notices")))
    client.force_login(w.other_approver)
    assert client.post(reverse("cases:answer", args=[notice.pk]), {"answer": "x"}).status_code == 404
    client.force_login(w.approver)
    r = client.post(reverse("cases:answer", args=[notice.pk]), {"answer": "已组织加班，明日办结"})
    assert r.status_code == 302
    client.force_login(w.supervisor)
    assert "已组织加班，明日办结" in text(client.get(reverse("cases:supervision")))


# ---- access ---------------------------------------------------------------------------------------------


def test_the_query_code_is_the_applicants_and_the_handling_staffs_only(client, w):
    """A supervisor sees the case (masked) but neither its receipt nor its notices, which print the query
    code and its QR link to the public progress: personal data (the policy), refused with a reason."""
    case = accepted(w)
    receipt = reverse("cases:receipt", args=[case.number])
    notice = reverse("cases:notice", args=[case.number, "acceptance"])
    client.force_login(w.supervisor)
    page = text(client.get(reverse("cases:detail", args=[case.number])))
    assert case.number in page and notice not in page and case.query_code not in page
    assert client.get(receipt).status_code == 403 and client.get(notice).status_code == 403
    for person in (w.applicant, w.clerk, w.approver):
        client.force_login(person)
        assert client.get(notice).status_code == 200, person
    client.force_login(w.applicant)
    assert client.get(receipt).status_code == 200


def test_a_supervisor_moved_to_another_jurisdiction_sees_its_board(w):
    from tongban.cases import selectors
    from tongban.catalogue.tests import factories as cf

    due = accepted(w).promised_due
    assert due is not None
    late = due + dt.timedelta(days=3)
    home = w.supervisor.division
    w.supervisor.division = cf.DivisionFactory(code="330602", name="越城区")
    assert selectors.supervision_board(w.supervisor, selectors.Bucket.OVERDUE, today=late)[1] == 0
    w.supervisor.division = home
    assert selectors.supervision_board(w.supervisor, selectors.Bucket.OVERDUE, today=late)[1] == 1


def test_nobody_else_learns_that_a_case_exists(client, w):
    case = accepted(w)
    material = case.materials.first()
    pk = material.pk if material is not None else 1
    other_centre = WindowClerkFactory(
        username="clerk2",
        service_centre=ServiceCentreFactory(division=w.centre.division, name="乡镇便民中心", kind="township"),
    )
    urls = [
        reverse("cases:detail", args=[case.number]),
        reverse("cases:receipt", args=[case.number]),
        reverse("cases:notice", args=[case.number, "acceptance"]),
        reverse("cases:material", args=[case.number, pk]),
    ]
    for outsider in (w.other_citizen, w.other_approver, other_centre):
        client.force_login(outsider)
        for url in urls:
            assert client.get(url).status_code == 404, (outsider, url)
        for action in ("accept", "withdraw", "step", "supervise"):
            r = client.post(reverse("cases:act", args=[case.number, action]), {"revision": case.revision})
            assert r.status_code == 404, (outsider, action)
    for insider in (w.applicant, w.clerk, w.approver, w.head, w.supervisor):
        client.force_login(insider)
        assert client.get(urls[0]).status_code == 200, insider
    assert Case.objects.get(pk=case.pk).status == "in_progress"


def test_a_draft_is_seen_by_its_author_only(client, w):
    draft = s.start_online(s.Ctx(w.applicant, "online"), w.version.implementation)
    client.force_login(w.clerk)
    assert client.get(reverse("cases:detail", args=[draft.number])).status_code == 404
    client.force_login(w.applicant)
    assert client.get(reverse("cases:detail", args=[draft.number]))["Location"] == reverse(
        "cases:edit", args=[draft.number]
    )


def test_materials_download_only_for_viewers_and_by_content_type(client, w):
    case = s.start_online(s.Ctx(w.applicant, "online"), w.version.implementation, form(w))
    s.attach_material(s.Ctx(w.applicant, "online"), case, "结婚证", "a.pdf", PDF)
    case = s.submit(s.Ctx(w.applicant, "online"), case)
    m = CaseMaterial.objects.get(case=case, name="结婚证")
    client.force_login(w.clerk)
    r = client.get(reverse("cases:material", args=[case.number, m.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert b"".join(r.streaming_content) == PDF


def test_index_sends_each_role_to_its_page(client, w):
    expected = {
        w.applicant: "cases:mine",
        w.clerk: "cases:window",
        w.approver: "cases:queue",
        w.supervisor: "cases:supervision",
    }
    for who, name in expected.items():
        client.force_login(who)
        assert client.get(reverse("cases:index"))["Location"] == reverse(name)


def test_enterprise_at_the_window_needs_a_valid_uscc_and_its_agent(client, w):
    client.force_login(w.clerk)
    url = reverse("cases:window_apply", args=[code(w)])
    base = {
        "kind": "legal",
        "name": "诸暨市某某有限公司",
        "identity_check": "核验纸质身份证原件",
        "f_child_name": "x",
        "f_child_birth_date": "2026-11-01",
    }
    r = client.post(
        url,
        {
            "token": token(text(client.get(url))),
            **base,
            "id_number": make_resident_id("330681", dt.date(1990, 1, 1), 15),
        },
    )
    assert r.status_code == 400
    assert "统一社会信用代码有误" in text(r) and "法人申请须填写到场经办人的姓名" in text(r)
    uscc = make_uscc("9", "1", "330681", "MA2JY7C3")
    r = client.post(
        url,
        {
            "token": token(text(r)),
            **base,
            "id_number": uscc,
            "agent_name": "赵六",
            "agent_id_number": w.other_citizen.id_number,
            "principal_check": "委托人到场，读取身份证芯片并人证比对",
        },
    )
    # An enterprise authorises its 经办人 in writing under its seal, its licence checked.
    assert r.status_code == 400 and not Case.objects.exists()
    assert "法人委托请核验营业执照原件或加盖公章的复印件" in text(r)
    assert "委托人未到场的，须收取书面授权委托书（法人须加盖公章）" in text(r)
    r = client.post(
        url,
        {
            "token": token(text(r)),
            **base,
            "id_number": uscc,
            "agent_name": "赵六",
            "agent_id_number": w.other_citizen.id_number,
            "principal_check": "核验营业执照原件或加盖公章的复印件",
            "written": "on",
        },
    )
    case = Case.objects.get()
    assert r.status_code == 302 and case.applicant_kind == "legal" and case.applicant_id_number == uscc
    assert case.agent_name == "赵六" and case.form_data["applicant_name"] == "赵六"


def test_at_the_window_the_clerk_scans_what_a_correction_asked_for_with_the_resubmission(client, w):
    """A walk-in's application lacking a required paper: the clerk asks for it (补正), the applicant brings it
    back to the window, and the clerk scans it with the resubmission — before, the page had no way to take it
    and the application could never be accepted."""
    case = CaseFactory(world=w, status="submitted", channel="window", paper=("居民身份证",))
    clerk = s.Ctx(w.clerk, "window", w.window)
    case = s.request_correction(clerk, case, ["出生医学证明"], case.revision)
    client.force_login(w.clerk)
    page = text(client.get(reverse("cases:detail", args=[case.number])))
    pk = w.version.materials.get(name="出生医学证明").pk
    assert f'name="material_{pk}"' in page
    r = client.post(
        reverse("cases:act", args=[case.number, "resubmit"]),
        {"revision": case.revision, f"material_{pk}": SimpleUploadedFile("scan.pdf", PDF)},
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == "submitted" and case.materials.filter(name="出生医学证明", state="received").exists()
    # 结婚证 (可容缺) was never brought: accepted on the applicant's written promise.
    promise = s.Deferral("结婚证", clock.today() + dt.timedelta(days=10), "本人承诺按期补交结婚证。")
    assert s.accept(clerk, case, case.revision, [promise]).status == "in_progress"
