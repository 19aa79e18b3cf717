"""Applying: an online draft filled once and submitted, or an application taken at the general window (一窗受理)."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q

from tongban.accounts.models import Authorisation, User
from tongban.catalogue.formschema import answer_type_errors, validate_submission
from tongban.catalogue.models import ImplementationVersion, ItemImplementation
from tongban.catalogue.snapshots import published_snapshot
from tongban.core import caches, clock
from tongban.core.errors import DomainError
from tongban.core.uploads import upload_problem
from tongban.jurisdictions.models import ServiceCentre

from ..domain import policy
from ..domain.workflow import CaseAction, CaseStatus
from ..facts import case_facts, version_of
from ..licence_refs import lacking, licence_backed
from ..models import Case, CaseMaterial, Visit
from . import files, idempotency
from .context import Ctx, FormInvalid, forbid, require, today
from .identity import (
    WindowAgent,
    agent_fields_for,
    applicant_fields_for,
    authorise_at_window,
    bound_applicant,
    check_window_agent,
)
from .licence_use import licence_material, licence_materials, recheck_licences, window_licences
from .numbers import next_case_number, query_code
from .perform import Notice, Outcome, open_case, perform, raise_denied, tell

A = CaseAction


def prefill(user: User | None, schema: Iterable[dict]) -> dict[str, Any]:
    """Fill once (一次填写): from the profile, then from the applicant's latest answers to the same keys."""
    keys = [f["key"] for f in schema]
    if user is None:
        return {}
    profile = {
        "applicant_name": user.real_name,
        "applicant_id_number": user.id_number or "",
        "applicant_phone": user.phone,
        "address": user.address,
        "enterprise_name": user.real_name if user.uscc else "",
        "uscc": user.uscc or "",
        "legal_representative": user.legal_representative,
    }
    values = {k: v for k, v in profile.items() if k in keys and v}
    if user.pk and any(k not in values for k in keys):
        earlier = Case.objects.filter(applicant=user).order_by("-updated_at").values_list("form_data", flat=True)
        for data in earlier[:20]:
            for k in keys:
                if k not in values and data.get(k) not in (None, ""):
                    values[k] = data[k]
    return values


def published_version(implementation: ItemImplementation) -> ImplementationVersion:
    _, version = published_snapshot(implementation.pk)
    if version is None:
        raise DomainError("item_unavailable", "该事项暂未发布办事指南，不能申请", "implementation")
    return version


def centre_for(implementation: ItemImplementation) -> ServiceCentre | None:
    """Online applications are received at the centre that hosts the deciding department (else one of its
    division). Read once a minute per process and implementation: centres change rarely, applications do not."""
    key = implementation.pk
    now = time.monotonic()
    hit = _centres.get(key)
    if hit is not None and now - hit[1] < CENTRE_SECONDS:
        return hit[0]
    centre = (
        ServiceCentre.objects.filter(departments=implementation.department_id).order_by("id").first()
        or ServiceCentre.objects.filter(division_id=implementation.division_id).order_by("id").first()
    )
    _centres[key] = (centre, now)
    return centre


CENTRE_SECONDS = 60.0
_centres: dict[int, tuple[ServiceCentre | None, float]] = caches.keyed({})


def start_online(
    ctx: Ctx, implementation: ItemImplementation, form_data: dict | None = None, *, key: str | None = None
) -> Case:
    """A draft for a signed-in citizen or enterprise, pre-filled (一次填写)."""
    user = ctx.user
    if not policy.may_apply_online(ctx.actor) or user is None:
        raise forbid("请以自然人或法人账号登录后申请")
    version = published_version(implementation)
    if "online" not in version.handling_forms:
        raise DomainError("not_online", "该事项不支持网上申请，请到窗口办理", "implementation")

    check_answer_types(version.form_schema, form_data or {})
    data = {**prefill(user, version.form_schema), **(form_data or {})}
    authorisation = bound_applicant(user, [implementation.code], data, today())

    def make() -> Case:
        case = open_case(
            ctx,
            A.SAVE_DRAFT,
            number=f"draft-{uuid.uuid4().hex[:24]}",
            query_code=query_code(),
            implementation=implementation,
            version=version,
            form_data=data,
            channel="online",
            receiving_division_id=implementation.division_id,
            receiving_centre=centre_for(implementation),
            deciding_department_id=implementation.department_id,
            deciding_division_id=implementation.division_id,
            **applicant_fields_for(user, authorisation),
            **agent_fields_for(user, authorisation),
        )
        return case

    return idempotency.once(ctx, key, make)  # raises Replayed: the caller answers with what was made


