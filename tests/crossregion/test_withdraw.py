"""撤回申请 across nodes (in one database, messages delivered by the test: conftest.py): the applicant or the
receiving window withdraws before the decision, the deciding node withdraws its local case through its case
core, a 多地联办 matter withdraws every leg not yet decided, and a decision made before the withdrawal arrived
holds up nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.cases.services import back_office, desk
from tongban.cases.services.context import Ctx
from tongban.core.errors import DomainError
from tongban.crossregion.domain.workflow import XStatus
from tongban.crossregion.models import CrossRegionCase, JointCase
from tongban.crossregion.services import receiving
from tongban.outbox.models import Message as OutboxMessage

from .conftest import APPLICANT, SZ, ZJ, apply_no_crime_online, both, take_move, take_no_crime, user

pytestmark = pytest.mark.django_db


def apply_online_here(federation) -> tuple[User, CrossRegionCase]:
    citizen, xcase = apply_no_crime_online(federation, "withdraw id", phone=APPLICANT.phone)
    federation.deliver()
    return citizen, xcase


def forwarded_no_crime(federation) -> tuple[CrossRegionCase, Case]:
    """A 异地代收 case forwarded by 诸暨's window and received by 市中区: its copy here and the case there."""
    xcase = take_no_crime(federation)
    with federation.node(ZJ):
        receiving.forward(user("zj_window"), xcase)
    federation.deliver()
    return xcase, both(xcase.ref)[1].local_case


def test_the_citizen_withdraws_an_accepted_online_case_and_the_deciding_node_withdraws_its_case(federation):
    citizen, xcase = apply_online_here(federation)
    case = both(xcase.ref)[1].local_case
    with federation.node(SZ):
        desk.accept(Ctx(user("shizhong_window"), "window"), case)
    federation.deliver()
    mine = both(xcase.ref)[0]
    assert mine.status == XStatus.ACCEPTED
    with federation.node(ZJ), pytest.raises(DomainError) as denied:  # another node's clerk: not theirs
        receiving.withdraw(user("shizhong_window"), mine, "代为撤回")
    assert denied.value.status == 403

    # On the page: the confirmation is required, then the withdrawal goes through with the reason.
    client = Client()
    client.force_login(citizen)
    with federation.node(ZJ):
        page = client.get(f"/kuayu/case/{xcase.ref}/").content.decode()
        assert "撤回申请" in page and 'name="confirm"' in page
        client.post(f"/kuayu/case/{xcase.ref}/withdraw/", {"reason": "已在当地办妥"})
        assert both(xcase.ref)[0].status == XStatus.ACCEPTED  # not confirmed: nothing happened
        client.post(f"/kuayu/case/{xcase.ref}/withdraw/", {"reason": "已在当地办妥", "confirm": "yes"})
    assert both(xcase.ref)[0].status == XStatus.WITHDRAWN
    assert OutboxMessage.objects.filter(topic="notify", payload__recipient_phone=APPLICANT.phone).exists()
    assert federation.deliver() == 1
    mine, theirs = both(xcase.ref)
    case = Case.objects.get(pk=case.pk)
    assert theirs.status == XStatus.WITHDRAWN and case.status == "withdrawn"
    assert "已在当地办妥" in case.events.get(action="withdraw").reason  # the case core's own record
    assert [e.action for e in mine.events.all()][-1] == "withdraw" == [e.action for e in theirs.events.all()][-1]
    with federation.node(ZJ):
        page = client.get(f"/kuayu/case/{xcase.ref}/").content.decode()
    assert "已撤回" in page and 'name="confirm"' not in page  # final: no second withdrawal offered


def test_the_window_withdraws_before_forwarding_without_telling_anyone_and_not_after_the_decision(federation):
    xcase = take_no_crime(federation)
    with federation.node(ZJ), pytest.raises(DomainError, match="请填写申请人撤回的原因"):
        receiving.withdraw(user("zj_window"), xcase, "")
    with federation.node(ZJ):
        receiving.withdraw(user("zj_window"), xcase, "申请人改在户籍地办理")
    assert federation.queue == []  # the deciding node never heard of it
    assert CrossRegionCase.objects.get(pk=xcase.pk).status == XStatus.WITHDRAWN

    decided, case = forwarded_no_crime(federation)
    with federation.node(SZ):
        desk.accept(Ctx(user("shizhong_window"), "window"), case)
        case.refresh_from_db()
        office = Ctx(user("shizhong_police_approver"))
        while not case.awaiting_decision:
            case = back_office.complete_step(office, case, "符合条件")
        back_office.decide(office, case, True, "无犯罪记录")
    federation.deliver()
    with federation.node(ZJ), pytest.raises(DomainError, match="不能“撤回申请”"):
        receiving.withdraw(user("zj_window"), both(decided.ref)[0], "申请人不要了")


def test_a_decision_made_before_the_withdrawal_arrived_blocks_no_message(federation):
    xcase, case = forwarded_no_crime(federation)
    with federation.node(SZ):
        desk.refuse(Ctx(user("shizhong_window"), "window"), case, "不属于本机关管辖")  # still in flight …
    with federation.node(ZJ):
        receiving.withdraw(user("zj_window"), both(xcase.ref)[0], "申请人改在户籍地办理")  # … crossing this
    federation.deliver()  # neither side refuses the other's message (a raise would hold the case's queue)
    mine, theirs = both(xcase.ref)
    assert mine.status == XStatus.WITHDRAWN and theirs.status == XStatus.REFUSED
    assert "撤回未生效" in theirs.events.filter(action="withdraw").get().note
    assert "收到撤回申请前" in mine.events.filter(action="refuse").get().note
    told = OutboxMessage.objects.filter(topic="notify", payload__recipient_phone=APPLICANT.phone)
    assert any("撤回未生效" in m.payload["body"] for m in told)  # the applicant learns the refusal stands


def test_withdrawing_a_joint_matter_withdraws_every_leg_not_yet_decided(federation):
    joint = take_move(federation)
    federation.deliver()
    out_leg = joint.legs.get(leg_key="out", side="receiving")
    with federation.node(ZJ):
        receiving.withdraw(user("zj_window"), out_leg, "申请人暂不迁移")
    federation.deliver()
    joint = JointCase.objects.get(pk=joint.pk)
    assert joint.phase == "withdrawn"
    assert {leg.status for leg in joint.legs.filter(side="receiving")} == {XStatus.WITHDRAWN}
    there = CrossRegionCase.objects.get(ref=out_leg.ref, side="deciding")
    assert there.status == XStatus.WITHDRAWN and there.local_case.status == "withdrawn"
    assert not CrossRegionCase.objects.filter(ref=joint.legs.get(leg_key="in").ref, side="deciding").exists()
    with federation.node(ZJ), pytest.raises(DomainError, match="不能撤回"):
        receiving.withdraw(user("zj_window"), out_leg, "再撤一次")
