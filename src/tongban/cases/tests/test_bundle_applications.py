from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from tongban.accounts.tests.factories import ApproverFactory
from tongban.accounts.tokens import issue_token
from tongban.bundles.tests.factories import newborn_bundle
from tongban.cases import services as b
from tongban.cases import services as s
from tongban.cases.models import BundleCase, Case, CaseEvent
from tongban.cases.tests.factories import bundle_holding_all, world
from tongban.cases.views_bundles import item_name
from tongban.core import clock
from tongban.core.errors import DomainError
from tongban.notifications.models import LocalSmsMessage

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
    items = {item_name(i): i for i in bundle.items.all()}
    return w, bundle, doctor, items


def form(w):
    return {
        "applicant_name": "张三",
        "applicant_id_number": w.applicant.id_number,
        "child_name": "张小宝",
        "child_birth_date": "2026-09-20",
    }


def children(bc):
    return {c.version.name: c for c in Case.objects.filter(bundle_case=bc).select_related("version")}


def submit_online(w, bundle, item_ids=None):
    ctx = s.Ctx(w.applicant, "online")
    bc = b.start_bundle_online(ctx, bundle, item_ids)
    assert bc.form_data["applicant_id_number"] == w.applicant.id_number  # pre-filled once for all items
    bc = b.save_bundle_draft(ctx, bc, form(w))
    return b.submit_bundle(ctx, bc)


def decide(approver, case, grant=True):
    case = Case.objects.get(pk=case.pk)
    return s.decide(s.Ctx(approver), case, grant, "符合规定" if grant else "不符合条件", case.revision)


def test_newborn_online_parallel_then_dependent_then_one_result_desk(env, django_capture_on_commit_callbacks):
    w, bundle, doctor, items = env
    with django_capture_on_commit_callbacks(execute=True):
        bc = submit_online(w, bundle)
        assert bc.number.startswith("YJS330681-20260929-") and bc.phase == "submitted"
        kids = children(bc)
        assert set(kids) == {"出生医学证明", "预防接种证", "新生儿入户"}
        assert all(k.form_data["child_name"] == "张小宝" for k in kids.values())
        bc = b.accept_bundle(s.Ctx(w.clerk, "window", w.window), bundle_holding_all(bc), bc.revision)
        kids = children(bc)
        assert kids["出生医学证明"].status == "in_progress" and kids["预防接种证"].status == "in_progress"
        assert kids["新生儿入户"].status == "waiting" and kids["新生儿入户"].accepted_on is None
        assert bc.promised_due == dt.date(2026, 10, 12) and bc.statutory_due is not None

        decide(doctor, kids["出生医学证明"])
        registration = Case.objects.get(pk=kids["新生儿入户"].pk)
        assert registration.status == "in_progress" and registration.accepted_on == TODAY
        result = registration.materials.get(name="出生医学证明")
        assert result.state == "result"  # the certificate arrived by itself, not from the applicant
        started = CaseEvent.objects.get(case=registration, action="start")
        assert started.actor is None and "出生医学证明" in started.reason

        decide(doctor, kids["预防接种证"])
        assert BundleCase.objects.get(pk=bc.pk).phase == "in_progress"
        decide(w.approver, registration)
        bc.refresh_from_db()
        assert bc.phase == "ready"
        bc = b.issue_bundle_results(s.Ctx(w.clerk, "window", w.window), bc, "window", bc.revision)
    assert bc.phase == "closed"
    assert set(Case.objects.filter(bundle_case=bc).values_list("status", flat=True)) == {"closed"}
    assert LocalSmsMessage.objects.filter(kind="started").exists()


def test_a_denied_prerequisite_ends_its_dependant_and_leaves_the_others(env, django_capture_on_commit_callbacks):
    w, bundle, doctor, items = env
    with django_capture_on_commit_callbacks(execute=True):
        bc = submit_online(w, bundle)
        bc = b.accept_bundle(s.Ctx(w.clerk), bundle_holding_all(bc), bc.revision)
        kids = children(bc)
        decide(doctor, kids["出生医学证明"], grant=False)
    kids = children(bc)
    assert kids["新生儿入户"].status == "terminated"
    assert kids["预防接种证"].status == "in_progress"
    told = LocalSmsMessage.objects.get(kind="terminated")
    assert "其他事项不受影响" in told.body
    decide(doctor, kids["预防接种证"])
    assert BundleCase.objects.get(pk=bc.pk).phase == "ready"


