"""The pages of cross-region handling, on the receiving node (messages delivered by the test: conftest.py)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tongban.accounts.models import User
from tongban.cases.forms import FIELD_PREFIX
from tongban.cases.services import desk
from tongban.cases.services.context import Ctx
from tongban.core.testing.files import pdf
from tongban.crossregion.models import CrossRegionCase
from tongban.crossregion.services import guides

from .conftest import APPLICANT, JY, SZ, ZJ, answers, item

pytestmark = pytest.mark.django_db


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
