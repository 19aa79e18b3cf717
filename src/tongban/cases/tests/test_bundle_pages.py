"""Bundle application pages: choose items and see the savings, one form, one material set, one-time tokens,
the receipt, 我的一件事, the bundle-case page, the window (accept / refuse per item / correction / 容缺),
the result desk, joint steps, the supervision board and the indicators on the public bundle page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.cases import services as b
from tongban.cases import services as s
from tongban.cases.forms_bundles import material_field
from tongban.cases.models import BundleCase, BundleMaterial, Case, CaseEvent, CaseMaterial, JointStep
from tongban.cases.tests.factories import (
    PDF,
    PNG,
    TODAY,
    Env,
    answers,
    auth,
    bundle_holding_all,
    files,
    make_env,
    token,
)
from tongban.core import clock
from tongban.core.testing import files as samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def env(monkeypatch) -> Env:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return make_env()


def start_draft(client: Any, env: Env, items: list[int] | None = None) -> BundleCase:
    client.force_login(env.w.applicant)
    ids = items if items is not None else [i.pk for i in env.items.values()]
    r = client.post(f"/bundles/{env.bundle.code}/apply/", {"token": token(), "items": ids})
    assert r.status_code == 302
    bc = BundleCase.objects.get(applicant=env.w.applicant, phase="draft")
    assert r["Location"] == f"/bundles/cases/{bc.number}/edit/"
    return bc


def submit_online(client: Any, env: Env, items: list[int] | None = None, **more: bytes) -> BundleCase:
    bc = start_draft(client, env, items)
    data = {
        "token": token(),
        "action": "submit",
        **answers(env.w),
        **files(父母结婚证=PDF, 住院分娩记录=PDF, 居民户口簿=PDF, **more),
    }
    r = client.post(f"/bundles/cases/{bc.number}/edit/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    bc.refresh_from_db()
    assert r["Location"] == f"/bundles/cases/{bc.number}/receipt/"
    return bc


def children(bc: BundleCase) -> dict[str, Case]:
    return {c.version.name: c for c in Case.objects.filter(bundle_case=bc).select_related("version")}


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# ---- choosing items ---------------------------------------------------------------------------------------


def test_choice_page_locks_required_items_explains_order_and_shows_savings_for_the_choice(client, env):
    env.items["出生医学证明"].required = True
    env.items["出生医学证明"].save()
    client.force_login(env.w.applicant)
    page = text(client.get(f"/bundles/{env.bundle.code}/apply/"))
    assert "依法须一并办理" in page
    assert "新生儿入户需等出生医学证明办结后自动启动" in page
    assert "无需提交" in page
    # All three: three forms become one, 10 materials become 5 (one certificate comes from the result).
    assert re.search(r'data-saving="forms".*?3 张.*?1 张', page)
    assert re.search(r'data-saving="materials".*?10 份.*?5 份', page)
    assert "父母结婚证" in page and "居民户口簿" in page

    # Only 预防接种证 ticked: the required certificate stays in, registration is out.
    vacc = env.items["预防接种证"].pk
    page = text(client.get(f"/bundles/{env.bundle.code}/apply/?chosen=1&items={vacc}"))
    assert re.search(r'data-saving="forms".*?2 张.*?1 张', page)
    assert "已选 2 项" in page
    assert "居民户口簿" not in page.split('id="upload-list"')[1].split("</ul>")[0]


def test_leaving_out_a_prerequisite_says_its_result_must_be_brought(client, env):
    client.force_login(env.w.applicant)
    reg = env.items["新生儿入户"].pk
    page = text(client.get(f"/bundles/{env.bundle.code}/apply/?chosen=1&items={reg}"))
    assert "未选择“出生医学证明”：请自行提交“出生医学证明”" in page
    assert "出生医学证明" in page.split('id="upload-list"')[1].split("</ul>")[0]


def test_staff_and_strangers_cannot_apply_online(client, env):
    assert client.get(f"/bundles/{env.bundle.code}/apply/").status_code == 302  # to the login page
    client.force_login(env.w.clerk)
    r = client.get(f"/bundles/{env.bundle.code}/apply/")
    assert r.status_code == 403 and "一件事窗口收件" in text(r)
    client.force_login(env.w.applicant)
    assert client.get("/bundles/NOPE/apply/").status_code == 404


# ---- one form, one material set, one-time tokens --------------------------------------------------------


def test_one_merged_prefilled_form_and_each_material_once(client, env):
    bc = start_draft(client, env)
    page = client.get(f"/bundles/cases/{bc.number}/edit/").content.decode()
    for key in ("applicant_name", "applicant_id_number", "child_name", "child_birth_date"):
        assert page.count(f'name="f_{key}"') == 1, key  # asked by three items, asked once
    assert env.w.applicant.id_number in page  # pre-filled from the profile
    assert page.count(f'name="{material_field("父母结婚证")}"') == 1
    assert "3 个事项共用，只交一份" in page
    assert "由前置事项结果自动提供" in page  # the certificate for 新生儿入户
    assert f'name="{material_field("出生医学证明")}"' not in page


def test_a_bad_file_is_refused_alone_and_the_rest_is_kept(client, env):
    bc = start_draft(client, env)
    data = {
        "token": token(),
        "action": "save",
        **answers(env.w),
        **files(父母结婚证=PDF),
        material_field("住院分娩记录"): SimpleUploadedFile("x.pdf", b"not a pdf"),
    }
    r = client.post(f"/bundles/cases/{bc.number}/edit/", data)
    assert r.status_code == 400
    page = text(r)
    assert "不是PDF、JPEG、PNG或OFD格式" in page and "其他内容和文件已保存为草稿" in page
    assert set(BundleMaterial.objects.filter(bundle_case=bc).values_list("name", flat=True)) == {"父母结婚证"}
    assert BundleCase.objects.get(pk=bc.pk).form_data["child_name"] == "张小宝"


def test_submit_lists_every_problem_and_keeps_the_draft(client, env):
    bc = start_draft(client, env)
    data = {
        "token": token(),
        "action": "submit",
        **answers(env.w),
        "f_child_birth_date": "昨天",
        **files(父母结婚证=PDF),
    }
    r = client.post(f"/bundles/cases/{bc.number}/edit/", data)
    assert r.status_code == 400
    page = text(r)
    assert "出生日期应为日期" in page
    bc.refresh_from_db()
    assert bc.phase == "draft" and not Case.objects.filter(bundle_case=bc).exists()
    r = client.post(
        f"/bundles/cases/{bc.number}/edit/",
        {**data, "token": token(), "f_child_birth_date": "2026-09-20", **files(父母结婚证=PDF)},
    )
    assert r.status_code == 400
    assert "请上传以下必要材料（每份只需上传一次）" in text(r) and "住院分娩记录：请上传此材料" in text(r)


def test_submit_makes_one_bundle_case_with_a_child_per_item_even_when_posted_twice(client, env):
    bc = start_draft(client, env)
    post = {
        "token": token(),
        "action": "submit",
        **answers(env.w),
        **files(父母结婚证=PDF, 住院分娩记录=PDF, 居民户口簿=PNG),
    }
    draft_url = f"/bundles/cases/{bc.number}/edit/"
    first = client.post(draft_url, post)
    bc.refresh_from_db()
    assert first.status_code == 302 and bc.phase == "submitted" and bc.number.startswith("YJS330681-20260929-")
    post = {**post, **files(父母结婚证=PDF, 住院分娩记录=PDF, 居民户口簿=PNG)}
    again = client.post(draft_url, post)  # a double click / reload after POST
    assert again.status_code == 302 and again["Location"] == f"/bundles/cases/{bc.number}/receipt/"
    assert BundleCase.objects.filter(applicant=env.w.applicant).count() == 1
    kids = children(bc)
    assert set(kids) == {"出生医学证明", "预防接种证", "新生儿入户"}
    # 父母结婚证 was uploaded once and reached every item under its own name.
    assert (
        CaseMaterial.objects.get(case=kids["预防接种证"], name="父母结婚证（复印件）").sha256
        == BundleMaterial.objects.get(bundle_case=bc, name="父母结婚证").sha256
    )
    assert not CaseMaterial.objects.filter(case=kids["新生儿入户"], name="出生医学证明").exists()  # comes later
    receipt = text(client.get(f"/bundles/cases/{bc.number}/receipt/"))
    assert bc.number in receipt and bc.query_code in receipt
    # One receipt, one query code for the whole bundle: the items are listed, their own codes are not.
    for kid in kids.values():
        assert kid.version.name in receipt and kid.query_code not in receipt
    link = f"http://testserver/progress/?number={bc.number}&amp;code={bc.query_code}"
    assert f'<a href="{link}"' in receipt and "<svg" in receipt.split('class="receipt-qr"')[1]
    # That number and code open the public progress page, with every item and no personal data.
    progress = text(client.get("/progress/", {"number": bc.number, "code": bc.query_code.lower()}))
    assert 'data-status="submitted"' in progress and "新生儿出生一件事" in progress
    assert all(kid.version.name in progress for kid in kids.values())
    assert "张三" not in progress and env.w.applicant.id_number not in progress
    wrong = text(client.get("/progress/", {"number": bc.number, "code": "WRONG1"}))
    assert "办件编号或查询码不正确" in wrong and "新生儿出生一件事" not in wrong


def test_the_start_token_is_used_once(client, env):
    client.force_login(env.w.applicant)
    t = token()
    ids = [i.pk for i in env.items.values()]
    first = client.post(f"/bundles/{env.bundle.code}/apply/", {"token": t, "items": ids})
    second = client.post(f"/bundles/{env.bundle.code}/apply/", {"token": t, "items": ids})
    assert first["Location"] == second["Location"]
    assert BundleCase.objects.count() == 1
    assert client.post(f"/bundles/{env.bundle.code}/apply/", {"token": "short", "items": ids}).status_code == 400
    nothing = client.post(f"/bundles/{env.bundle.code}/apply/", {"token": token()})
    assert nothing.status_code == 400 and "请至少选择一个事项" in text(nothing)


def test_changing_the_items_of_a_draft_keeps_the_answers(client, env):
    bc = start_draft(client, env)
    vacc = env.items["预防接种证"].pk
    cert = env.items["出生医学证明"].pk
    r = client.post(
        f"/bundles/cases/{bc.number}/edit/",
        {"token": token(), "action": "items", "items": [cert, vacc], **answers(env.w)},
    )
    assert r.status_code == 302
    bc.refresh_from_db()
    assert set(bc.items.values_list("pk", flat=True)) == {cert, vacc}
    page = text(client.get(f"/bundles/cases/{bc.number}/edit/"))
    assert "张小宝" in page and material_field("居民户口簿") not in page


# ---- after submission: 我的一件事, the bundle-case page -------------------------------------------------


def test_mine_and_the_case_page_show_each_item_its_department_and_what_holds_the_bundle_up(client, env):
    bc = submit_online(client, env)
    b.accept_bundle(s.Ctx(env.w.clerk), bundle_holding_all(bc), BundleCase.objects.get(pk=bc.pk).revision)
    mine = text(client.get("/bundles/mine/"))
    assert bc.number in mine and "办理中" in mine
    page = text(client.get(f"/bundles/cases/{bc.number}/"))
    assert "诸暨市卫生健康局" in page and "诸暨市公安局" in page
    assert "等待“出生医学证明”准予后自动启动" in page
    assert 'id="holdup"' in page
    assert "受理（等待前置事项）" in page  # each child's timeline
    # Someone else's bundle case does not exist for them.
    client.force_login(env.w.other_citizen)
    assert client.get(f"/bundles/cases/{bc.number}/").status_code == 404


def test_a_denied_item_is_explained_to_the_applicant(client, env, django_capture_on_commit_callbacks):
    bc = submit_online(client, env)
    bc = b.accept_bundle(s.Ctx(env.w.clerk), bundle_holding_all(bc), BundleCase.objects.get(pk=bc.pk).revision)
    cert = children(bc)["出生医学证明"]
    s.decide(s.Ctx(env.doctor), cert, False, "出生信息无法核实", cert.revision)
    page = text(client.get(f"/bundles/cases/{bc.number}/"))
    assert "“出生医学证明”未获准予；需要其结果的“新生儿入户”随之终止；“预防接种证”不受影响，继续办理。" in page
    assert "“新生儿入户”已终止" in page


def test_the_applicant_withdraws_one_item_and_the_others_go_on(client, env):
    bc = submit_online(client, env)
    bc = b.accept_bundle(s.Ctx(env.w.clerk), bundle_holding_all(bc), BundleCase.objects.get(pk=bc.pk).revision)
    vacc = children(bc)["预防接种证"]
    r = client.post(f"/bundles/cases/{bc.number}/do/withdraw/", {"revision": bc.revision, "case": vacc.number})
    assert r.status_code == 302
    kids = children(bc)
    assert kids["预防接种证"].status == "withdrawn" and kids["出生医学证明"].status == "in_progress"


# ---- the window ---------------------------------------------------------------------------------------


def window_post(env: Env, **extra: Any) -> dict[str, Any]:
    return {
        "token": token(),
        "action": "apply",
        "items": [i.pk for i in env.items.values()],
        "kind": "natural",
        "name": "李四",
        "id_number": env.w.other_citizen.id_number,
        "phone": "13800000002",
        "identity_check": "读取身份证芯片并人证比对",
        "f_child_name": "李小宝",
        "f_child_birth_date": "2026-09-21",
        "paper": ["父母结婚证", "住院分娩记录", "居民户口簿"],
        **extra,
    }


def test_window_takes_the_whole_bundle_once_and_accepts_refusing_one_item(client, env):
    client.force_login(env.w.clerk)
    home = text(client.get("/bundles/window/"))
    assert "新生儿出生一件事" in home
    form = text(client.get(f"/bundles/window/apply/{env.bundle.code}/"))
    assert form.count('name="f_child_name"') == 1 and 'name="f_applicant_name"' not in form  # from the section
    post = window_post(env)
    r = client.post(f"/bundles/window/apply/{env.bundle.code}/", post)
    assert r.status_code == 302, text(r)[:2000]
    again = client.post(f"/bundles/window/apply/{env.bundle.code}/", post)
    assert again.status_code == 302 and BundleCase.objects.count() == 1
    bc = BundleCase.objects.get()
    assert bc.channel == "window" and bc.applicant_name == "李四"
    assert BundleMaterial.objects.filter(bundle_case=bc, paper_checked=True).count() == 3

    page = text(client.get(f"/bundles/cases/{bc.number}/"))
    assert 'id="accept-form"' in page and "“出生医学证明”不予受理" in page
    cert = env.items["出生医学证明"].pk
    bundle_holding_all(bc)  # the clerk has every paper material of the items in hand
    # Refusing without a reason is refused with a message, nothing changes.
    r = client.post(f"/bundles/cases/{bc.number}/do/accept/", {"revision": bc.revision, f"refuse_{cert}": "on"})
    assert r.status_code == 400 and "必须说明理由和依据" in text(r)
    assert BundleCase.objects.get(pk=bc.pk).phase == "submitted"
    r = client.post(
        f"/bundles/cases/{bc.number}/do/accept/",
        {"revision": bc.revision, f"refuse_{cert}": "on", f"reason_{cert}": "非本辖区出生，依据……"},
    )
    assert r.status_code == 302
    kids = children(bc)
    assert kids["出生医学证明"].status == "refused" and kids["新生儿入户"].status == "terminated"
    assert kids["预防接种证"].status == "in_progress"
    # A stale page cannot accept again.
    r = client.post(f"/bundles/cases/{bc.number}/do/accept/", {"revision": bc.revision})
    assert r.status_code == 409


def test_a_bundle_is_not_accepted_while_an_item_lacks_a_required_material(client, env):
    """Reproduced on the old code: the bundle was accepted with 住院分娩记录 neither uploaded nor checked."""
    client.force_login(env.w.clerk)
    post = window_post(env, paper=["父母结婚证", "居民户口簿"])  # 住院分娩记录 is not in hand
    assert client.post(f"/bundles/window/apply/{env.bundle.code}/", post).status_code == 302
    bc = BundleCase.objects.get()
    page = text(client.get(f"/bundles/cases/{bc.number}/"))
    assert 'id="accept-form"' not in page
    assert "出生医学证明：住院分娩记录" in page.split('id="acceptance-blocked"')[1].split("</div>")[0]
    assert 'id="panel-correction"' in page or "一次性告知补正" in page  # the way on: one correction list
    r = client.post(f"/bundles/cases/{bc.number}/do/accept/", {"revision": bc.revision})
    assert r.status_code == 409 and BundleCase.objects.get(pk=bc.pk).phase == "submitted"
    r = client.post(
        f"/api/v1/bundle-cases/{bc.number}/actions/accept",
        {"revision": bc.revision},
        content_type="application/json",
        **auth(env.w.clerk),
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "materials_missing"


def test_at_the_window_the_clerk_scans_what_a_correction_asked_for_with_the_resubmission(client, env):
    """Reproduced on the old code: after a correction of a window bundle the resubmission offered the clerk no
    way to take the missing material, so the bundle could never be accepted from the page."""
    client.force_login(env.w.clerk)
    post = window_post(env, paper=["父母结婚证", "居民户口簿"])  # 住院分娩记录 is not in hand
    assert client.post(f"/bundles/window/apply/{env.bundle.code}/", post).status_code == 302
    bc = BundleCase.objects.get()
    r = client.post(f"/bundles/cases/{bc.number}/do/correction/", {"revision": bc.revision, "items": ["住院分娩记录"]})
    assert r.status_code == 302
    bc = BundleCase.objects.get()
    page = text(client.get(f"/bundles/cases/{bc.number}/"))
    row = next(m for m in bundle_page_materials(page) if m[1] == "住院分娩记录")
    scan = SimpleUploadedFile("住院分娩记录.pdf", samples.pdf("住院分娩记录"))
    r = client.post(f"/bundles/cases/{bc.number}/do/resubmit/", {"revision": bc.revision, row[0]: scan})
    assert r.status_code == 302, text(r)[:2000]
    bc = BundleCase.objects.get()
    assert bc.phase == "submitted" and BundleMaterial.objects.get(bundle_case=bc, name="住院分娩记录").sha256
    page = text(client.get(f"/bundles/cases/{bc.number}/"))
    assert 'id="acceptance-blocked"' not in page and 'id="accept-form"' in page


def bundle_page_materials(page: str) -> list[tuple[str, str]]:
    """(field name, label) of the resubmission's file inputs on a bundle page."""
    return re.findall(r'<label for="re-([^"]+)">([^<]+)</label>', page)


