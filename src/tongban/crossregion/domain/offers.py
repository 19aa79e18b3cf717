"""Which of this node's items it offers to the others, and in which modes (pure; no Django).

An item is offered across regions when its guide's 通办范围 is 跨省通办 or 全省通办 (the directory's
``cross_province`` / ``province``). Every such item can be taken at another region's window (异地代收代办);
those handled fully online (网办深度 Ⅳ) can also be applied for online (全程网办); and those whose guide says
they can be a leg of a 多地联办 (``joint_handling``: matters two offices act on in turn — household moves,
pension and 公积金 transfers, domain.md §3) are offered as legs of a 多地联办 too.
"""

from __future__ import annotations

from dataclasses import dataclass

DIRECTORY_SCOPES = {"national": "cross_province", "province": "province"}
FULL_ONLINE_DEPTH = 4


@dataclass(frozen=True)
class ItemFacts:
    code: str
    name: str
    scope: str  # the guide's 通办范围 (catalogue.vocab.SCOPES)
    online_depth: int
    joint_handling: bool = False  # the guide's 可作为多地联办环节


def offer_of(item: ItemFacts) -> dict | None:
    """The directory's entry for the item, or None if it is not offered to other regions."""
    scope = DIRECTORY_SCOPES.get(item.scope)
    if scope is None:
        return None
    modes = ["proxy"]
    if item.online_depth >= FULL_ONLINE_DEPTH:
        modes.insert(0, "online")
    if item.joint_handling:
        modes.append("joint")
    return {"item_code": item.code, "name": item.name, "scope": scope, "modes": modes}
