"""Defects a browser walk found on the receiving side's pages (one database, messages delivered by the test)."""

from __future__ import annotations

import pytest
from django.test import Client

from tongban.accounts.models import User
from tongban.crossregion.domain.workflow import XStatus
from tongban.crossregion.models import CrossRegionCase, JointCase

from .conftest import JY, ZJ, take_move, user
from .test_modes import _grant_there

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_a_leg_decided_on_its_accepting_node_is_handed_over_at_its_window(federation):
    joint = take_move(federation)
    federation.deliver()
    out_ref = joint.legs.get(leg_key="out", side="receiving").ref
    out_there = CrossRegionCase.objects.get(ref=out_ref, side="deciding")
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
