"""Keep the search index current when something it reads changes outside a catalogue publish.

Publishing and retiring bump ``catalogue.CatalogueGeneration`` themselves. Edits that do not go through a
publish (synonyms, entry keywords and aliases, themes, bundles and their items, department and division
names, an implementation's published pointer) bump ``search.SearchGeneration`` here, in the same transaction
as the edit, so every process rebuilds; this process drops its index at once.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save


def bump_search_generation() -> None:
    from .models import SearchGeneration

    if not SearchGeneration.objects.filter(pk=1).update(value=F("value") + 1):
        SearchGeneration.objects.get_or_create(pk=1, defaults={"value": 1})


def _changed(sender: Any, **kwargs: Any) -> None:
    from .selectors import index_cache

    bump_search_generation()
    # Drop this process's index now (this thread sees its own writes) and again once they are committed
    # (another thread may have rebuilt from the old rows meanwhile).
    index_cache.invalidate()
    transaction.on_commit(index_cache.invalidate)


def _version_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Publish and retire bump CatalogueGeneration themselves; drop this process's index at once too."""
    if instance.status != "draft":
        from .selectors import index_cache

        index_cache.invalidate()
        transaction.on_commit(index_cache.invalidate)


def _m2m_changed(sender: Any, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        _changed(sender)


def connect() -> None:
    from tongban.bundles.models import Bundle, BundleItem
    from tongban.catalogue.models import CatalogueEntry, ImplementationVersion, ItemImplementation, Theme
    from tongban.jurisdictions.models import Department, Division

    from .models import SearchSynonym

    for model in (SearchSynonym, CatalogueEntry, ItemImplementation, Theme, Bundle, BundleItem, Department, Division):
        post_save.connect(_changed, sender=model, dispatch_uid=f"search-index-{model.__name__}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"search-index-{model.__name__}-delete")
    post_save.connect(_version_changed, sender=ImplementationVersion, dispatch_uid="search-index-version")
    m2m_changed.connect(_m2m_changed, sender=CatalogueEntry.themes.through, dispatch_uid="search-index-themes")
