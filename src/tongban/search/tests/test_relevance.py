"""The relevance set through the whole Django path: top-3 hit rate ≥ 0.9."""

from __future__ import annotations

import pytest

from tongban.search import selectors
from tongban.search.relevance import evaluate, load_questions

pytestmark = pytest.mark.django_db

MIN_TOP3 = 0.9


def _run(region: str | None) -> str:
    report = evaluate(
        load_questions(),
        lambda q: [r["name"] for r in selectors.search(q, region=region, limit=10, distinct=region is None)],
    )
    detail = report.summary() + "".join(f"\n  {o.question.q} → {o.names[:3]}" for o in report.misses())
    assert report.top_k(3) >= MIN_TOP3, detail
    return detail


def test_question_set_is_large_enough():
    questions = load_questions()
    assert len([q for q in questions if q.set == "dev"]) >= 40
    assert all(q.expected for q in questions)


def test_fixture_catalogue_top3(fixture_catalogue):
    _run("330681")
    _run(None)


def test_demo_catalogue_top3(demo_db):
    selectors.invalidate_index()
    _run("330681")  # 诸暨市, the demo's home region
