"""Plain-words search over the service catalogue: tokenizer, query expansion and a BM25F index.

Pure module (no Django): ``selectors.py`` builds ``Document`` objects from the database and keeps one
``SearchIndex`` per process. A query costs one segmentation and a few numpy array additions.

Ranking is BM25F: per term, the field frequencies of a document are weighted (name ≫ aliases/keywords ≫
description …), length-normalised per field, summed, then saturated once. Each term's contribution to each
document is precomputed at build time, so scoring a query is ``scores[docs] += weight * contributions``.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
import threading
import unicodedata
from array import array
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import jieba
import numpy as np

# --- tuning ---------------------------------------------------------------------------------------------

K1 = 1.2
# field -> (weight, length-normalisation b)
FIELDS: dict[str, tuple[float, float]] = {
    "name": (5.0, 0.5),
    "aliases": (4.0, 0.3),
    "keywords": (3.0, 0.3),
    "entry_name": (2.0, 0.5),
    "items": (1.2, 0.75),  # a bundle's item names
    "result": (1.0, 0.5),
    "themes": (0.8, 0.5),
    "faq": (0.6, 0.75),
    "description": (0.6, 0.75),
    "department": (0.5, 0.5),
    "materials": (0.3, 0.75),
}
NGRAM_FIELDS = ("name", "aliases", "keywords")  # character bigrams are indexed from these only
NGRAM_PREFIX = "\u0001"  # keeps bigram terms apart from words

WORD_WEIGHT = 1.0
SINGLE_CHAR_WEIGHT = 0.3
EXPANSION_WEIGHT = 0.9
NGRAM_WEIGHT = 0.25

MAX_QUERY_LENGTH = 100
# Bounds of the memoised query analyses and folded "other regions" lists of one index.
ANALYZED_CACHE_SIZE = 20_000
OTHERS_CACHE_SIZE = 50_000

# Question words and fillers citizens wrap around what they mean. Dropped from queries and documents.
_STOPWORD_TEXT = """
    要 办 办理 去 想 我 我要 我想 想要 想办 我们 你 你们 他 她 它 的 地 得 了 着 过 吗 呢 吧 啊 呀 哦 嘛 么 是 有 没有 在 和 与 及 或 或者
    什么 啥 怎么 怎么样 怎样 咋 如何 哪里 哪儿 哪 哪些 哪个 多久 多少 几 几天 能 能不能 可以 可不可以 需要 要不要
    应该 该 得到 给 把 被 让 对 向 从 到 就 都 也 还 又 再 才 很 刚 刚刚 已经 一下 一个 个 这个 那个 这 那 请问 请
    问 一 下 上 手续 流程 程序 材料 资料 办事 事情 东西 自己 时候 之后 以后 后 前 里 中 等 相关 有关 关于
    需 要求 能否 是否 为什么 为何 怎么办 咨询 一般 大概 具体 所 之 其 ？ ? 。 ， , ！ ! 、 ； ; ： : （ ） ( )
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_NON_TEXT = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")
_SEPARATORS = re.compile(r"[\s,，、;；/|]+")

