"""A bundle's item result sent by post (统一出件 item by item): the parcel is handled like any case's,
cancelled and posted again without the bundle's front desk."""

from __future__ import annotations

import datetime as dt

import pytest

from tongban.accounts.tests.factories import ApproverFactory
from tongban.bundles.tests.factories import newborn_bundle
from tongban.cases import services as b
from tongban.cases import services as s
from tongban.cases.models import BundleCase, Case
from tongban.cases.tests.factories import world
from tongban.core import clock
from tongban.delivery import services as post
from tongban.outbox.testing import deliver_outbox

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 9, 29)


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    w = world()
    bundle = newborn_bundle()
    health = bundle.lead_department
    w.centre.departments.add(health)
    doctor = ApproverFactory(username="health_approver", department=health)
    return w, bundle, doctor


def submit_online(w, bundle):
    ctx = s.Ctx(w.applicant, "online")
    bc = b.start_bundle_online(ctx, bundle)
    form = {
        "applicant_name": "张三",
        "applicant_id_number": w.applicant.id_number,
        "child_name": "张小宝",
        "child_birth_date": "2026-09-20",
    }
    return b.submit_bundle(ctx, b.save_bundle_draft(ctx, bc, form))


def children(bc):
    return {c.version.name: c for c in Case.objects.filter(bundle_case=bc).select_related("version")}


def decide(approver, case):
    case = Case.objects.get(pk=case.pk)
    return s.decide(s.Ctx(approver), case, True, "符合规定", case.revision)


def test_a_posted_item_result_can_be_cancelled_and_posted_again(env, django_capture_on_commit_callbacks):
    """Parcel handling after the bundle issued an item's result is not the bundle's front desk."""
    w, bundle, doctor = env
    clerk = s.Ctx(w.clerk, "window", w.window)
    with django_capture_on_commit_callbacks(execute=True):
        bc = submit_online(w, bundle)
        bc = b.accept_bundle(clerk, bc, bc.revision)
        bc = b.choose_result_mode(s.Ctx(w.applicant, "online"), bc, "separate", bc.revision)
        birth = children(bc)["出生医学证明"]
        decide(doctor, birth)
        address = "浙江省诸暨市暨阳街道艮塔西路138号"
        bc = b.issue_bundle_results(
            clerk, BundleCase.objects.get(pk=bc.pk), "post", address=address, numbers=[birth.number]
        )
    birth = Case.objects.get(pk=birth.pk)
    assert birth.status == "closed" and birth.result_delivery == "post"
    shipment = birth.shipments.get()
    post.cancel_shipment(shipment, w.clerk, "申请人改为窗口领取后又要求寄送")
    again = post.ship_result(birth, address, w.clerk)
    assert again.status_label == "待揽收" and again.pk != shipment.pk
    deliver_outbox()  # the courier's booking (worker)
    again.refresh_from_db()
    assert again.tracking_number and again.tracking_number != shipment.tracking_number