def test_window_form_errors_keep_what_was_typed(client, env):
    client.force_login(env.w.clerk)
    r = client.post(f"/bundles/window/apply/{env.bundle.code}/", window_post(env, id_number="123", f_child_name=""))
    assert r.status_code == 400
    page = text(r)
    assert "公民身份号码有误" in page and "请填写新生儿姓名" in page and "李四" in page
    assert not BundleCase.objects.exists()


def test_window_correction_is_one_list_across_items_and_resubmission_brings_new_files(client, env):
    bc = submit_online(client, env)
    client.force_login(env.w.clerk)
    r = client.post(
        f"/bundles/cases/{bc.number}/do/correction/",
        {"revision": bc.revision, "items": ["父母结婚证"], "extra": "出生日期与住院记录不一致"},
    )
    assert r.status_code == 302
    bc.refresh_from_db()
    assert bc.phase == "correction" and bc.correction_items == ["父母结婚证", "出生日期与住院记录不一致"]
    assert {k.status for k in children(bc).values()} == {"correction"}
    client.force_login(env.w.applicant)
    page = text(client.get(f"/bundles/cases/{bc.number}/"))
    assert "出生日期与住院记录不一致" in page and "重新提交" in page
    new = samples.pdf("corrected")
    r = client.post(f"/bundles/cases/{bc.number}/do/resubmit/", {"revision": bc.revision, **files(父母结婚证=new)})
    assert r.status_code == 302
    bc.refresh_from_db()
    assert bc.phase == "submitted"
    vacc = children(bc)["预防接种证"]
    assert vacc.status == "submitted"
    held = CaseMaterial.objects.get(case=vacc, name="父母结婚证（复印件）")
    assert held.sha256 == BundleMaterial.objects.get(bundle_case=bc, name="父母结婚证").sha256
    assert held.size == len(new)


