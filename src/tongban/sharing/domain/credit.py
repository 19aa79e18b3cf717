"""Credit measures (信用联合奖惩): what an applicant's standing in the credit base means for an item (pure).

The list of measures says, for a standing (守信 / 失信) and an item (or every item), which green channel
applies (容缺受理, 告知承诺, 优先办理) or which restriction (不适用容缺, 不适用告知承诺, 重点审查). An item's own
measures replace the general ones for that standing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Standing(StrEnum):
    GOOD = "good"
    DISHONEST = "dishonest"
    NONE = "none"  # no line in the credit base


class Measure(StrEnum):
    DEFERRAL = "deferral"  # 容缺受理
    COMMITMENT = "commitment"  # 告知承诺
    PRIORITY = "priority"  # 优先办理
    NO_DEFERRAL = "no_deferral"  # 不适用容缺受理
    NO_COMMITMENT = "no_commitment"  # 不适用告知承诺
    STRICT_REVIEW = "strict_review"  # 依法重点审查


MEASURE_LABELS = {
    Measure.DEFERRAL: "可容缺受理",
    Measure.COMMITMENT: "可适用告知承诺",
    Measure.PRIORITY: "优先办理",
    Measure.NO_DEFERRAL: "不适用容缺受理",
    Measure.NO_COMMITMENT: "不适用告知承诺",
    Measure.STRICT_REVIEW: "依法重点审查",
}
RESTRICTIONS = frozenset({Measure.NO_DEFERRAL, Measure.NO_COMMITMENT, Measure.STRICT_REVIEW})


@dataclass(frozen=True)
class Line:
    standing: Standing
    measure: Measure
    item_code: str = ""  # "" : every item


def applicable(standing: Standing, item_code: str, lines: Iterable[Line]) -> list[Measure]:
    """The measures for this standing and item: the item's own lines if it has any, else the general ones."""
    for_standing = [line for line in lines if line.standing is standing]
    own = [line.measure for line in for_standing if line.item_code and line.item_code == item_code]
    chosen = own or [line.measure for line in for_standing if not line.item_code]
    return list(dict.fromkeys(chosen))