def test_applicant_may_choose_a_subset_but_not_leave_out_required_items(env):
    w, bundle, doctor, items = env
    ids = [items["预防接种证"].pk, items["新生儿入户"].pk]
    bc = submit_online(w, bundle, ids)
    bc = b.accept_bundle(s.Ctx(w.clerk), bundle_holding_all(bc), bc.revision)
    kids = children(bc)
    assert set(kids) == {"预防接种证", "新生儿入户"}
    assert kids["新生儿入户"].status == "in_progress"  # its prerequisite was not chosen: it starts at once
    items["出生医学证明"].required = True
    items["出生医学证明"].save()
    with pytest.raises(DomainError, match="依法须一并办理"):
        b.start_bundle_online(s.Ctx(w.applicant, "online"), bundle, ids)


def test_window_acceptance_refusing_one_item_terminates_what_waits_for_it(env):
    w, bundle, doctor, items = env
    clerk = s.Ctx(w.clerk, "window", w.window)
    bc = b.apply_bundle_at_window(
        clerk,
        bundle,
        item_ids=None,
        applicant={"name": "王五", "id_number": w.other_citizen.id_number},
        identity_check="读取居民身份证芯片并人证比对",
        form_data=form(w),
    )
    assert bc.channel == "window" and bc.phase == "submitted"
    bc = b.accept_bundle(
        clerk, bundle_holding_all(bc), bc.revision, refusals={items["出生医学证明"].pk: "非本辖区出生"}
    )
    kids = children(bc)
    assert kids["出生医学证明"].status == "refused"
    assert kids["新生儿入户"].status == "terminated"
    assert kids["预防接种证"].status == "in_progress"


def test_one_correction_list_across_all_items(env):
    w, bundle, doctor, items = env
    bc = submit_online(w, bundle)
    bc = b.request_bundle_correction(s.Ctx(w.clerk), bc, ["父母结婚证", "出生医学证明副页"], bc.revision)
    assert bc.phase == "correction"
    assert all(k.correction_items == ["父母结婚证", "出生医学证明副页"] for k in children(bc).values())
    bc = b.resubmit_bundle(s.Ctx(w.applicant), bc, bc.revision)
    assert bc.phase == "submitted" and {k.status for k in children(bc).values()} == {"submitted"}


def test_joint_step_is_scheduled_once_and_recorded_on_each_case(env):
    w, bundle, doctor, items = env
    ids = [items["预防接种证"].pk, items["新生儿入户"].pk]
    bc = submit_online(w, bundle, ids)
    bc = b.accept_bundle(s.Ctx(w.clerk), bundle_holding_all(bc), bc.revision)
    numbers = [k.number for k in children(bc).values()]
    when = dt.datetime(2026, 10, 9, 9, 30, tzinfo=dt.UTC)
    step = b.schedule_joint_step(s.Ctx(doctor), bc, "inspection", when, "诸暨市暨阳街道某小区", numbers)
    with pytest.raises(DomainError):
        b.record_joint_outcome(s.Ctx(w.other_approver), step, "通过", True)
    b.record_joint_outcome(s.Ctx(w.approver), step, "现场踏勘符合要求", True)
    for kid in children(bc).values():
        assert CaseEvent.objects.filter(case=kid, action="record_joint_step", reason="现场踏勘符合要求").exists()


def test_indicators_and_holdup(env):
    from tongban.cases.selectors import bundle_holdup, bundle_indicators

    w, bundle, doctor, items = env
    bc = submit_online(w, bundle)
    bc = b.accept_bundle(s.Ctx(w.clerk), bundle_holding_all(bc), bc.revision)
    kids = children(bc)
    assert bundle_holdup(bc).pk in {kids["出生医学证明"].pk, kids["预防接种证"].pk}
    decide(doctor, kids["出生医学证明"])
    decide(doctor, kids["预防接种证"])
    assert bundle_holdup(bc).pk == kids["新生儿入户"].pk
    decide(w.approver, kids["新生儿入户"])
    subset = submit_online(w, bundle, [items["预防接种证"].pk, items["新生儿入户"].pk])
    ind = bundle_indicators(bundle)
    assert ind.bundle_cases == 2 and ind.items_per_case == 2.5
    assert ind.forms_saved == (3 - 1) + (2 - 1)
    assert ind.trips_saved >= 1 and ind.average_days_to_last_result is not None
    assert bundle_indicators(bundle, start=dt.date(2030, 1, 1)).bundle_cases == 0
    assert subset.phase == "submitted"


