"""The front desk (受理): accept, accept with deferred materials (容缺), ask for one complete correction list,
take the resubmission, refuse; later, receive a deferred material and record a visit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import QuerySet

from tongban.core import clock
from tongban.core.errors import ConflictError, DomainError

from .. import shared_data
from ..domain import limits
from ..domain.workflow import CaseAction
from ..facts import case_facts, version_of
from ..models import Case, CaseEvent, CaseMaterial, Visit
from .context import Ctx, Deferral, require, today
from .corrections import correct_form, name_fields
from .deadlines import start_clock
from .perform import Notice, Outcome, perform

A = CaseAction


def accept(ctx: Ctx, case: Case | str, revision: int | None = None, deferrals: Iterable[Deferral] = ()) -> Case:
    deferrals = list(deferrals)
    if deferrals:
        return accept_deferred(ctx, case, revision, deferrals)

    def effect(c: Case) -> Outcome:
        deemed = start_clock(c, at_desk=True)
        notice = Notice("accepted", "申请已受理", lambda c: f"您申请的“{version_of(c).name}”已受理，{_promise(c)}。")
        return Outcome(notices=[notice], **_deemed(deemed))

    return perform(ctx, case, A.ACCEPT, revision, effect)


def _promise(c: Case) -> str:
    return f"承诺办结日期{limits.due_text(c.promised_due, c.unknown_year, '待定')}"


def _deemed(deemed: dt.date | None) -> dict:
    """What the event records of an acceptance after the 5 working days (行政许可法 Art. 32): the clock runs
    from the day the application was received."""
    if deemed is None:
        return {}
    return {
        "reason": f"未在5个工作日内作出受理决定或一次性告知补正，依法自收到申请材料之日（{limits.cn_date(deemed)}）起受理",
        "data": {"deemed_accepted_on": deemed.isoformat()},
    }


def accept_deferred(ctx: Ctx, case: Case | str, revision: int | None, deferrals: list[Deferral]) -> Case:
    """容缺受理: named secondary materials later, with the applicant's commitment and a due date."""
    refuse_deferral_by_credit(ctx, case)

    def effect(c: Case) -> Outcome:
        promise_deferred(c, deferrals, case_facts(c).missing_deferrable)
        deemed = start_clock(c, at_desk=True)
        names = "、".join(d.material for d in deferrals)
        late = _deemed(deemed)
        return Outcome(
            reason=late.get("reason", ""),
            data={
                "deferred": [{"material": d.material, "due": d.due.isoformat()} for d in deferrals],
                **late.get("data", {}),
            },
            notices=[
                Notice(
                    "accepted",
                    "申请已容缺受理",
                    lambda c: f"您的申请已容缺受理，{_promise(c)}，请于承诺日期前补交：{names}。",
                )
            ],
        )

    return perform(ctx, case, A.ACCEPT_DEFERRED, revision, effect)


def refuse_deferral_by_credit(ctx: Ctx, case: Case | str) -> None:
    """信用联合惩戒: an applicant the credit base lists as 失信 gets no 容缺受理 where the measures say so. Asked
    before the transition, so the look-up stays on the applicant's record even when the acceptance is refused."""
    found = (
        case if isinstance(case, Case) else Case.objects.select_related("implementation").filter(number=case).first()
    )
    if found is None or ctx.user is None:
        return
    measures = shared_data.credit_measures(
        ctx.user,
        ctx.actor,
        item_code=found.implementation.code,
        subject_code=found.applicant_id_number,
        case_number=found.number,
        ip=ctx.ip,
    )
    if shared_data.NO_DEFERRAL in measures:
        raise DomainError(
            "credit_no_deferral",
            "申请人被列入失信名单，按信用联合惩戒措施不适用容缺受理：请补齐材料后受理，或一次性告知补正",
            "deferrals",
        )


def promise_deferred(c: Case, deferrals: Sequence[Deferral], lacking: Iterable[str]) -> None:
    """容缺: record each promised material on the case (its due date and the applicant's commitment), after
    checking it against the pinned guide; ``lacking``: the 容缺后补 materials it does not hold, each of which
    must be promised (acceptance says the materials are complete)."""
    necessity = {m.name: m.necessity for m in version_of(c).materials.all()}
    for d in deferrals:
        if d.material not in necessity:
            raise DomainError("unknown_material", f"“{d.material}”不是该事项要求的申请材料", "deferrals")
        if necessity[d.material] == "required":
            raise DomainError("not_deferrable", f"“{d.material}”为必要材料，不能容缺受理", "deferrals")
        if d.due <= today():
            raise DomainError("bad_due", "容缺材料的承诺补交日期应晚于今天", "deferrals")
        require(d.commitment, "deferrals", "容缺受理须有申请人的书面承诺")
    promised = {d.material for d in deferrals}
    unpromised = [name for name in lacking if name not in promised]
    if unpromised:
        raise ConflictError(
            "materials_missing",
            "以下容缺后补的材料既未收取也未列入容缺承诺，不能受理：" + "、".join(f"“{n}”" for n in unpromised),
            "deferrals",
        )
    if deferrals:
        c.deferred = True
    for d in deferrals:
        CaseMaterial.objects.update_or_create(
            case=c,
            name=d.material,
            defaults={"state": CaseMaterial.State.DEFERRED, "deferred_due": d.due, "commitment": d.commitment},
        )


