"""The time limits of a case and a bundle case as the law counts them (pure: cases/domain/limits.py on the
package's calendar, no database)."""

from __future__ import annotations

import datetime as dt
from functools import cache

from hypothesis import given
from hypothesis import strategies as st

from tongban.cases.domain import limits
from tongban.cases.domain.limits import BundleClockInput, CaseClockInput, Clock, Colour, Stop
from tongban.workdays.workcal import WorkingCalendar, from_chinesecalendar

D = dt.date
TODAY = D(2026, 9, 29)  # a Tuesday before National Day (10-1…10-7 off, Saturday 10-10 a working day)


@cache
def cal() -> WorkingCalendar:
    return from_chinesecalendar()


def handling(**kw: object) -> CaseClockInput:
    base = {"status": "in_progress", "accepted_on": TODAY, "promised_days": 5, "statutory_days": 20}
    return CaseClockInput(**{**base, **kw})  # type: ignore[arg-type]


def test_a_submitted_application_has_five_working_days_to_be_accepted():
    found = limits.compute_case(cal(), CaseClockInput(status="submitted", received_on=TODAY), TODAY)
    # 9-30, 10-8, 10-9, the make-up Saturday 10-10, 10-12
    assert found.acceptance_due == D(2026, 10, 12) == found.clock_due and found.clock is Clock.ACCEPTANCE
    assert limits.deemed_accepted_on(TODAY, found.acceptance_due, D(2026, 10, 12)) is None  # in time
    # Accepted later without a correction notice in time: it counts as accepted from the day it was received.
    assert limits.deemed_accepted_on(TODAY, found.acceptance_due, D(2026, 10, 13)) == TODAY
    view = limits.view(found, cal(), D(2026, 10, 13))
    assert view.colour is Colour.RED and view.label == "逾期未受理（依法视为已受理）"


def test_the_decision_opens_the_result_clock_of_ten_working_days_or_the_guides_shorter_one():
    assert limits.result_days(0) == 10 and limits.result_days(3) == 3 and limits.result_days(15) == 10
    decided = CaseClockInput(status="decided", decided_on=TODAY, result_days=limits.result_days(0))
    found = limits.compute_case(cal(), decided, TODAY)
    assert found.clock is Clock.RESULT and found.result_due == D(2026, 10, 19) == found.clock_due
    assert limits.view(found, cal(), D(2026, 10, 16)).label == "出件期限剩余 1 个工作日"
    assert limits.view(found, cal(), D(2026, 10, 20)).label == "出件已超期 1 个工作日"


def test_results_together_run_from_the_last_decision_and_not_before_every_item_is_decided():
    # The bundle's own clock: together, the last decision with the shortest days to issue; else the earliest.
    decisions = ((TODAY, 3), (D(2026, 10, 12), 10))
    assert limits.bundle_result_due(cal(), decisions, together=True) == cal().add_working_days(D(2026, 10, 12), 3)
    assert limits.bundle_result_due(cal(), decisions, together=False) == D(2026, 10, 9)  # 9-30, 10-8, 10-9
    ready = BundleClockInput(phase="ready", child_decisions=decisions)
    assert limits.compute_bundle(cal(), ready, TODAY).clock_due == cal().add_working_days(D(2026, 10, 12), 3)
    # Each decided item's: none while another item is open, then from the last decision.
    assert limits.together_from([TODAY, None], still_open=True) is None
    assert limits.together_from([TODAY, D(2026, 10, 12)], still_open=False) == D(2026, 10, 12)
    waiting = CaseClockInput(status="decided", decided_on=TODAY, result_waits=True)
    assert limits.compute_case(cal(), waiting, TODAY).clock is Clock.NONE
    later = CaseClockInput(status="decided", decided_on=TODAY, result_days=10, result_from=D(2026, 10, 12))
    assert limits.compute_case(cal(), later, TODAY).result_due == cal().add_working_days(D(2026, 10, 12), 10)


def test_handling_counts_extension_and_only_the_stops_that_do_not_count():
    plain = limits.compute_case(cal(), handling(), TODAY)
    assert plain.promised_due == D(2026, 10, 12) and plain.statutory_due == D(2026, 11, 2)
    assert plain.clock is Clock.HANDLING and plain.clock_due == plain.promised_due
    extended = limits.compute_case(cal(), handling(extension_days=10), TODAY)
    assert extended.promised_due == cal().add_working_days(D(2026, 10, 12), 10)
    # A closed 检验 of five working days moves the dates; a counted step does not.
    inspection = Stop(D(2026, 10, 12), D(2026, 10, 19), counted=False, special=True, max_days=30)
    moved = limits.compute_case(cal(), handling(stops=(inspection,)), D(2026, 10, 20))
    assert moved.promised_due == cal().add_working_days(D(2026, 10, 12), 5)
    counted = Stop(D(2026, 10, 12), D(2026, 10, 19), counted=True, special=True, max_days=30)
    assert limits.compute_case(cal(), handling(stops=(counted,)), D(2026, 10, 20)).promised_due == D(2026, 10, 12)


