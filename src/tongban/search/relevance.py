"""The relevance set (citizens' questions → expected catalogue names) and its metrics. Pure module."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .engine import normalize

DATA_FILE = Path(__file__).with_name("data") / "relevance.json"
_SUFFIXES = ("一件事一次办", "一件事", "一次办")


@dataclass(frozen=True)
class Question:
    q: str
    expected: tuple[str, ...]
    set: str = "dev"


@dataclass
class Outcome:
    question: Question
    names: list[str]  # result names, best first
    rank: int | None  # 1-based rank of the first expected name, None when absent


@dataclass
class Report:
    outcomes: list[Outcome]

    def _subset(self, which: str | None) -> list[Outcome]:
        return [o for o in self.outcomes if which is None or o.question.set == which]

    def top_k(self, k: int, which: str | None = None) -> float:
        subset = self._subset(which)
        return sum(1 for o in subset if o.rank is not None and o.rank <= k) / len(subset) if subset else 0.0

    def mrr(self, which: str | None = None) -> float:
        subset = self._subset(which)
        return sum(1.0 / o.rank for o in subset if o.rank) / len(subset) if subset else 0.0

    def misses(self, k: int = 3) -> list[Outcome]:
        return [o for o in self.outcomes if o.rank is None or o.rank > k]

    def summary(self) -> str:
        lines = []
        for which, label in ((None, "全部 all"), ("dev", "dev"), ("holdout", "holdout")):
            n = len(self._subset(which))
            if n:
                lines.append(
                    f"{label:10s} n={n:3d}  top1={self.top_k(1, which):.3f}  top3={self.top_k(3, which):.3f}"
                    f"  mrr={self.mrr(which):.3f}"
                )
        return "\n".join(lines)


def load_questions(path: Path = DATA_FILE) -> list[Question]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [Question(q["q"], tuple(q["expected"]), q.get("set", "dev")) for q in data["questions"]]


def load_unrelated(path: Path = DATA_FILE) -> list[str]:
    """Questions nothing in the catalogue answers: a good search says so rather than list something."""
    return list(json.loads(path.read_text(encoding="utf-8")).get("unrelated", []))


def answered_unrelated(questions: Sequence[str], search: Callable[[str], list[str]]) -> dict[str, list[str]]:
    """The unrelated questions that got results anyway, with what they got (empty: all answered "nothing")."""
    return {q: names for q in questions if (names := search(q))}


def _core(name: str) -> str:
    name = normalize(name).replace(" ", "")
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def name_matches(result_name: str, expected: str) -> bool:
    """Equal after dropping a bundle suffix, or (for names of 5+ characters) one contains the other, since
    demo names may add a qualifier. Short names must be equal: "退休" must not match "正常退休提取住房公积金"."""
    a, b = _core(result_name), _core(expected)
    return a == b or (len(b) >= 5 and b in a) or (len(a) >= 5 and a in b)


def evaluate(questions: Sequence[Question], search: Callable[[str], list[str]], depth: int = 10) -> Report:
    """Run each question through ``search`` (returns result names best first) and rank the expected names."""
    outcomes = []
    for question in questions:
        names = search(question.q)[:depth]
        rank = next((i + 1 for i, n in enumerate(names) if any(name_matches(n, e) for e in question.expected)), None)
        outcomes.append(Outcome(question, names, rank))
    return Report(outcomes)
