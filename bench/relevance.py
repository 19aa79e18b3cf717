#!/usr/bin/env python
"""Relevance of plain-words search: top-1, top-3 hit rate and MRR over citizens' questions.

Loads the demo catalogue (``tongban demo load``) into a temporary SQLite database and asks every question of
src/tongban/search/data/relevance.json through the same code path as the API, for one region (default
诸暨市). ``--fixture`` uses the search app's own small real-named catalogue instead of the demo data.

    .venv/bin/python bench/relevance.py [--fixture] [--region 330681] [--all-regions] [-v] [--min 0.9]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def setup_django(tmp: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tongban.settings"
    os.environ["TONGBAN_DEMO_MODE"] = "1"
    os.environ["TONGBAN_VAR_DIR"] = str(tmp)
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'relevance.sqlite3'}"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def load_catalogue(fixture: bool) -> str:
    import importlib.util

    from django.core.management import call_command

    if not fixture:
        if importlib.util.find_spec("tongban.demo.loader") is None:
            print("tongban.demo.loader is not available yet: using the fixture catalogue (--fixture).")
        else:
            call_command("demo", "load", verbosity=0)
            return "demo"
    from tongban.search.catalogue_fixture import load_fixture_catalogue

    load_fixture_catalogue()
    return "fixture"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fixture", action="store_true", help="use the search app's fixture catalogue")
    parser.add_argument("--region", default="330681", help="division code the citizen searches in (诸暨市)")
    parser.add_argument("--all-regions", action="store_true", help="also search without a region (distinct names)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every miss with its top results")
    parser.add_argument("--min", type=float, default=0.0, help="exit 1 when the top-3 hit rate is below this")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tongban-relevance-") as tmp:
        setup_django(Path(tmp))
        started = time.perf_counter()
        source = load_catalogue(args.fixture)
        print(f"catalogue: {source} (loaded in {time.perf_counter() - started:.1f}s)")

        from tongban.bundles.models import Bundle
        from tongban.catalogue.models import ItemImplementation
        from tongban.search import selectors
        from tongban.search.relevance import evaluate, load_questions

        started = time.perf_counter()
        index = selectors.get_index()
        print(f"index: {len(index)} documents ({ItemImplementation.objects.filter(published_version__isnull=False).count()}"
              f" published implementations, {Bundle.objects.filter(status='published').count()} published bundles),"
              f" built in {time.perf_counter() - started:.2f}s")
        questions = load_questions()
        runs = [(f"region {args.region}", {"region": args.region})]
        if args.all_regions:
            runs.append(("all regions (distinct)", {"distinct": True}))
        worst = 1.0
        for label, kwargs in runs:
            report = evaluate(questions, lambda q, kw=kwargs: [r["name"] for r in selectors.search(q, limit=10, **kw)])
            print(f"\n== {label}: {len(questions)} questions ==")
            print(report.summary())
            misses = report.misses(3)
            print(f"top-3 misses: {len(misses)}")
            for o in misses if args.verbose else []:
                print(f"  [{o.question.set}] {o.question.q}  expected {' / '.join(o.question.expected)}"
                      f"  rank {o.rank or '-'}  got {o.names[:3]}")
            worst = min(worst, report.top_k(3))
        if worst < args.min:
            print(f"\nFAIL: top-3 hit rate {worst:.3f} < {args.min}")
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
