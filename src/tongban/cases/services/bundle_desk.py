"""A bundle case at the general window and the unified result desk: accept (parallel items start, dependent
ones wait, 不予受理 per item), one correction list across all items, resubmission, the applicant's choice of
统一出件 / 逐项出件, issuing results; the applicant withdrawing one item; joint steps of the departments.

Every change goes through ``perform_bundle``; what it does to the items goes through ``perform`` with the
actor ``through_bundle`` (the bundle is locked first, then its items by id).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import QuerySet

from tongban.bundles.savings import normalise_material
from tongban.core import clock
from tongban.core.actor import SYSTEM as SYSTEM_ACTOR
from tongban.core.errors import ConflictError, DomainError

from ..domain import limits, policy
from ..domain.bundle_workflow import RESULT_MODES, BundleAction, BundlePhase, ResultMode
from ..domain.workflow import TERMINAL, CaseAction, CaseStatus
from ..facts import awaited_result, bundle_facts, case_facts, deferred_owed, version_of
from ..models import BundleCase, BundleCaseEvent, Case, CaseMaterial, JointStep
from .back_office import withdraw
from .bundle_applications import item_version, merged_form
from .context import Ctx, Deferral, require
from .corrections import corrected, named
from .deadlines import open_bundle_clock
from .desk import accept, clean_items, one_complete_list, promise_deferred, refuse, resubmit, supply_deferred
from .perform import Notice, Outcome, perform, perform_bundle, raise_denied
from .results import issue_result

A, B, P = CaseAction, BundleAction, BundlePhase
# The platform acting on a bundle case by itself (what follows from its items).
BUNDLE_PLATFORM = Ctx(None, "system", actor=SYSTEM_ACTOR)


def open_children(bc: BundleCase) -> QuerySet[Case]:
    """Items still in hand: one the applicant withdrew on its own is left alone by the bundle's actions."""
    return bc.children.exclude(status__in=[s.value for s in TERMINAL]).order_by("id")


def accept_bundle(
    ctx: Ctx,
    bc: BundleCase | str,
    revision: int | None = None,
    *,
    refusals: dict[int, str] | None = None,
    deferrals: Iterable[Deferral] = (),
) -> BundleCase:
    """受理 the bundle: parallel items start now; dependent ones wait; 不予受理 per item with its reason."""
    refused = {int(k): v for k, v in (refusals or {}).items()}
    deferred = list(deferrals)

    def effect(locked: BundleCase) -> Outcome:
        every = list(
            locked.children.select_related("bundle_item").prefetch_related("bundle_item__depends_on").order_by("id")
        )
        children = [c for c in every if c.status not in TERMINAL]  # one the applicant withdrew stays as it is
        if not children:
            raise ConflictError("nothing_open", "本一件事办件的事项均已撤回或办结，无可受理的事项", "phase")
        if set(refused) - {c.bundle_item_id for c in children}:
            raise DomainError("unknown_item", "不予受理的事项不在本件中", "refusals")
        open_bundle_clock(locked)
        desk = ctx.through_bundle()
        chosen = {c.bundle_item_id for c in every}

        def prereqs(child: Case) -> list[int]:
            assert child.bundle_item is not None  # every child of a bundle case has its item
            return [d.pk for d in child.bundle_item.depends_on.all() if d.pk in chosen]

        # An item whose prerequisite is refused (or was withdrawn before acceptance) cannot go on, nor can
        # anything that waits for it: the result it waits for will never come.
        doomed = set(refused) | {c.bundle_item_id for c in every if c.status in TERMINAL}
        changed = True
        while changed:
            changed = False
            for child in children:
                if child.bundle_item_id not in doomed and any(p in doomed for p in prereqs(child)):
                    doomed.add(child.bundle_item_id)
                    changed = True
        by_item = {c.bundle_item_id: c for c in every}
        waiting = []
        for child in children:
            item_id = child.bundle_item_id
            names = {m.name for m in version_of(child).materials.all()}
            mine = [d for d in deferred if d.material in names]
            if item_id in refused:
                refuse(desk, child, refused[item_id] or "不符合受理条件")
            elif item_id in doomed:
                perform(
                    desk,
                    child,
                    A.TERMINATE,
                    None,
                    lambda c: Outcome(reason="前置事项不予受理或已撤回，本事项无法继续办理"),
                )
            elif prereqs(child):
                waiting.append(accept_waiting(desk, child, [by_item[p] for p in prereqs(child)], mine))
            else:
                accept(desk, child, None, mine)
        data: dict = {"refused": sorted(refused), "deferred": [d.material for d in deferred]}
        if waiting:
            data["waiting"] = waiting  # which waiting items will need what when they start
        return Outcome(data=data)

    return perform_bundle(ctx, bc, B.ACCEPT, revision, effect)