def test_window_accepts_with_a_deferral(client, env):
    bc = submit_online(client, env)
    client.force_login(env.w.clerk)
    page = text(client.get(f"/bundles/cases/{bc.number}/"))
    assert "儿童预防接种登记表" in page.split('id="accept-form"')[1]
    # The date picker gets an ISO date (zh-hans would print 2026/10/06, which a browser discards).
    assert f'name="due" value="{(TODAY + dt.timedelta(days=7)).isoformat()}"' in page
    r = client.post(
        f"/bundles/cases/{bc.number}/do/accept/",
        {
            "revision": bc.revision,
            "defer": ["儿童预防接种登记表"],
            "due": "2026-10-09",
            "commitment": "本人承诺按期补交。",
        },
    )
    assert r.status_code == 302, text(r)[:3000]
    vacc = children(bc)["预防接种证"]
    assert vacc.deferred and vacc.materials.get(name="儿童预防接种登记表").state == "deferred"
    assert not children(bc)["出生医学证明"].deferred


def test_result_desk_issues_every_result_at_once(client, env, django_capture_on_commit_callbacks):
    bc = submit_online(client, env)
    bc = b.accept_bundle(s.Ctx(env.w.clerk), bundle_holding_all(bc), BundleCase.objects.get(pk=bc.pk).revision)
    for name, approver in (("出生医学证明", env.doctor), ("预防接种证", env.doctor), ("新生儿入户", env.w.approver)):
        kid = Case.objects.get(pk=children(bc)[name].pk)
        s.decide(s.Ctx(approver), kid, True, "符合规定", kid.revision)
    bc.refresh_from_db()
    assert bc.phase == "ready"
    client.force_login(env.w.clerk)
    home = text(client.get("/bundles/window/"))
    assert bc.number in home.split('id="queue-ready"')[1].split("</section>")[0]
    r = client.post(f"/bundles/cases/{bc.number}/do/issue/", {"revision": bc.revision, "delivery": "post"})
    assert r.status_code == 400 and "邮寄送达须有收件地址" in text(r)  # the form has no address
    r = client.post(f"/bundles/cases/{bc.number}/do/issue/", {"revision": bc.revision, "delivery": "window"})
    assert r.status_code == 302
    bc.refresh_from_db()
    assert bc.phase == "closed"
    assert set(Case.objects.filter(bundle_case=bc).values_list("result_delivery", flat=True)) == {"window"}


