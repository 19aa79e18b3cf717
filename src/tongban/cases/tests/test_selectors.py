from __future__ import annotations

import datetime as dt

import pytest

from tongban.cases import selectors as q
from tongban.cases import services as s
from tongban.cases.tests.factories import CaseFactory, world
from tongban.core import clock

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 9, 29)


@pytest.fixture
def w(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return world()


def accepted_case(w):
    return CaseFactory(world=w, status="in_progress", uploads=())


def test_queues_by_role_and_bucket(w, django_assert_max_num_queries):
    case = accepted_case(w)
    with django_assert_max_num_queries(3):
        rows, total = q.queue(w.approver, q.Bucket.TO_REVIEW, today=TODAY)
        [r.version.name for r in rows]
    assert total == 1 and rows[0].number == case.number
    assert q.queue(w.other_approver, q.Bucket.TO_REVIEW, today=TODAY)[1] == 0
    assert q.queue(w.approver, q.Bucket.DUE_SOON, today=dt.date(2026, 10, 9))[1] == 1  # due 10-12
    assert q.queue(w.approver, q.Bucket.OVERDUE, today=dt.date(2026, 10, 13))[1] == 1
    assert q.queue(w.applicant, q.Bucket.TO_REVIEW, today=TODAY)[1] == 1  # their own case
    assert q.queue(w.other_citizen, q.Bucket.TO_REVIEW, today=TODAY)[1] == 0


def test_supervision_board_sees_the_jurisdiction(w):
    accepted_case(w)
    w.supervisor.division = w.centre.division
    rows, total = q.supervision_board(w.supervisor, q.Bucket.OVERDUE, today=dt.date(2026, 10, 13))
    assert total == 1 and rows[0].deciding_division_id == w.centre.division_id
    assert q.supervision_board(w.approver, q.Bucket.OVERDUE, today=dt.date(2026, 10, 13)) == ([], 0)


def test_public_progress_needs_the_query_code_and_shows_no_personal_data(w):
    case = accepted_case(w)
    assert q.public_progress(case.number, "WRONG1") is None
    progress = q.public_progress(case.number, case.query_code.lower())
    assert progress is not None and progress["status"] == "in_progress"
    flat = str(progress)
    assert w.applicant.id_number not in flat and "张三" not in flat and w.applicant.phone not in flat


def test_public_progress_hides_drafts(w):
    ctx = s.Ctx(w.applicant, "online")
    draft = s.start_online(ctx, w.version.implementation)
    assert q.public_progress(draft.number, draft.query_code) is None
