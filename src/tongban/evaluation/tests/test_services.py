"""Ratings (one per service, by its applicant, only after a real service; scripted ones refused and flagged), the
window's one-time screen, a bad rating's handling, and the figures an upheld appeal changes."""

from __future__ import annotations

import pytest
from django.test import override_settings

from tongban.audit.models import AuditEntry
from tongban.core.errors import DomainError
from tongban.evaluation import selectors, services
from tongban.evaluation.domain.scale import Channel
from tongban.evaluation.domain.workflow import RectificationAction, RectificationStatus
from tongban.evaluation.models import CallBack, Evaluation, FlaggedAttempt, RectificationEvent
from tongban.outbox.models import Message

from .factories import S, bring_to, dimensions, finished, world

pytestmark = pytest.mark.django_db
A = RectificationAction
BAD = services.EvaluationInput(level=2, comment="窗口排队一个小时，工作人员态度冷淡")


def _code(exc: pytest.ExceptionInfo) -> str:
    return exc.value.code


def test_the_applicant_rates_a_finished_case_once_with_dimensions():
    dimensions()
    w, case = finished()
    rating = services.rate_case(
        w.applicant, case, services.EvaluationInput(level=5, scores={"efficiency": "5", "attitude": 4}), ip="10.0.0.1"
    )
    assert rating.channel == Channel.ONLINE and rating.scores == {"efficiency": 5, "attitude": 4}
    assert rating.rater == w.applicant and rating.rater_name == case.applicant_name and not rating.anonymous
    assert rating.department == case.deciding_department and rating.implementation == case.implementation
    assert AuditEntry.objects.filter(action="evaluation.rate", object_id=str(rating.pk)).exists()
    with pytest.raises(DomainError) as again:
        services.rate_case(w.applicant, case, services.EvaluationInput(level=1, comment="再评一次"))
    assert _code(again) == "already_rated" and again.value.status == 409
    with pytest.raises(DomainError) as unknown:
        services.rate_case(w.applicant, finished(w)[1], services.EvaluationInput(level=5, scores={"speed": 5}))
    assert _code(unknown) == "unknown_dimension"


def test_no_rating_without_a_finished_service_or_by_someone_else():
    w = world()
    running = bring_to(w, S.IN_PROGRESS)
    with pytest.raises(DomainError) as early:
        services.rate_case(w.applicant, running, services.EvaluationInput(level=5))
    assert _code(early) == "not_finished"
    _, case = finished(w)
    with pytest.raises(DomainError) as other:
        services.rate_case(w.other_citizen, case, services.EvaluationInput(level=5))
    assert _code(other) == "not_applicant"
    with pytest.raises(DomainError) as clerk:
        services.rate_case(w.clerk, case, services.EvaluationInput(level=5))
    assert _code(clerk) == "not_applicant"
    with pytest.raises(DomainError) as no_reason:
        services.rate_case(w.applicant, case, services.EvaluationInput(level=1))
    assert _code(no_reason) == "comment_required"
    # anonymous only where the rules allow: 一事一评 stays named by default
    rating = services.rate_case(w.applicant, case, services.EvaluationInput(level=4, anonymous=True))
    assert not rating.anonymous and rating.rater_name
    assert not Evaluation.objects.filter(case=running).exists()


@override_settings(TONGBAN_EVALUATION_BURST_LIMIT=2, TONGBAN_EVALUATION_DAILY_LIMIT=100)
def test_a_burst_of_ratings_is_refused_and_flagged():
    w = world()
    cases = [bring_to(w, S.CLOSED) for _ in range(3)]
    for case in cases[:2]:
        services.rate_case(w.applicant, case, services.EvaluationInput(level=5), ip="10.9.9.9")
    with pytest.raises(DomainError) as burst:
        services.rate_case(w.applicant, cases[2], services.EvaluationInput(level=5), ip="10.9.9.9")
    assert _code(burst) == "too_many_ratings" and burst.value.status == 429
    flag = FlaggedAttempt.objects.get()
    assert flag.reason == "burst" and flag.user == w.applicant and flag.ip == "10.9.9.9"
    assert not Evaluation.objects.filter(case=cases[2]).exists()