def test_front_desk_actions_on_an_item_go_through_its_bundle(env, client, django_capture_on_commit_callbacks):
    """Accepting, refusing or issuing one item on its own would bypass the bundle's phase, deadlines and
    unified result desk: the single case refuses them and its page sends the clerk to the bundle."""
    w, bundle, doctor, items = env
    bc = submit_online(w, bundle)
    birth = children(bc)["出生医学证明"]
    clerk = s.Ctx(w.clerk, "window", w.window)
    with pytest.raises(DomainError) as refused:
        s.accept(clerk, birth, birth.revision)
    assert refused.value.status == 403
    with pytest.raises(DomainError):
        s.refuse(clerk, birth, "不符合受理条件", birth.revision)
    assert Case.objects.get(pk=birth.pk).status == "submitted"

    client.force_login(w.clerk)
    page = client.get(f"/cases/{birth.number}/").content.decode()
    assert 'id="bundle-callout"' in page and f"/bundles/cases/{bc.number}/" in page
    assert "受理</button>" not in page
    queue = client.get("/cases/queue/?bucket=to_accept").content.decode()
    row = queue.split(f'data-number="{birth.number}"')[1].split("</tr>")[0]
    assert ">一件事</span>" in row
    raw, _ = issue_token(w.clerk)
    api = client.get(f"/api/v1/cases/{birth.number}", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert not {a["action"] for a in api["allowed_actions"]} & {"accept", "refuse", "request_correction"}

    with django_capture_on_commit_callbacks(execute=True):
        bc = b.accept_bundle(clerk, bundle_holding_all(bc), bc.revision)  # the bundle itself may
        kids = children(bc)
        for name in ("出生医学证明", "预防接种证"):
            decide(doctor, kids[name])
        decide(w.approver, children(bc)["新生儿入户"])
    vaccination = children(bc)["预防接种证"]
    assert vaccination.status == "decided"
    with pytest.raises(DomainError):
        s.issue_result(clerk, vaccination, "window", vaccination.revision)
    bc = b.issue_bundle_results(clerk, BundleCase.objects.get(pk=bc.pk), "window")
    assert bc.phase == "closed"


def test_an_item_withdrawn_before_acceptance_is_left_alone(env):
    w, bundle, doctor, items = env
    bc = submit_online(w, bundle)
    vaccination = children(bc)["预防接种证"]
    s.withdraw(s.Ctx(w.applicant, "online"), vaccination, "已在医院办理", vaccination.revision)
    clerk = s.Ctx(w.clerk, "window", w.window)
    bc = b.request_bundle_correction(clerk, bc, ["出生医学证明申请表签字不清"], bc.revision)
    bc = b.resubmit_bundle(s.Ctx(w.applicant, "online"), bc, bc.revision)
    bc = b.accept_bundle(clerk, bundle_holding_all(bc), bc.revision)
    kids = children(bc)
    assert kids["预防接种证"].status == "withdrawn"
    assert kids["出生医学证明"].status == "in_progress" and kids["新生儿入户"].status == "waiting"
    assert not CaseEvent.objects.filter(case=kids["预防接种证"], action__in=["request_correction", "accept"]).exists()


def test_results_item_by_item_where_the_applicant_chose_so(env, django_capture_on_commit_callbacks):
    w, bundle, doctor, items = env
    clerk = s.Ctx(w.clerk, "window", w.window)
    with django_capture_on_commit_callbacks(execute=True):
        bc = submit_online(w, bundle)
        bc = b.accept_bundle(clerk, bundle_holding_all(bc), bc.revision)
        kids = children(bc)
        decide(doctor, kids["出生医学证明"])
    bc = BundleCase.objects.get(pk=bc.pk)
    birth = Case.objects.get(pk=kids["出生医学证明"].pk)
    with pytest.raises(DomainError, match="统一出件"):  # the default: all results together
        b.issue_bundle_results(clerk, bc, "window", bc.revision, numbers=[birth.number])
    with pytest.raises(DomainError) as stranger:
        b.choose_result_mode(s.Ctx(w.other_citizen, "online"), bc, "separate", bc.revision)
    assert stranger.value.status == 403
    with pytest.raises(DomainError, match="出件方式应为"):
        b.choose_result_mode(s.Ctx(w.applicant, "online"), bc, "sometimes", bc.revision)
    bc = b.choose_result_mode(s.Ctx(w.applicant, "online"), bc, "separate", bc.revision)
    assert bc.result_mode == "separate"
    with pytest.raises(DomainError, match="尚未作出决定"):
        b.issue_bundle_results(clerk, bc, "window", bc.revision, numbers=[kids["预防接种证"].number])
    bc = b.issue_bundle_results(clerk, bc, "window", bc.revision, numbers=[birth.number])
    kids = children(bc)
    assert kids["出生医学证明"].status == "closed"
    assert kids["预防接种证"].status == "in_progress" and bc.phase == "in_progress"
    with django_capture_on_commit_callbacks(execute=True):
        decide(doctor, kids["预防接种证"])
        decide(w.approver, kids["新生儿入户"])
    bc = BundleCase.objects.get(pk=bc.pk)
    assert bc.phase == "ready"
    bc = b.issue_bundle_results(clerk, bc, "window", bc.revision)  # the rest at once
    assert bc.phase == "closed"
    with pytest.raises(DomainError, match="不能执行“选择出件方式”"):
        b.choose_result_mode(s.Ctx(w.applicant, "online"), bc, "together", bc.revision)


def test_a_prerequisite_withdrawn_before_acceptance_ends_what_waits_for_its_result(env):
    w, bundle, doctor, items = env
    bc = submit_online(w, bundle)
    birth = children(bc)["出生医学证明"]
    s.withdraw(s.Ctx(w.applicant, "online"), birth, "在外地医院办理", birth.revision)
    bc = b.accept_bundle(s.Ctx(w.clerk, "window", w.window), bundle_holding_all(BundleCase.objects.get(pk=bc.pk)))
    kids = children(bc)
    assert kids["出生医学证明"].status == "withdrawn"
    assert kids["新生儿入户"].status == "terminated"  # its 出生医学证明 would never come
    assert kids["预防接种证"].status == "in_progress"
    assert "已撤回" in CaseEvent.objects.get(case=kids["新生儿入户"], action="terminate").reason


def test_withdrawing_every_item_before_acceptance_withdraws_the_bundle(env):
    w, bundle, doctor, items = env
    bc = submit_online(w, bundle)
    clerk = s.Ctx(w.clerk, "window", w.window)
    bc = b.request_bundle_correction(clerk, bc, ["父母结婚证"], bc.revision)
    with pytest.raises(DomainError) as stranger:
        b.resubmit_bundle(s.Ctx(w.other_citizen, "online"), bc, bc.revision)
    assert stranger.value.status == 403
    for kid in children(bc).values():
        s.withdraw(s.Ctx(w.applicant, "online"), kid, "不再办理", kid.revision)
    bc = BundleCase.objects.get(pk=bc.pk)
    assert bc.phase == "withdrawn" and bc.closed_at is not None


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="concurrent writers need PostgreSQL")
def test_the_last_two_items_decided_at_once_make_the_bundle_ready(env):
    w, bundle, doctor, items = env
    bc = submit_online(w, bundle)
    bc = b.accept_bundle(s.Ctx(w.clerk, "window", w.window), bundle_holding_all(bc), bc.revision)
    decide(doctor, children(bc)["出生医学证明"])  # 新生儿入户 starts
    kids = children(bc)
    assert kids["新生儿入户"].status == "in_progress"
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def decide_at_once(approver, case):
        try:
            barrier.wait()
            decide(approver, case)
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide_at_once, args=(doctor, kids["预防接种证"])),
        threading.Thread(target=decide_at_once, args=(w.approver, kids["新生儿入户"])),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert BundleCase.objects.get(pk=bc.pk).phase == "ready"