def test_the_result_desk_warns_of_deferred_materials_owed_and_receives_them_there(
    client, env, django_capture_on_commit_callbacks
):
    bc = submit_online(client, env)
    due = TODAY + dt.timedelta(days=7)
    bc = b.accept_bundle(
        s.Ctx(env.w.clerk),
        bc,
        bc.revision,
        deferrals=[s.Deferral("儿童预防接种登记表", due, "本人承诺按期补交")],
    )
    for name, approver in (("出生医学证明", env.doctor), ("预防接种证", env.doctor), ("新生儿入户", env.w.approver)):
        kid = Case.objects.get(pk=children(bc)[name].pk)
        s.decide(s.Ctx(approver), kid, True, "符合规定", kid.revision)
    bc.refresh_from_db()
    assert bc.phase == "ready"
    url = f"/bundles/cases/{bc.number}/"
    client.force_login(env.w.clerk)
    page = text(client.get(url))
    warning = page.split('id="deferred-outstanding"')[1].split("</div>")[0]
    assert "“预防接种证”的“儿童预防接种登记表”" in warning and "出件前请收取" in warning
    assert 'id="supply-deferred-form"' in page
    # The API says the same, and who else may not receive it.
    api = client.get(f"/api/v1/bundle-cases/{bc.number}", **auth(env.w.clerk)).json()
    assert [d["material"] for d in api["deferred_outstanding"]] == ["儿童预防接种登记表"]
    assert "supply_deferred" in api["allowed_actions"]
    refused = client.post(
        f"/api/v1/bundle-cases/{bc.number}/actions/supply_deferred",
        {"revision": bc.revision, "material": "儿童预防接种登记表"},
        content_type="application/json",
        **auth(env.w.applicant),
    )
    assert refused.status_code == 403
    client.force_login(env.w.applicant)
    mine = text(client.get(url))
    assert (
        "儿童预防接种登记表" in mine.split('id="deferred-outstanding"')[1] and 'id="supply-deferred-form"' not in mine
    )
    client.force_login(env.w.clerk)
    r = client.post(f"{url}do/supply_deferred/", {"revision": bc.revision, "material": "儿童预防接种登记表"})
    assert r.status_code == 302, text(r)[:2000]
    held = children(bc)["预防接种证"].materials.get(name="儿童预防接种登记表")
    assert held.state == "received" and held.supplied_at is not None
    assert bc.events.filter(action="supply_deferred").get().data["material"] == "儿童预防接种登记表"
    assert children(bc)["预防接种证"].events.filter(action="supply_deferred").exists()
    page = text(client.get(url))
    assert 'id="deferred-outstanding"' not in page and 'id="supply-deferred-form"' not in page
    bc.refresh_from_db()
    r = client.post(f"{url}do/supply_deferred/", {"revision": bc.revision, "material": "儿童预防接种登记表"})
    assert r.status_code == 409  # nothing owed any more


def pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


def test_bundle_notices_acceptance_correction_and_result(client, env, django_capture_on_commit_callbacks):
    bc = submit_online(client, env)
    base = f"/bundles/cases/{bc.number}/notices"
    client.force_login(env.w.clerk)
    assert client.get(f"{base}/acceptance.pdf").status_code == 409  # not accepted yet: no notice of it
    bc = b.request_bundle_correction(
        s.Ctx(env.w.clerk), bc, ["住院分娩记录（加盖医院公章的首页复印件）不清晰"], bc.revision
    )
    page = text(client.get(f"/bundles/cases/{bc.number}/"))
    assert f'href="{base}/correction.pdf"' in page
    correction = pdf_text(client.get(f"{base}/correction.pdf").content)
    assert "一件事补正材料通知书" in correction and "住院分娩记录（加盖医院公章的首页复印件）不清晰" in correction
    assert bc.number in correction and bc.query_code in correction
    bc = b.resubmit_bundle(s.Ctx(env.w.clerk), bc, bc.revision)
    due = TODAY + dt.timedelta(days=7)
    bc = b.accept_bundle(
        s.Ctx(env.w.clerk), bc, bc.revision, deferrals=[s.Deferral("儿童预防接种登记表", due, "本人承诺按期补交")]
    )
    acceptance = pdf_text(client.get(f"{base}/acceptance.pdf").content)
    assert "一件事受理通知书" in acceptance and "新生儿出生一件事" in acceptance
    assert "容缺受理（后补：儿童预防接种登记表）" in acceptance  # the material's whole name
    assert "已受理，待“出生医学证明”准予后开始办理，其结果作为“出生医学证明”" in acceptance  # what it waits for
    assert "行政许可法" not in acceptance
    # Others may not print it: a stranger learns nothing, a supervisor is told why not.
    client.force_login(env.w.other_citizen)
    assert client.get(f"{base}/acceptance.pdf").status_code == 404
    client.force_login(env.w.supervisor)
    assert client.get(f"{base}/acceptance.pdf").status_code in (403, 404)
    with django_capture_on_commit_callbacks(execute=True):
        for name, approver in (
            ("出生医学证明", env.doctor),
            ("预防接种证", env.doctor),
            ("新生儿入户", env.w.approver),
        ):
            kid = Case.objects.get(pk=children(bc)[name].pk)
            s.decide(
                s.Ctx(approver),
                kid,
                name != "预防接种证",
                "符合规定" if name != "预防接种证" else "不符合接种条件",
                kid.revision,
            )
    bc = BundleCase.objects.get(pk=bc.pk)
    b.issue_bundle_results(s.Ctx(env.w.clerk), bc, "window", bc.revision)
    client.force_login(env.w.applicant)
    result = pdf_text(client.get(f"{base}/result.pdf").content)
    assert "一件事办结通知书" in result and "不予：不符合接种条件" in result and "窗口领取" in result


