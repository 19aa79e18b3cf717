"""Every demo bundle runs end to end on the real demo catalogue: apply online, accept, approve, issue."""

from __future__ import annotations

import datetime as dt

import pytest

from tongban.accounts.models import User
from tongban.bundles.models import Bundle
from tongban.cases import services as b
from tongban.cases import services as s
from tongban.cases.models import Case
from tongban.core import clock
from tongban.core.testing import files as samples
from tongban.demo.tests.factories import answer

pytestmark = pytest.mark.django_db
PNG = samples.png()


def approver_for(case, approvers):
    """The demo approver of the item's department: the demo has one for every department with an item."""
    dept = case.deciding_department
    if dept.pk not in approvers:
        approvers[dept.pk] = User.objects.get(role="approver", department=dept, is_demo=True)
    return approvers[dept.pk]


def run_bundle(bundle, applicant, clerk, approvers):
    ctx = s.Ctx(applicant, "online")
    bc = b.start_bundle_online(ctx, bundle)
    items = list(bc.items.all())
    form = {f["key"]: bc.form_data.get(f["key"]) or answer(f) for f in b.merged_form(items)}
    bc = b.save_bundle_draft(ctx, bc, form)
    for name in b.required_uploads(items):
        b.attach_bundle_material(ctx, bc, name, f"{name}.png", PNG)
    bc = b.submit_bundle(ctx, bc)
    assert bc.receiving_centre_id == clerk.service_centre_id, bundle.name
    # What may be supplied later (容缺后补), not replaced by an e-licence, is promised at acceptance.
    later = {
        m.name
        for i in items
        for m in s.published_version(i.implementation).materials.all()
        if m.necessity == "deferrable" and not m.licence_replaceable
    }
    promised = [s.Deferral(name, clock.today() + dt.timedelta(days=7), "承诺按期补交") for name in sorted(later)]
    bc = b.accept_bundle(s.Ctx(clerk, "window"), bc, bc.revision, deferrals=promised)
    for _ in range(10):  # each round decides what is in progress; dependants start by themselves
        open_cases = list(
            Case.objects.filter(bundle_case=bc, status="in_progress").select_related(
                "deciding_department__division", "version"
            )
        )
        if not open_cases:
            break
        for case in open_cases:
            who = s.Ctx(approver_for(case, approvers))
            while not case.awaiting_decision:
                case = s.complete_step(who, case, "审查通过", case.revision)
            s.decide(who, case, True, "符合法定条件", case.revision)
    bc.refresh_from_db()
    assert bc.phase == "ready", (
        bundle.name,
        list(Case.objects.filter(bundle_case=bc).values_list("status", flat=True)),
    )
    bc = b.issue_bundle_results(s.Ctx(clerk, "window"), bc, "window", bc.revision)
    assert bc.phase == "closed"
    return bc


def test_every_demo_bundle_runs_end_to_end(monkeypatch, demo_db):
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 3, 2))
    approvers: dict[int, User] = {}
    clerk = User.objects.get(username="zj_window")
    citizen = User.objects.filter(kind="citizen", is_demo=True).first()
    enterprise = User.objects.filter(kind="enterprise", is_demo=True).first()
    bundles = list(Bundle.objects.filter(status="published"))
    assert len(bundles) >= 14
    started = 0
    for bundle in bundles:
        applicant = enterprise if bundle.audience == "legal" else citizen
        bc = run_bundle(bundle, applicant, clerk, approvers)
        started += Case.objects.filter(bundle_case=bc, events__action="start").distinct().count()
    assert started > 0  # some items really waited for a prerequisite and started by themselves
