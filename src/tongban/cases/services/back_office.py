"""The back office: the guide's review steps with their opinions, the decision, returns for correction,
special steps that stop the clock, one extension; and the applicant's withdrawal."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tongban.catalogue.vocab import STATUTORY_SPECIAL_STEPS
from tongban.core import clock
from tongban.core.errors import DomainError

from ..domain import limits, steps
from ..domain.workflow import CaseAction
from ..facts import back_office_of, version_of
from ..models import Case, Suspension
from .context import Ctx, require, today
from .corrections import correct_form, name_fields
from .desk import clean_items
from .perform import Notice, Outcome, perform

A = CaseAction
ART_45 = "《中华人民共和国行政许可法》第四十五条"


def current_step_name(case: Case) -> str:
    return steps.current_step(back_office_of(case), case.current_step)


def complete_step(ctx: Ctx, case: Case | str, opinion: str, revision: int | None = None) -> Case:
    def effect(c: Case) -> Outcome:
        text = require(opinion, "opinion", "请填写本环节的审查意见")
        back_office = back_office_of(c)
        name = steps.current_step(back_office, c.current_step)
        c.current_step += 1
        c.awaiting_decision = steps.awaiting_decision_after(back_office, c.current_step)
        return Outcome(reason=text, step_name=name)

    return perform(ctx, case, A.COMPLETE_STEP, revision, effect)


def decide(ctx: Ctx, case: Case | str, grant: bool, reason: str, revision: int | None = None) -> Case:
    def effect(c: Case) -> Outcome:
        why = require(reason, "reason", "请填写决定理由及法律依据")
        c.decision = "granted" if grant else "denied"
        c.decision_reason = why
        c.decided_at, c.decided_on = clock.now(), today()  # the result's clock counts from this day
        c.awaiting_decision = False
        word = "准予" if grant else "不予"
        body = f"您的申请经审查{word}许可。理由及依据：{why}。结果可领取。"
        return Outcome(
            reason=why, step_name=back_office_of(c)[-1], notices=[Notice("decided", f"审批决定：{word}", body)]
        )

    return perform(ctx, case, A.GRANT if grant else A.DENY, revision, effect)


def return_for_correction(
    ctx: Ctx,
    case: Case | str,
    items: list[str],
    reason: str,
    revision: int | None = None,
    fields: Sequence[str] = (),
) -> Case:
    """退回补正: the one list of what to correct, materials and (``fields``) form fields, the clock paused."""

    def effect(c: Case) -> Outcome:
        listed = clean_items(name_fields(c, list(items), fields), "退回补正须一次性列明全部需要补正的内容")
        why = require(reason, "reason", "请说明退回原因")
        c.correction_items = listed
        # Whether the days of a correction count is each implementation's rule (its guide says so).
        counted = version_of(c).correction_counted
        Suspension.objects.create(
            case=c,
            kind=Suspension.Kind.CORRECTION,
            step_name="退回补正",
            counted=counted,
            reason=why,
            started_on=today(),
        )
        counts = "补正期间计入办理时限" if counted else "补正期间不计入办理时限"
        notice = Notice("correction", "办件退回补正", f"请补正：{'；'.join(listed)}（{counts}）")
        data = {"items": listed, "counted": counted, "fields": c.correction_fields}
        return Outcome(reason=why, data=data, notices=[notice])

    return perform(ctx, case, A.RETURN_FOR_CORRECTION, revision, effect)


def _end_suspension(c: Case) -> None:
    open_stop = c.suspensions.filter(ended_on__isnull=True).order_by("-started_on", "-id").first()
    if open_stop:
        open_stop.ended_on = today()
        open_stop.save(update_fields=["ended_on"])


def supply_correction(
    ctx: Ctx, case: Case | str, revision: int | None = None, form_changes: Mapping[str, Any] | None = None
) -> Case:
    """The correction is in: handling resumes; ``form_changes``: corrected answers to the named fields."""

    def effect(c: Case) -> Outcome:
        changed = correct_form(c, form_changes)
        _end_suspension(c)
        return Outcome(data={"changed": changed} if changed else {})

    return perform(ctx, case, A.SUPPLY_CORRECTION, revision, effect)


def suspend(ctx: Ctx, case: Case | str, step_name: str, reason: str, revision: int | None = None) -> Case:
    """A special step the guide declares, within its maximum days. Its time is left out of the limit only for
    the procedures of 行政许可法 Art. 45 or with the guide's own legal basis (catalogue.rules.stops_clock):
    any other step (领导研究 …) keeps the clock running whatever its guide says."""

    def effect(c: Case) -> Outcome:
        why = require(reason, "reason", "请说明进入特殊环节的事由")
        declared = {s.name: s for s in version_of(c).special_steps.all()}
        if step_name not in declared:
            names = "、".join(declared) or "无"
            raise DomainError(
                "unknown_special_step", f"该事项未设置特殊环节“{step_name}”（已设置：{names}）", "step_name"
            )
        step = declared[step_name]
        stops = step.stops_clock
        basis = step.legal_basis.strip() or (ART_45 if step.name in STATUTORY_SPECIAL_STEPS else "")
        Suspension.objects.create(
            case=c,
            kind=Suspension.Kind.SPECIAL,
            step_name=step_name,
            counted=not stops,
            max_days=step.max_days,
            legal_basis=basis,
            reason=why,
            started_on=today(),
        )
        counts = "所需时间不计入办理时限" if stops else "所需时间计入办理时限"
        most = f"，最长{step.max_days}个工作日" if step.max_days else ""
        body = f"您的申请进入“{step_name}”环节{most}，{counts}（{why}）。特别程序告知书可在办件页面查看打印。"
        return Outcome(
            reason=why,
            step_name=step_name,
            data={"counted": not stops, "max_days": step.max_days, "legal_basis": basis},
            notices=[Notice("suspended", "办件进入特殊环节", body)],
        )

    return perform(ctx, case, A.SUSPEND, revision, effect)


def resume(ctx: Ctx, case: Case | str, revision: int | None = None, note: str = "") -> Case:
    def effect(c: Case) -> Outcome:
        _end_suspension(c)
        return Outcome(reason=note)

    return perform(ctx, case, A.RESUME, revision, effect)


def extend(ctx: Ctx, case: Case | str, reason: str, revision: int | None = None, days: int = 10) -> Case:
    """延期: up to 10 working days once, with the department head's approval (行政许可法 Art. 42)."""

    def effect(c: Case) -> Outcome:
        why = require(reason, "reason", "延期须说明理由")
        if not 0 < days <= limits.EXTENSION_DAYS:
            raise DomainError("bad_days", f"延期天数应为1至{limits.EXTENSION_DAYS}个工作日", "days")
        c.extension_days = days
        unit = limits.UNIT_LABELS[limits.Unit(c.limit_unit)]

        def body(c: Case) -> str:
            due = limits.due_text(c.promised_due, c.unknown_year, "待定")
            return f"经负责人批准，办理期限延长{days}{unit}，承诺办结日期顺延至{due}。理由：{why}。延期通知书可在办件页面查看打印。"

        return Outcome(reason=why, data={"days": days}, notices=[Notice("extended", "办理期限延长", body)])

    return perform(ctx, case, A.EXTEND, revision, effect)


def withdraw(ctx: Ctx, case: Case | str, reason: str = "", revision: int | None = None) -> Case:
    def effect(c: Case) -> Outcome:
        c.closed_at = clock.now()
        c.suspensions.filter(ended_on__isnull=True).update(ended_on=today())
        return Outcome(reason=reason or "申请人撤回")

    return perform(ctx, case, A.WITHDRAW, revision, effect)