def test_the_applicant_chooses_item_by_item_results_and_the_desk_issues_each_when_decided(
    client, env, django_capture_on_commit_callbacks
):
    bc = start_draft(client, env)
    form_page = text(client.get(f"/bundles/cases/{bc.number}/edit/"))
    assert 'id="result-mode-together" checked' in form_page  # the default
    r = client.post(
        f"/bundles/cases/{bc.number}/edit/",
        {
            "token": token(),
            "action": "submit",
            "result_mode": "separate",
            **answers(env.w),
            **files(父母结婚证=PDF, 住院分娩记录=PDF, 居民户口簿=PDF),
        },
    )
    assert r.status_code == 302
    bc = BundleCase.objects.get(pk=bc.pk)
    assert bc.result_mode == "separate" and bc.phase == "submitted"
    with django_capture_on_commit_callbacks(execute=True):
        bc = b.accept_bundle(s.Ctx(env.w.clerk), bundle_holding_all(bc), bc.revision)
        birth = children(bc)["出生医学证明"]
        s.decide(s.Ctx(env.doctor), birth, True, "符合规定", birth.revision)
    bc.refresh_from_db()
    client.force_login(env.w.clerk)
    page = text(client.get(f"/bundles/cases/{bc.number}/"))
    assert "逐项出件" in page and 'id="issue-items-form"' in page and 'id="issue-button"' not in page
    r = client.post(f"/bundles/cases/{bc.number}/do/issue_items/", {"revision": bc.revision, "delivery": "window"})
    assert r.status_code == 400 and "请选择本次出件的事项" in text(r)
    r = client.post(
        f"/bundles/cases/{bc.number}/do/issue_items/",
        {"revision": bc.revision, "delivery": "window", "cases": [birth.number]},
    )
    assert r.status_code == 302, text(r)[:2000]
    kids = children(bc)
    assert kids["出生医学证明"].status == "closed" and kids["预防接种证"].status == "in_progress"
    # The applicant changes their mind on the bundle page: the rest together.
    client.force_login(env.w.applicant)
    bc.refresh_from_db()
    r = client.post(f"/bundles/cases/{bc.number}/do/result_mode/", {"revision": bc.revision, "result_mode": "together"})
    assert r.status_code == 302
    assert BundleCase.objects.get(pk=bc.pk).result_mode == "together"


