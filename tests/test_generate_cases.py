"""bench/generate_cases.py (``bench.generators.cases``): volume-test data that looks like what the services make."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import Counter

import pytest
from django.db.models import Max

from bench.generators.cases import CaseGenerator, GeneratorError, main
from bench.generators.cases import generate as generate_cases
from tongban.cases import selectors, services
from tongban.cases.models import Case, CaseEvent, CaseNumberSequence, Suspension
from tongban.cases.selectors import Bucket
from tongban.cases.tests import factories as f
from tongban.core import clock
from tongban.workdays.selectors import current_calendar

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 20)  # a Friday the calendar knows
NUMBER = re.compile(r"^(\d{6})-(\d{8})-(\d{6})$")


def generate(count: int, seed: int = 7) -> CaseGenerator:
    gen = CaseGenerator(seed=seed, days=120, citizens=20, today=TODAY)
    for _ in gen.run(count, 97):
        pass
    return gen


def test_refused_outside_demo_and_test_environments(monkeypatch, settings):
    settings.DEMO_MODE = False
    monkeypatch.delenv("TONGBAN_TESTING", raising=False)
    with pytest.raises(GeneratorError, match="只用于容量和性能测试"):
        generate_cases(10, out=lambda line: None)
    assert not Case.objects.exists()


def test_refuses_nonsense_and_needs_published_items(settings, capsys):
    settings.DEMO_MODE = True
    with pytest.raises(GeneratorError, match="--count"):
        generate_cases(0)
    with pytest.raises(GeneratorError, match="tongban demo load"):
        generate_cases(5)
    # the command line says why and exits non-zero
    assert main(["--count", "5"]) == 2
    assert "tongban demo load" in capsys.readouterr().err


def test_the_command_line_writes_cases_and_a_summary(settings, capsys):
    settings.DEMO_MODE = True
    f.world()
    assert main(["--count", "40", "--batch", "17", "--citizens", "5", "--days", "30"]) == 0
    assert Case.objects.count() == 40
    assert capsys.readouterr().out.splitlines()[-1].startswith("完成：40 件")


def test_cases_are_consistent_with_their_events_deadlines_and_numbers(monkeypatch):
    w = f.world()
    gen = generate(600)
    cases = list(Case.objects.all())
    assert len(cases) == 600
    statuses = Counter(c.status for c in cases)
    assert {"closed", "in_progress", "submitted", "draft", "decided", "suspended"} <= set(statuses)
    assert statuses["closed"] > 300

    events: dict[int, list[CaseEvent]] = {}
    for e in CaseEvent.objects.order_by("case_id", "id"):
        events.setdefault(e.case_id, []).append(e)
    cal = current_calendar()
    seen_serials: dict[tuple[str, str], int] = {}
    for c in cases:
        trail = events[c.pk]
        # every state change is an event, in order, ending in the case's state; one revision per transition
        assert trail[-1].to_status == c.status, c.number
        assert all(a.to_status == b.from_status or b.action == "save_draft" for a, b in itertools.pairwise(trail))
        assert [e.at for e in trail] == sorted(e.at for e in trail)
        assert c.revision == (len(trail) - 1 if c.status != "draft" else 0)
        if c.status == "draft":
            assert c.number.startswith("draft-") and c.submitted_at is None
            continue
        m = NUMBER.match(c.number)
        assert m, c.number
        assert m.group(1) == c.receiving_division_id[:6]
        assert m.group(2) == f"{c.submitted_at.astimezone(gen.tz):%Y%m%d}"
        key = (m.group(1), m.group(2))
        seen_serials[key] = max(seen_serials.get(key, 0), int(m.group(3)))
        assert c.created_at <= c.submitted_at
        if c.status in ("in_progress", "decided", "closed") and c.accepted_on:
            assert c.accepted_on <= TODAY
            if not c.extension_days and not Suspension.objects.filter(case=c).exists():
                assert c.promised_due == cal.add_working_days(c.accepted_on, c.promised_days)
        if c.status == "suspended":
            stop = Suspension.objects.get(case=c)
            assert stop.ended_on is None and stop.step_name == "专家评审"
        # the stored clocks are those the services compute (services/deadlines.py on cases.domain.limits)
        if c.status in ("submitted", "in_progress", "suspended", "returned", "decided"):
            again = Case.objects.get(pk=c.pk)
            services.refresh_deadlines(again, day=TODAY)
            fields = ("clock", "clock_due", "acceptance_due", "result_due", "paused_left", "special_due")
            assert [getattr(c, n) for n in fields] == [getattr(again, n) for n in fields], (c.number, c.status)
    # the sequences know every serial handed out: the services continue after them
    for (region, day), serial in seen_serials.items():
        seq = CaseNumberSequence.objects.get(region=region, day=dt.datetime.strptime(day, "%Y%m%d").date())
        assert seq.last == serial
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    assert services.next_case_number("330681", TODAY) not in {c.number for c in cases}

    # the queues see them
    rows, total = selectors.queue(w.approver, Bucket.TO_REVIEW, today=TODAY)
    assert (
        total
        == Case.objects.filter(status="in_progress", awaiting_decision=False, deciding_department=w.police).count()
        > 0
    )
    assert len(rows) == min(total, 50)
    overdue = selectors.supervision_board(w.supervisor, Bucket.OVERDUE, today=TODAY)[1]
    due_soon = selectors.supervision_board(w.supervisor, Bucket.DUE_SOON, today=TODAY)[1]
    assert overdue > 0 and due_soon > 0


def test_a_second_run_continues_numbers_and_ids():
    f.world()
    generate(150, seed=1)
    last = CaseNumberSequence.objects.aggregate(m=Max("last"))["m"]
    generate(150, seed=2)
    assert Case.objects.count() == 300
    assert Case.objects.values("number").distinct().count() == 300
    assert CaseNumberSequence.objects.aggregate(m=Max("last"))["m"] >= last
