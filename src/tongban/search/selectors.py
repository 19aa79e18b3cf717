"""Search reads: documents built from the published catalogue, a process-wide index, and queries on it.

The index is rebuilt when ``catalogue.CatalogueGeneration`` (bumped by every publish and retirement) or
``search.SearchGeneration`` (bumped by signals.py when synonyms, entries, bundles … change) moves. Each
process checks the two counters at most once per ``CHECK_INTERVAL`` seconds, so a publish in one worker
reaches every worker within a second, while a query normally costs no database round trip at all.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import Q, Subquery

from tongban.bundles.models import Bundle, BundleItem
from tongban.catalogue.models import CatalogueEntry, CatalogueGeneration, ItemImplementation, MaterialRequirement
from tongban.core.identifiers import division_code_error
from tongban.jurisdictions.models import Division

from .engine import MAX_QUERY_LENGTH, Document, SearchIndex, Synonyms, parse_synonym_lines, split_terms
from .models import SearchGeneration, SearchSynonym

log = logging.getLogger(__name__)

SYNONYMS_FILE = Path(__file__).with_name("data") / "synonyms.txt"
CHECK_INTERVAL = 1.0  # seconds between generation checks in one process
KINDS = ("item", "bundle")
MAX_LIMIT = 50
# Results scoring under this share of the best one matched only on a weak word ("一件事", a department):
# noise to a citizen, so they are left out.
MIN_SCORE_RATIO = 0.15
PLACES_CACHE_SIZE = 50_000


class InvalidSearch(Exception):
    """A query the search cannot run, with a Chinese message naming the parameter."""

    def __init__(self, code: str, message: str, field: str):
        super().__init__(message)
        self.code, self.message, self.field = code, message, field


# --- documents --------------------------------------------------------------------------------------------


@functools.cache
def builtin_synonyms() -> dict[str, list[str]]:
    return parse_synonym_lines(SYNONYMS_FILE.read_text(encoding="utf-8").splitlines())


def load_synonyms() -> Synonyms:
    """The built-in thesaurus merged with the administrators' SearchSynonym rows."""
    mapping: dict[str, list[str]] = {k: list(v) for k, v in builtin_synonyms().items()}
    for phrase, expansion in SearchSynonym.objects.values_list("phrase", "expansion"):
        # One phrase per row; spaces inside it do not matter ("孩子 刚出生" matches "孩子刚出生").
        key = "".join(phrase.split())
        bucket = mapping.setdefault(key, [])
        bucket.extend(w for w in split_terms(expansion) if w not in bucket)
    return Synonyms(mapping)


def _join(*parts: Any) -> str:
    return "\n".join(str(p) for p in parts if p)