def apply_online(
    ctx: Ctx,
    implementation: ItemImplementation,
    form_data: dict | None = None,
    *,
    key: str | None = None,
    licences: dict[str, str] | None = None,
) -> Case:
    """Apply and submit at once (the API's ``submit: true``): the case goes straight to 待受理, checked as a
    submitted draft is (the form, the materials; none can be uploaded before, but a licence-backed material
    may be given as the applicant's licence: ``licences`` maps material name → licence identifier), without
    a draft in between."""
    user = ctx.user
    if not policy.may_apply_online(ctx.actor) or user is None:
        raise forbid("请以自然人或法人账号登录后申请")
    version = published_version(implementation)
    if "online" not in version.handling_forms:
        raise DomainError("not_online", "该事项不支持网上申请，请到窗口办理", "implementation")
    given = form_data or {}
    asked = [f for f in version.form_schema if f.get("key") not in given]  # 一次填写 for what is not given
    data = {**prefill(user, asked), **given} if asked else dict(given)
    cleaned, errors = validate_submission(version.form_schema, data)
    if errors:
        raise FormInvalid(errors)
    authorisation = bound_applicant(user, [implementation.code], data, today())
    holder = applicant_fields_for(user, authorisation)["applicant_id_number"]
    given = licence_materials(version, holder, licences or {})
    backed = licence_backed(version)
    required = [
        m.name
        for m in version.materials.all()
        if m.necessity == "required" and (not m.licence_replaceable or m.name in backed) and m.name not in given
    ]
    if required:
        raise DomainError("materials_missing", "请上传以下必要材料：" + "、".join(required), "materials")
    replaced = [m.name for m in version.materials.all() if m.licence_replaceable and m.name not in backed]

    def make() -> Case:
        notice = Notice("submitted", "申请已提交", "")
        case = open_case(
            ctx,
            A.SUBMIT,
            query_code=query_code(),
            implementation=implementation,
            version=version,
            status="submitted",
            form_data={**data, **cleaned},
            channel="online",
            receiving_division_id=implementation.division_id,
            receiving_centre=centre_for(implementation),
            deciding_department_id=implementation.department_id,
            deciding_division_id=implementation.division_id,
            submitted_at=clock.now(),
            number=next_case_number(implementation.division_id[:6], today()),
            **applicant_fields_for(user, authorisation),
            **agent_fields_for(user, authorisation),
        )
        CaseMaterial.objects.bulk_create(
            [CaseMaterial(case=case, name=name, state=CaseMaterial.State.REPLACED) for name in replaced]
            + [licence_material(case, name, ref) for name, ref in given.items()]
        )
        tell(case, Notice(notice.kind, notice.subject, f"您申请的“{version.name}”已提交，查询码{case.query_code}。"))
        return case

    return idempotency.once(ctx, key, make)  # raises Replayed: the caller answers with what was made


def bind_applicant(case: Case, user: User | None) -> None:
    """An online case's applicant follows its form: the account itself, or a principal who authorised it
    (checked again at each save and at submission: an authorisation may have ended meanwhile)."""
    if user is None or case.channel != "online" or case.applicant_id != user.pk:
        return
    authorisation = bound_applicant(user, [case.implementation.code], case.form_data, today())
    fields = {**applicant_fields_for(user, authorisation), **agent_fields_for(user, authorisation)}
    fields.setdefault("authorisation", None)
    for name, value in fields.items():
        setattr(case, name, value)


def check_answer_types(schema: Iterable[dict], form_data: dict) -> None:
    """A draft may be incomplete, never of the wrong types (12345 for a name, "yes" for a box)."""
    if errors := answer_type_errors(schema, form_data):
        raise FormInvalid(errors)


