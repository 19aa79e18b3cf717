from __future__ import annotations

import datetime as dt

import pytest

from tongban.audit.services import verify
from tongban.cases import services as s
from tongban.cases.models import Case, CaseEvent, Visit
from tongban.cases.tests.factories import form, holding_all, world
from tongban.core import clock
from tongban.core.errors import ConflictError, DomainError
from tongban.core.testing import files as samples
from tongban.notifications.models import LocalSmsMessage

pytestmark = pytest.mark.django_db

PNG = samples.png()


TODAY = dt.date(2026, 9, 29)  # before National Day: deadlines cross a holiday and a make-up Saturday


@pytest.fixture
def w(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return world()


def online_case(w, **extra):
    ctx = s.Ctx(w.applicant, "online")
    case = s.start_online(ctx, w.version.implementation)
    case = s.save_draft(ctx, case, {**form(w), **extra})
    return s.submit(ctx, case)


def test_online_application_prefills_and_gets_a_readable_number(w):
    ctx = s.Ctx(w.applicant, "online")
    draft = s.start_online(ctx, w.version.implementation)
    assert draft.form_data["applicant_name"] == "张三"
    assert draft.form_data["applicant_id_number"] == w.applicant.id_number
    assert draft.status == "draft" and draft.number.startswith("draft-")
    with pytest.raises(s.FormInvalid) as caught:
        s.submit(ctx, draft)
    assert set(caught.value.errors) == {"child_name", "child_birth_date"}
    case = s.submit(ctx, s.save_draft(ctx, draft, form(w)))
    assert case.number == "330681-20260929-000001"
    assert case.status == "submitted" and len(case.query_code) == 6
    # Materials the government already issued are replaced by e-licences (免提交).
    assert {m.state for m in case.materials.all()} == {"replaced"}
    # The next draft is pre-filled from this application too (一次填写).
    again = s.start_online(ctx, w.version.implementation)
    assert again.form_data["child_name"] == "张小宝"


def test_full_path_online_with_suspension_and_extension(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = online_case(w)
        clerk = s.Ctx(w.clerk, "window", w.window)
        case = s.accept(clerk, holding_all(case), case.revision)
        assert case.status == "in_progress" and case.accepted_on == TODAY
        # 5 working days from Tue 9-29: 9-30, 10-8, 10-9, 10-10 (make-up Saturday), 10-12.
        assert case.promised_due == dt.date(2026, 10, 12)
        assert case.statutory_due == dt.date(2026, 11, 2)
        due_before = case.promised_due
        approver = s.Ctx(w.approver)
        with pytest.raises(DomainError, match="未设置特殊环节"):  # only what the guide declares
            s.suspend(approver, case, "听证", "x")
        case = s.suspend(approver, case, "专家评审", "需组织专家评审", case.revision)
        assert case.status == "suspended"
        with pytest.raises(ConflictError, match="不能执行"):  # one special step at a time
            s.suspend(approver, case, "专家评审", "x")
        case = s.resume(approver, case, case.revision)
        assert case.promised_due == due_before  # resumed the same day: no working day stood still
        case = s.extend(s.Ctx(w.head), case, "情况复杂", case.revision)
        assert case.promised_due is not None and due_before is not None
        assert case.extension_days == 10 and case.promised_due > due_before
        with pytest.raises(ConflictError, match="已延期"):
            s.extend(s.Ctx(w.head), case, "再延", case.revision)
        with pytest.raises(ConflictError, match="请先完成"):
            s.decide(approver, case, True, "符合条件", case.revision)
        case = s.complete_step(approver, case, "材料齐全，符合规定", case.revision)
        assert case.awaiting_decision
        with pytest.raises(ConflictError, match="准予或不予"):
            s.complete_step(approver, case, "再审", case.revision)
        case = s.decide(approver, case, True, "符合《户口登记条例》第七条", case.revision)
        assert case.status == "decided" and case.decision == "granted"
        case = s.issue_result(clerk, case, "window", case.revision)
        assert case.status == "closed"
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions == [
        "save_draft",
        "save_draft",
        "submit",
        "accept",
        "suspend",
        "resume",
        "extend",
        "complete_step",
        "grant",
        "issue_result",
    ]
    kinds = list(LocalSmsMessage.objects.filter(case_number=case.number).values_list("kind", flat=True))
    assert {"submitted", "accepted", "suspended", "extended", "decided", "closed"} <= set(kinds)
    assert Visit.objects.filter(case=case).count() == 1  # picked the result up once
    assert verify()[1] is None


def test_window_acceptance_with_deferred_material(w):
    clerk = s.Ctx(w.clerk, "window", w.window)
    case = s.apply_at_window(
        clerk,
        w.version.implementation,
        applicant={"name": "王五", "id_number": w.other_citizen.id_number, "phone": "13900000000"},
        identity_check="读取居民身份证芯片并人证比对",
        form_data=form(w),
        paper_materials=["居民身份证", "出生医学证明"],
    )
    assert case.channel == "window" and case.receiving_centre == w.centre and case.applicant == w.other_citizen
    with pytest.raises(DomainError, match="必要材料"):
        s.accept(clerk, case, case.revision, [s.Deferral("居民身份证", TODAY + dt.timedelta(days=5), "承诺")])
    due = TODAY + dt.timedelta(days=5)
    case = s.accept(clerk, case, case.revision, [s.Deferral("结婚证", due, "本人承诺5日内补交结婚证")])
    assert case.deferred and case.status == "in_progress"
    assert list(s.overdue_deferrals(due + dt.timedelta(days=1)).values_list("case_id", flat=True)) == [case.pk]
    case = s.supply_deferred(clerk, case, "结婚证", case.revision)
    assert not s.overdue_deferrals(due + dt.timedelta(days=1)).exists()


def test_correction_and_refusal(w):
    clerk = s.Ctx(w.clerk, "window", w.window)
    case = online_case(w)
    with pytest.raises(DomainError, match="一次性"):
        s.request_correction(clerk, case, [], case.revision)
    case = s.request_correction(clerk, case, ["出生医学证明照片不清晰", "缺少父亲签字"], case.revision)
    assert case.status == "correction" and len(case.correction_items) == 2
    case = s.resubmit(s.Ctx(w.applicant, "online"), case, case.revision)
    case = s.refuse(clerk, case, "不属于本机关职权范围", case.revision)
    assert case.status == "refused" and case.refusal_reason


def test_two_staff_at_once_one_wins(w):
    case = online_case(w)
    seen = case.revision
    s.accept(s.Ctx(w.clerk), holding_all(case), seen)
    with pytest.raises(ConflictError, match="已被他人处理"):
        s.refuse(s.Ctx(w.clerk), case, "重复", seen)
    assert Case.objects.get(pk=case.pk).status == "in_progress"


def test_retry_with_the_same_key_makes_no_second_case(w):
    ctx = s.Ctx(w.applicant, "online")
    draft = s.save_draft(ctx, s.start_online(ctx, w.version.implementation), form(w))
    first = s.submit(ctx, draft, idempotency_key="k-1")
    again = s.submit(ctx, draft, idempotency_key="k-1")
    assert first.pk == again.pk and Case.objects.exclude(status="draft").count() == 1


def test_permissions_refuse_other_roles(w):
    case = online_case(w)
    for user, action in [
        (w.other_citizen, lambda c, ctx: s.withdraw(ctx, c)),
        (w.approver, lambda c, ctx: s.accept(ctx, holding_all(c))),
        (w.other_approver, lambda c, ctx: s.accept(ctx, holding_all(c))),
    ]:
        with pytest.raises(DomainError) as caught:
            action(case, s.Ctx(user))
        assert caught.value.status == 403


def test_uploads_checked_by_content(w):
    ctx = s.Ctx(w.applicant, "online")
    case = s.start_online(ctx, w.version.implementation)
    with pytest.raises(DomainError, match="不是PDF"):
        s.attach_material(ctx, case, "结婚证", "fake.pdf", b"MZ\x90\x00 not a pdf")
    material = s.attach_material(ctx, case, "结婚证", "photo.jpg", PNG)
    assert material.content_type == "image/png" and material.size == len(PNG)


def test_suspension_days_move_the_deadline(w, monkeypatch):
    case = online_case(w)
    case = s.accept(s.Ctx(w.clerk), holding_all(case), case.revision)
    assert case.promised_due == dt.date(2026, 10, 12)
    case = s.suspend(s.Ctx(w.approver), case, "专家评审", "专家评审", case.revision)
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 10, 14))  # stopped 9-30, 10-8..10-10, 10-12..10-14
    case = s.resume(s.Ctx(w.approver), case, case.revision)
    assert case.promised_due == dt.date(2026, 10, 12 + 9)  # 7 working days stood still: Wed 10-21