log = logging.getLogger(__name__)


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, collapsed spaces."""
    return " ".join(unicodedata.normalize("NFKC", text or "").lower().split())


def split_terms(text: str) -> list[str]:
    """Split an administrator-maintained list ("a b, c、d") into its terms."""
    return [t for t in _SEPARATORS.split(text or "") if t]


# --- tokenizer ------------------------------------------------------------------------------------------

_jieba_lock = threading.Lock()
_jieba_tokenizer: jieba.Tokenizer | None = None


def _shared_jieba() -> jieba.Tokenizer:
    global _jieba_tokenizer
    if _jieba_tokenizer is None:
        with _jieba_lock:
            if _jieba_tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                _jieba_tokenizer = tokenizer
    return _jieba_tokenizer


class Tokenizer:
    """jieba segmentation for search: each word plus its dictionary sub-words ("住房公积金" → 住房, 公积金 …).

    jieba's own ``cut_for_search`` only emits 2- and 3-character sub-words; this emits every dictionary
    sub-word, so "养老保险" still matches inside a long item name added as a user word. Stopwords and
    punctuation are dropped. Results are memoised per text.
    """

    def __init__(self, jieba_tokenizer: jieba.Tokenizer | None = None, cache_size: int = 50_000):
        self._jieba = jieba_tokenizer or _shared_jieba()
        self._cache: OrderedDict[str, tuple[str, ...]] = OrderedDict()
        self._cache_size = cache_size
        self._sub_cache: dict[str, tuple[str, ...]] = {}
        self._lock = threading.Lock()

    def add_words(self, words: Iterable[str]) -> int:
        """Add catalogue names as user words (so a name typed in full stays one token). Returns the count."""
        freq = self._jieba.FREQ
        added = 0
        with _jieba_lock:
            for word in words:
                word = normalize(word).replace(" ", "")
                if len(word) < 2 or len(word) > 40 or freq.get(word):
                    continue
                self._jieba.add_word(word, freq=max(self._jieba.suggest_freq(word, tune=False), 10))
                added += 1
        if added:
            with self._lock:
                self._cache.clear()
                self._sub_cache.clear()
        return added

    def _subwords(self, word: str) -> tuple[str, ...]:
        cached = self._sub_cache.get(word)
        if cached is not None:
            return cached
        freq = self._jieba.FREQ
        found: list[str] = []
        n = len(word)
        if n > 2:
            for size in range(2, n):
                for start in range(0, n - size + 1):
                    piece = word[start : start + size]
                    if freq.get(piece) and piece not in STOPWORDS:
                        found.append(piece)
        result = tuple(found)
        if len(self._sub_cache) < 200_000:
            self._sub_cache[word] = result
        return result

    def _segment(self, text: str) -> tuple[str, ...]:
        tokens: list[str] = []
        for chunk in _NON_TEXT.split(text):
            if not chunk:
                continue
            words = self._jieba.lcut(chunk, HMM=False)
            # HMM finds words missing from the dictionary ("刚出生"); keep them as extra tokens.
            known = set(words)
            extra = [w for w in self._jieba.lcut(chunk, HMM=True) if w not in known and len(w) > 1]
            for word in [*words, *extra]:
                if word in STOPWORDS:
                    continue
                tokens.append(word)
                tokens.extend(self._subwords(word))
        return tuple(tokens)

    def tokens(self, text: str) -> tuple[str, ...]:
        text = normalize(text)
        if not text:
            return ()
        with self._lock:
            cached = self._cache.get(text)
        if cached is not None:
            return cached
        result = self._segment(text)
        with self._lock:
            self._cache[text] = result
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return result

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()


def char_bigrams(text: str, tokenizer: Tokenizer | None = None) -> list[str]:
    """Character bigrams of each run of text (stopwords removed first when a tokenizer is given)."""
    text = normalize(text)
    runs: list[str] = []
    for chunk in _NON_TEXT.split(text):
        if not chunk:
            continue
        if tokenizer is None:
            runs.append(chunk)
            continue
        # Split the run at stopwords so "要办什么" adds no bigram.
        current = ""
        for word in tokenizer._jieba.lcut(chunk, HMM=False):
            if word in STOPWORDS:
                if current:
                    runs.append(current)
                current = ""
            else:
                current += word
        if current:
            runs.append(current)
    grams: list[str] = []
    for run in runs:
        if len(run) == 1:
            continue
        grams.extend(NGRAM_PREFIX + run[i : i + 2] for i in range(len(run) - 1))
    return grams


# --- synonyms ---------------------------------------------------------------------------------------------


class Synonyms:
    """Citizens' phrases and the catalogue words they mean. A phrase matches as a substring of the query."""

    def __init__(self, mapping: Mapping[str, Iterable[str]] | None = None):
        merged: dict[str, list[str]] = {}
        for phrase, expansion in (mapping or {}).items():
            key = normalize(phrase).replace(" ", "")
            if not key:
                continue
            words = [normalize(w) for w in (split_terms(expansion) if isinstance(expansion, str) else expansion)]
            bucket = merged.setdefault(key, [])
            bucket.extend(w for w in words if w and w not in bucket)
        # Longest phrases first so reports read naturally; every matching phrase applies.
        self.mapping: dict[str, tuple[str, ...]] = {
            k: tuple(v) for k, v in sorted(merged.items(), key=lambda kv: (-len(kv[0]), kv[0])) if v
        }

    def __len__(self) -> int:
        return len(self.mapping)

    def matches(self, query: str) -> list[tuple[str, tuple[str, ...]]]:
        """Phrases found in the query, longest first. A phrase inside a longer matched phrase is skipped
        ("社保卡" means the card, not "社保")."""
        compact = normalize(query).replace(" ", "")
        found: list[tuple[str, tuple[str, ...]]] = []
        for phrase, words in self.mapping.items():
            if phrase in compact and not any(phrase in longer for longer, _ in found):
                found.append((phrase, words))
        return found

    def expand(self, query: str) -> list[str]:
        out: list[str] = []
        for _phrase, words in self.matches(query):
            out.extend(w for w in words if w not in out)
        return out


