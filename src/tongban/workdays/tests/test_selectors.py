import datetime as dt

import pytest

from tongban.workdays.models import CalendarDay, CalendarYear
from tongban.workdays.selectors import current_calendar, missing_years
from tongban.workdays.workcal import UnknownCalendarYear

pytestmark = pytest.mark.django_db


def test_administrators_extend_the_calendar_with_a_new_year():
    assert missing_years(dt.date(2026, 11, 22)) == [2027]
    with pytest.raises(UnknownCalendarYear):
        current_calendar().is_working_day(dt.date(2027, 1, 1))
    year = CalendarYear.objects.create(year=2027, basis="国务院办公厅关于2027年部分节假日安排的通知")
    CalendarDay.objects.create(calendar_year=year, date=dt.date(2027, 1, 1), kind="holiday", name="元旦")
    cal = current_calendar()
    assert not cal.is_working_day(dt.date(2027, 1, 1))
    assert cal.is_working_day(dt.date(2027, 1, 4))
    assert missing_years(dt.date(2026, 11, 22)) == []


def test_system_check_warns_about_missing_year(monkeypatch):
    from tongban.workdays import checks

    monkeypatch.setattr("tongban.workdays.selectors.missing_years", lambda: [2027])
    warnings = checks.calendar_years_known()
    assert warnings and warnings[0].id == "tongban.W001" and "2027" in warnings[0].msg


def test_editing_a_day_is_seen_at_once():
    year = CalendarYear.objects.create(year=2027, basis="通知")
    day = CalendarDay.objects.create(calendar_year=year, date=dt.date(2027, 1, 4), kind="holiday")
    assert not current_calendar().is_working_day(dt.date(2027, 1, 4))
    day.kind = "workday"
    day.save()
    assert current_calendar().is_working_day(dt.date(2027, 1, 4))


def test_other_processes_changes_are_seen_after_the_recheck_interval(settings, monkeypatch):
    """The table's stamp is read at most once per interval; a change this process makes is seen at once
    (signals), one made elsewhere (here: an update that sends no signal) once the interval has passed."""
    from tongban.workdays import selectors

    settings.TONGBAN_CALENDAR_RECHECK_SECONDS = 60
    clock = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: clock[0])
    selectors.forget_calendar()
    year = CalendarYear.objects.create(year=2027, basis="通知")
    day = CalendarDay.objects.create(calendar_year=year, date=dt.date(2027, 1, 4), kind="holiday")
    assert not current_calendar().is_working_day(dt.date(2027, 1, 4))
    CalendarDay.objects.filter(pk=day.pk).update(kind="workday", updated_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    clock[0] += 30
    assert not current_calendar().is_working_day(dt.date(2027, 1, 4))  # within the interval: not read again
    clock[0] += 31
    assert current_calendar().is_working_day(dt.date(2027, 1, 4))
    selectors.forget_calendar()


def test_one_day_entered_for_a_year_the_package_knows_changes_that_day_only():
    before = current_calendar()
    assert not before.is_working_day(dt.date(2026, 10, 1))
    year = CalendarYear.objects.create(year=2026, basis="临时调整")
    CalendarDay.objects.create(calendar_year=year, date=dt.date(2026, 6, 1), kind="holiday", name="临时假日")
    after = current_calendar()
    assert not after.is_working_day(dt.date(2026, 6, 1))
    # The package's other 2026 holidays and make-up days are still there.
    assert not after.is_working_day(dt.date(2026, 10, 1)) and after.is_working_day(dt.date(2026, 10, 10))
    assert after.holidays - before.holidays == {dt.date(2026, 6, 1)} and before.holidays <= after.holidays