def test_the_window_screen_rates_the_service_just_given_once_without_sign_in():
    w = world()
    case = bring_to(w, S.SUBMITTED, channel="window")  # received at the window just now
    with pytest.raises(DomainError) as not_clerk:
        services.open_screen(w.approver, case)
    assert _code(not_clerk) == "not_clerk"
    other_clerk = type(w.clerk).objects.create(
        username="clerk2", kind="staff", role="window_clerk", service_centre=w.centre, division=w.clerk.division
    )
    with pytest.raises(DomainError) as not_served:
        services.open_screen(other_clerk, case)
    assert _code(not_served) == "no_service"
    token = services.open_screen(w.clerk, case)
    assert services.invitation_of(token) is not None
    rating = services.rate_by_token(token, services.EvaluationInput(level=3))
    assert rating.channel == Channel.ON_SITE and rating.clerk == w.clerk and rating.window == w.window
    assert rating.rater_name == case.applicant_name  # tied to the case's applicant, not to whoever holds the tablet
    with pytest.raises(DomainError) as spent:
        services.rate_by_token(token, services.EvaluationInput(level=5))
    assert _code(spent) == "token_invalid"
    with pytest.raises(DomainError) as rated:
        services.open_screen(w.clerk, case)
    assert _code(rated) == "already_rated"
    with pytest.raises(DomainError) as forged:
        services.rate_by_token("not-a-token", services.EvaluationInput(level=5))
    assert _code(forged) == "token_invalid"


def test_a_bad_rating_is_put_right_by_a_deadline_called_back_and_counted():
    w, case = finished()
    rating = services.rate_case(w.applicant, case, BAD)
    rectification = rating.rectification
    assert rectification.status == RectificationStatus.PENDING and rectification.named
    assert Message.objects.filter(payload__kind="evaluation_invite", payload__case_number=case.number).exists()
    with pytest.raises(DomainError) as elsewhere:
        services.perform(
            w.other_approver, rectification.pk, A.SET_DEADLINE, services.RectificationInput(note="计划", days=5)
        )
    assert elsewhere.value.status == 404
    with pytest.raises(DomainError) as bad_days:
        services.perform(w.approver, rectification.pk, A.SET_DEADLINE, services.RectificationInput(note="计划", days=7))
    assert _code(bad_days) == "bad_deadline"
    rectification = services.perform(
        w.approver, rectification.pk, A.SET_DEADLINE, services.RectificationInput(note="增开窗口", days=5)
    )
    assert (
        rectification.status == RectificationStatus.RECTIFYING
        and rectification.deadline_days == 5
        and rectification.due_on is not None
    )
    with pytest.raises(DomainError) as stale:
        services.perform(
            w.approver, rectification.pk, A.COMPLETE, services.RectificationInput(note="已增开"), revision=0
        )
    assert _code(stale) == "stale"
    rectification = services.perform(
        w.approver, rectification.pk, A.COMPLETE, services.RectificationInput(note="已增开2号窗口")
    )
    assert rectification.status == RectificationStatus.RECTIFIED
    with pytest.raises(DomainError) as close:
        services.perform(w.approver, rectification.pk, A.CLOSE, services.RectificationInput())
    assert _code(close) == "callback_required"
    services.perform(w.approver, rectification.pk, A.CALL_UNANSWERED, services.RectificationInput())
    rectification = services.perform(
        w.approver,
        rectification.pk,
        A.CALL_BACK,
        services.RectificationInput(note="申请人认可整改", satisfaction_after=4),
    )
    assert (
        rectification.status == RectificationStatus.CLOSED
        and rectification.called_back
        and rectification.satisfaction_after == 4
    )
    calls = list(CallBack.objects.filter(rectification=rectification))
    assert [c.reached for c in calls] == [False, True] and calls[1].caller == w.approver
    assert [e.action for e in RectificationEvent.objects.filter(rectification=rectification)] == [
        "set_deadline",
        "complete",
        "call_unanswered",
        "call_back",
    ]
    assert AuditEntry.objects.filter(action="evaluation.call_back", object_id=str(rectification.pk)).exists()
    row = selectors.figures(selectors.GroupBy.DEPARTMENT)[0]
    assert row.figures.bad == 1 and row.figures.rectification_rate == 100.0 and row.figures.callback_rate == 100.0


