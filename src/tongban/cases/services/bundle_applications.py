"""Applying for a bundle (一件事一次办): one form and one material set for the chosen items, online or at the
general window; on submission a child case per item, each with what it needs of the form and the files."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from tongban.accounts.models import User
from tongban.bundles.models import Bundle, BundleItem
from tongban.bundles.savings import normalise_material
from tongban.catalogue.formschema import merge_forms, validate_submission
from tongban.catalogue.models import ImplementationVersion
from tongban.core import clock
from tongban.core.actor import AccountKind
from tongban.core.errors import DomainError
from tongban.core.uploads import upload_problem
from tongban.jurisdictions.models import ServiceCentre

from ..domain import policy
from ..domain.bundle_workflow import RESULT_MODES, BundleAction, BundlePhase
from ..domain.workflow import CaseAction, CaseStatus
from ..facts import bundle_facts
from ..licence_refs import held_refs, licence_backed
from ..models import BundleCase, BundleMaterial, CaseMaterial
from . import files, idempotency
from .applying import (
    account_of,
    check_answer_types,
    check_window_applicant,
    prefill,
    window_clerk_centre,
    window_identity_reason,
)
from .context import Ctx, FormInvalid, forbid, today
from .identity import (
    WindowAgent,
    agent_fields_for,
    applicant_fields_for,
    authorise_at_window,
    bound_applicant,
    check_window_agent,
)
from .licence_use import licence_material
from .numbers import next_case_number, query_code
from .perform import Outcome, open_bundle_case, open_case, perform_bundle, raise_denied

B, P = BundleAction, BundlePhase


def chosen_items(bundle: Bundle, item_ids: Iterable[int] | None) -> list[BundleItem]:
    """All items, or the applicant's subset; items the law requires together cannot be left out."""
    items = list(
        bundle.items.select_related("implementation__published_version", "implementation__department").prefetch_related(
            "depends_on"
        )
    )
    if item_ids is None:
        return items
    wanted = {int(i) for i in item_ids}
    if wanted - {i.pk for i in items}:
        raise DomainError("unknown_item", "所选事项不属于该一件事", "items")
    missing = [i for i in items if i.required and i.pk not in wanted]
    if missing:
        names = "、".join(item_version(i).name for i in missing if i.implementation.published_version)
        raise DomainError("required_item", f"依法须一并办理的事项不能取消：{names}", "items")
    chosen = [i for i in items if i.pk in wanted]
    if not chosen:
        raise DomainError("no_item", "请至少选择一个事项", "items")
    return chosen


def prerequisites(item: BundleItem, chosen: set[int]) -> list[BundleItem]:
    return [d for d in item.depends_on.all() if d.pk in chosen]


def item_version(item: BundleItem) -> ImplementationVersion:
    """The item's current published version; a bundle offers only items that have one."""
    version = item.implementation.published_version
    if version is None:
        raise DomainError("item_unpublished", f"事项“{item.implementation}”暂无已发布的办事指南，暂不能申请", "items")
    return version


# What a company being formed (设立中企业) cannot answer yet: its credit code comes with its 营业执照.
NOT_YET_FOUNDED = frozenset({"uscc"})


def merged_form(items: list[BundleItem], applicant_kind: str = "legal") -> list[dict[str, Any]]:
    """The one form of the chosen items. A person (a citizen, or the founder of a company being formed) has no
    credit code: it is not asked of the items that wait for a chosen prerequisite (the registration whose
    result, the 营业执照, brings it); an item that needs it at once still asks, and the window says why not."""
    if applicant_kind == "legal":
        return merge_forms([item_version(i).form_schema for i in items])
    chosen = {i.pk for i in items}
    schemas = [
        [f for f in item_version(i).form_schema if not (prerequisites(i, chosen) and f.get("key") in NOT_YET_FOUNDED)]
        for i in items
    ]
    return merge_forms(schemas)


def licence_gaps(items: list[BundleItem], holder_code: str | None) -> set[str]:
    """The licence-backed materials (免证办) the applicant must bring after all: they hold no valid licence of
    the type. Unknown applicant (None): none are counted (the desk decides)."""
    if holder_code is None:
        return set()
    gaps: set[str] = set()
    for item in items:
        version = item_version(item)
        offered = held_refs(version, holder_code)
        gaps |= {normalise_material(name) for name in licence_backed(version) if not offered.get(name)}
    return gaps