def build_documents() -> list[Document]:
    """One document per published implementation (its published version) and per published bundle."""
    published = ItemImplementation.objects.filter(published_version__isnull=False)
    rows = list(
        published.order_by("code").values(
            "code",
            "division_id",
            "department__name",
            "entry_id",
            "entry__name",
            "entry__keywords",
            "entry__aliases",
            "entry__description",
            "published_version_id",
            "published_version__name",
            "published_version__keywords",
            "published_version__aliases",
            "published_version__result_name",
            "published_version__faq",
        )
    )
    bundles = list(
        Bundle.objects.filter(status=Bundle.Status.PUBLISHED)
        .order_by("code")
        .values(
            "id",
            "code",
            "name",
            "division_id",
            "lead_department__name",
            "description",
            "keywords",
            "aliases",
            "life_stage",
        )
    )

    divisions = {
        code: (name, tuple(p for p in path.split("/") if p))
        for code, name, path in Division.objects.filter(
            Q(code__in=Subquery(published.values("division_id")))
            | Q(code__in=Subquery(Bundle.objects.filter(status=Bundle.Status.PUBLISHED).values("division_id")))
        ).values_list("code", "name", "path")
    }
    materials: dict[int, list[str]] = defaultdict(list)
    for version_id, name in (
        MaterialRequirement.objects.filter(version_id__in=Subquery(published.values("published_version_id")))
        .order_by("version_id", "order", "id")
        .values_list("version_id", "name")
    ):
        materials[version_id].append(name)
    themes: dict[int, list[str]] = defaultdict(list)
    through = CatalogueEntry.themes.through
    for entry_id, theme in through.objects.filter(
        catalogueentry_id__in=Subquery(published.values("entry_id"))
    ).values_list("catalogueentry_id", "theme__name"):
        themes[entry_id].append(theme)

    docs: list[Document] = []
    for r in rows:
        region, path = divisions.get(r["division_id"], ("", (r["division_id"],)))
        faq = r["published_version__faq"] or []
        questions = [f.get("q", "") for f in faq if isinstance(f, dict)]
        docs.append(
            Document(
                kind="item",
                group=f"entry:{r['entry_id']}",  # the same catalogue item, wherever it is implemented
                code=r["code"],
                name=r["published_version__name"] or r["entry__name"],
                department=r["department__name"],
                region=region,
                division_path=path,
                fields={
                    "aliases": _join(r["published_version__aliases"], r["entry__aliases"]),
                    "keywords": _join(r["published_version__keywords"], r["entry__keywords"]),
                    "entry_name": r["entry__name"],
                    "result": r["published_version__result_name"],
                    "themes": _join(*themes.get(r["entry_id"], ())),
                    "faq": _join(*questions),
                    "description": r["entry__description"],
                    "department": r["department__name"],
                    "materials": _join(*materials.get(r["published_version_id"], ())),
                },
            )
        )

    bundle_items: dict[int, list[str]] = defaultdict(list)
    for bundle_id, version_name, entry_name in (
        BundleItem.objects.filter(bundle__status=Bundle.Status.PUBLISHED)
        .order_by("bundle_id", "order", "id")
        .values_list("bundle_id", "implementation__published_version__name", "implementation__entry__name")
    ):
        bundle_items[bundle_id].append(version_name or entry_name)
    for b in bundles:
        region, path = divisions.get(b["division_id"], ("", (b["division_id"],)))
        docs.append(
            Document(
                kind="bundle",
                code=b["code"],
                name=b["name"],
                department=b["lead_department__name"],
                region=region,
                division_path=path,
                fields={
                    "aliases": b["aliases"],
                    # "一件事" lets a question asking for a whole matter ("要办哪些") reach bundles.
                    "keywords": _join(b["keywords"], "一件事"),
                    "themes": b["life_stage"],
                    "description": b["description"],
                    "department": b["lead_department__name"],
                    "items": _join(*bundle_items.get(b["id"], ())),
                },
            )
        )
    return docs


def current_generation() -> tuple[int, int]:
    catalogue = CatalogueGeneration.objects.filter(pk=1).values_list("value", flat=True).first() or 0
    search = SearchGeneration.objects.filter(pk=1).values_list("value", flat=True).first() or 0
    return catalogue, search


def build_index() -> SearchIndex:
    return SearchIndex(build_documents(), load_synonyms())


# --- the process-wide index ---------------------------------------------------------------------------------


@dataclass
class _Cached:
    index: SearchIndex
    generation: tuple[int, int]
    checked_at: float
    regions: dict[str, tuple[tuple[str, ...], str]]
    # A folded row's other regions as dicts, by id() of the engine's tuple of them (see _places).
    places: dict[int, tuple[tuple[Document, ...], list[dict[str, Any]]]] = field(default_factory=dict)


class IndexCache:
    """One index per process, rebuilt lazily when a generation moves. Thread-safe; while one thread
    rebuilds, the others keep answering from the previous index."""

    def __init__(self) -> None:
        self._cached: _Cached | None = None
        self._lock = threading.Lock()
        self.builds = 0
        self.last_build_seconds = 0.0

    def invalidate(self) -> None:
        self._cached = None

    def get(self) -> _Cached:
        cached = self._cached
        now = time.monotonic()
        if cached is not None and now - cached.checked_at < CHECK_INTERVAL:
            return cached
        if cached is not None:
            generation = current_generation()
            if generation == cached.generation:
                cached.checked_at = now
                return cached
            if not self._lock.acquire(blocking=False):
                return cached  # another thread is rebuilding; answer from the previous index
        else:
            self._lock.acquire()
        try:
            if self._cached is not None and self._cached is not cached:
                return self._cached  # rebuilt by another thread meanwhile
            generation = current_generation()  # read before the documents: a later publish triggers again
            started = time.perf_counter()
            index = build_index()
            self.last_build_seconds = time.perf_counter() - started
            self.builds += 1
            log.info("search index built: %d documents in %.2fs", len(index), self.last_build_seconds)
            self._cached = _Cached(index, generation, time.monotonic(), {})
            return self._cached
        finally:
            self._lock.release()


index_cache = IndexCache()


def get_index() -> SearchIndex:
    return index_cache.get().index


def invalidate_index() -> None:
    index_cache.invalidate()


# --- queries ----------------------------------------------------------------------------------------------------


