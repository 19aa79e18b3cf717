"""Defects a browser walk found on the receiving side's pages (one database, messages delivered by the test)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tongban.cases.services import desk
from tongban.cases.services.context import Ctx
from tongban.core import clock
from tongban.core.errors import DomainError
from tongban.crossregion import views
from tongban.crossregion.domain.workflow import XStatus
from tongban.crossregion.models import CrossRegionCase, JointCase
from tongban.crossregion.services import guides, receiving
from tongban.federation.models import OutgoingMessage
from tongban.outbox.models import Message as OutboxMessage

from .conftest import JY, SZ, ZJ, item, take_move, take_no_crime, user
from .test_modes import _grant_there
from .test_pages import signed_in

pytestmark = pytest.mark.django_db


def _move_at_first_node(federation) -> tuple[JointCase, CrossRegionCase, CrossRegionCase]:
    """济源 迁出 then 诸暨 迁入 taken at 诸暨, the first leg delivered: (joint, its receiving copy, 济源's copy)."""
    joint = take_move(federation)
    federation.deliver()
    out_leg = joint.legs.get(leg_key="out", side="receiving")
    return joint, out_leg, CrossRegionCase.objects.get(ref=out_leg.ref, side="deciding")


def test_a_leg_decided_on_its_accepting_node_is_handed_over_at_its_window(federation):
    joint, _, out_there = _move_at_first_node(federation)
    _grant_there(federation, JY, out_there.local_case, "jiyuan_window", "jiyuan_police_approver")
    federation.deliver()
    in_ref = joint.legs.get(leg_key="in", side="receiving").ref
    in_here = CrossRegionCase.objects.get(ref=in_ref, side="deciding")  # both copies in this database
    _grant_there(federation, ZJ, in_here.local_case, "zj_window", "zj_police_approver", delivery="window")
    federation.deliver()
    leg = CrossRegionCase.objects.get(ref=in_ref, side="receiving")
    assert leg.status == XStatus.RESULT_SENT
    # Granted everywhere, but the result waits at the window: not yet 联办完成.
    assert JointCase.objects.get(pk=joint.pk).phase == "running"
    clerk = signed_in("zj_window")
    with federation.node(ZJ):
        page = clerk.get(f"/kuayu/case/{in_ref}/").content.decode()
        assert "申请人已领取结果" in page  # the receiving copy, with its action
        listed = clerk.get("/kuayu/window/").content.decode()
        assert listed.count(f"/kuayu/case/{in_ref}/") == 1
        done = clerk.post(f"/kuayu/case/{in_ref}/act/", {"action": "hand_over", "revision": leg.revision})
    assert done.status_code == 302
    assert CrossRegionCase.objects.get(ref=in_ref, side="receiving").status == XStatus.CLOSED
    assert JointCase.objects.get(pk=joint.pk).phase == "done"


def _down(node_code: str, item_code: str) -> guides.RemoteGuide:
    raise DomainError("peer_unavailable", "暂时无法读取办理地的办事指南，请稍后再试", "item")


def test_the_apply_take_and_joint_pages_say_the_deciding_node_is_down_instead_of_a_500(federation, monkeypatch):
    monkeypatch.setattr(guides, "remote_guide", _down)
    code = item("no_crime_certificate", SZ).code
    for who, url in (("zj_citizen_wang", f"/kuayu/apply/{SZ}/{code}/"), ("zj_window", f"/kuayu/take/{SZ}/{code}/")):
        page = signed_in(who).get(url)
        assert page.status_code == 503 and "暂时无法读取" in page.content.decode() and "<nav" in page.content.decode()
    chosen = {
        "leg_1_item": f"{JY}|{item('work_transfer_move', JY).code}",
        "leg_2_item": f"{ZJ}|{item('work_transfer_move', ZJ).code}",
        "leg_2_after": "1",
    }
    for step in ("", "forms"):
        with federation.node(ZJ):
            page = signed_in("zj_window").post("/kuayu/joint/new/", chosen | {"step": step})
        assert page.status_code == 503 and "暂时无法读取" in page.content.decode()


def test_the_deciding_offices_correction_note_reaches_the_window_page_timeline_and_sms(federation):
    xcase = take_no_crime(federation)
    with federation.node(ZJ):
        receiving.forward(user("zj_window"), xcase)
    federation.deliver()
    theirs = CrossRegionCase.objects.get(ref=xcase.ref, side="deciding")
    note = "身份证复印件字迹模糊，请提供清晰扫描件"
    with federation.node(SZ):
        desk.request_correction(
            Ctx(user("shizhong_window"), "window"), theirs.local_case, ["居民身份证（申请人）"], note=note
        )
    federation.deliver()
    xcase.refresh_from_db()
    assert xcase.status == XStatus.CORRECTION and xcase.correction_note == note
    assert note in xcase.events.get(action="request_correction").note
    sms = OutboxMessage.objects.filter(topic="notify", payload__kind="crossregion_request_correction").last()
    assert sms is not None and note in sms.payload["body"]
    page = signed_in("zj_window").get(f"/kuayu/case/{xcase.ref}/").content.decode()
    assert f"办理地说明：{note}" in page


def test_a_form_answer_corrected_in_an_earlier_legs_correction_reaches_the_later_legs_form(federation):
    joint, out_leg, out_there = _move_at_first_node(federation)
    with federation.node(JY):
        desk.request_correction(
            Ctx(user("jiyuan_window"), "window"), out_there.local_case, [], fields=["move_to_address"]
        )
    federation.deliver()
    out_leg.refresh_from_db()
    corrected = "浙江省诸暨市暨阳街道艮塔东路1号"
    with federation.node(ZJ):
        receiving.resubmit(user("zj_window"), out_leg, [], form_changes={"move_to_address": corrected})
    federation.deliver()
    out_there.refresh_from_db()
    _grant_there(federation, JY, out_there.local_case, "jiyuan_window", "jiyuan_police_approver")
    federation.deliver()
    in_leg = joint.legs.get(leg_key="in", side="receiving")
    in_here = CrossRegionCase.objects.get(ref=in_leg.ref, side="deciding")
    assert in_leg.form_data["move_to_address"] == corrected
    assert in_here.local_case.form_data["move_to_address"] == corrected


def test_until_the_deciding_node_signs_for_the_application_the_pages_say_so(federation):
    xcase = take_no_crime(federation)
    with federation.node(ZJ):
        receiving.forward(user("zj_window"), xcase)
    logged = OutgoingMessage.objects.create(  # what the real transport logs; the test's transport logs nothing
        sender=ZJ,
        recipient=SZ,
        case_ref=xcase.ref,
        message_type="crossregion.application",
        sequence=1,
        sent_at=clock.now(),
        body="{}",
        body_hash="0" * 64,
        signature="0" * 128,
    )
    clerk = signed_in("zj_window")
    for url in (f"/kuayu/case/{xcase.ref}/", "/kuayu/window/"):
        assert "已转递，待办理地签收" in clerk.get(url).content.decode()
    logged.status = OutgoingMessage.Status.ACKNOWLEDGED
    logged.save()
    page = clerk.get(f"/kuayu/case/{xcase.ref}/").content.decode()
    assert "已转递，待办理地签收" not in page and "已转递待受理" in page


def test_the_window_sees_when_it_forwarded_and_what_it_sent(federation, monkeypatch):
    xcase = take_no_crime(federation)
    with federation.node(ZJ):
        receiving.forward(user("zj_window"), xcase)
    clerk = signed_in("zj_window")
    listed = clerk.get("/kuayu/window/").content.decode()
    assert re.search(r"已于 \d\d-\d\d \d\d:\d\d 转递", listed)
    schema = guides.remote_guide(SZ, xcase.item_code).form_schema
    labelled = next(f for f in schema if xcase.form_data.get(f["key"]) and f["key"] != f.get("label"))
    page = clerk.get(f"/kuayu/case/{xcase.ref}/").content.decode()
    sent = page.split('id="xr-sent"')[1].split("</section>")[0]
    assert f"<dt>{labelled['label']}</dt>" in sent and "居民身份证（申请人）" in sent and "id.pdf" in sent
    monkeypatch.setattr(guides, "remote_guide", _down)  # the deciding node down: the keys instead
    page = clerk.get(f"/kuayu/case/{xcase.ref}/").content.decode()
    assert f"<dt>{labelled['key']}</dt>" in page.split('id="xr-sent"')[1]
    # An administrator sees the case, not the applicant's answers (personal data).
    other = signed_in("zj_admin").get(f"/kuayu/case/{xcase.ref}/")
    assert other.status_code == 200 and 'id="xr-sent"' not in other.content.decode()


def test_notices_of_a_joint_leg_name_the_joint_case_never_the_legs_internal_ref(federation):
    joint, out_leg, there = _move_at_first_node(federation)
    with federation.node(JY):
        desk.accept(Ctx(user("jiyuan_window"), "window"), there.local_case)
    federation.deliver()
    with federation.node(ZJ):
        receiving.withdraw(user("zj_window"), out_leg, "申请人不再迁移")
    notices = list(OutboxMessage.objects.filter(topic="notify", payload__case_number__startswith=joint.ref))
    assert {n.payload["kind"] for n in notices} >= {"crossregion_accept", "crossregion_withdraw"}
    for n in notices:
        assert n.payload["case_number"] == joint.ref and f"{joint.ref}-" not in n.payload["body"], n.payload


@pytest.mark.parametrize("template", sorted((Path(views.__file__).parent / "templates/crossregion").glob("*.html")))
def test_tables_stack_on_a_phone_and_buttons_use_the_sites_classes(template):
    html = template.read_text(encoding="utf-8")
    assert html.count("<table") == html.count('<div class="table-wrap"><table class="data stack')
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        cells = re.findall(r"<td[^>]*>", row)
        assert all("data-label" in c or "colspan" in c for c in cells), row  # each value names its column
    assert 'class="button' not in html and not re.search(r"<button(?![^>]*class=)", html)


def test_the_joint_intake_has_each_later_leg_wait_for_the_one_before_by_default(federation):
    page = signed_in("zj_window").get("/kuayu/joint/new/").content.decode()
    for slot in (2, 3):
        chosen = re.search(rf'<select id="leg_{slot}_after".*?</select>', page, re.S).group(0)  # type: ignore[union-attr]
        assert re.findall(r'<option value="(\d*)"[^>]* selected', chosen) == [str(slot - 1)]
    assert '<select id="leg_1_after"' not in page  # the first leg waits for nothing