def accept_waiting(ctx: Ctx, child: Case, prerequisites: list[Case], deferrals: list[Deferral]) -> dict:
    """受理 an item that waits for its prerequisites: it holds all its guide requires but their result (which
    arrives as one of its materials when it starts), its 容缺后补 materials held or promised now. Returns what it
    will need when it starts (the bundle's acceptance records it, the applicant is told)."""
    waits = "、".join(version_of(p).name for p in prerequisites)
    result = awaited_result(child)
    needs = {
        "case": child.number,
        "item": version_of(child).name,
        "awaits": [version_of(p).name for p in prerequisites],
        "result_material": result,
        "deferred": [d.material for d in deferrals],
    }

    def effect(c: Case) -> Outcome:
        promise_deferred(c, deferrals, case_facts(c).waiting_missing_deferrable)
        body = f"“{needs['item']}”已受理，待“{waits}”准予后自动启动办理"
        if result:
            body += f"，其结果自动作为本事项的“{result}”，无需另行提交"
        if deferrals:
            body += f"；容缺的“{'、'.join(needs['deferred'])}”请按承诺日期补交"
        return Outcome(
            reason=f"等待前置事项“{waits}”办结后自动启动" + (f"，其结果作为“{result}”" if result else ""),
            data=needs,
            notices=[Notice("accepted", "事项已受理，等待前置事项", body + "。")],
        )

    perform(ctx, child, A.ACCEPT_WAITING, None, effect)
    return needs


def request_bundle_correction(
    ctx: Ctx,
    bc: BundleCase | str,
    items: list[str],
    revision: int | None = None,
    added_reason: str = "",
    fields: Sequence[str] = (),
) -> BundleCase:
    """补正: one complete list across all items (一次告知), told to the applicant once; ``fields``: fields of the
    one form the applicant corrects (each an item of the list). Asked again after the resubmission, anything
    not listed before needs ``added_reason`` (行政许可法 Art. 32)."""

    def effect(locked: BundleCase) -> Outcome:
        keys, listed = named(bundle_form(locked), list(items), fields)
        listed = clean_items(listed, "补正通知须一次性列明全部需要补正的材料或内容")
        earlier = BundleCaseEvent.objects.filter(bundle_case=locked, action=B.REQUEST_CORRECTION.value)
        added, data = one_complete_list(
            [e.get("items", []) for e in earlier.values_list("data", flat=True)], listed, added_reason
        )
        locked.correction_items, locked.correction_fields = listed, keys
        data["fields"] = keys

        def on_item(c: Case) -> Outcome:
            c.correction_items = listed
            c.correction_fields = [k for k in keys if k in form_keys(c)]  # what of it this item's form asks
            return Outcome(data={**data, "fields": c.correction_fields})

        for child in open_children(locked):
            perform(ctx.through_bundle(), child, A.REQUEST_CORRECTION, None, on_item)
        body = "请补正以下材料（一次性告知，涵盖全部事项）：" + "；".join(listed)
        if added:
            body += f"。其中“{'、'.join(added)}”为首次告知后新增，理由：{data['added_reason']}"
        return Outcome(data=data, notices=[Notice("correction", "请补正材料", body)])

    return perform_bundle(ctx, bc, B.REQUEST_CORRECTION, revision, effect)


def bundle_form(bc: BundleCase) -> list[dict[str, Any]]:
    """The one form of the bundle case's chosen items, as its applicant was asked it."""
    chosen = list(bc.items.select_related("implementation__published_version").prefetch_related("depends_on"))
    return merged_form(chosen, bc.applicant_kind)


