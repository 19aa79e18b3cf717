"""The three modes between nodes, in one database with messages delivered by the test (conftest.py): the
rules, both sides' copies, the case core on the deciding node, and the merged timeline."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tongban.cases.models import Case
from tongban.cases.services import back_office, desk, results
from tongban.cases.services.context import Ctx
from tongban.catalogue.models import ItemImplementation
from tongban.core.errors import DomainError
from tongban.core.testing.files import pdf
from tongban.crossregion.domain.workflow import ISSUE_TO_WINDOW, XStatus
from tongban.crossregion.models import CrossRegionCase, CrossRegionEvent
from tongban.crossregion.services import receiving
from tongban.notifications.models import LocalSmsMessage  # noqa: F401  (the notifier's table exists)
from tongban.outbox.models import Message as OutboxMessage

from .conftest import (
    APPLICANT,
    JY,
    SZ,
    ZJ,
    applicant,
    apply_no_crime_online,
    both,
    form_for,
    item,
    take_move,
    take_no_crime,
    user,
)

pytestmark = pytest.mark.django_db


def test_proxy_taken_corrected_accepted_decided_and_picked_up_at_the_receiving_window(federation):
    xcase = take_no_crime(federation)
    assert xcase.status == XStatus.TAKEN and xcase.forward_due > xcase.taken_on  # one working day to forward
    with federation.node(ZJ):
        receiving.forward(user("zj_window"), xcase)
    assert federation.deliver() == 2  # the application there, the deciding node's case number back
    mine, theirs = both(xcase.ref)
    case = theirs.local_case
    # On the deciding node: a case of its own case core, received at its centre for another node's window.
    assert case.status == "submitted" and case.receiving_node == ZJ and case.channel == "proxy"
    assert case.deciding_department.division_id.startswith(SZ)
    assert case.materials.get(name="居民身份证（申请人）").sha256 == mine.materials[0]["sha256"]
    assert case.applicant_phone == ""  # the receiving node tells the applicant, not both

    clerk = Ctx(user("shizhong_window"), "window")
    with federation.node(SZ):
        desk.request_correction(clerk, case, ["授权委托书及代理人居民身份证"])
    federation.deliver()
    mine.refresh_from_db()
    assert mine.status == XStatus.CORRECTION and mine.correction_items == ["授权委托书及代理人居民身份证"]
    assert OutboxMessage.objects.filter(topic="notify", payload__recipient_phone=APPLICANT.phone).exists()

    with federation.node(ZJ):
        receiving.resubmit(user("zj_window"), mine, [("授权委托书及代理人居民身份证", "letter.pdf", pdf("letter"))])
    federation.deliver()
    case.refresh_from_db()
    assert case.status == "submitted" and case.materials.filter(name="授权委托书及代理人居民身份证").exists()

    with federation.node(SZ):
        desk.accept(clerk, case)
        case.refresh_from_db()
        approver = Ctx(user("shizhong_police_approver"))
        while not case.awaiting_decision:
            case = back_office.complete_step(approver, case, "符合条件")
        back_office.decide(approver, case, True, "经核查，申请人无犯罪记录")
        results.issue_result(clerk, case, "window")
    federation.deliver()
    mine.refresh_from_db()
    case.refresh_from_db()
    # A's statutory clock started at A's acceptance, in A's calendar; the window holds the result now.
    assert mine.accepted_on == case.accepted_on and mine.statutory_due == case.statutory_due
    assert mine.status == XStatus.RESULT_SENT and mine.result_delivery == ISSUE_TO_WINDOW
    assert mine.decision == "granted" and mine.remote_number == case.number

    with federation.node(ZJ):
        receiving.hand_over(user("zj_window"), mine)
    federation.deliver()
    mine, theirs = both(xcase.ref)
    assert mine.status == theirs.status == XStatus.CLOSED
    # Both sides hold the same timeline: each side's events, merged by time.
    lines = [(e.node, e.action) for e in mine.events.all()]
    assert lines == [(e.node, e.action) for e in theirs.events.all()]
    assert {ZJ, SZ} == {node for node, _ in lines}
    assert [a for _, a in lines if not a.startswith("case:")] == [
        "take",
        "forward",
        "request_correction",
        "resubmit",
        "accept",
        "grant",
        "issue_result",
        "hand_over",
    ]


def test_a_resubmission_the_local_case_no_longer_awaits_is_noted_and_later_messages_flow(federation):
    """If the deciding node's case moved on before the receiving window's correction arrived, the papers are
    named on the timeline and the handler does not raise (a raising handler holds the case's later messages)."""
    xcase = take_no_crime(federation)
    with federation.node(ZJ):
        receiving.forward(user("zj_window"), xcase)
    federation.deliver()
    case = both(xcase.ref)[1].local_case
    clerk = Ctx(user("shizhong_window"), "window")
    with federation.node(SZ):
        desk.request_correction(clerk, case, ["授权委托书及代理人居民身份证"])
    federation.deliver()
    Case.objects.filter(pk=case.pk).update(status="submitted")  # moved on here (as a local resubmission did)
    with federation.node(ZJ):
        mine = both(xcase.ref)[0]
        receiving.resubmit(user("zj_window"), mine, [("授权委托书及代理人居民身份证", "l.pdf", pdf("letter"))])
    federation.deliver()
    mine, theirs = both(xcase.ref)
    assert theirs.status == XStatus.FORWARDED and mine.status == XStatus.FORWARDED
    noted = theirs.events.filter(note__contains="未重新提交").get()
    assert "授权委托书及代理人居民身份证" in noted.note and case.number in noted.note
    assert mine.events.filter(note__contains="未重新提交").exists()  # the receiving window learns it too
    with federation.node(SZ):
        desk.accept(clerk, Case.objects.get(pk=case.pk))
    federation.deliver()
    assert both(xcase.ref)[0].status == XStatus.ACCEPTED


def test_proxy_refused_by_the_deciding_node_reaches_the_window(federation):
    xcase = take_no_crime(federation)
    with federation.node(ZJ):
        receiving.forward(user("zj_window"), xcase)
    federation.deliver()
    mine, theirs = both(xcase.ref)
    with federation.node(SZ):
        desk.refuse(Ctx(user("shizhong_window"), "window"), theirs.local_case, "申请人不属于本机关管辖")
    federation.deliver()
    mine.refresh_from_db()
    assert mine.status == XStatus.REFUSED and mine.refusal_reason == "申请人不属于本机关管辖"


def test_the_window_forwards_nothing_unscanned_and_cannot_act_for_the_deciding_node(federation):
    with pytest.raises(DomainError, match="请扫描申请材料"):
        take_no_crime(federation, scans=[])
    xcase = take_no_crime(federation)
    from tongban.crossregion.domain.workflow import XAction
    from tongban.crossregion.services.perform import perform

    with federation.node(ZJ), pytest.raises(DomainError, match="只能由办理地办理"):
        perform(xcase, XAction.ACCEPT, actor=user("zj_window"))
    assert federation.queue == []  # nothing left the node


def test_online_application_of_another_regions_item_is_one_case_for_the_citizen(federation):
    impl = item("no_crime_certificate", SZ)
    citizen, xcase = apply_no_crime_online(federation, "online id")
    assert xcase.status == XStatus.FORWARDED
    federation.deliver()
    mine, theirs = both(xcase.ref)
    case = theirs.local_case
    assert case.channel == "online" and case.applicant_name == citizen.real_name
    assert not case.materials.get().paper_checked  # an upload, not a scan checked against the original
    with federation.node(SZ):
        clerk = Ctx(user("shizhong_window"), "window")
        desk.accept(clerk, case)
        case.refresh_from_db()
        approver = Ctx(user("shizhong_police_approver"))
        while not case.awaiting_decision:
            case = back_office.complete_step(approver, case, "符合条件")
        back_office.decide(approver, case, True, "无犯罪记录")
        results.issue_result(clerk, case, "electronic")
    federation.deliver()
    mine.refresh_from_db()
    assert mine.status == XStatus.CLOSED and mine.result_delivery == "electronic"
    # The citizen's node holds one cross-region case, no case of its own case core.
    assert CrossRegionCase.objects.filter(applicant=citizen, side="receiving").count() == 1
    assert not Case.objects.filter(applicant=citizen, receiving_node="").filter(implementation__code=impl.code).exists()
    assert CrossRegionEvent.objects.filter(case=mine, remote=True, node=SZ).count() >= 4


def _grant_there(federation, node: str, case: Case, clerk: str, approver: str, delivery: str = "electronic") -> None:
    with federation.node(node):
        desk.accept(Ctx(user(clerk), "window"), case)
        case.refresh_from_db()
        office = Ctx(user(approver))
        while not case.awaiting_decision:
            case = back_office.complete_step(office, case, "符合条件")
        back_office.decide(office, case, True, "符合迁移条件")
        results.issue_result(Ctx(user(clerk), "window"), case, delivery)


def test_joint_hukou_move_out_then_in_the_applicant_goes_once(federation):
    from tongban.crossregion.models import JointCase

    joint = take_move(federation)
    legs = {leg.leg_key: leg for leg in joint.legs.filter(side="receiving")}
    assert legs["out"].status == XStatus.FORWARDED and legs["in"].status == XStatus.WAITING
    # The history reads truthfully: the first leg waited for nothing; the second says what it waits for.
    out_events = list(legs["out"].events.values_list("action", "status_after", "note"))
    assert [a for a, _, _ in out_events] == ["open_leg", "forward"]
    assert XStatus.WAITING not in {after for _, after, _ in out_events} and "收件后即转递" in out_events[0][2]
    assert "等待迁出地：准予迁出准予后开始" in legs["in"].events.get(action="open_leg").note
    # Each leg carries its own node's form and the papers its guide lists.
    assert legs["out"].form_data and legs["in"].form_data
    federation.deliver()
    out_there = CrossRegionCase.objects.get(ref=legs["out"].ref, side="deciding")
    assert not CrossRegionCase.objects.filter(ref=legs["in"].ref, side="deciding").exists()  # waits its turn
    # 济源 runs its own move-out guide (迁出地核验, 迁出登记; no 户口簿), not the move-in office's.
    out_version = out_there.local_case.version
    out_steps = [step.name for step in out_version.steps.all()]
    assert "迁出地核验" in out_steps and "迁入地审核" not in out_steps and "户口簿" not in out_version.result_name
    # The deciding node of the first leg sees the joint case: its legs and what the second waits for.
    overview = out_there.joint_overview
    assert overview["ref"] == joint.ref and overview["accepting_node"] == ZJ
    assert [(leg["title"], leg["status"]) for leg in overview["legs"]] == [
        ("迁出地：准予迁出", XStatus.FORWARDED),
        ("迁入地：办理落户", XStatus.WAITING),
    ]
    assert overview["legs"][1]["waits_for"] == ["迁出地：准予迁出"]

    # 济源 asks for a better paper; 诸暨's window scans it for the first leg …
    paper = out_there.local_case.materials.order_by("id").first().name
    with federation.node(JY):
        desk.request_correction(Ctx(user("jiyuan_window"), "window"), out_there.local_case, [paper])
    federation.deliver()
    out_there.refresh_from_db()
    assert out_there.joint_overview["legs"][0]["status"] == XStatus.CORRECTION
    legs["out"].refresh_from_db()
    with federation.node(ZJ):
        receiving.resubmit(user("zj_window"), legs["out"], [(paper, "better.pdf", pdf("a clearer scan"))])
    federation.deliver()
    out_there.refresh_from_db()
    assert out_there.joint_overview["legs"][0]["status"] == XStatus.FORWARDED  # the window's step told there too
    legs["out"].refresh_from_db()
    better = next(m["sha256"] for m in reversed(legs["out"].materials) if m["name"] == paper)

    _grant_there(federation, JY, out_there.local_case, "jiyuan_window", "jiyuan_police_approver")
    federation.deliver()
    # Accepted there: its statutory date, or why there is none yet (a year whose holidays are not published).
    accepted = legs["out"].events.get(action="accept").note
    steps = [e.note for e in legs["out"].events.filter(action="case:complete_step")]
    assert steps and all(re.fullmatch(r"完成办理环节：\S+", note) for note in steps), steps  # names the stage
    assert "法定办结日期—" not in accepted and re.search(
        r"法定办结日期(\d{4}年|待定（\d{4}年节假日安排未发布）)", accepted
    )
    # The move-out granted: the move-in starts on this node with what the first leg decided and the paper as
    # resubmitted there, not the one first scanned.
    in_here = CrossRegionCase.objects.get(ref=legs["in"].ref, side="deciding")
    assert in_here.local_case.receiving_node == ZJ
    assert in_here.passed_data["迁出地：准予迁出"]["办件编号"] == out_there.local_case.number
    shown = in_here.local_case.form_data.get("前序环节") or in_here.form_data["前序环节"]
    assert isinstance(shown, str) and f"迁出地：准予迁出（办件编号 {out_there.local_case.number}" in shown  # a sentence
    if paper in {m["name"] for m in legs["in"].materials}:
        assert in_here.local_case.materials.get(name=paper).sha256 == better
    else:  # a paper only the first leg listed reaches the second because its 补正 asked for it
        assert in_here.local_case.materials.filter(name=paper, sha256=better).exists()
    out_there.refresh_from_db()
    assert [leg["status"] for leg in out_there.joint_overview["legs"]][1] != XStatus.WAITING  # kept up to date
    # The leg's local case page shows what the earlier leg decided and links to its cross-region case.
    office = Client()
    office.force_login(user("zj_police_approver"))
    with federation.node(ZJ):
        page = office.get(f"/cases/{in_here.local_case.number}/").content.decode()
    earlier = page.split('id="earlier-legs"')[1].split("</section>")[0]
    assert "前序环节结果" in earlier and "迁出地：准予迁出" in earlier and out_there.local_case.number in earlier
    assert "符合迁移条件" in earlier and f'href="/kuayu/case/{in_here.ref}/"' in page

    _grant_there(federation, ZJ, in_here.local_case, "zj_window", "zj_police_approver")
    federation.deliver()
    joint = JointCase.objects.get(pk=joint.pk)
    assert joint.phase == "done"
    assert {leg.status for leg in joint.legs.filter(side="receiving")} == {XStatus.CLOSED}
    out_there.refresh_from_db()
    assert out_there.joint_overview["phase"] == "done" and out_there.joint_overview["timeline"]


def test_joint_intake_refuses_a_leg_without_its_required_papers_naming_the_leg(federation):
    from tongban.crossregion.services.joint import LegSpec, take_joint

    out_impl, in_impl = item("work_transfer_move", JY), item("work_transfer_move", ZJ)
    in_v = ItemImplementation.objects.get(code=in_impl.code).published_version
    required = [m.name for m in in_v.materials.all() if m.necessity == "required"]
    with federation.node(ZJ), pytest.raises(DomainError, match=f"迁出：请扫描“{required[-1]}”"):
        take_joint(
            user("zj_window"),
            name="工作调动户口迁移",
            legs=[
                LegSpec("out", "迁出", JY, out_impl.code, form_data=form_for(in_v)),
                LegSpec("in", "迁入", ZJ, in_impl.code, ("out",), form_data=form_for(in_v)),
            ],
            applicant=applicant(),
            identity_check="人证比对",
            scans=[(name, "scan.pdf", pdf(name)) for name in required[:-1]],
        )
    with federation.node(ZJ), pytest.raises(DomainError, match="迁出："):  # an empty form is no application
        take_joint(
            user("zj_window"),
            name="工作调动户口迁移",
            legs=[
                LegSpec("out", "迁出", JY, out_impl.code),
                LegSpec("in", "迁入", ZJ, in_impl.code, ("out",), form_data=form_for(in_v)),
            ],
            applicant=applicant(),
            identity_check="人证比对",
            scans=[(name, "scan.pdf", pdf(name)) for name in required],
        )
    assert federation.queue == [] and not CrossRegionCase.objects.filter(mode="joint").exists()


def test_joint_leg_refused_ends_the_legs_after_it(federation):
    from tongban.crossregion.models import JointCase

    joint = take_move(federation, titles=("迁出", "迁入"))
    federation.deliver()
    out_ref = joint.legs.get(leg_key="out", side="receiving").ref
    there = CrossRegionCase.objects.get(ref=out_ref, side="deciding")
    with federation.node(JY):
        desk.refuse(Ctx(user("jiyuan_window"), "window"), there.local_case, "不符合迁移政策")
    federation.deliver()
    joint = JointCase.objects.get(pk=joint.pk)
    assert joint.phase == "failed"
    assert joint.legs.get(leg_key="in", side="receiving").status == XStatus.TERMINATED
    there.refresh_from_db()
    assert there.joint_overview["phase"] == "failed"