# ---- approvers: joint steps -------------------------------------------------------------------------------


def test_an_approver_schedules_a_joint_step_and_records_its_outcome_on_every_case(client, env):
    ids = [env.items["预防接种证"].pk, env.items["新生儿入户"].pk]
    bc = submit_online(client, env, ids, 出生医学证明=PDF)  # its prerequisite left out: brought by the applicant
    bc = b.accept_bundle(s.Ctx(env.w.clerk), bundle_holding_all(bc), BundleCase.objects.get(pk=bc.pk).revision)
    client.force_login(env.w.other_approver)  # 人社: not involved
    assert client.get(f"/bundles/cases/{bc.number}/").status_code == 404
    client.force_login(env.doctor)
    page = text(client.get(f"/bundles/cases/{bc.number}/"))
    assert "安排联合环节" in page
    numbers = [k.number for k in children(bc).values()]
    r = client.post(
        f"/bundles/cases/{bc.number}/do/joint_schedule/",
        {"kind": "inspection", "when": "2026-10-09T09:30", "place": "诸暨市暨阳街道某小区", "cases": numbers},
    )
    assert r.status_code == 302
    step = JointStep.objects.get(bundle_case=bc)
    client.force_login(env.w.approver)
    r = client.post(
        f"/bundles/cases/{bc.number}/do/joint_record/", {"step": step.pk, "passed": "1", "outcome": "现场踏勘符合要求"}
    )
    assert r.status_code == 302
    for kid in children(bc).values():
        assert CaseEvent.objects.filter(case=kid, action="record_joint_step", reason="现场踏勘符合要求").exists()
    r = client.post(
        f"/bundles/cases/{bc.number}/do/joint_record/", {"step": step.pk, "passed": "1", "outcome": "again"}
    )
    assert r.status_code == 409