def save_draft(ctx: Ctx, case: Case | str, form_data: dict, revision: int | None = None) -> Case:
    def merge(c: Case) -> None:
        check_answer_types(version_of(c).form_schema, form_data)
        c.form_data = {**c.form_data, **form_data}
        bind_applicant(c, ctx.user)

    return perform(ctx, case, A.SAVE_DRAFT, revision, merge)


def attach_material(ctx: Ctx, case: Case, name: str, filename: str, content: bytes) -> CaseMaterial:
    """Store one file for a named material; a bad file is refused alone, with its reason.

    Who may upload which material when is the policy's ``material_denial`` (after acceptance only what a
    return for correction names). A file added to a submitted application is an ATTACH_MATERIAL event and an
    audit entry; replacing one keeps the old file's hash, size and type in both, and the old file itself is
    deleted once the replacement commits (docs/adr/0010-safe-inputs.md), so replaced files do not pile up."""
    denied = policy.material_denial(ctx.actor, case_facts(case), name)
    if denied is not None:
        raise_denied(denied, "file")
    known = {m.name for m in version_of(case).materials.all()}
    if name not in known:
        raise DomainError("unknown_material", f"“{name}”不是该事项要求的申请材料", "name")
    kind, problem = upload_problem(filename, content)
    if problem:
        raise DomainError("bad_file", problem, "file")
    material = CaseMaterial(
        name=name,
        state=CaseMaterial.State.RECEIVED,
        content_type=kind or "",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )

    def store(c: Case) -> Outcome:
        if c is not case and (denied := policy.material_denial(ctx.actor, case_facts(c), name)) is not None:
            raise_denied(denied, "file")  # asked again of the locked row: the correction list may have moved
        material.case = c
        # A file replaces an earlier file, a request for one, or a licence given instead (免证办).
        previous = CaseMaterial.objects.filter(case=c, name=name).filter(
            Q(state__in=["received", "missing"]) | Q(state="replaced", licence_identifier__gt="")
        )
        return files.put_in_place(material, previous, name)

    def write() -> None:
        if case.status == CaseStatus.DRAFT:  # no application yet: nothing to put on its record
            with transaction.atomic():
                store(case)
        else:
            perform(ctx, case, A.ATTACH_MATERIAL, None, store)

    files.stored_for(material, content, str(case.pk), write)
    return material


def missing_materials(case: Case, materials: Iterable[CaseMaterial] | None = None) -> list[str]:
    """Required materials with neither a file, a paper check, a deferral nor an e-licence replacement."""
    held = case.materials.all() if materials is None else materials
    return list(lacking(version_of(case), held).required)


def submit(ctx: Ctx, case: Case | str, revision: int | None = None, idempotency_key: str | None = None) -> Case:
    def stamp(c: Case) -> Outcome:
        version = version_of(c)
        cleaned, errors = validate_submission(version.form_schema, c.form_data)
        if errors:
            raise FormInvalid(errors)
        materials = list(c.materials.all()) if version.materials.all() else []
        recheck_licences(c, materials)
        missing = missing_materials(c, materials) if c.channel == "online" else []
        if missing:
            raise DomainError("materials_missing", "请上传以下必要材料：" + "、".join(missing), "materials")
        have = {m.name for m in materials}
        backed = licence_backed(version)
        replaced = [
            m.name
            for m in version.materials.all()
            if m.licence_replaceable and m.name not in have and m.name not in backed
        ]
        if replaced:
            CaseMaterial.objects.bulk_create(
                [CaseMaterial(case=c, name=name, state=CaseMaterial.State.REPLACED) for name in replaced]
            )
        c.form_data = {**c.form_data, **cleaned}
        bind_applicant(c, ctx.user)
        c.submitted_at = clock.now()
        c.number = next_case_number(c.receiving_division_id[:6], today())  # last: see next_case_number
        return Outcome(
            notices=[Notice("submitted", "申请已提交", f"您申请的“{version.name}”已提交，查询码{c.query_code}。")]
        )

    return perform(ctx, case, A.SUBMIT, revision, stamp, key=idempotency_key)


def window_clerk_centre(ctx: Ctx) -> ServiceCentre:
    """The centre of the acting window clerk; anyone else may not take applications at a window."""
    if not policy.may_take_applications(ctx.actor) or ctx.user is None or ctx.user.service_centre is None:
        raise forbid("只有服务中心综合窗口人员可以窗口收件")
    return ctx.user.service_centre


