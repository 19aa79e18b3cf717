"""免证办: a material the guide lets an e-licence replace, given as a reference to the holder's licence.

The case domain never imports the licences app (it sits above cases): the licences app registers itself here
as the ``LicenceSource`` (licences/apps.py). A material is *licence-backed* when its guide says a licence can
replace it and names a licence type (by name) the platform's catalogue has: then only a reference to a valid
licence of that type held by the applicant makes it held (identifier + version + content digest kept on the
case's material). A replaceable material naming a type the platform does not issue (居民身份证: the real-name
sign-in stands for it) stays replaced by the platform without a reference, as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from tongban.catalogue.models import LicenceType

from .domain.materials import Held, Missing, missing

if TYPE_CHECKING:
    from tongban.catalogue.models import ImplementationVersion


@dataclass(frozen=True)
class LicenceRef:
    """One version of a licence, as a case records it."""

    identifier: str  # the version's identifier (GB/T 36904; the version number is part of it)
    version: int
    digest: str  # SM3 of the signed content
    name: str
    number: str
    valid_until: str | None  # ISO date; None: 长期


@dataclass(frozen=True)
class LicenceCheck:
    """A licence reference verified again (signature, content digest, status, validity)."""

    verified: bool
    label: str  # 已核验, or the reason it no longer verifies
    reasons: tuple[str, ...] = ()
    face: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    name: str = ""


class LicenceSource(Protocol):
    def valid_held(self, holder_code: str, type_name: str) -> list[LicenceRef]:
        """The holder's licences of that type that are valid today (current versions), newest first."""

    def recheck(self, identifier: str, digest: str) -> LicenceCheck:
        """Verify the referenced version again now: intact, the same content as used, and still valid."""

    def result_ref(self, identifier: str) -> LicenceRef | None:
        """The reference to a licence a case's result made (its current version), if valid."""

    def seen(self, user: Any, case_number: str, identifier: str, outcome: str, ip: str) -> None:
        """Staff saw the licence as this case's material: on the holder's record and the audit chain."""


_source: list[LicenceSource] = []


def register_licence_source(source: LicenceSource) -> None:
    _source[:] = [source]


def source() -> LicenceSource | None:
    return _source[0] if _source else None


def licence_backed(version: ImplementationVersion) -> dict[str, str]:
    """Material name → licence type name, for the replaceable materials whose named type the platform issues."""
    named = {m.name: m.licence_type.strip() for m in version.materials.all() if m.licence_replaceable}
    named = {k: v for k, v in named.items() if v}
    if not named or source() is None:
        return {}
    issued = set(LicenceType.objects.filter(name__in=set(named.values())).values_list("name", flat=True))
    return {k: v for k, v in named.items() if v in issued}


def held_refs(version: ImplementationVersion, holder_code: str) -> dict[str, list[LicenceRef]]:
    """For each licence-backed material, the applicant's valid licences that could replace it."""
    found = source()
    if found is None or not holder_code:
        return {}
    return {name: found.valid_held(holder_code, kind) for name, kind in licence_backed(version).items()}


def lacking(version: ImplementationVersion, held: Iterable[Held]) -> Missing:
    """What the case still lacks of its guide's materials, licence-backed ones counted as the guide says."""
    return missing(version.materials.all(), held, licence_backed(version))