# ---- supervision and indicators ---------------------------------------------------------------------------


def test_supervision_board_lists_open_bundles_with_the_item_that_holds_each_up(client, env):
    bc = submit_online(client, env)
    bc = b.accept_bundle(s.Ctx(env.w.clerk), bundle_holding_all(bc), BundleCase.objects.get(pk=bc.pk).revision)
    kids = children(bc)
    for name in ("出生医学证明", "预防接种证"):
        kid = Case.objects.get(pk=kids[name].pk)
        s.decide(s.Ctx(env.doctor), kid, True, "符合规定", kid.revision)
    env.w.supervisor.division = env.w.centre.division
    env.w.supervisor.save()
    client.force_login(env.w.supervisor)
    page = text(client.get("/bundles/supervision/"))
    row = page.split(f'data-number="{bc.number}"')[1].split("</tr>")[0]
    assert "新生儿入户" in row and "诸暨市公安局" in row
    assert bc.number not in text(client.get("/bundles/supervision/?filter=overdue"))
    # The bundle case page shows the supervisor no identity: not in the facts, nor as who acted in the
    # items' timelines (which used to name the applicant).
    case_page = text(client.get(f"/bundles/cases/{bc.number}/"))
    assert env.w.applicant.real_name not in case_page and "张* · 申请人" in case_page
    client.force_login(env.w.applicant)
    assert client.get("/bundles/supervision/").status_code == 403


def test_public_bundle_page_links_to_applying_and_shows_indicators(client, env):
    submit_online(client, env)
    client.logout()
    page = text(client.get(f"/bundles/{env.bundle.code}/"))
    assert f'href="/bundles/{env.bundle.code}/apply/"' in page and "在线申请" in page
    assert re.search(r'data-indicator="bundle_cases">1<', page)
    assert re.search(r'data-indicator="forms_saved">2<', page)
    empty = text(client.get(f"/bundles/{env.bundle.code}/?start=2020-01-01&end=2020-12-31"))
    assert "统计期间内暂无办件" in empty
