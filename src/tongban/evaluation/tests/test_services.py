"""Ratings (one per service, by its applicant, only after a real service; scripted ones refused and flagged), the
window's one-time screen, a bad rating's handling, and the figures an upheld appeal changes."""

from __future__ import annotations

import pytest
from django.test import override_settings

from tongban.audit.models import AuditEntry
from tongban.core.errors import DomainError
from tongban.evaluation import selectors, services
from tongban.evaluation.domain.scale import Channel
from tongban.evaluation.domain.workflow import ReviewAction, ReviewStatus
from tongban.evaluation.models import CallBack, FlaggedAttempt, Rating, ReviewEvent
from tongban.outbox.models import Message

from .factories import S, bring_to, dimensions, finished, world

pytestmark = pytest.mark.django_db
A = ReviewAction
BAD = services.RatingInput(level=2, comment="窗口排队一个小时，工作人员态度冷淡")


def _code(exc: pytest.ExceptionInfo) -> str:
    return exc.value.code


def test_the_applicant_rates_a_finished_case_once_with_dimensions():
    dimensions()
    w, case = finished()
    rating = services.rate_case(
        w.applicant, case, services.RatingInput(level=5, scores={"efficiency": "5", "attitude": 4}), ip="10.0.0.1"
    )
    assert rating.channel == Channel.ONLINE and rating.scores == {"efficiency": 5, "attitude": 4}
    assert rating.rater == w.applicant and rating.rater_name == case.applicant_name and not rating.anonymous
    assert rating.department == case.deciding_department and rating.implementation == case.implementation
    assert AuditEntry.objects.filter(action="evaluation.rate", object_id=str(rating.pk)).exists()
    with pytest.raises(DomainError) as again:
        services.rate_case(w.applicant, case, services.RatingInput(level=1, comment="再评一次"))
    assert _code(again) == "already_rated" and again.value.status == 409
    with pytest.raises(DomainError) as unknown:
        services.rate_case(w.applicant, finished(w)[1], services.RatingInput(level=5, scores={"speed": 5}))
    assert _code(unknown) == "unknown_dimension"


def test_no_rating_without_a_finished_service_or_by_someone_else():
    w = world()
    running = bring_to(w, S.IN_PROGRESS)
    with pytest.raises(DomainError) as early:
        services.rate_case(w.applicant, running, services.RatingInput(level=5))
    assert _code(early) == "not_finished"
    _, case = finished(w)
    with pytest.raises(DomainError) as other:
        services.rate_case(w.other_citizen, case, services.RatingInput(level=5))
    assert _code(other) == "not_applicant"
    with pytest.raises(DomainError) as clerk:
        services.rate_case(w.clerk, case, services.RatingInput(level=5))
    assert _code(clerk) == "not_applicant"
    with pytest.raises(DomainError) as no_reason:
        services.rate_case(w.applicant, case, services.RatingInput(level=1))
    assert _code(no_reason) == "comment_required"
    # anonymous only where the rules allow: 一事一评 stays named by default
    rating = services.rate_case(w.applicant, case, services.RatingInput(level=4, anonymous=True))
    assert not rating.anonymous and rating.rater_name
    assert not Rating.objects.filter(case=running).exists()


@override_settings(TONGBAN_EVALUATION_BURST_LIMIT=2, TONGBAN_EVALUATION_DAILY_LIMIT=100)
def test_a_burst_of_ratings_is_refused_and_flagged():
    w = world()
    cases = [bring_to(w, S.CLOSED) for _ in range(3)]
    for case in cases[:2]:
        services.rate_case(w.applicant, case, services.RatingInput(level=5), ip="10.9.9.9")
    with pytest.raises(DomainError) as burst:
        services.rate_case(w.applicant, cases[2], services.RatingInput(level=5), ip="10.9.9.9")
    assert _code(burst) == "too_many_ratings" and burst.value.status == 429
    flag = FlaggedAttempt.objects.get()
    assert flag.reason == "burst" and flag.user == w.applicant and flag.ip == "10.9.9.9"
    assert not Rating.objects.filter(case=cases[2]).exists()


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
    rating = services.rate_by_token(token, services.RatingInput(level=3))
    assert rating.channel == Channel.ON_SITE and rating.clerk == w.clerk and rating.window == w.window
    assert rating.rater_name == case.applicant_name  # tied to the case's applicant, not to whoever holds the tablet
    with pytest.raises(DomainError) as spent:
        services.rate_by_token(token, services.RatingInput(level=5))
    assert _code(spent) == "token_invalid"
    with pytest.raises(DomainError) as rated:
        services.open_screen(w.clerk, case)
    assert _code(rated) == "already_rated"
    with pytest.raises(DomainError) as forged:
        services.rate_by_token("not-a-token", services.RatingInput(level=5))
    assert _code(forged) == "token_invalid"


