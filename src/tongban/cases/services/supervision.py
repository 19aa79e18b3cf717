"""Supervision (督办): a supervisor's notice to the deciding department about a case, and the department's answer."""

from __future__ import annotations

from django.db import transaction

from tongban.audit.services import record as audit
from tongban.core import clock
from tongban.core.errors import ConflictError

from ..domain import policy
from ..domain.workflow import CaseAction
from ..models import Case, SupervisionNotice
from .context import Ctx, forbid, require
from .perform import Outcome, perform

A = CaseAction


def supervise(ctx: Ctx, case: Case | str, message: str) -> SupervisionNotice:
    sent: list[SupervisionNotice] = []

    def effect(c: Case) -> Outcome:
        text = require(message, "message", "请填写督办意见")
        assert ctx.user is not None  # a supervisor acts (the policy allowed SUPERVISE)
        sent.append(
            SupervisionNotice.objects.create(
                case=c, department_id=c.deciding_department_id, sent_by=ctx.user, message=text
            )
        )
        return Outcome(reason=text)

    perform(ctx, case, A.SUPERVISE, None, effect)
    return sent[0]


@transaction.atomic
def answer_supervision(ctx: Ctx, notice: SupervisionNotice, answer: str) -> SupervisionNotice:
    text = require(answer, "answer", "请填写督办回复")
    locked = SupervisionNotice.objects.select_for_update().select_related("case").get(pk=notice.pk)
    if not policy.may_answer_supervision(ctx.actor, locked.department_id) or ctx.user is None:
        raise forbid("只有被督办部门的审批人员或负责人可以回复督办")
    if locked.answered_at:
        raise ConflictError("already_answered", "该督办单已回复", "answer")
    locked.answer, locked.answered_by, locked.answered_at = text, ctx.user, clock.now()
    locked.save(update_fields=["answer", "answered_by", "answered_at"])
    audit("case.answer_supervision", "case", locked.case.number, actor=ctx.user, ip=ctx.ip)
    return locked
