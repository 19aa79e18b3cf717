"""The pages of cross-region handling, on the receiving node (messages delivered by the test: conftest.py)."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.test import Client
from pypdf import PdfReader

from tongban.accounts.models import User
from tongban.cases.forms import FIELD_PREFIX
from tongban.cases.notices import NoticeKind, render_notice
from tongban.cases.services import desk
from tongban.cases.services.context import Ctx
from tongban.core.errors import DomainError
from tongban.core.testing.files import pdf
from tongban.crossregion.models import CrossRegionCase
from tongban.crossregion.services import guides

from .conftest import APPLICANT, JY, SZ, ZJ, answers, item

pytestmark = pytest.mark.django_db


def words_of(document: bytes) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(document)).pages))


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_search_finds_other_regions_items_marked_with_their_region(federation):
    page = signed_in("zj_window").get("/kuayu/", {"q": "无犯罪记录"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "山东省枣庄市市中区" in text and "河南省济源市" in text and "窗口代收" in text
    assert "浙江省诸暨市" not in text.split("<tbody>")[1]  # this node's own items are in its own catalogue


def test_the_window_takes_forwards_and_sees_the_correction_and_the_timeline(federation):
    impl = item("no_crime_certificate", SZ)
    clerk = signed_in("zj_window")
    form = clerk.get(f"/kuayu/take/{SZ}/{impl.code}/")
    assert form.status_code == 200 and "身份核验方式" in form.content.decode()
    guide = guides.remote_guide(SZ, impl.code)
    posted = {
        "name": APPLICANT.name,
        "id_number": APPLICANT.id_number,
        "phone": APPLICANT.phone,
        "identity_check": "读取居民身份证芯片并人证比对",
    }
    posted |= {FIELD_PREFIX + k: v for k, v in answers(guide.form_schema).items()}
    for i, m in enumerate(guide.materials):
        posted[f"material_name_{i}"] = m["name"]
    posted["material_0"] = _upload("id.pdf", pdf("page id"))
    # Without identity check the window cannot take it: a message, not a 500.
    refused = clerk.post(
        f"/kuayu/take/{SZ}/{impl.code}/",
        {**posted, "identity_check": "", "material_0": _upload("id.pdf", pdf("page id"))},
    )
    assert refused.status_code == 400 and "请记录申请人身份核验方式" in refused.content.decode()
    with federation.node(ZJ):
        made = clerk.post(f"/kuayu/take/{SZ}/{impl.code}/", posted)
    assert made.status_code == 302
    xcase = CrossRegionCase.objects.get(side="receiving", applicant_id_number=APPLICANT.id_number)
    page = clerk.get(f"/kuayu/case/{xcase.ref}/").content.decode()
    assert "已收件待转递" in page and "转递期限" in page and "转递山东省枣庄市市中区" in page
    # The supervision board counts it among those taken and not yet forwarded (none past the limit yet).
    board = signed_in("zj_supervisor").get("/cases/supervision/").content.decode()
    assert re.search(r"收件待转递 [1-9]\d* 件（超过转递时限 0 件）", board), board[:3000]
    with federation.node(ZJ):
        clerk.post(f"/kuayu/case/{xcase.ref}/act/", {"action": "forward", "revision": xcase.revision})
    federation.deliver()
    theirs = CrossRegionCase.objects.get(ref=xcase.ref, side="deciding")
    with federation.node(SZ):
        desk.request_correction(
            Ctx(User.objects.get(username="shizhong_window"), "window"),
            theirs.local_case,
            ["授权委托书及代理人居民身份证"],
        )
    federation.deliver()
    page = clerk.get(f"/kuayu/case/{xcase.ref}/").content.decode()
    assert "扫描补正材料并转递" in page and "办理地一次性告知补正" in page and "山东省枣庄市市中区" in page
    # Someone else's case is not found; the applicant of another node has no page for it.
    assert signed_in("jiyuan_window").get(f"/kuayu/case/{xcase.ref}/").status_code in (404,)
    window = clerk.get("/kuayu/window/").content.decode()
    assert xcase.ref in window and "待补正" in window


def _upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_the_joint_intake_offers_legs_on_this_node_as_well(federation):
    page = signed_in("zj_window").get("/kuayu/joint/new/").content.decode()
    options = re.findall(r'<option value="(\d+)\|[^"]+">', page)
    assert ZJ in options and SZ in options  # e.g. 济源 迁出 then 诸暨 迁入


def test_the_guide_page_shows_the_scope_and_the_other_regions_to_apply_at(federation):
    impl = item("no_crime_certificate", ZJ)
    page = Client().get(f"/items/{impl.code}/").content.decode()
    assert "跨域通办：跨省通办" in page and "异地代收代办" in page
    assert "山东省枣庄市市中区" in page and "河南省济源市" in page


def test_the_joint_intake_asks_each_legs_form_and_papers_once_and_the_applicant_sees_one_joint_case(federation):
    jy_move, zj_move = item("work_transfer_move", JY), item("work_transfer_move", ZJ)
    clerk = signed_in("zj_window")
    citizen = User.objects.get(username="zj_citizen_wang")
    chosen = {
        "joint_name": "工作调动户口迁移（济源迁往诸暨）",
        "leg_1_title": "迁出地审批",
        "leg_1_item": f"{JY}|{jy_move.code}",
        "leg_2_title": "迁入地落户",
        "leg_2_item": f"{ZJ}|{zj_move.code}",
        "leg_2_after": "1",
    }
    step2 = clerk.post("/kuayu/joint/new/", chosen)
    page = step2.content.decode()
    assert step2.status_code == 200 and "环节1：迁出地审批" in page and "环节2：迁入地落户" in page
    guide = guides.guide_for(ZJ, zj_move.code)
    asked = [f for f in guide.form_schema if not f["key"].startswith("applicant_")]
    assert (
        f'name="{FIELD_PREFIX}leg1_{asked[0]["key"]}"' in page
        and f'name="{FIELD_PREFIX}leg2_{asked[0]["key"]}"' in page
    )
    papers = [m["name"] for m in guide.materials]
    assert all(page.count(f'value="{name}"') == 1 for name in papers)  # needed by both legs, scanned once
    assert "等待迁出地审批准予后自动转递" in page

    posted = {**chosen, "step": "forms", "name": citizen.real_name, "id_number": citizen.id_number}
    posted |= {"phone": citizen.phone, "identity_check": "读取居民身份证芯片并人证比对"}
    for leg in ("leg1", "leg2"):
        posted |= {f"{FIELD_PREFIX}{leg}_{k}": v for k, v in answers(guide.form_schema).items()}
    for i, name in enumerate(papers):
        posted[f"material_name_{i}"] = name
    required = [i for i, m in enumerate(guide.materials) if m["necessity"] == "required"]
    missing = required[-1]
    files = {f"material_{i}": _upload(f"{i}.pdf", pdf(f"paper {i}")) for i in range(len(papers)) if i != missing}
    refused = clerk.post("/kuayu/joint/new/", {**posted, **files})
    text = refused.content.decode()
    assert refused.status_code == 400 and f"迁出地审批：请扫描“{papers[missing]}”" in text
    assert f"迁入地落户：请扫描“{papers[missing]}”" in text and citizen.id_number in text  # what was entered stays
    files = {f"material_{i}": _upload(f"{i}.pdf", pdf(f"paper {i}")) for i in range(len(papers))}
    with federation.node(ZJ):
        made = clerk.post("/kuayu/joint/new/", {**posted, **files})
    assert made.status_code == 302, made.content.decode()[:2000]
    joint_ref = made["Location"].rstrip("/").rsplit("/", 1)[1]
    legs = list(CrossRegionCase.objects.filter(ref__startswith=joint_ref, side="receiving").order_by("id"))
    assert [leg.leg_title for leg in legs] == ["迁出地审批", "迁入地落户"]
    assert all(leg.form_data[asked[0]["key"]] for leg in legs) and len(legs[0].materials) == len(papers)
    federation.deliver()

    # The applicant's list: one row for the joint case, its legs under it, no internal leg keys.
    mine = signed_in("zj_citizen_wang").get("/kuayu/mine/").content.decode()
    assert (
        f"/kuayu/joint/{joint_ref}/" in mine
        and mine.count("joint-leg") == 2
        and "-leg" not in re.sub("<[^>]+>", "", mine)
    )
    assert signed_in("zj_citizen_wang").get(f"/kuayu/joint/{joint_ref}/").status_code == 200
    assert signed_in("jiyuan_window").get(f"/kuayu/joint/{joint_ref}/").status_code == 404
    # The window's list shows a leg as the joint number and its title, and how a joint leg is forwarded.
    window = clerk.get("/kuayu/window/").content.decode()
    assert f"{joint_ref} · 迁入地落户" in window and "前序环节准予后自动转递" in window
    # The first leg's deciding node sees the joint case it belongs to.
    there = signed_in("jiyuan_window").get(f"/kuayu/case/{legs[0].ref}/").content.decode()
    assert "所属多地联办" in there and "迁入地落户" in there and "等待前序环节" in there
    # The window's page of the leg handled here is its receiving copy, linked to the whole joint case.
    here = clerk.get(f"/kuayu/case/{legs[1].ref}/").content.decode()
    assert (
        f"/kuayu/joint/{joint_ref}/" in here
        and "前序环节准予后自动转递" in here
        and "-leg" not in re.sub("<[^>]+>", "", here)
    )


def _forwarded_no_crime(federation, clerk: Client) -> CrossRegionCase:
    """异地代收 at 诸暨's window for 市中区's 无犯罪记录证明, forwarded and received there."""
    impl = item("no_crime_certificate", SZ)
    guide = guides.remote_guide(SZ, impl.code)
    posted = {
        "name": APPLICANT.name,
        "id_number": APPLICANT.id_number,
        "phone": APPLICANT.phone,
        "identity_check": "人证比对",
        "material_name_0": guide.materials[0]["name"],
        "material_0": _upload("id.pdf", pdf("page id")),
    }
    posted |= {FIELD_PREFIX + k: v for k, v in answers(guide.form_schema).items()}
    with federation.node(ZJ):
        clerk.post(f"/kuayu/take/{SZ}/{impl.code}/", posted)
        xcase = CrossRegionCase.objects.get(side="receiving", applicant_id_number=APPLICANT.id_number)
        clerk.post(f"/kuayu/case/{xcase.ref}/act/", {"action": "forward", "revision": xcase.revision})
    federation.deliver()
    return xcase


def test_a_correction_naming_a_form_field_and_a_material_is_answered_at_the_receiving_window(federation):
    clerk = signed_in("zj_window")
    xcase = _forwarded_no_crime(federation, clerk)
    case = CrossRegionCase.objects.get(ref=xcase.ref, side="deciding").local_case
    before = case.form_data["purpose"]
    letter = "授权委托书及代理人居民身份证"
    with federation.node(SZ):
        desk.request_correction(
            Ctx(User.objects.get(username="shizhong_window"), "window"),
            case,
            [letter, "请当面说明开具用途"],
            fields=["purpose"],
        )
    federation.deliver()
    page = clerk.get(f"/kuayu/case/{xcase.ref}/").content.decode()
    form = page.split('action="/kuayu/case/')[1].split("</form>")[0]
    # A file input for the material, the field's own widget with its current answer, the free note as text.
    assert re.search(rf'<label for="material_0">{letter}', form) and form.count('type="file"') == 1
    assert f'name="{FIELD_PREFIX}purpose"' in form and f'value="{before}" selected' in form
    assert "<li>请当面说明开具用途</li>" in form
    new = next(o for o in ("就业", "出国（境）", "资格证照") if o != before)
    # A bad answer: a message, nothing kept, nothing sent.
    bad = clerk.post(
        f"/kuayu/case/{xcase.ref}/resubmit/",
        {"material_name_0": letter, "material_0": _upload("l.pdf", pdf("letter")), FIELD_PREFIX + "purpose": "随便"},
        follow=True,
    )
    assert "开具用途" in bad.content.decode() and federation.queue == []
    missing = clerk.post(f"/kuayu/case/{xcase.ref}/resubmit/", {FIELD_PREFIX + "purpose": new}, follow=True)
    assert f"请扫描补正材料：{letter}" in missing.content.decode() and federation.queue == []
    with federation.node(ZJ):
        done = clerk.post(
            f"/kuayu/case/{xcase.ref}/resubmit/",
            {"material_name_0": letter, "material_0": _upload("l.pdf", pdf("letter")), FIELD_PREFIX + "purpose": new},
        )
    assert done.status_code == 302
    federation.deliver()
    case.refresh_from_db()
    assert case.status == "submitted" and case.form_data["purpose"] == new and case.correction_fields == []
    assert case.materials.get(name=letter).sha256 == hashlib.sha256(pdf("letter")).hexdigest()
    mine = CrossRegionCase.objects.get(ref=xcase.ref, side="receiving")
    assert mine.form_data["purpose"] == new and "更正申请表：开具用途" in mine.events.last().note


def test_the_deciding_nodes_case_page_speaks_of_the_receiving_node(federation):
    from tongban.cases.services import back_office
    from tongban.crossregion.services import receiving

    xcase = _forwarded_no_crime(federation, signed_in("zj_window"))
    case = CrossRegionCase.objects.get(ref=xcase.ref, side="deciding").local_case
    there = signed_in("shizhong_window")
    page = there.get(f"/cases/{case.number}/").content.decode()
    # No phone here: the receiving node tells the applicant; its window checked the scans against the originals.
    assert (
        re.search("由收件地（浙江省[^）]*诸暨市）通知申请人", page)
        and "收件地窗口已核验原件" in page
        and "纸质已核验" not in page
    )
    clerk = Ctx(User.objects.get(username="shizhong_window"), "window")
    with federation.node(SZ):
        desk.request_correction(clerk, case, ["授权委托书及代理人居民身份证"])
    page = there.get(f"/cases/{case.number}/?print=correction").content.decode()
    # The applicant corrects at the receiving node: no 补正后重新提交 (nor upload) for this node's window.
    assert f"/cases/{case.number}/do/resubmit/" not in page and 'name="material_' not in page
    refused = there.post(f"/cases/{case.number}/do/resubmit/", {"revision": case.revision})
    assert refused.status_code == 409
    with federation.node(SZ), pytest.raises(DomainError) as denied:
        desk.resubmit(clerk, case)
    assert denied.value.status == 403 and "收件地" in denied.value.message
    case.refresh_from_db()
    assert case.status == "correction"
    assert 'id="remote-notice"' in page and re.search("诸暨市的收件窗口告知申请人", page) and "交申请人签收" not in page
    federation.deliver()
    with federation.node(ZJ):
        mine = CrossRegionCase.objects.get(ref=xcase.ref, side="receiving")
        letter = [("授权委托书及代理人居民身份证", "l.pdf", pdf("letter"))]
        receiving.resubmit(User.objects.get(username="zj_window"), mine, letter)
    federation.deliver()
    case.refresh_from_db()
    with federation.node(SZ):
        case = desk.accept(clerk, case)
    # Accepted: the notice goes to the receiving node, which tells the applicant (nothing to collect for it);
    # the applicant rates there, not on this window's screen; the page is no 窗口收件 case of this centre.
    page = there.get(f"/cases/{case.number}/?print=acceptance").content.decode()
    remote = page.split('id="remote-notice"')[1].split("</p>")[0]
    assert "告知申请人" in remote and "代收" not in remote and 'id="open-screen"' not in page
    assert "窗口收件" not in page.split('class="breadcrumbs"')[1].split("</nav>")[0]
    notice = words_of(render_notice(case, NoticeKind.ACCEPTANCE))
    assert re.search("收件地（浙江省[^）]*诸暨市）", notice) and "由受理窗口出具" not in notice
    assert "诸暨市（跨域通办，异地代收）" in notice
    with federation.node(SZ):
        approver = Ctx(User.objects.get(username="shizhong_police_approver"))
        while not case.awaiting_decision:
            case = back_office.complete_step(approver, case, "符合条件")
        back_office.decide(approver, case, True, "无犯罪记录")
    page = there.get(f"/cases/{case.number}/").content.decode()
    issue = page.split('id="id_issue_delivery"')[1].split("</div>")[0]
    # 统一出件 for an applicant in 诸暨: not this centre's window (the guide offers electronic delivery, no post);
    # pick-up is at the receiving node's window.
    assert re.search(r'value="electronic"[^>]*checked', issue) and re.search(
        "收件地窗口领取（浙江省[^）]*诸暨市）", issue
    )
    assert not re.search(r'value="window"[^>]*checked', issue)


def with_licence_type(item_code: str, name: str) -> None:
    """The item's guide names an e-licence type (the demo's 无犯罪记录证明 has none yet)."""
    from tongban.catalogue.models import ImplementationVersion
    from tongban.licences.tests.factories import DEFINING_CODE, licence_type

    face = [{"key": "holder", "label": "姓名", "type": "text", "source": "holder_name", "required": True}]
    made = licence_type(code=f"{DEFINING_CODE}099", name=name, face_title=name, face_fields=face)
    ImplementationVersion.objects.filter(implementation__code=item_code).update(result_licence_type=made.code)


def test_online_applicant_corrects_online_and_gets_the_licence_and_the_signed_decision(federation):
    from tongban.audit.models import AuditEntry
    from tongban.cases.services import back_office, results
    from tongban.crossregion.services import receiving

    impl = item("no_crime_certificate", SZ)
    guide = guides.remote_guide(SZ, impl.code)
    with_licence_type(impl.code, "无犯罪记录证明")
    citizen = User.objects.filter(kind="citizen", id_number__startswith="3306").exclude(phone="").first()
    form = signed_in(citizen.username).get(f"/kuayu/apply/{SZ}/{impl.code}/").content.decode()
    assert form.count(">联系电话<") == 1  # the guide's form asks it; the page adds no second one
    with federation.node(ZJ):
        xcase = receiving.apply_online(
            citizen,
            deciding_node=SZ,
            item_code=impl.code,
            item_name=guide.name,
            form_data=answers(guide.form_schema),
            uploads=[(guide.materials[0]["name"], "id.pdf", pdf("online id"))],
        )
    federation.deliver()
    case = CrossRegionCase.objects.get(ref=xcase.ref, side="deciding").local_case
    clerk = Ctx(User.objects.get(username="shizhong_window"), "window")
    with federation.node(SZ):
        desk.request_correction(clerk, case, [], fields=["purpose"])
    federation.deliver()
    applicant = signed_in(citizen.username)
    page = applicant.get(f"/kuayu/case/{xcase.ref}/").content.decode()
    assert "在线补正" in page and f'name="{FIELD_PREFIX}purpose"' in page and 'type="file"' in page
    new = next(o for o in ("就业", "出国（境）", "资格证照") if o != case.form_data["purpose"])
    with federation.node(ZJ):
        assert applicant.post(f"/kuayu/case/{xcase.ref}/resubmit/", {FIELD_PREFIX + "purpose": new}).status_code == 302
    federation.deliver()
    case.refresh_from_db()
    assert case.status == "submitted" and case.form_data["purpose"] == new

    with federation.node(SZ):
        desk.accept(clerk, case)
        case.refresh_from_db()
        approver = Ctx(User.objects.get(username="shizhong_police_approver"))
        while not case.awaiting_decision:
            case = back_office.complete_step(approver, case, "符合条件")
        back_office.decide(approver, case, True, "无犯罪记录")
        results.issue_result(clerk, case, "electronic")
    federation.deliver()
    case.refresh_from_db()
    mine = CrossRegionCase.objects.get(ref=xcase.ref, side="receiving")
    kinds = {r["kind"]: r for r in mine.results}
    assert set(kinds) == {"licence", "decision"}
    assert kinds["licence"]["identifier"] == case.result_licence_id and kinds["licence"]["holder"] == citizen.real_name
    # People read the licence's name and number, never its identifier (an OID).
    assert "电子证照：" in mine.result_note and case.result_licence_id not in mine.result_note
    assert all(case.result_licence_id not in e.note for e in mine.events.all())
    page = applicant.get(f"/kuayu/case/{xcase.ref}/").content.decode()
    assert f"http://127.0.0.1:8101/licences/verify/?q={case.result_licence_id}" in page
    for index, result in enumerate(mine.results):
        link = f"/kuayu/case/{xcase.ref}/results/{index}/"
        assert link in page
        got = applicant.get(link)
        body = b"".join(got.streaming_content)
        assert got.status_code == 200 and hashlib.sha256(body).hexdigest() == result["sha256"]
        assert body.startswith(b"%PDF")
        assert signed_in("jiyuan_window").get(link).status_code == 404
        admin = User.objects.filter(is_superuser=True).first()
        assert signed_in(admin.username).get(link).status_code == 404  # personal documents: not for admins
    assert AuditEntry.objects.filter(action="crossregion.result_file", actor=citizen).count() == 2


@pytest.mark.parametrize(
    ("methods", "licence", "here", "expected"),
    [
        (["window", "post", "electronic"], "", "", "window"),  # an applicant of this node: this centre's window
        (["window", "post", "electronic"], "", ZJ, "post"),  # from another node, no e-licence: by post
        (["window", "post", "electronic"], "X", ZJ, "electronic"),  # an e-licence: electronic
        (["window", "electronic"], "", ZJ, "electronic"),  # the guide offers no post
    ],
)
def test_the_issue_form_defaults_for_an_applicant_at_another_node(monkeypatch, methods, licence, here, expected):
    from tongban.cases import views as case_views
    from tongban.cases.models import Case
    from tongban.catalogue.models import ImplementationVersion

    monkeypatch.setattr(case_views.services, "post_offered", lambda: True)
    version = ImplementationVersion(delivery_methods=methods, result_licence_type=licence)
    version._snapshot = True  # type: ignore[attr-defined]
    assert case_views.default_delivery(Case(version=version, receiving_node=here)) == expected


def test_each_federation_demo_node_has_a_supervisor_who_reaches_its_operator_page(federation, settings):
    """市中区 and 济源 had no supervisor nor administrator: /federation/operations/ was 403 for all their accounts."""
    for node, username in ((SZ, "shizhong_supervisor"), (JY, "jiyuan_supervisor")):
        supervisor = User.objects.get(username=username)
        assert supervisor.role == "supervisor" and supervisor.division_id.startswith(node)
        with federation.node(node):
            client = signed_in(username)
            board = client.get("/cases/supervision/").content.decode()
            assert 'id="federation-operations"' in board and 'href="/federation/operations/"' in board
            assert client.get("/federation/operations/").status_code == 200
    settings.TONGBAN_NODE_CODE = ""
    assert 'id="federation-operations"' not in signed_in("zj_supervisor").get("/cases/supervision/").content.decode()
