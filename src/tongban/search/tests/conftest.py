from __future__ import annotations

import pytest

from tongban.search import selectors


@pytest.fixture(autouse=True)
def fresh_index():
    """Each test starts without a cached index: generations repeat across rolled-back test transactions."""
    selectors.invalidate_index()
    yield
    selectors.invalidate_index()


@pytest.fixture
def fixture_catalogue(db):
    from bench.generators.catalogue_fixture import load_fixture_catalogue

    return load_fixture_catalogue()