def test_a_paused_clock_keeps_what_it_had_left_and_is_never_red():
    stop = Stop(D(2026, 10, 8), None, counted=False, special=True, max_days=3)
    for today in (D(2026, 10, 8), D(2026, 10, 20), D(2026, 12, 30)):
        found = limits.compute_case(cal(), handling(status="suspended", stops=(stop,)), today)
        assert found.clock is Clock.PAUSED and found.clock_due is None
        assert found.paused_left == 3  # 10-9, 10-10, 10-12 were left when the 检验 began on 10-8
        assert found.special_due == D(2026, 10, 12)  # its own maximum: three working days
        view = limits.view(found, cal(), today, special_due=found.special_due)
        assert view.colour is Colour.PAUSED and view.label == "计时暂停（剩余 3 个工作日）"
        assert view.flags == (() if today <= D(2026, 10, 12) else ("特殊环节已超过最长期限",))
    # A stop whose days count (a step without a legal basis, a return where the local rule counts it) runs.
    running = Stop(D(2026, 10, 8), None, counted=True)
    found = limits.compute_case(cal(), handling(status="returned", stops=(running,)), D(2026, 10, 20))
    assert found.clock is Clock.HANDLING and limits.view(found, cal(), D(2026, 10, 20)).colour is Colour.RED


def test_calendar_days_are_a_unit_of_their_own():
    # 居民身份证法 Art. 12: 60 days from 8-3 end on 10-2, inside National Day: the period ends on 10-8.
    found = limits.compute_case(
        cal(), handling(accepted_on=D(2026, 8, 3), unit="calendar", promised_days=60, statutory_days=60), TODAY
    )
    assert found.promised_due == D(2026, 10, 8)
    view = limits.view(found, cal(), D(2026, 10, 6), unit="calendar")
    assert view.left == 2 and view.label == "剩余 2 日"


def test_a_year_the_calendar_does_not_know_is_never_guessed():
    late = handling(accepted_on=D(2026, 12, 22), promised_days=10)
    found = limits.compute_case(cal(), late, D(2026, 12, 22))
    assert found.promised_due is None and found.clock_due is None and found.unknown_year == 2027
    view = limits.view(found, cal(), D(2026, 12, 22))
    assert view.colour is Colour.UNKNOWN and view.label == view.due_text == "待定（2027年节假日安排未发布）"
    # The limit in force known, the statutory one not yet: the clock runs, the other date waits for 2027.
    half = limits.compute_case(cal(), handling(accepted_on=D(2026, 12, 22)), D(2026, 12, 22))
    assert half.promised_due == D(2026, 12, 29) and half.statutory_due is None and half.unknown_year == 2027
    assert limits.view(half, cal(), D(2026, 12, 22)).label == "剩余 5 个工作日"
    assert limits.due_text(half.statutory_due, half.unknown_year) == "待定（2027年节假日安排未发布）"
    # The last days of a known year are due soon only as far as the calendar can count.
    assert limits.due_soon_limit(cal(), D(2026, 12, 30), 2) == D(2026, 12, 31)
    assert limits.due_soon_limit(cal(), D(2027, 1, 4), 2) is None


def test_the_one_complete_correction_list():
    assert limits.added_items([], ["身份证"]) == []  # the first list is complete by definition
    assert limits.added_items([["身份证", "户口簿"]], ["户口簿"]) == []
    assert limits.added_items([["身份证"], ["户口簿"]], ["户口簿", "结婚证 "]) == ["结婚证 "]


