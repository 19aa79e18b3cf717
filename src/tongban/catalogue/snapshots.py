"""Published guide versions read once per process (reads for the case engine's hot path).

A version never changes once submitted (models.ImmutableVersionError), so a case pinned to one may keep it
for the life of the process: its materials, steps and special steps come with it. Which version an
implementation publishes does change: that is looked up again when the catalogue generation moved (checked
at most once per TONGBAN_CATALOGUE_RECHECK_SECONDS per process; a publish in this process is seen at once).
Snapshots are shared between requests: never change one.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.db.models import Prefetch

from tongban.core import caches

from .models import CatalogueGeneration, ImplementationVersion, ItemImplementation, MaterialRequirement
from .workflow import VersionStatus

_MAX_VERSIONS = 4096
_lock = threading.Lock()
_versions: OrderedDict[int, ImplementationVersion] = OrderedDict()
# implementation pk -> (the implementation row, its published version pk or None), valid for one generation
_published: dict[int, tuple[ItemImplementation, int | None]] = {}
_by_code: dict[str, int | None] = {}  # implementation code -> pk (None: no such implementation), per generation
_generation: tuple[int, float] | None = None  # (generation value, monotonic time it was read)


@caches.register
def forget() -> None:
    with _lock:
        _versions.clear()
    forget_published()


def forget_published() -> None:
    """Something was published in this process: which version an implementation publishes is read again."""
    global _generation
    with _lock:
        _published.clear()
        _by_code.clear()
        _generation = None


def version_snapshot(pk: int) -> ImplementationVersion:
    """The version with its materials, steps and special steps prefetched; a draft is read afresh every time."""
    with _lock:
        found = _versions.get(pk)
        if found is not None:
            _versions.move_to_end(pk)
            return found
    materials = Prefetch(
        "materials", queryset=MaterialRequirement.objects.select_related("blank_form_file", "sample_file")
    )
    version = ImplementationVersion.objects.prefetch_related(materials, "steps", "special_steps").get(pk=pk)
    version._snapshot = True  # type: ignore[attr-defined]
    if version.status != VersionStatus.DRAFT:
        with _lock:
            _versions[pk] = version
            while len(_versions) > _MAX_VERSIONS:
                _versions.popitem(last=False)
    return version


def _current_generation() -> int:
    global _generation
    recheck = float(getattr(settings, "TONGBAN_CATALOGUE_RECHECK_SECONDS", 1.0))
    now = time.monotonic()
    seen = _generation
    if seen is not None and now - seen[1] < recheck:
        return seen[0]
    value = CatalogueGeneration.objects.filter(pk=1).values_list("value", flat=True).first() or 0
    with _lock:
        if seen is None or seen[0] != value:
            _published.clear()
            _by_code.clear()
        _generation = (value, now)
    return value


def published_snapshot(implementation_id: int) -> tuple[ItemImplementation, ImplementationVersion | None]:
    """An implementation and the version it publishes now (None when it publishes none)."""
    _current_generation()
    with _lock:
        found = _published.get(implementation_id)
    if found is None:
        impl = ItemImplementation.objects.select_related("department", "division").get(pk=implementation_id)
        found = (impl, impl.published_version_id)
        with _lock:
            _published[implementation_id] = found
    impl, version_id = found
    return impl, version_snapshot(version_id) if version_id is not None else None


def implementation_by_code(code: str) -> tuple[ItemImplementation, ImplementationVersion | None] | None:
    """``published_snapshot`` of the implementation with this code, or None if there is none."""
    _current_generation()
    with _lock:
        known = code in _by_code
        pk = _by_code.get(code)
    if not known:
        pk = ItemImplementation.objects.filter(code=code).values_list("pk", flat=True).first()
        with _lock:
            _by_code[code] = pk
    return published_snapshot(pk) if pk is not None else None