def clean_query(q: str | None) -> str:
    text = " ".join((q or "").split())
    if not text:
        raise InvalidSearch("empty_query", "请输入要查找的事项或想办的事，如“孩子刚出生要办什么”。", "q")
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidSearch("query_too_long", f"检索内容不能超过{MAX_QUERY_LENGTH}个字，请精简后再试。", "q")
    if any(ord(c) < 32 for c in text):
        raise InvalidSearch("invalid_query", "检索内容含有无法识别的字符。", "q")
    return text


def resolve_region(code: str | None, cached: _Cached | None = None) -> tuple[tuple[str, ...], str] | None:
    """(division path, name) of a region code; None when no region is given."""
    code = (code or "").strip()
    if not code:
        return None
    error = division_code_error(code)
    if error:
        raise InvalidSearch("invalid_region", f"区划代码“{code[:20]}”无效：{error}。", "region")
    full = code.ljust(12, "0")
    if cached is not None and full in cached.regions:
        return cached.regions[full]
    row = Division.objects.filter(code=full).values_list("path", "name").first()
    if row is None:
        raise InvalidSearch("unknown_region", f"没有找到区划代码为“{code}”的地区。", "region")
    resolved = (tuple(p for p in row[0].split("/") if p), row[1])
    if cached is not None and len(cached.regions) < 10_000:
        cached.regions[full] = resolved
    return resolved


def no_match_message(q: str) -> str:
    return f"没有找到与“{q.strip()[:MAX_QUERY_LENGTH]}”相关的事项。可以换个说法再试，例如只写关键的词：“公积金 提取”“户口 迁移”。"


def _place(doc: Document) -> dict[str, Any]:
    return {"code": doc.code, "name": doc.name, "department": doc.department, "region": doc.region}


def search(
    q: str | None,
    *,
    region: str | None = None,
    kind: str | None = None,
    limit: int = 10,
    distinct: bool = False,
    fold: bool = False,
    near: str | None = None,
) -> list[dict[str, Any]]:
    """Results best first as dicts with kind, code, name, department, region, score (and, folded, ``others``:
    the same item in other regions, as code, name, department, region).

    ``region`` keeps what serves that region; ``fold`` answers one row per item, showing the implementation of
    ``region`` (else ``near``: the searcher's own region) and folding the others under it. Raises
    InvalidSearch for an empty or too long query, a bad or unknown region, kind or limit; an unknown ``near``
    is ignored (it only orders).
    """
    text = clean_query(q)
    if kind is not None and kind not in KINDS:
        raise InvalidSearch("invalid_kind", "类型只能是 item（事项）或 bundle（一件事）。", "kind")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidSearch("invalid_limit", f"返回条数应在1到{MAX_LIMIT}之间。", "limit")
    cached = index_cache.get()
    resolved = resolve_region(region, cached)
    preferred = resolved
    if preferred is None and near:
        try:
            preferred = resolve_region(near, cached)
        except InvalidSearch:
            preferred = None
    hits = cached.index.search(
        text,
        region_path=resolved[0] if resolved else None,
        kind=kind,
        limit=limit,
        distinct=distinct,
        min_score_ratio=MIN_SCORE_RATIO,
        fold=fold,
        prefer_path=preferred[0] if preferred else None,
    )
    out = []
    for h in hits:
        row: dict[str, Any] = {"kind": h.document.kind, **_place(h.document), "score": h.score}
        if fold:
            row["others"] = _places(cached, h.others)
        out.append(row)
    return out


def _places(cached: _Cached, documents: tuple[Document, ...]) -> list[dict[str, Any]]:
    """The place dicts of a folded row's other regions. The engine hands out the same tuple for the same item
    and searcher's region, so its dicts are made once; they are shared between answers: read them, do not
    change them (the page copies them to add its links)."""
    found = cached.places.get(id(documents))
    if found is None or found[0] is not documents:  # the entry holds its tuple: an id is never reused meanwhile
        if len(cached.places) >= PLACES_CACHE_SIZE:
            cached.places.clear()
        found = cached.places[id(documents)] = (documents, [_place(d) for d in documents])
    return list(found[1])


def region_choices() -> list[tuple[str, str]]:
    """Divisions that have published items or bundles, with their ancestors, in tree order, for a filter.
    Labels are indented by level (full-width spaces) so a plain select shows the hierarchy."""
    codes: set[str] = set()
    for doc in get_index().documents:
        codes.update(doc.division_path)
    rows = Division.objects.filter(code__in=codes).order_by("path").values_list("code", "name", "level")
    return [(code, "\u3000" * (level - 1) + name) for code, name, level in rows]
