"""The relevance set through the whole Django path, as the page and the API ask (one row per item): top-3
hit rate ≥ 0.9, and questions nothing in the catalogue answers get no result at all."""

from __future__ import annotations

import pytest

from tongban.search import selectors
from tongban.search.relevance import answered_unrelated, evaluate, load_questions, load_unrelated

pytestmark = pytest.mark.django_db

MIN_TOP3 = 0.9


def _run(region: str | None) -> str:
    def names(q: str) -> list[str]:
        return [r["name"] for r in selectors.search(q, region=region, limit=10, fold=True)]

    report = evaluate(load_questions(), names)
    detail = report.summary() + "".join(f"\n  {o.question.q} → {o.names[:3]}" for o in report.misses())
    assert report.top_k(3) >= MIN_TOP3, detail
    assert answered_unrelated(load_unrelated(), names) == {}
    return detail


def test_question_set_is_large_enough():
    questions = load_questions()
    assert len([q for q in questions if q.set == "dev"]) >= 40
    assert all(q.expected for q in questions)
    assert len(load_unrelated()) >= 5


def test_fixture_catalogue_top3(fixture_catalogue):
    _run("330681")
    _run(None)


def test_demo_catalogue_top3(demo_db):
    selectors.invalidate_index()
    _run("330681")  # 诸暨市, the demo's home region
    _run(None)