def test_a_bundle_stops_while_any_item_stands_still_and_follows_their_extensions():
    accepted = D(2026, 9, 1)
    base = BundleClockInput(phase="in_progress", accepted_on=accepted, promised_days=20, statutory_days=60)
    plain = limits.compute_bundle(cal(), base, D(2026, 9, 2))
    assert plain.statutory_due == cal().add_working_days(accepted, 45)  # never beyond the law's 45 days
    assert plain.promised_due == cal().add_working_days(accepted, 20)
    # Two items stopped over overlapping days: each day counts once.
    a = (Stop(D(2026, 9, 7), D(2026, 9, 11), counted=False),)
    b = (Stop(D(2026, 9, 9), D(2026, 9, 14), counted=False),)
    stopped = limits.compute_bundle(cal(), BundleClockInput(**{**base.__dict__, "child_stops": (a, b)}), D(2026, 9, 15))
    assert stopped.promised_due == cal().add_working_days(accepted, 20 + 5)  # 9-8 … 9-14: five working days
    # An item's extension moves the promise, never past the statutory limit; the bundle's own +15 moves both.
    longer = limits.compute_bundle(
        cal(), BundleClockInput(**{**base.__dict__, "child_extension_days": (0, 10)}), D(2026, 9, 2)
    )
    assert longer.promised_due == cal().add_working_days(accepted, 30)
    capped = limits.compute_bundle(
        cal(), BundleClockInput(**{**base.__dict__, "promised_days": 40, "child_extension_days": (10,)}), D(2026, 9, 2)
    )
    assert capped.promised_due == capped.statutory_due
    extended = limits.compute_bundle(cal(), BundleClockInput(**{**base.__dict__, "extension_days": 15}), D(2026, 9, 2))
    assert extended.statutory_due == cal().add_working_days(accepted, 60)
    # While an item stands still the bundle's clock is paused.
    open_stop = (Stop(D(2026, 9, 7), None, counted=False),)
    paused = limits.compute_bundle(
        cal(), BundleClockInput(**{**base.__dict__, "child_stops": (open_stop,)}), D(2026, 9, 30)
    )
    assert paused.clock is Clock.PAUSED and paused.clock_due is None and paused.paused_left == 16


days_2026 = st.dates(min_value=D(2025, 1, 1), max_value=D(2026, 10, 31))


@given(days_2026, st.integers(0, 40), st.integers(0, 30), st.integers(0, 40))
def test_a_paused_clock_is_never_overdue_and_a_running_one_is_red_exactly_after_its_due_day(
    accepted: dt.date, promised: int, start_after: int, today_after: int
) -> None:
    start = accepted + dt.timedelta(days=start_after)
    today = start + dt.timedelta(days=today_after)
    stop = Stop(start, None, counted=False, special=True, max_days=5)
    paused = limits.compute_case(
        cal(), handling(accepted_on=accepted, promised_days=promised, status="suspended", stops=(stop,)), today
    )
    assert limits.view(paused, cal(), today).colour is Colour.PAUSED
    running = limits.compute_case(cal(), handling(accepted_on=accepted, promised_days=promised), today)
    view = limits.view(running, cal(), today)
    assert running.clock_due is not None
    assert (view.colour is Colour.RED) == (running.clock_due < today)
    assert view.left == cal().working_days_between(today, running.clock_due)


def test_a_due_day_behind_a_weekend_is_overdue_not_today() -> None:
    """Seen on a Saturday, a limit that ended on Friday: no working day has passed since, but the day is gone
    (the demo loaded on a Saturday listed it in red as 今日到期)."""
    friday, saturday = D(2026, 12, 4), D(2026, 12, 5)
    case = handling(accepted_on=D(2026, 11, 27), promised_days=5)
    assert limits.compute_case(cal(), case, friday).clock_due == friday
    assert limits.view(limits.compute_case(cal(), case, friday), cal(), friday).label == "今日到期"
    late = limits.view(limits.compute_case(cal(), case, saturday), cal(), saturday)
    assert (late.colour, late.left, late.label) == (Colour.RED, 0, "已超期")
    monday = limits.view(limits.compute_case(cal(), case, D(2026, 12, 7)), cal(), D(2026, 12, 7))
    assert monday.label == "已超期 1 个工作日"


def test_a_bundle_keeps_its_promised_date_when_only_the_statutory_one_reaches_an_unknown_year() -> None:
    """As a case does: accepted on 3 December with 10 promised working days, its 45 statutory ones reaching
    2027. The bundle showed 承诺办结 待定 although 17 December is known (the demo's 退休一件事)."""
    base = BundleClockInput(phase="in_progress", accepted_on=D(2026, 12, 3), promised_days=10, statutory_days=45)
    half = limits.compute_bundle(cal(), base, D(2026, 12, 3))
    assert (half.promised_due, half.clock_due) == (D(2026, 12, 17), D(2026, 12, 17))
    assert half.statutory_due is None and half.unknown_year == 2027
    assert limits.view(half, cal(), D(2026, 12, 3)).label == "剩余 10 个工作日"
    # Paused by an item standing still: what it had left is known too.
    stop = (Stop(D(2026, 12, 8), None, counted=False),)
    paused = limits.compute_bundle(cal(), BundleClockInput(**{**base.__dict__, "child_stops": (stop,)}), D(2026, 12, 9))
    assert paused.clock is Clock.PAUSED and paused.paused_left == 7
    # The promised date itself in 2027: nothing is guessed.
    late = limits.compute_bundle(
        cal(), BundleClockInput(**{**base.__dict__, "accepted_on": D(2026, 12, 22)}), D(2026, 12, 22)
    )
    assert late.promised_due is None and late.clock_due is None and late.unknown_year == 2027
