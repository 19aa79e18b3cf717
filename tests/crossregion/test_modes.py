"""The three modes between nodes, in one database with messages delivered by the test (conftest.py): the
rules, both sides' copies, the case core on the deciding node, and the merged timeline."""

from __future__ import annotations

import re

import pytest

from tongban.accounts.models import User
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

from .conftest import APPLICANT, JY, SZ, ZJ, form_for, item

pytestmark = pytest.mark.django_db


def user(name: str) -> User:
    return User.objects.get(username=name)


def applicant() -> dict[str, str]:
    return {"name": APPLICANT.name, "id_number": APPLICANT.id_number, "phone": APPLICANT.phone}


def both(ref: str) -> tuple[CrossRegionCase, CrossRegionCase]:
    rows = {r.side: r for r in CrossRegionCase.objects.filter(ref=ref)}
    return rows["receiving"], rows["deciding"]


def take_no_crime(federation, scans=None) -> CrossRegionCase:
    impl = item("no_crime_certificate", SZ)
    version = ItemImplementation.objects.get(code=impl.code).published_version
    with federation.node(ZJ):
        return receiving.take_at_window(
            user("zj_window"),
            deciding_node=SZ,
            item_code=impl.code,
            item_name=impl.item.name,
            applicant=applicant(),
            identity_check="读取居民身份证芯片并人证比对",
            form_data=form_for(version),
            scans=scans if scans is not None else [("居民身份证（申请人）", "id.pdf", pdf("id"))],
        )


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
    version = ItemImplementation.objects.get(code=impl.code).published_version
    citizen = User.objects.filter(kind="citizen", id_number__startswith="3306").first()
    with federation.node(ZJ):
        xcase = receiving.apply_online(
            citizen,
            deciding_node=SZ,
            item_code=impl.code,
            item_name=impl.item.name,
            form_data=form_for(version),
            uploads=[("居民身份证（申请人）", "id.pdf", pdf("online id"))],
        )
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
    from tongban.crossregion.services.joint import LegSpec, take_joint

    out_impl, in_impl = item("work_transfer_move", JY), item("work_transfer_move", ZJ)
    version = ItemImplementation.objects.get(code=in_impl.code).published_version  # the same guide in both
    with federation.node(ZJ):
        joint = take_joint(
            user("zj_window"),
            name="工作调动户口迁移（济源迁往诸暨）",
            legs=[
                LegSpec("out", "迁出地：准予迁出", JY, out_impl.code, out_impl.item.name),
                LegSpec("in", "迁入地：办理落户", ZJ, in_impl.code, in_impl.item.name, ("out",)),
            ],
            applicant=applicant(),
            identity_check="读取居民身份证芯片并人证比对",
            form_data=form_for(version),
            scans=[(m.name, "scan.pdf", pdf(m.name)) for m in version.materials.all()],
        )
    legs = {leg.leg_key: leg for leg in joint.legs.filter(side="receiving")}
    assert legs["out"].status == XStatus.FORWARDED and legs["in"].status == XStatus.WAITING
    federation.deliver()
    out_there = CrossRegionCase.objects.get(ref=legs["out"].ref, side="deciding")
    assert not CrossRegionCase.objects.filter(ref=legs["in"].ref, side="deciding").exists()  # waits its turn

    _grant_there(federation, JY, out_there.local_case, "jiyuan_window", "jiyuan_police_approver")
    federation.deliver()
    # Accepted there: its statutory date, or why there is none yet (a year whose holidays are not published).
    accepted = legs["out"].events.get(action="accept").note
    steps = [e.note for e in legs["out"].events.filter(action="case:complete_step")]
    assert steps and all(re.fullmatch(r"完成办理环节：\S+", note) for note in steps), steps  # names the stage
    assert "法定办结日期—" not in accepted and re.search(
        r"法定办结日期(\d{4}年|待定（\d{4}年节假日安排未发布）)", accepted
    )
    # The move-out granted: the move-in starts on this node with what the first leg decided.
    in_here = CrossRegionCase.objects.get(ref=legs["in"].ref, side="deciding")
    assert in_here.local_case.receiving_node == ZJ
    assert in_here.passed_data["迁出地：准予迁出"]["办件编号"] == out_there.local_case.number
    shown = in_here.local_case.form_data.get("前序环节") or in_here.form_data["前序环节"]
    assert isinstance(shown, str) and f"迁出地：准予迁出（办件编号 {out_there.local_case.number}" in shown  # a sentence

    _grant_there(federation, ZJ, in_here.local_case, "zj_window", "zj_police_approver")
    federation.deliver()
    joint = JointCase.objects.get(pk=joint.pk)
    assert joint.phase == "done"
    assert {leg.status for leg in joint.legs.filter(side="receiving")} == {XStatus.CLOSED}


def test_joint_leg_refused_ends_the_legs_after_it(federation):
    from tongban.crossregion.models import JointCase
    from tongban.crossregion.services.joint import LegSpec, take_joint

    out_impl, in_impl = item("work_transfer_move", JY), item("work_transfer_move", ZJ)
    with federation.node(ZJ):
        joint = take_joint(
            user("zj_window"),
            name="工作调动户口迁移",
            legs=[
                LegSpec("out", "迁出", JY, out_impl.code, out_impl.item.name),
                LegSpec("in", "迁入", ZJ, in_impl.code, in_impl.item.name, ("out",)),
            ],
            applicant=applicant(),
            identity_check="人证比对",
            form_data={},
            scans=[("居民身份证（申请人）", "id.pdf", pdf("joint id 2"))],
        )
    federation.deliver()
    out_ref = joint.legs.get(leg_key="out", side="receiving").ref
    there = CrossRegionCase.objects.get(ref=out_ref, side="deciding")
    with federation.node(JY):
        desk.refuse(Ctx(user("jiyuan_window"), "window"), there.local_case, "不符合迁移政策")
    federation.deliver()
    joint = JointCase.objects.get(pk=joint.pk)
    assert joint.phase == "failed"
    assert joint.legs.get(leg_key="in", side="receiving").status == XStatus.TERMINATED