def required_uploads(items: list[BundleItem], holder_code: str | None = None) -> list[str]:
    """What the applicant uploads once: every required material of the chosen items, named once, less
    e-licence replacements (a licence-backed one only where ``holder_code`` holds a valid licence of its type)
    and results a chosen prerequisite produces."""
    chosen = {i.pk for i in items}
    gaps = licence_gaps(items, holder_code)
    names: dict[str, None] = {}
    for item in items:
        from_results = {normalise_material(item.result_as_material)} if prerequisites(item, chosen) else set()
        for m in item_version(item).materials.all():
            key = normalise_material(m.name)
            replaced = m.licence_replaceable and key not in gaps
            if m.necessity == "required" and not replaced and key not in from_results:
                names[key] = None
    return list(names)


def lead_centre(bundle: Bundle) -> ServiceCentre | None:
    """Online bundle applications are accepted at the centre that hosts the lead department."""
    return (
        ServiceCentre.objects.filter(departments=bundle.lead_department_id).order_by("id").first()
        or ServiceCentre.objects.filter(division_id=bundle.division_id).order_by("id").first()
    )


def check_published(bundle: Bundle) -> None:
    if bundle.status != Bundle.Status.PUBLISHED:
        raise DomainError("bundle_unavailable", "该一件事暂未开放申请", "bundle")
    if any(i.implementation.published_version_id is None for i in bundle.items.all()):
        raise DomainError("bundle_unavailable", "该一件事中有事项暂停办理，暂不能申请", "bundle")


def start_bundle_online(
    ctx: Ctx,
    bundle: Bundle,
    item_ids: Iterable[int] | None = None,
    form_data: dict | None = None,
    *,
    result_mode: str | None = None,
    key: str | None = None,
) -> BundleCase:
    user = ctx.user
    if not policy.may_apply_online(ctx.actor) or user is None:
        raise forbid("请以自然人或法人账号登录后申请")
    check_published(bundle)
    items = chosen_items(bundle, item_ids)
    if result_mode is not None and result_mode not in RESULT_MODES:
        raise DomainError("bad_result_mode", "出件方式应为统一出件（together）或逐项出件（separate）", "result_mode")

    # A person (citizen, or a company's founder) is not asked the credit code a waiting item gets later.
    form = merged_form(items, "legal" if user.kind == AccountKind.ENTERPRISE else "natural")
    check_answer_types(form, form_data or {})
    data = {**prefill(user, form), **(form_data or {})}
    authorisation = bound_applicant(user, [i.implementation.code for i in items], data, today())

    def make() -> BundleCase:
        fields = applicant_fields_for(user, authorisation)
        bc = open_bundle_case(
            ctx,
            B.SAVE_DRAFT,
            number=f"draft-{uuid.uuid4().hex[:24]}",
            query_code=query_code(),
            bundle=bundle,
            form_data=data,
            channel="online",
            receiving_division_id=bundle.division_id,
            promised_days=bundle.promised_days,
            statutory_days=bundle.statutory_days,
            result_mode=result_mode or BundleCase.ResultMode.TOGETHER.value,
            **fields,
        )
        bc.items.set(items)
        return bc

    return idempotency.once(ctx, key, make)  # raises Replayed: the caller answers with what was made


def save_bundle_draft(
    ctx: Ctx,
    bc: BundleCase | str,
    form_data: dict,
    item_ids: Iterable[int] | None = None,
    revision: int | None = None,
) -> BundleCase:
    def effect(locked: BundleCase) -> None:
        items = chosen_items(locked.bundle, item_ids) if item_ids is not None else list(locked.items.all())
        check_answer_types(merged_form(items), form_data)
        locked.form_data = {**locked.form_data, **form_data}
        if item_ids is not None:
            locked.items.set(items)
        bind_bundle_applicant(locked, ctx.user, items)

    return perform_bundle(ctx, bc, B.SAVE_DRAFT, revision, effect)


def bind_bundle_applicant(bc: BundleCase, user: User | None, items: list[BundleItem]) -> None:
    """As applying.bind_applicant, for every chosen item at once (one authorisation must cover them all)."""
    if user is None or bc.channel != "online" or bc.applicant_id != user.pk:
        return
    authorisation = bound_applicant(user, [i.implementation.code for i in items], bc.form_data, today())
    for name, value in {"authorisation": None, **applicant_fields_for(user, authorisation)}.items():
        setattr(bc, name, value)