def form_keys(c: Case) -> set[str]:
    return {str(f.get("key")) for f in version_of(c).form_schema or [] if f.get("key")}


def sync_child_materials(bc: BundleCase) -> None:
    """After 补正 the files uploaded once again reach every open item that needs them."""
    uploads = {m.name: m for m in bc.materials.all() if m.file}
    for child in open_children(bc):
        held = {m.name: m for m in child.materials.filter(state=CaseMaterial.State.RECEIVED)}
        for req in version_of(child).materials.all():
            up = uploads.get(normalise_material(req.name))
            if up is None or (req.name in held and held[req.name].sha256 == up.sha256):
                continue
            CaseMaterial.objects.filter(case=child, name=req.name, state__in=["received", "missing"]).delete()
            CaseMaterial.objects.create(
                case=child,
                name=req.name,
                file=up.file.name,
                content_type=up.content_type,
                size=up.size,
                sha256=up.sha256,
                paper_checked=up.paper_checked,
            )


def resubmit_bundle(
    ctx: Ctx, bc: BundleCase | str, revision: int | None = None, form_changes: Mapping[str, Any] | None = None
) -> BundleCase:
    """Back to 待受理 after 补正: the files uploaded again reach every item; ``form_changes``: corrected answers
    to the fields the list named (and no others), into the one form and each item's part of it."""

    def effect(locked: BundleCase) -> Outcome:
        locked.form_data, changed = corrected(
            bundle_form(locked), locked.form_data, locked.correction_fields, form_changes
        )
        fixed = {k: locked.form_data[k] for k in locked.correction_fields if k in locked.form_data}
        locked.correction_fields = []
        sync_child_materials(locked)
        for child in open_children(locked):
            mine = form_keys(child)
            resubmit(ctx.through_bundle(), child, form_changes={k: v for k, v in fixed.items() if k in mine})
        return Outcome(data={"changed": changed} if changed else {})

    return perform_bundle(ctx, bc, B.RESUBMIT, revision, effect)


def item_form_corrected(item: Case, changed: list[dict[str, Any]]) -> None:
    """What an item's 退回补正 means for its bundle: the answers it corrected become the one form's, recorded on
    the bundle with the other open items whose own part of the form still holds the earlier answer (they are
    judged on what they were given; their departments see it here)."""
    keys = [str(ch["field"]) for ch in changed]

    def effect(locked: BundleCase) -> Outcome:
        locked.form_data = {**locked.form_data, **{k: v for k, v in item.form_data.items() if k in keys}}
        others = [
            version_of(c).name
            for c in open_children(locked).exclude(pk=item.pk)
            if any(k in c.form_data and c.form_data[k] != item.form_data.get(k) for k in keys)
        ]
        return Outcome(
            reason=f"“{version_of(item).name}”退回补正中更正了申请表",
            data={"case": item.number, "item": version_of(item).name, "changed": changed, "others": others},
        )

    assert item.bundle_case_id is not None  # an item of a bundle
    perform_bundle(BUNDLE_PLATFORM, BundleCase.objects.get(pk=item.bundle_case_id), B.FORM_CORRECTED, None, effect)


def choose_result_mode(ctx: Ctx, bc: BundleCase | str, mode: str, revision: int | None = None) -> BundleCase:
    """统一出件 (all results at once) or 逐项出件 (each as it is decided): the applicant's choice, recorded by
    the applicant or by a clerk of the receiving centre, until the results are out."""
    if mode not in RESULT_MODES:
        raise DomainError("bad_result_mode", "出件方式应为统一出件（together）或逐项出件（separate）", "result_mode")

    def effect(locked: BundleCase) -> Outcome:
        before, locked.result_mode = locked.result_mode, mode
        return Outcome(data={"from": before, "to": mode})

    if isinstance(bc, BundleCase) and bc.result_mode == mode:
        denied = policy.bundle_denial(ctx.actor, bundle_facts(bc), B.CHOOSE_RESULT_MODE)
        if denied is not None:
            raise_denied(denied, "phase")
        return bc  # nothing to change
    return perform_bundle(ctx, bc, B.CHOOSE_RESULT_MODE, revision, effect)