def parse_synonym_lines(lines: Iterable[str]) -> dict[str, list[str]]:
    """Parse ``phrase[,phrase…] => word word …`` lines (``#`` starts a comment)."""
    mapping: dict[str, list[str]] = {}
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if "=>" not in line:
            raise ValueError(f"同义词行缺少“=>”：{raw.strip()}")
        left, right = line.split("=>", 1)
        words = split_terms(right)
        for phrase in split_terms(left):
            bucket = mapping.setdefault(phrase, [])
            bucket.extend(w for w in words if w not in bucket)
    return mapping


# --- documents and index ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    kind: str  # "item" | "bundle"
    code: str
    name: str
    department: str
    region: str  # division name
    division_path: tuple[str, ...]  # division codes, root first; the last one is the document's division
    fields: Mapping[str, str] = field(default_factory=dict)
    # The same thing in other regions shares a group (an item: its catalogue entry); "" means kind and name.
    group: str = ""

    @property
    def division(self) -> str:
        return self.division_path[-1] if self.division_path else ""

    @property
    def group_key(self) -> str:
        return self.group or f"{self.kind}:{self.name}"


@dataclass(frozen=True)
class Hit:
    document: Document
    score: float
    # Folded searches: the same item (or bundle) where other regions implement it, the searcher's region first.
    others: tuple[Document, ...] = ()


@dataclass
class AnalyzedQuery:
    text: str
    terms: dict[str, float]  # term -> query weight
    synonyms: list[str]  # phrases that matched


