"""Which of a guide's materials a case still lacks (pure; no Django).

A material counts as held once it was received (a file or a checked paper copy), replaced by an e-licence
(a reference to the holder's licence where the platform issues its type),
arrived as a prerequisite's result, or — for a 容缺后补 material only — promised with the applicant's
commitment (容缺). Acceptance reads this: 受理 says the materials are complete, so it waits for all of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

HELD_STATES = frozenset({"received", "deferred", "replaced", "result"})
REQUIRED, DEFERRABLE = "required", "deferrable"


class Requirement(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def necessity(self) -> str: ...
    @property
    def licence_replaceable(self) -> bool: ...


class Held(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def state(self) -> str: ...


@dataclass(frozen=True)
class Missing:
    required: tuple[str, ...]  # 必要 materials: nothing but the material itself will do
    deferrable: tuple[str, ...]  # 容缺后补 materials: may be promised instead (容缺受理)

    @property
    def all(self) -> tuple[str, ...]:
        return self.required + self.deferrable

    def __bool__(self) -> bool:
        return bool(self.required or self.deferrable)


def missing(requirements: Iterable[Requirement], held: Iterable[Held], licence_backed: Iterable[str] = ()) -> Missing:
    """``licence_backed``: the replaceable materials that only a licence reference (or the material) makes
    held; other replaceable ones the platform replaces by itself (the real-name sign-in for an ID card)."""
    have = {m.name for m in held if m.state in HELD_STATES}
    backed = set(licence_backed)
    lacking = [r for r in requirements if (not r.licence_replaceable or r.name in backed) and r.name not in have]
    return Missing(
        tuple(r.name for r in lacking if r.necessity == REQUIRED),
        tuple(r.name for r in lacking if r.necessity == DEFERRABLE),
    )