def issue_bundle_results(
    ctx: Ctx,
    bc: BundleCase | str,
    delivery: str,
    revision: int | None = None,
    address: str = "",
    numbers: Iterable[str] | None = None,
) -> BundleCase:
    """统一出件: every decided item's result at one desk or in one delivery (``address`` for post).
    逐项出件 (``numbers``: the items to issue now), only where the applicant chose it: a decided item's result
    goes out while the others are still in hand."""

    def effect(locked: BundleCase) -> Outcome:
        decided = locked.children.filter(status=CaseStatus.DECIDED.value).order_by("id")
        if numbers is None:
            if locked.phase != P.READY:
                raise ConflictError("not_ready", "尚有事项在办理中，暂不能统一出件", "phase")
            chosen = list(decided)
        else:
            wanted = {n.strip() for n in numbers if n and n.strip()}
            if not wanted:
                raise DomainError("required", "请选择要出件的事项", "cases")
            if locked.result_mode != ResultMode.SEPARATE:
                raise ConflictError("results_together", "申请人选择了统一出件，请待全部事项作出决定后一并出件", "cases")
            chosen = list(decided.filter(number__in=wanted))
            if len(chosen) != len(wanted):
                raise DomainError("not_decided", "所选事项不属于本件，或尚未作出决定", "cases")
        for child in chosen:
            issue_result(ctx.through_bundle(), child, delivery, address=address)
        return Outcome(data={"delivery": delivery, "cases": [c.number for c in chosen]})

    return perform_bundle(ctx, bc, B.ISSUE_RESULTS, revision, effect)


def withdraw_bundle_item(
    ctx: Ctx, bc: BundleCase | str, item_case: Case | str, reason: str = "", revision: int | None = None
) -> Case:
    """The applicant withdraws one item once the bundle is accepted; what waits for its result ends with it."""
    withdrawn: list[Case] = []
    number = item_case if isinstance(item_case, str) else item_case.number

    def effect(locked: BundleCase) -> Outcome:
        child = locked.children.filter(number=number).first()
        if child is None:
            raise DomainError("unknown_item", "该事项不属于本一件事办件", "case")
        withdrawn.append(withdraw(ctx.through_bundle(), child, reason))
        return Outcome(reason=reason, data={"case": number})

    perform_bundle(ctx, bc, B.WITHDRAW_ITEM, revision, effect)
    return withdrawn[0]


def extend_bundle(
    ctx: Ctx,
    bc: BundleCase | str,
    reason: str,
    approved_by: str,
    revision: int | None = None,
    days: int = limits.BUNDLE_EXTENSION_DAYS,
) -> BundleCase:
    """延期 of joint handling: up to 15 working days once, with the approval of the government's head (行政许可法
    Art. 42 (2)), recorded with who approved; decided before the limit runs out."""

    def effect(locked: BundleCase) -> Outcome:
        why = require(reason, "reason", "延期须说明理由")
        who = require(approved_by, "approved_by", "请填写批准延期的本级人民政府负责人")
        if not 0 < days <= limits.BUNDLE_EXTENSION_DAYS:
            raise DomainError("bad_days", f"延期天数应为1至{limits.BUNDLE_EXTENSION_DAYS}个工作日", "days")
        locked.extension_days, locked.extension_approved_by = days, who[:100]

        def body(b: BundleCase) -> str:
            due = limits.due_text(b.promised_due, b.unknown_year, "待定")
            return f"经{who}批准，联合办理期限延长{days}个工作日，承诺办结日期顺延至{due}。理由：{why}"

        return Outcome(
            reason=why,
            data={"days": days, "approved_by": who},
            notices=[Notice("extended", "一件事办理期限延长", body)],
        )

    return perform_bundle(ctx, bc, B.EXTEND, revision, effect)