class SearchIndex:
    """An immutable BM25F index over documents. Build once, query from many threads."""

    def __init__(
        self,
        documents: Sequence[Document],
        synonyms: Synonyms | None = None,
        tokenizer: Tokenizer | None = None,
        user_words: Iterable[str] = (),
    ):
        self.documents: list[Document] = list(documents)
        self.synonyms = synonyms or Synonyms()
        self.tokenizer = tokenizer or Tokenizer()
        words = {d.name for d in self.documents}
        for d in self.documents:
            words.update(split_terms(d.fields.get("aliases", "")))
        words.update(user_words)
        self.tokenizer.add_words(sorted(words))
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._build()
        n = len(self.documents)
        self._kind_masks = {
            kind: np.fromiter((d.kind == kind for d in self.documents), dtype=bool, count=n)
            for kind in ("item", "bundle")
        }
        self._division_docs: dict[str, list[int]] = {}
        self._subtree_docs: dict[str, list[int]] = {}
        self._groups: dict[str, list[int]] = {}
        self._group_keys = [d.group_key for d in self.documents]  # by document, read per candidate
        for i, d in enumerate(self.documents):
            self._division_docs.setdefault(d.division, []).append(i)
            for code in d.division_path:
                self._subtree_docs.setdefault(code, []).append(i)
            self._groups.setdefault(self._group_keys[i], []).append(i)
        self._region_masks: OrderedDict[tuple[str, ...], np.ndarray] = OrderedDict()
        self._mask_lock = threading.Lock()
        # What a query's text means does not change while the index lives, nor does an item's list of other
        # regions for one searcher's region: both are memoised (bounded), as the tokenizer memoises words.
        self._analyzed: OrderedDict[str, AnalyzedQuery] = OrderedDict()
        self._others: dict[tuple[str, tuple[str, ...], int], tuple[Document, ...]] = {}
        self._cache_lock = threading.Lock()

    # building

    def _build(self) -> None:
        term_ids: dict[str, int] = {}
        # Compact arrays, not lists: 10,000 documents make millions of (term, doc, tf) rows.
        rows_term = array("q")
        rows_doc = array("q")
        rows_tf = array("d")
        field_names = list(FIELDS)
        n = len(self.documents)
        lengths = np.zeros((len(field_names) + 1, n), dtype=np.float32)
        per_field_counts: list[list[tuple[int, Counter]]] = []  # per doc: (field index, term counts)
        token_cache: dict[str, Counter] = {}

        def counts(text: str, ngrams: bool) -> Counter:
            key = ("\u0002" if ngrams else "") + text
            c = token_cache.get(key)
            if c is None:
                c = Counter(char_bigrams(text)) if ngrams else Counter(self.tokenizer.tokens(text))
                token_cache[key] = c
            return c

        ngram_index = len(field_names)
        for di, doc in enumerate(self.documents):
            doc_counts: list[tuple[int, Counter]] = []
            for fi, fname in enumerate(field_names):
                text = doc.name if fname == "name" else doc.fields.get(fname, "")
                if fname == "department" and not text:
                    text = doc.department
                if not text:
                    continue
                c = counts(text, False)
                if c:
                    doc_counts.append((fi, c))
                    lengths[fi, di] = sum(c.values())
            ngram_text = " ".join([doc.name, *(doc.fields.get(f, "") for f in NGRAM_FIELDS if f != "name")])
            c = counts(ngram_text, True)
            if c:
                doc_counts.append((ngram_index, c))
                lengths[ngram_index, di] = sum(c.values())
            per_field_counts.append(doc_counts)

        avg = np.where(lengths.sum(axis=1) > 0, lengths.sum(axis=1) / np.maximum((lengths > 0).sum(axis=1), 1), 1.0)
        weights = [FIELDS[f][0] for f in field_names] + [1.0]
        bs = [FIELDS[f][1] for f in field_names] + [0.5]
        for di, doc_counts in enumerate(per_field_counts):
            for fi, c in doc_counts:
                norm = weights[fi] / (1.0 - bs[fi] + bs[fi] * float(lengths[fi, di]) / float(avg[fi]))
                for term, tf in c.items():
                    tid = term_ids.get(term)
                    if tid is None:
                        tid = term_ids[term] = len(term_ids)
                    rows_term.append(tid)
                    rows_doc.append(di)
                    rows_tf.append(tf * norm)
        self.term_count = len(term_ids)
        if not rows_term:
            return
        t = np.frombuffer(rows_term, dtype=np.int64)
        d = np.frombuffer(rows_doc, dtype=np.int64)
        weighted = np.frombuffer(rows_tf, dtype=np.float64)
        # Sum a term's weighted frequencies across fields of one document (BM25F), then saturate once.
        key = t * max(n, 1) + d
        order = np.argsort(key, kind="stable")
        key, weighted = key[order], weighted[order]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        tf_sum = np.add.reduceat(weighted, starts)
        ukey = key[starts]
        uterm, udoc = ukey // max(n, 1), ukey % max(n, 1)
        df = np.bincount(uterm, minlength=len(term_ids))
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
        contrib = (idf[uterm] * tf_sum * (K1 + 1.0) / (tf_sum + K1)).astype(np.float32)
        bounds = np.flatnonzero(np.r_[True, uterm[1:] != uterm[:-1], True])
        id_terms = {v: k for k, v in term_ids.items()}
        udoc32 = udoc.astype(np.int32)
        for s, e in itertools.pairwise(bounds):
            self._postings[id_terms[int(uterm[s])]] = (udoc32[s:e], contrib[s:e])

    # querying

    def analyze(self, query: str) -> AnalyzedQuery:
        text = normalize(query)
        with self._cache_lock:
            analyzed = self._analyzed.get(text)
        if analyzed is None:
            analyzed = self._analyze(text)
            with self._cache_lock:
                self._analyzed[text] = analyzed
                if len(self._analyzed) > ANALYZED_CACHE_SIZE:
                    self._analyzed.popitem(last=False)
        return analyzed

    def clear_query_cache(self) -> None:
        """Forget the analysed queries and the tokenizer's words (the bench's cold figure)."""
        with self._cache_lock:
            self._analyzed.clear()
        self.tokenizer.clear_cache()

    def _analyze(self, text: str) -> AnalyzedQuery:
        terms: dict[str, float] = {}

        def put(term: str, weight: float) -> None:
            if weight > terms.get(term, 0.0):
                terms[term] = weight

        for token in self.tokenizer.tokens(text):
            put(token, WORD_WEIGHT if len(token) > 1 else SINGLE_CHAR_WEIGHT)
        matched = self.synonyms.matches(text)
        for _phrase, words in matched:
            for word in words:
                for token in self.tokenizer.tokens(word):
                    put(token, EXPANSION_WEIGHT if len(token) > 1 else SINGLE_CHAR_WEIGHT)
        for gram in char_bigrams(text, self.tokenizer):
            put(gram, NGRAM_WEIGHT)
        return AnalyzedQuery(text=text, terms=terms, synonyms=[p for p, _ in matched])

    def scores(self, analyzed: AnalyzedQuery) -> np.ndarray:
        scores = np.zeros(len(self.documents), dtype=np.float32)
        for term, weight in analyzed.terms.items():
            posting = self._postings.get(term)
            if posting is not None:
                docs, contrib = posting
                scores[docs] += weight * contrib
        return scores

    def region_mask(self, region_path: Sequence[str]) -> np.ndarray:
        """Documents serving a region: those of the region, of its ancestors and of its descendants."""
        key = tuple(region_path)
        with self._mask_lock:
            mask = self._region_masks.get(key)
            if mask is not None:
                self._region_masks.move_to_end(key)
                return mask
        mask = np.zeros(len(self.documents), dtype=bool)
        if key:
            mask[self._subtree_docs.get(key[-1], [])] = True
            for ancestor in key[:-1]:
                mask[self._division_docs.get(ancestor, [])] = True
        mask.setflags(write=False)
        with self._mask_lock:
            self._region_masks[key] = mask
            if len(self._region_masks) > 512:
                self._region_masks.popitem(last=False)
        return mask

    def matching_mask(self, analyzed: AnalyzedQuery) -> np.ndarray | None:
        """Documents sharing a word with the query (a dictionary word or a synonym's expansion, not a single
        character or a character pair alone); None when the query has no such word (one character: "房")."""
        words = [t for t, w in analyzed.terms.items() if w >= EXPANSION_WEIGHT]
        if not words:
            return None
        mask = np.zeros(len(self.documents), dtype=bool)
        postings = [p[0] for t in words if (p := self._postings.get(t)) is not None]
        if postings:
            mask[np.concatenate(postings)] = True
        return mask

    def search(
        self,
        query: str,
        *,
        region_path: Sequence[str] | None = None,
        kind: str | None = None,
        limit: int = 10,
        distinct: bool = False,
        min_score_ratio: float = 0.0,
        fold: bool = False,
        prefer_path: Sequence[str] | None = None,
    ) -> list[Hit]:
        """Best documents first. Only documents that share a word with the query count: a query matching
        nothing answers nothing, rather than items that merely share a character with it.

        ``fold`` answers one row per item (``Document.group``): the implementation serving ``prefer_path``
        (the searcher's region) if one matched, else the best; the item's other implementations are folded
        under it (``Hit.others``). ``distinct`` keeps only the best document of each (kind, name).
        ``min_score_ratio`` drops documents scoring below that share of the best score (the tail matched by
        one weak word)."""
        analyzed = self.analyze(query)
        if not analyzed.terms or not self.documents:
            return []
        scores = self.scores(analyzed)
        matching = self.matching_mask(analyzed)
        # Scores are positive: multiplying by a mask zeroes what it leaves out, without a negated copy.
        if matching is not None:
            scores *= matching
        if region_path is not None:
            scores *= self.region_mask(region_path)
        if kind is not None:
            mask = self._kind_masks.get(kind)
            if mask is None:
                raise ValueError(f"unknown kind {kind!r}")
            scores *= mask
        floor = float(scores.max()) * min_score_ratio if min_score_ratio > 0 else 0.0
        if fold:
            return self._folded(scores, limit, floor, prefer_path)
        return self._top(scores, limit, distinct, floor)

    def _folded(self, scores: np.ndarray, limit: int, floor: float, prefer_path: Sequence[str] | None) -> list[Hit]:
        candidates = np.flatnonzero(scores > floor)
        if candidates.size == 0 or limit <= 0:
            return []
        # The best document of each of the first ``limit`` groups, widening the window like _top.
        want = limit * 4
        while True:
            chosen = candidates
            if candidates.size > want:
                chosen = candidates[np.argpartition(-scores[candidates], want - 1)[:want]]
            chosen = chosen[np.lexsort((chosen, -scores[chosen]))]
            best: dict[str, int] = {}
            group_keys = self._group_keys
            for i in chosen.tolist():
                key = group_keys[i]
                if key not in best:
                    best[key] = i
                    if len(best) == limit:
                        break
            if len(best) == limit or chosen.size == candidates.size:
                break
            want *= 4
        prefer = tuple(prefer_path) if prefer_path else ()
        preferred = self.region_mask(prefer) if prefer else None
        hits: list[Hit] = []
        for key, top in best.items():
            shown = top
            if preferred is not None and not preferred[top]:
                # The implementation serving the searcher's region, if it matched too (its best one).
                local = [i for i in self._groups[key] if preferred[i] and scores[i] > floor]
                if local:
                    shown = max(local, key=lambda i: (float(scores[i]), -i))
            hits.append(Hit(self.documents[shown], round(float(scores[top]), 4), self._others_of(key, prefer, shown)))
        return hits

    def _others_of(self, key: str, prefer: tuple[str, ...], shown: int) -> tuple[Document, ...]:
        """The group's documents but ``shown``, those serving ``prefer`` first, else in build order."""
        cache_key = (key, prefer, shown)
        others = self._others.get(cache_key)
        if others is not None:
            return others
        members = [i for i in self._groups[key] if i != shown]
        if prefer:
            preferred = self.region_mask(prefer)
            members.sort(key=lambda i: not preferred[i])  # stable
        others = tuple(self.documents[i] for i in members)
        with self._cache_lock:
            if len(self._others) >= OTHERS_CACHE_SIZE:
                self._others.clear()
            self._others[cache_key] = others
        return others

    def _top(self, scores: np.ndarray, limit: int, distinct: bool = False, floor: float = 0.0) -> list[Hit]:
        candidates = np.flatnonzero(scores > floor)
        if candidates.size == 0 or limit <= 0:
            return []
        want = limit * 4 if distinct else limit
        while True:
            chosen = candidates
            if candidates.size > want:
                chosen = candidates[np.argpartition(-scores[candidates], want - 1)[:want]]
            # Best first; ties keep build order so results are stable.
            chosen = chosen[np.lexsort((chosen, -scores[chosen]))]
            if not distinct:
                return [Hit(self.documents[int(i)], round(float(scores[i]), 4)) for i in chosen]
            hits: list[Hit] = []
            seen: set[tuple[str, str]] = set()
            for i in chosen:
                doc = self.documents[int(i)]
                if (doc.kind, doc.name) not in seen:
                    seen.add((doc.kind, doc.name))
                    hits.append(Hit(doc, round(float(scores[i]), 4)))
                    if len(hits) == limit:
                        return hits
            if chosen.size == candidates.size:
                return hits
            want *= 4

    def __len__(self) -> int:
        return len(self.documents)


def naive_search(
    documents: Sequence[Document], tokenized: Sequence[Mapping[str, Counter]], analyzed: AnalyzedQuery, limit: int = 10
) -> list[tuple[int, float]]:
    """Reference scorer for the bench: weighted term frequency by linear scan, no precomputation."""
    results: list[tuple[int, float]] = []
    for i, fields_counts in enumerate(tokenized):
        score = 0.0
        for fname, counts in fields_counts.items():
            weight = FIELDS.get(fname, (1.0, 0.0))[0]
            for term, qw in analyzed.terms.items():
                tf = counts.get(term)
                if tf:
                    score += qw * weight * math.log1p(tf)
        if score > 0:
            results.append((i, score))
    results.sort(key=lambda r: (-r[1], r[0]))
    return results[:limit]
