"""免证办 in the case: a licence-backed material given as a reference to the applicant's own licence (which
version: identifier, version number, content digest), checked valid when given and again at submission; the
clerk's page checks it once more (``check_material``) and shows 已核验 with the face, or why not."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from tongban.catalogue.models import ImplementationVersion
from tongban.core.errors import DomainError

from ..domain import policy
from ..domain.workflow import CaseAction, CaseStatus
from ..facts import case_facts, version_of
from ..licence_refs import LicenceCheck, LicenceRef, held_refs, licence_backed, source
from ..models import Case, CaseMaterial
from .context import Ctx
from .files import discard_after_commit
from .perform import Outcome, perform, raise_denied

A = CaseAction
REPLACED = CaseMaterial.State.REPLACED


def licence_material(case: Case, name: str, ref: LicenceRef) -> CaseMaterial:
    return CaseMaterial(
        case=case,
        name=name,
        state=REPLACED,
        licence_identifier=ref.identifier,
        licence_version=ref.version,
        licence_digest=ref.digest,
    )


def _chosen(version: ImplementationVersion, holder_code: str, name: str, identifier: str) -> LicenceRef:
    backed = licence_backed(version)
    if name not in backed:
        raise DomainError("not_licence_backed", f"“{name}”不能以电子证照代替", "licences")
    offered = held_refs(version, holder_code).get(name, [])
    wanted = identifier.strip().upper()
    for ref in offered:
        if ref.identifier == wanted:
            return ref
    raise DomainError(
        "licence_not_held", f"所选电子证照不是申请人持有的有效“{backed[name]}”，请重新选择或上传“{name}”", "licences"
    )


def licence_materials(
    version: ImplementationVersion, holder_code: str, chosen: Mapping[str, str]
) -> dict[str, LicenceRef]:
    """Material name → the applicant's licence chosen for it, each checked valid and theirs now."""
    return {name: _chosen(version, holder_code, name, ident) for name, ident in chosen.items() if ident.strip()}


def window_licences(version: ImplementationVersion, holder_code: str, names: Iterable[str]) -> dict[str, LicenceRef]:
    """At the window, the applicant present consents: their newest valid licence for each named material."""
    backed = licence_backed(version)
    offered = held_refs(version, holder_code)
    out: dict[str, LicenceRef] = {}
    for name in names:
        if name not in backed:
            raise DomainError("not_licence_backed", f"“{name}”不能以电子证照代替", "licence_materials")
        if not offered.get(name):
            raise DomainError(
                "licence_not_held", f"申请人没有有效的电子“{backed[name]}”，请收取“{name}”纸质材料", "licence_materials"
            )
        out[name] = offered[name][0]
    return out


def use_licence(ctx: Ctx, case: Case, name: str, identifier: str) -> CaseMaterial:
    """The applicant gives their licence instead of a file for ``name`` (a draft, or what a return for correction
    names): the same rule as an upload says who may, and what was there before goes."""
    denied = policy.material_denial(ctx.actor, case_facts(case), name)
    if denied is not None:
        raise_denied(denied, "licences")
    ref = _chosen(version_of(case), case.applicant_id_number, name, identifier)
    material = licence_material(case, name, ref)

    def store(c: Case) -> Outcome:
        previous = list(CaseMaterial.objects.filter(case=c, name=name, state__in=["received", "missing", "replaced"]))
        CaseMaterial.objects.filter(pk__in=[p.pk for p in previous]).delete()
        material.case = c
        material.save()
        for old in previous:
            discard_after_commit(old.file.name)
        record = {
            "material": name,
            "licence": {"identifier": ref.identifier, "version": ref.version, "digest": ref.digest},
        }
        return Outcome(reason=f"以电子证照代替“{name}”", data=record, audit=record)

    if case.status == CaseStatus.DRAFT:
        with transaction.atomic():
            store(case)
    else:
        perform(ctx, case, A.ATTACH_MATERIAL, None, store)
    return material


def recheck_licences(case: Case, materials: Iterable[CaseMaterial]) -> None:
    """At submission: every licence given is still the applicant's, valid, and the same content."""
    found = source()
    for m in materials:
        if m.state != REPLACED or not m.licence_identifier or found is None:
            continue
        check = found.recheck(m.licence_identifier, m.licence_digest)
        if not check.verified:
            raise DomainError(
                "licence_invalid", f"“{m.name}”所用电子证照已不能使用（{check.label}），请重新选择或上传", "licences"
            )


def check_material(material: CaseMaterial, viewer: Any = None, ip: str = "") -> LicenceCheck | None:
    """The licence behind a material, verified now (None: the material is no licence reference); a ``viewer``
    (staff opening the case) is put on the holder's record."""
    found = source()
    if not material.licence_identifier or found is None:
        return None
    check = found.recheck(material.licence_identifier, material.licence_digest)
    if viewer is not None:
        found.seen(viewer, material.case.number, material.licence_identifier, check.label, ip)
    return check