def supply_bundle_deferred(ctx: Ctx, bc: BundleCase | str, material: str, revision: int | None = None) -> BundleCase:
    """The result desk receives a deferred (容缺) material once, for every open item that owes it (the bundle's
    one material set: ``material`` by its name in any item's guide, or by the bundle's name for it)."""
    wanted = normalise_material(material)

    def effect(locked: BundleCase) -> Outcome:
        owing = [(c, m) for c, m in deferred_owed(locked) if normalise_material(m.name) == wanted]
        if not wanted or not owing:
            raise DomainError("not_deferred", f"“{material}”不是本一件事待补交的容缺材料", "material")
        for child, owed in owing:
            supply_deferred(ctx.through_bundle(), child, owed.name)
        return Outcome(data={"material": wanted, "cases": [c.number for c, _ in owing]})

    return perform_bundle(ctx, bc, B.SUPPLY_DEFERRED, revision, effect)


# ---- joint steps ---------------------------------------------------------------------------------------

RUNNING = (CaseStatus.IN_PROGRESS.value, CaseStatus.SUSPENDED.value)


def schedule_joint_step(
    ctx: Ctx, bc: BundleCase | str, kind: str, when: dt.datetime, place: str, case_numbers: Iterable[str]
) -> JointStep:
    """Scheduled once with every department involved (联合踏勘/评审/验收)."""
    if kind not in JointStep.Kind.values:
        raise DomainError("bad_kind", "联合环节类型应为联合踏勘、联合评审或联合验收", "kind")
    made: list[JointStep] = []

    def effect(locked: BundleCase) -> Outcome:
        where = require(place, "place", "请填写联合环节地点")
        involved = list(locked.children.filter(number__in=list(case_numbers), status__in=RUNNING))
        departments = {c.deciding_department_id for c in involved}
        if len(departments) < 2:
            raise DomainError("too_few", "联合环节应涉及两个及以上部门正在办理的事项", "cases")
        if ctx.actor.department_id not in departments:
            raise DomainError("forbidden", "只有涉及部门的工作人员可以安排联合环节", None, status=403)
        step = JointStep.objects.create(bundle_case=locked, kind=kind, scheduled_for=when, place=where)
        step.cases.set(involved)
        made.append(step)
        return Outcome(
            data={"kind": kind, "when": when.isoformat(), "place": where, "cases": [c.number for c in involved]}
        )

    perform_bundle(ctx, bc, B.SCHEDULE_JOINT_STEP, None, effect)
    return made[0]


def record_joint_outcome(ctx: Ctx, step: JointStep, outcome: str, passed: bool) -> JointStep:
    """The outcome is recorded once and appears on every item involved."""
    recorded: list[JointStep] = []

    def effect(locked_bc: BundleCase) -> Outcome:
        text = require(outcome, "outcome", "请填写联合环节结论")
        locked = JointStep.objects.select_for_update().get(pk=step.pk, bundle_case=locked_bc)
        if locked.recorded_at:
            raise ConflictError("already_recorded", "该联合环节已记录结论", "outcome")
        involved = list(locked.cases.order_by("id"))
        if ctx.actor.department_id not in {c.deciding_department_id for c in involved}:
            raise DomainError("forbidden", "只有涉及部门的工作人员可以记录联合环节结论", None, status=403)
        locked.outcome, locked.passed, locked.recorded_at = text, passed, clock.now()
        locked.save(update_fields=["outcome", "passed", "recorded_at"])
        data = {"kind": locked.kind, "passed": passed, "joint_step": locked.pk}
        for child in involved:
            perform(ctx.through_bundle(), child, A.RECORD_JOINT_STEP, None, lambda c: Outcome(reason=text, data=data))
        recorded.append(locked)
        return Outcome(reason=text, data=data)

    perform_bundle(ctx, BundleCase.objects.get(pk=step.bundle_case_id), B.RECORD_JOINT_OUTCOME, None, effect)
    return recorded[0]


__all__ = [
    "accept_bundle",
    "choose_result_mode",
    "extend_bundle",
    "issue_bundle_results",
    "item_form_corrected",
    "item_version",
    "open_children",
    "record_joint_outcome",
    "request_bundle_correction",
    "resubmit_bundle",
    "schedule_joint_step",
    "supply_bundle_deferred",
    "sync_child_materials",
    "withdraw_bundle_item",
]
