"""Data generators for the benches and the tests that check them; not part of the installed package.

- ``cases``: ``CaseGenerator``, a million realistic cases written directly (``bench/generate_cases.py``);
- ``catalogue_fixture``: a small real-named catalogue for search relevance (``bench/relevance.py --fixture``).

Bench scripts import them as ``generators.…`` (``bench/`` is on their path), tests as ``bench.generators.…``
(the repository root is on pytest's ``pythonpath``).
"""