def test_an_upheld_appeal_takes_the_rating_out_of_the_figures():
    w = world()
    _, good = finished(w)
    _, bad = finished(w)
    services.rate_case(w.applicant, good, services.EvaluationInput(level=5))
    rectification = services.rate_case(w.applicant, bad, BAD).rectification
    before = selectors.figures(selectors.GroupBy.DEPARTMENT)[0].figures
    assert (before.total, before.satisfaction_rate) == (2, 50.0)
    with pytest.raises(DomainError) as approver_appeal:
        services.perform(w.approver, rectification.pk, A.APPEAL, services.RectificationInput(note="误评"))
    assert approver_appeal.value.status == 403
    services.perform(
        w.head, rectification.pk, A.APPEAL, services.RectificationInput(note="申请人误选了等级，电话中已确认")
    )
    with pytest.raises(DomainError) as own:
        services.perform(w.head, rectification.pk, A.UPHOLD_APPEAL, services.RectificationInput(note="同意"))
    assert own.value.status == 403
    services.perform(w.supervisor, rectification.pk, A.UPHOLD_APPEAL, services.RectificationInput(note="经核实属误评"))
    after = selectors.figures(selectors.GroupBy.DEPARTMENT)[0].figures
    assert (after.total, after.bad, after.satisfaction_rate) == (1, 0, 100.0)
    assert Evaluation.objects.get(case=bad).excluded  # kept on the record, out of the figures
    with pytest.raises(DomainError) as done:
        services.perform(w.approver, rectification.pk, A.RECTIFY_AT_ONCE, services.RectificationInput(note="x"))
    assert _code(done) == "not_allowed"


def test_figures_per_centre_window_clerk_and_item_name_no_person():
    w = world()
    case = bring_to(w, S.SUBMITTED, channel="window")
    services.rate_by_token(services.open_screen(w.clerk, case), services.EvaluationInput(level=4))
    by_clerk = selectors.figures(selectors.GroupBy.CLERK)
    assert len(by_clerk) == 1 and "工号" in by_clerk[0].name and w.clerk.real_name not in by_clerk[0].name
    assert selectors.figures(selectors.GroupBy.WINDOW)[0].name.startswith(w.centre.name)
    assert selectors.figures(selectors.GroupBy.CENTRE)[0].name == w.centre.name
    assert "新生儿入户" in selectors.figures(selectors.GroupBy.ITEM)[0].name


def test_social_rating_anonymous_where_allowed_and_once_a_month():
    w = world()
    rating = services.rate_department(None, w.police, services.EvaluationInput(level=5), ip="10.1.1.1")
    assert rating.anonymous and rating.channel == Channel.SOCIAL and rating.case is None
    with pytest.raises(DomainError) as again:
        services.rate_department(None, w.police, services.EvaluationInput(level=1, comment="差"), ip="10.1.1.1")
    assert _code(again) == "already_rated"
    with override_settings(TONGBAN_EVALUATION_ANONYMOUS_CHANNELS=""), pytest.raises(DomainError) as signed:
        services.rate_department(None, w.hrss, services.EvaluationInput(level=5), ip="10.1.1.2")
    assert _code(signed) == "sign_in_required"


def test_a_refused_application_invites_a_rating_and_may_be_rated():
    w = world()
    refused = bring_to(w, S.REFUSED)
    invite = Message.objects.get(payload__kind="evaluation_invite", payload__case_number=refused.number)
    assert f"/evaluation/cases/{refused.number}/" in invite.payload["body"]
    assert invite.payload["recipient_phone"] == refused.applicant_phone
    assert services.rate_case(w.applicant, refused, services.EvaluationInput(level=3)).level == 3
    running = bring_to(w, S.IN_PROGRESS)
    assert not Message.objects.filter(payload__kind="evaluation_invite", payload__case_number=running.number).exists()