def attach_bundle_material(ctx: Ctx, bc: BundleCase, name: str, filename: str, content: bytes) -> BundleMaterial:
    """Uploaded once for the bundle; every child that needs it receives it at submission (or resubmission).
    After submission an upload is the bundle's ATTACH_MATERIAL event and audit entry (a replaced file's hash
    kept), and the replaced file leaves the storage after commit unless an item still holds it."""
    denied = policy.bundle_denial(ctx.actor, bundle_facts(bc), B.ATTACH_MATERIAL)
    if denied is not None:
        raise_denied(denied, "file")
    items = list(bc.items.select_related("implementation__published_version"))
    known = {normalise_material(m.name) for i in items for m in item_version(i).materials.all()}
    key = normalise_material(name)
    if key not in known:
        raise DomainError("unknown_material", f"“{name}”不是所选事项要求的申请材料", "name")
    kind, problem = upload_problem(filename, content)
    if problem:
        raise DomainError("bad_file", problem, "file")
    material = BundleMaterial(
        name=key, content_type=kind or "", size=len(content), sha256=hashlib.sha256(content).hexdigest()
    )

    def store(locked: BundleCase) -> Outcome:
        material.bundle_case = locked
        return files.put_in_place(material, BundleMaterial.objects.filter(bundle_case=locked, name=key), key)

    def write() -> None:
        if bc.phase == BundlePhase.DRAFT:  # no application yet: nothing to put on its record
            with transaction.atomic():
                store(bc)
        else:
            perform_bundle(ctx, bc, B.ATTACH_MATERIAL, None, store)

    files.stored_for(material, content, str(bc.pk), write)
    return material


def create_children(ctx: Ctx, bc: BundleCase, items: list[BundleItem], cleaned: dict[str, Any]) -> None:
    """A submitted child case per chosen item, with its part of the form and the files it needs."""
    chosen = {i.pk for i in items}
    uploads = {m.name: m for m in bc.materials.all()}
    day = today()
    for item in items:
        version = item_version(item)
        keys = {f["key"] for f in version.form_schema}
        child = open_case(
            ctx,
            CaseAction.SUBMIT,
            Outcome(reason=f"一件事“{bc.bundle.name}”一表申报"),
            number=next_case_number(bc.receiving_division_id[:6], day),
            query_code=query_code(),
            implementation=item.implementation,
            version=version,
            status=CaseStatus.SUBMITTED.value,
            applicant=bc.applicant,
            applicant_kind=bc.applicant_kind,
            applicant_name=bc.applicant_name,
            applicant_id_number=bc.applicant_id_number,
            applicant_phone=bc.applicant_phone,
            authorisation=bc.authorisation,
            **bundle_agent(bc),
            agent=window_agent_account(bc),
            identity_check=bc.identity_check,
            form_data={k: v for k, v in cleaned.items() if k in keys},
            channel=bc.channel,
            receiving_division_id=bc.receiving_division_id,
            receiving_centre=bc.receiving_centre,
            deciding_department_id=item.implementation.department_id,
            deciding_division_id=item.implementation.division_id,
            bundle_case=bc,
            bundle_item=item,
            submitted_at=clock.now(),
        )
        waits_for_result = normalise_material(item.result_as_material) if prerequisites(item, chosen) else None
        backed = licence_backed(version)
        offered = held_refs(version, bc.applicant_id_number)
        held = []
        for m in version.materials.all():
            key = normalise_material(m.name)
            if key == waits_for_result:
                continue  # arrives from the prerequisite's result
            if m.name in backed and offered.get(m.name):  # 免证办: the applicant's newest valid licence
                held.append(licence_material(child, m.name, offered[m.name][0]))
            elif m.licence_replaceable and m.name not in backed:
                held.append(CaseMaterial(case=child, name=m.name, state=CaseMaterial.State.REPLACED))
            elif key in uploads:
                up = uploads[key]
                held.append(
                    CaseMaterial(
                        case=child,
                        name=m.name,
                        file=up.file.name,
                        content_type=up.content_type,
                        size=up.size,
                        sha256=up.sha256,
                        paper_checked=up.paper_checked,
                    )
                )
        CaseMaterial.objects.bulk_create(held)


def bundle_agent(bc: BundleCase) -> dict[str, str]:
    """Who applied for the bundle's applicant (代办人/经办人): the account that applied online under the
    authorisation, or the agent the window clerk checked; empty for the applicant in person."""
    return agent_fields_for(bc.applicant if bc.channel == "online" else None, bc.authorisation)


