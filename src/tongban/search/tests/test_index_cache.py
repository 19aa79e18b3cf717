"""The process-wide index follows the catalogue: publish, retire, synonyms and bundles."""

from __future__ import annotations

import pytest
from django.db.models import F

from tongban.catalogue import services
from tongban.catalogue.models import CatalogueGeneration, ImplementationVersion, ItemImplementation
from tongban.catalogue.tests import factories
from tongban.search import selectors
from tongban.search.models import SearchGeneration, SearchSynonym

pytestmark = pytest.mark.django_db


def names(q: str, **kw) -> list[str]:
    return [r["name"] for r in selectors.search(q, **kw)]


@pytest.fixture
def no_throttle(monkeypatch):
    monkeypatch.setattr(selectors, "CHECK_INTERVAL", 0.0)


def test_publish_makes_an_item_findable_and_retire_removes_it():
    draft = factories.DraftVersionFactory(name="无犯罪记录证明")
    assert names("无犯罪记录证明") == []  # drafts are not searchable
    before = CatalogueGeneration.objects.filter(pk=1).values_list("value", flat=True).first() or 0
    published = services.publish_now(draft)
    assert CatalogueGeneration.objects.get(pk=1).value == before + 1
    assert names("开无犯罪证明") == ["无犯罪记录证明"]
    services.retire_version(published)
    assert names("开无犯罪证明") == []


def test_rebuild_follows_the_catalogue_generation_without_signals(no_throttle):
    version = factories.PublishedVersionFactory(name="婚姻登记")
    assert names("结婚登记") == ["婚姻登记"]
    builds = selectors.index_cache.builds
    # Another process retires the item: rows change by queryset updates (no signals here), then the
    # generation moves. This process must notice on its next check.
    ItemImplementation.objects.filter(pk=version.implementation_id).update(published_version=None)
    assert names("结婚登记") == ["婚姻登记"]  # generation unchanged: the cached index still answers
    assert selectors.index_cache.builds == builds
    CatalogueGeneration.objects.filter(pk=1).update(value=F("value") + 1)
    assert names("结婚登记") == []
    assert selectors.index_cache.builds == builds + 1


def test_generation_is_checked_at_most_once_per_interval(monkeypatch, django_assert_num_queries):
    factories.PublishedVersionFactory(name="婚姻登记")
    selectors.search("婚姻")  # builds
    monkeypatch.setattr(selectors, "CHECK_INTERVAL", 3600.0)
    with django_assert_num_queries(0):
        for _ in range(20):
            selectors.search("婚姻登记")
    monkeypatch.setattr(selectors, "CHECK_INTERVAL", 0.0)
    with django_assert_num_queries(2):  # the two generation counters, nothing else
        selectors.search("婚姻登记")


def test_synonym_rows_expand_queries():
    factories.PublishedVersionFactory(name="婚姻登记")
    assert names("扯证") == []
    SearchSynonym.objects.create(phrase="扯证", expansion="婚姻登记 结婚")
    assert SearchGeneration.objects.get(pk=1).value >= 1
    assert names("扯证") == ["婚姻登记"]
    # A phrase with a space is one phrase: it matches the query without the space, not its parts.
    SearchSynonym.objects.create(phrase="红 本本", expansion="婚姻登记")
    assert names("领红本本") == ["婚姻登记"]
    assert names("红色") == []


def test_entry_keywords_change_reaches_the_index():
    version = factories.PublishedVersionFactory(name="婚姻登记")
    assert names("领红本") == []
    entry = version.implementation.entry
    entry.keywords = "领红本 结婚证"
    entry.save()
    assert names("领红本") == ["婚姻登记"]


def test_version_names_materials_and_region_come_from_the_published_version():
    version = factories.PublishedVersionFactory(name="新生儿入户")
    result = selectors.search("出生医学证明")[0]
    assert result["name"] == "新生儿入户"  # found through its material
    assert result["region"] == "诸暨市"
    assert result["department"] == "诸暨市公安局"
    assert result["code"] == version.implementation.code
    assert ImplementationVersion.objects.filter(status="published").count() == 1


def test_bundle_publish_and_items(fixture_catalogue):
    from tongban.bundles.models import Bundle

    assert names("身后事", kind="bundle")[0] == "身后事一件事"
    Bundle.objects.filter(code="B-SHS").update(status=Bundle.Status.RETIRED)
    selectors.invalidate_index()
    assert "身后事一件事" not in names("身后事", kind="bundle")