def check_window_applicant(applicant: dict[str, str], identity_check: str) -> None:
    """A window application names the applicant and records how their identity was verified."""
    require(identity_check, "identity_check", "请记录申请人身份核验方式")
    for key in ("name", "id_number"):
        require(applicant.get(key, ""), f"applicant.{key}", "请填写申请人姓名和证件号码")


def window_identity_reason(identity_check: str, authorisation: Authorisation | None) -> str:
    """What the first event of a window application says of who was there and how each was identified."""
    if authorisation is None:
        return f"身份核验：{identity_check}"
    return f"代办人{authorisation.agent_name}代为申请；{authorisation.evidence}"  # the agent's check is in it


def account_of(id_number: str) -> User | None:
    """The platform account of a person or enterprise by resident ID or USCC, where there is one."""
    if not id_number:
        return None
    return User.objects.filter(id_number=id_number).first() or User.objects.filter(uscc=id_number).first()


def apply_at_window(
    ctx: Ctx,
    implementation: ItemImplementation,
    *,
    applicant: dict[str, str],
    identity_check: str,
    form_data: dict,
    paper_materials: Iterable[str] = (),
    licence_materials: Iterable[str] = (),
    agent: WindowAgent | None = None,
    key: str | None = None,
) -> Case:
    """一窗受理: a clerk takes an application for any department their centre serves. ``agent``: someone applying
    for the applicant (代办人, an enterprise's 经办人), with the clerk's evidence; ``identity_check`` is then how
    the agent's identity was checked, and the application is made under the authorisation it records.
    ``licence_materials`` are taken from the applicant's valid e-licences instead of paper (免证办)."""
    centre = window_clerk_centre(ctx)
    if not centre.departments.filter(pk=implementation.department_id).exists():
        raise DomainError("not_served", f"本中心未受理“{implementation.department}”的事项", "implementation")
    version = published_version(implementation)
    check_window_applicant(applicant, identity_check)
    cleaned, errors = validate_submission(version.form_schema, form_data)
    if errors:
        raise FormInvalid(errors)
    known = {m.name for m in version.materials.all()}
    paper = list(paper_materials)
    for name in paper:
        if name not in known:
            raise DomainError("unknown_material", f"“{name}”不是该事项要求的申请材料", "paper_materials")
    clerk = ctx.user
    assert clerk is not None  # window_clerk_centre checked it
    check_window_agent(clerk, applicant, agent, identity_check)
    from_licences = window_licences(version, applicant["id_number"], [n for n in licence_materials if n not in paper])

    def make() -> Case:
        authorisation = authorise_at_window(clerk, applicant, agent, identity_check, [implementation.code], today())
        case = open_case(
            ctx,
            A.SUBMIT,
            Outcome(reason=window_identity_reason(identity_check, authorisation)),
            number=next_case_number(centre.division_id[:6], today()),
            query_code=query_code(),
            implementation=implementation,
            version=version,
            status="submitted",
            applicant=account_of(applicant["id_number"]),
            applicant_kind=applicant.get("kind", "natural"),
            applicant_name=applicant["name"],
            applicant_id_number=applicant["id_number"],
            applicant_phone=applicant.get("phone", ""),
            **agent_fields_for(None, authorisation),
            agent=authorisation.agent if authorisation is not None else None,
            authorisation=authorisation,
            identity_check=identity_check,
            form_data=cleaned,
            channel="window",
            receiving_division_id=centre.division_id,
            receiving_centre=centre,
            receiving_window=ctx.window,
            deciding_department_id=implementation.department_id,
            deciding_division_id=implementation.division_id,
            submitted_at=clock.now(),
        )
        CaseMaterial.objects.bulk_create(
            [CaseMaterial(case=case, name=name, paper_checked=True) for name in paper]
            + [licence_material(case, name, ref) for name, ref in from_licences.items()]
        )
        Visit.objects.create(case=case, purpose="窗口申请", centre=centre)
        return case

    return idempotency.once(ctx, key, make)  # raises Replayed: the caller answers with what was made
