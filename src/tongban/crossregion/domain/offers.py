"""Which of this node's items it offers to the others, and in which modes (pure; no Django).

An item is offered across regions when its guide's 通办范围 is 跨省通办 or 全省通办 (the directory's
``cross_province`` / ``province``). Every such item can be taken at another region's window (异地代收代办);
those handled fully online (网办深度 Ⅳ) can also be applied for online (全程网办); and the matters the national
list handles between two offices in turn — household moves, pension and 公积金 transfers (domain.md §3) — are
offered as legs of a 多地联办 too.
"""

from __future__ import annotations

from dataclasses import dataclass

DIRECTORY_SCOPES = {"national": "cross_province", "province": "province"}
FULL_ONLINE_DEPTH = 4
# The kinds of matter two offices act on in turn (迁出地/迁入地, 转出地/转入地, 购房所在地/缴存地).
JOINT_MATTERS = ("户口迁移", "转移接续", "购房提取住房公积金")


@dataclass(frozen=True)
class ItemFacts:
    code: str
    name: str
    scope: str  # the guide's 通办范围 (catalogue.vocab.SCOPES)
    online_depth: int


def offer_of(item: ItemFacts) -> dict | None:
    """The directory's entry for the item, or None if it is not offered to other regions."""
    scope = DIRECTORY_SCOPES.get(item.scope)
    if scope is None:
        return None
    modes = ["proxy"]
    if item.online_depth >= FULL_ONLINE_DEPTH:
        modes.insert(0, "online")
    if any(matter in item.name for matter in JOINT_MATTERS):
        modes.append("joint")
    return {"item_code": item.code, "name": item.name, "scope": scope, "modes": modes}