def test_a_bad_rating_is_put_right_by_a_deadline_called_back_and_counted():
    w, case = finished()
    rating = services.rate_case(w.applicant, case, BAD)
    review = rating.review
    assert review.status == ReviewStatus.PENDING and review.named
    assert Message.objects.filter(payload__kind="evaluation_invite", payload__case_number=case.number).exists()
    with pytest.raises(DomainError) as elsewhere:
        services.perform(w.other_approver, review.pk, A.SET_DEADLINE, services.ReviewInput(note="计划", days=5))
    assert elsewhere.value.status == 404
    with pytest.raises(DomainError) as bad_days:
        services.perform(w.approver, review.pk, A.SET_DEADLINE, services.ReviewInput(note="计划", days=7))
    assert _code(bad_days) == "bad_deadline"
    review = services.perform(w.approver, review.pk, A.SET_DEADLINE, services.ReviewInput(note="增开窗口", days=5))
    assert review.status == ReviewStatus.RECTIFYING and review.deadline_days == 5 and review.due_on is not None
    with pytest.raises(DomainError) as stale:
        services.perform(w.approver, review.pk, A.COMPLETE, services.ReviewInput(note="已增开"), revision=0)
    assert _code(stale) == "stale"
    review = services.perform(w.approver, review.pk, A.COMPLETE, services.ReviewInput(note="已增开2号窗口"))
    assert review.status == ReviewStatus.RECTIFIED
    with pytest.raises(DomainError) as close:
        services.perform(w.approver, review.pk, A.CLOSE, services.ReviewInput())
    assert _code(close) == "callback_required"
    services.perform(w.approver, review.pk, A.CALL_UNANSWERED, services.ReviewInput())
    review = services.perform(
        w.approver, review.pk, A.CALL_BACK, services.ReviewInput(note="申请人认可整改", satisfaction_after=4)
    )
    assert review.status == ReviewStatus.CLOSED and review.called_back and review.satisfaction_after == 4
    calls = list(CallBack.objects.filter(review=review))
    assert [c.reached for c in calls] == [False, True] and calls[1].caller == w.approver
    assert [e.action for e in ReviewEvent.objects.filter(review=review)] == [
        "set_deadline",
        "complete",
        "call_unanswered",
        "call_back",
    ]
    assert AuditEntry.objects.filter(action="evaluation.call_back", object_id=str(review.pk)).exists()
    row = selectors.figures(selectors.GroupBy.DEPARTMENT)[0]
    assert row.figures.bad == 1 and row.figures.rectification_rate == 100.0 and row.figures.callback_rate == 100.0


def test_an_upheld_appeal_takes_the_rating_out_of_the_figures():
    w = world()
    _, good = finished(w)
    _, bad = finished(w)
    services.rate_case(w.applicant, good, services.RatingInput(level=5))
    review = services.rate_case(w.applicant, bad, BAD).review
    before = selectors.figures(selectors.GroupBy.DEPARTMENT)[0].figures
    assert (before.total, before.satisfaction_rate) == (2, 50.0)
    with pytest.raises(DomainError) as approver_appeal:
        services.perform(w.approver, review.pk, A.APPEAL, services.ReviewInput(note="误评"))
    assert approver_appeal.value.status == 403
    services.perform(w.head, review.pk, A.APPEAL, services.ReviewInput(note="申请人误选了等级，电话中已确认"))
    with pytest.raises(DomainError) as own:
        services.perform(w.head, review.pk, A.UPHOLD_APPEAL, services.ReviewInput(note="同意"))
    assert own.value.status == 403
    services.perform(w.supervisor, review.pk, A.UPHOLD_APPEAL, services.ReviewInput(note="经核实属误评"))
    after = selectors.figures(selectors.GroupBy.DEPARTMENT)[0].figures
    assert (after.total, after.bad, after.satisfaction_rate) == (1, 0, 100.0)
    assert Rating.objects.get(case=bad).excluded  # kept on the record, out of the figures
    with pytest.raises(DomainError) as done:
        services.perform(w.approver, review.pk, A.RECTIFY_AT_ONCE, services.ReviewInput(note="x"))
    assert _code(done) == "not_allowed"


def test_figures_per_centre_window_clerk_and_item_name_no_person():
    w = world()
    case = bring_to(w, S.SUBMITTED, channel="window")
    services.rate_by_token(services.open_screen(w.clerk, case), services.RatingInput(level=4))
    by_clerk = selectors.figures(selectors.GroupBy.CLERK)
    assert len(by_clerk) == 1 and "工号" in by_clerk[0].name and w.clerk.real_name not in by_clerk[0].name
    assert selectors.figures(selectors.GroupBy.WINDOW)[0].name.startswith(w.centre.name)
    assert selectors.figures(selectors.GroupBy.CENTRE)[0].name == w.centre.name
    assert "新生儿入户" in selectors.figures(selectors.GroupBy.ITEM)[0].name


def test_social_rating_anonymous_where_allowed_and_once_a_month():
    w = world()
    rating = services.rate_department(None, w.police, services.RatingInput(level=5), ip="10.1.1.1")
    assert rating.anonymous and rating.channel == Channel.SOCIAL and rating.case is None
    with pytest.raises(DomainError) as again:
        services.rate_department(None, w.police, services.RatingInput(level=1, comment="差"), ip="10.1.1.1")
    assert _code(again) == "already_rated"
    with override_settings(TONGBAN_EVALUATION_ANONYMOUS_CHANNELS=""), pytest.raises(DomainError) as signed:
        services.rate_department(None, w.hrss, services.RatingInput(level=5), ip="10.1.1.2")
    assert _code(signed) == "sign_in_required"