def window_agent_account(bc: BundleCase) -> User | None:
    """The account of the agent a window clerk checked, where they have one (they follow each item)."""
    found = bc.authorisation
    return found.agent if found is not None and bc.channel == "window" else None


def submit_bundle(ctx: Ctx, bc: BundleCase | str, revision: int | None = None, *, key: str | None = None) -> BundleCase:
    def effect(locked: BundleCase) -> None:
        check_published(locked.bundle)
        items = list(locked.items.select_related("implementation__published_version").prefetch_related("depends_on"))
        cleaned, errors = validate_submission(merged_form(items, locked.applicant_kind), locked.form_data)
        if errors:
            raise FormInvalid(errors)
        bind_bundle_applicant(locked, ctx.user, items)
        have = {m.name for m in locked.materials.all()}
        missing = [n for n in required_uploads(items, locked.applicant_id_number) if n not in have]
        if missing:
            raise DomainError(
                "materials_missing", "请上传以下必要材料（每份只需上传一次）：" + "、".join(missing), "materials"
            )
        locked.form_data = cleaned
        locked.number = next_case_number(locked.receiving_division_id[:6], today(), prefix="YJS")
        locked.submitted_at = clock.now()
        locked.receiving_centre = locked.receiving_centre or lead_centre(locked.bundle)
        locked.save()  # the children refer to the bundle case's final number and centre
        create_children(ctx, locked, items, cleaned)

    return perform_bundle(ctx, bc, B.SUBMIT, revision, effect, key=key)


def apply_bundle_at_window(
    ctx: Ctx,
    bundle: Bundle,
    *,
    item_ids: Iterable[int] | None,
    applicant: dict,
    identity_check: str,
    form_data: dict,
    paper_materials: Iterable[str] = (),
    agent: WindowAgent | None = None,
    key: str | None = None,
) -> BundleCase:
    """The clerk takes the whole bundle at once, for an applicant whose identity they verified; ``agent`` as
    for a single case (the authorisation covers every chosen item)."""
    centre = window_clerk_centre(ctx)
    check_published(bundle)
    items = chosen_items(bundle, item_ids)
    check_window_applicant(applicant, identity_check)
    clerk = ctx.user
    assert clerk is not None  # window_clerk_centre checked it
    check_window_agent(clerk, applicant, agent, identity_check)
    cleaned, errors = validate_submission(merged_form(items, applicant.get("kind", "natural")), form_data)
    if errors:
        raise FormInvalid(errors)
    known = {normalise_material(m.name) for i in items for m in item_version(i).materials.all()}
    paper = [normalise_material(n) for n in paper_materials]
    for name, key_name in zip(paper_materials, paper, strict=False):
        if key_name not in known:
            raise DomainError("unknown_material", f"“{name}”不是所选事项要求的申请材料", "paper_materials")

    def make() -> BundleCase:
        account = account_of(applicant["id_number"])
        codes = [i.implementation.code for i in items]
        authorisation = authorise_at_window(clerk, applicant, agent, identity_check, codes, today())
        bc = open_bundle_case(
            ctx,
            B.SUBMIT,
            Outcome(reason=window_identity_reason(identity_check, authorisation)),
            number=next_case_number(centre.division_id[:6], today(), prefix="YJS"),
            query_code=query_code(),
            bundle=bundle,
            phase=P.SUBMITTED.value,
            applicant=account,
            applicant_kind=applicant.get("kind", "natural"),
            applicant_name=applicant["name"],
            applicant_id_number=applicant["id_number"],
            applicant_phone=applicant.get("phone", ""),
            identity_check=identity_check,
            authorisation=authorisation,
            form_data=cleaned,
            channel="window",
            receiving_division_id=centre.division_id,
            receiving_centre=centre,
            promised_days=bundle.promised_days,
            statutory_days=bundle.statutory_days,
            submitted_at=clock.now(),
        )
        bc.items.set(items)
        BundleMaterial.objects.bulk_create(
            [BundleMaterial(bundle_case=bc, name=n, paper_checked=True) for n in dict.fromkeys(paper)]
        )
        create_children(ctx, bc, items, cleaned)
        return bc

    return idempotency.once(ctx, key, make)  # raises Replayed: the caller answers with what was made
