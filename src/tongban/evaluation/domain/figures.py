"""The published figures of one group of ratings (a department, an item, a centre, a window, a clerk).

满意率: the share of ratings not bad (非常满意, 满意, 基本满意). 差评整改率: the share of bad ratings put right or
explained. 回访率: the share of named bad ratings whose applicant was reached by a call-back. Ratings a
supervisor excluded after an appeal count nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .scale import LEVELS, Level, is_bad


@dataclass(frozen=True)
class Counts:
    """What the database counts for one group (excluded ratings already left out)."""

    per_level: dict[int, int] = field(default_factory=dict)
    rectified: int = 0  # bad ratings put right at once, by a deadline, or explained
    named_bad: int = 0  # bad ratings whose rater is known (a call-back is owed)
    called_back: int = 0  # of those, reached by a call-back


def rate(part: int, whole: int) -> float | None:
    """part / whole as a percentage with one decimal; None when there is nothing to divide."""
    if whole <= 0:
        return None
    return round(100.0 * part / whole, 1)


@dataclass(frozen=True)
class Figures:
    total: int
    per_level: dict[Level, int]
    bad: int
    satisfaction_rate: float | None
    rectification_rate: float | None
    callback_rate: float | None


def figures_of(counts: Counts) -> Figures:
    per_level = {level: int(counts.per_level.get(int(level), 0)) for level in LEVELS}
    total = sum(per_level.values())
    bad = sum(n for level, n in per_level.items() if is_bad(level))
    return Figures(
        total=total,
        per_level=per_level,
        bad=bad,
        satisfaction_rate=rate(total - bad, total),
        rectification_rate=rate(counts.rectified, bad),
        callback_rate=rate(counts.called_back, counts.named_bad),
    )


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"
