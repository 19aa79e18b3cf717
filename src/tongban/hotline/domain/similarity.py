"""Fingerprints of a request's text for finding repeated requests (重复诉求) without a scan (pure; no Django).

A text becomes its set of character bigrams; a MinHash signature of ``BANDS × ROWS`` values estimates the
Jaccard similarity of two sets, and each band of the signature is one key of a locality-sensitive hash: two
texts share a band key with probability 1 − (1 − s^ROWS)^BANDS (s = 0.6: 0.91; s = 0.1: 0.01). The database
keeps the band keys of every order in an indexed table, so the candidates for a new request are a few index
look-ups, then ranked here by the exact similarity of their bigram sets, the same caller and the same place.
"""

from __future__ import annotations

import random
import re
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

BANDS = 12
ROWS = 3
SIZE = BANDS * ROWS
_PRIME = (1 << 61) - 1
_rng = random.Random(12345)  # fixed: band keys stored today must match tomorrow's
_PERMUTATIONS = [(_rng.randrange(1, _PRIME), _rng.randrange(0, _PRIME)) for _ in range(SIZE)]
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)

# Weights of the ranking and the score from which a candidate is suggested.
TEXT_WEIGHT, CALLER_WEIGHT, PLACE_WEIGHT = 0.6, 0.25, 0.15
SUGGEST_FROM = 0.2
MIN_TEXT = 0.05


def normalize(text: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", text).lower())


def shingles(text: str) -> set[str]:
    t = normalize(text)
    if len(t) < 2:
        return {t} if t else set()
    return {t[i : i + 2] for i in range(len(t) - 1)}


def signature(text: str) -> list[int]:
    """The MinHash signature (SIZE values); an empty text has none ([])."""
    hashes = [zlib.crc32(s.encode()) for s in shingles(text)]
    if not hashes:
        return []
    return [min((a * h + b) % _PRIME for h in hashes) for a, b in _PERMUTATIONS]


def band_keys(sig: list[int]) -> list[str]:
    """One key per band: the band's number and a hash of its values."""
    out = []
    for band in range(BANDS if sig else 0):
        values = sig[band * ROWS : (band + 1) * ROWS]
        out.append(f"{band}:{zlib.crc32(','.join(map(str, values)).encode()):08x}")
    return out


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def estimate(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of the two texts' bigram sets."""
    if not a or not b:
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / SIZE


@dataclass(frozen=True)
class Candidate:
    order_id: int
    text: str
    caller: str
    place: str


@dataclass(frozen=True)
class Suggestion:
    order_id: int
    score: float
    text_similarity: float
    same_caller: bool
    same_place: bool


def rank(text: str, caller: str, place: str, candidates: Iterable[Candidate], limit: int = 5) -> list[Suggestion]:
    """Candidates scored by text, caller and place, best first; only those from SUGGEST_FROM that share some
    text (the same caller about something else is not a repeat)."""
    grams = shingles(text)
    out = []
    for c in candidates:
        text_similarity = jaccard(grams, shingles(c.text))
        same_caller = bool(caller) and c.caller == caller
        same_place = bool(place) and c.place == place
        score = TEXT_WEIGHT * text_similarity + CALLER_WEIGHT * same_caller + PLACE_WEIGHT * same_place
        if score >= SUGGEST_FROM and text_similarity >= MIN_TEXT:
            out.append(Suggestion(c.order_id, round(score, 3), round(text_similarity, 3), same_caller, same_place))
    out.sort(key=lambda s: (-s.score, -s.order_id))
    return out[:limit]