def supply_deferred(ctx: Ctx, case: Case | str, material: str, revision: int | None = None) -> Case:
    def effect(c: Case) -> Outcome:
        updated = CaseMaterial.objects.filter(case=c, name=material, state=CaseMaterial.State.DEFERRED).update(
            state=CaseMaterial.State.RECEIVED, supplied_at=clock.now()
        )
        if not updated:
            raise DomainError("not_deferred", f"“{material}”不是待补交的容缺材料", "material")
        return Outcome(data={"material": material})

    return perform(ctx, case, A.SUPPLY_DEFERRED, revision, effect)


def overdue_deferrals(day: object = None) -> QuerySet[CaseMaterial]:
    """Deferred materials whose promised date has passed: each raises a flag on its case."""
    return CaseMaterial.objects.filter(
        state=CaseMaterial.State.DEFERRED, deferred_due__lt=day or today()
    ).select_related("case")


def clean_items(items: Iterable[str], message: str) -> list[str]:
    cleaned = [i.strip() for i in items if i and i.strip()]
    if not cleaned:
        raise DomainError("required", message, "items")
    return cleaned


def request_correction(
    ctx: Ctx,
    case: Case | str,
    items: list[str],
    revision: int | None = None,
    note: str = "",
    added_reason: str = "",
    fields: Sequence[str] = (),
) -> Case:
    """一次性告知补正: the materials and other points in ``items``; ``fields``: form fields the applicant corrects.
    The list is one complete list (行政许可法 Art. 32): asked again after the resubmission, it may repeat what
    was listed before; anything new needs ``added_reason`` (recorded, told to the applicant)."""

    def effect(c: Case) -> Outcome:
        listed = clean_items(name_fields(c, list(items), fields), "补正通知须一次性列明全部需要补正的材料或内容")
        earlier = CaseEvent.objects.filter(case=c, action=A.REQUEST_CORRECTION.value).values_list("data", flat=True)
        added, data = one_complete_list([d.get("items", []) for d in earlier], listed, added_reason)
        data["fields"] = c.correction_fields
        c.correction_items = listed
        body = "请补正以下材料（一次性告知）：" + "；".join(listed)
        if added:
            body += f"。其中“{'、'.join(added)}”为首次告知后新增，理由：{data['added_reason']}"
        return Outcome(reason=note, data=data, notices=[Notice("correction", "请补正材料", body)])

    return perform(ctx, case, A.REQUEST_CORRECTION, revision, effect)


def one_complete_list(earlier: list[list[str]], listed: list[str], added_reason: str) -> tuple[list[str], dict]:
    """What a correction request adds to the earlier ones of the same application, and the event's data; a
    request that adds anything without saying why is refused."""
    added = limits.added_items(earlier, listed)
    data: dict = {"items": listed}
    if added:
        why = require(
            added_reason,
            "added_reason",
            f"补正须一次性告知：“{'、'.join(added)}”未在此前的补正通知中列明，再次要求补正只能重复此前列明的内容，"
            "确需新增的请说明理由",
        )
        data.update(added=added, added_reason=why)
    return added, data


def resubmit(
    ctx: Ctx, case: Case | str, revision: int | None = None, form_changes: Mapping[str, Any] | None = None
) -> Case:
    """Back to 待受理 after 补正; ``form_changes``: corrected answers to the fields the list named."""

    def effect(c: Case) -> Outcome:
        changed = correct_form(c, form_changes)
        return Outcome(data={"changed": changed} if changed else {})

    return perform(ctx, case, A.RESUBMIT, revision, effect)


def refuse(ctx: Ctx, case: Case | str, reason: str, revision: int | None = None) -> Case:
    def effect(c: Case) -> Outcome:
        why = require(reason, "reason", "不予受理必须说明理由和依据")
        c.refusal_reason = why
        c.closed_at = clock.now()
        return Outcome(reason=why, notices=[Notice("refused", "不予受理", f"您的申请不予受理，理由：{why}")])

    return perform(ctx, case, A.REFUSE, revision, effect)


def record_visit(ctx: Ctx, case: Case | str, purpose: str) -> Visit:
    visits: list[Visit] = []

    def effect(c: Case) -> Outcome:
        centre_id = ctx.user.service_centre_id if ctx.user is not None else None
        visits.append(Visit.objects.create(case=c, purpose=purpose, centre_id=centre_id))
        return Outcome(reason=purpose)

    perform(ctx, case, A.RECORD_VISIT, None, effect)
    return visits[0]
