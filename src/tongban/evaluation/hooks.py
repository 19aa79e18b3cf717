"""What evaluation plugs into the case core's seams (installed by EvaluationConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tongban.cases.domain.workflow import CaseAction
from tongban.cases.page_extras import register_board_lines, register_case_links
from tongban.cases.signals import case_transitioned
from tongban.core import clock
from tongban.core.actor import Role, actor_of
from tongban.core.public_url import public_base_url

from . import selectors, services
from .domain.figures import percent
from .domain.policy import FINISHED_CASE_STATES
from .domain.scale import LEVEL_LABELS, Level
from .domain.workflow import RectificationStatus


def case_links(user: Any, case: Any) -> list[dict[str, str]]:
    actor = actor_of(user)
    if actor.applicant and actor.user_id == case.applicant_id and case.status in FINISHED_CASE_STATES:
        rating = selectors.rating_of_case(case.pk)
        if rating is None:
            return [
                {
                    "id": "rate-case",
                    "label": "评价本次服务（好差评）",
                    "url": reverse("evaluation:rate", args=[case.number]),
                    "note": "一事一评",
                }
            ]
        return [
            {
                "id": "rate-case",
                "label": f"已评价：{LEVEL_LABELS[Level(rating.level)]}",
                "url": reverse("evaluation:rate", args=[case.number]),
                "note": "",
            }
        ]
    if actor.has_role(Role.WINDOW_CLERK) and services.window_service(user, case) is not None:
        return [
            {
                "id": "open-screen",
                "label": "打开现场评价屏（一次一评）",
                "url": reverse("evaluation:screen_open", args=[case.number]),
                "note": "请申请人在平板或副屏上评价本次服务",
            }
        ]
    if actor.has_role(Role.SUPERVISOR) and case.status in FINISHED_CASE_STATES:
        return [
            {"id": "rate-case", "label": "监督查评", "url": reverse("evaluation:rate", args=[case.number]), "note": ""}
        ]
    return []


def board_lines(user: Any) -> list[dict[str, str]]:
    actor = actor_of(user)
    division = getattr(user, "division", None)
    if not actor.has_role(Role.SUPERVISOR) or division is None:
        return []
    f = selectors.overall(division)
    mine = selectors.rectifications_for(actor)
    open_rectifications = mine.filter(status__in=selectors.OPEN_STATES).count()
    overdue = mine.filter(status=RectificationStatus.RECTIFYING.value, due_on__lt=clock.today()).count()
    text = (
        f"好差评：{f.total} 条评价，满意率 {percent(f.satisfaction_rate)}，差评 {f.bad} 条，"
        f"差评整改率 {percent(f.rectification_rate)}，回访率 {percent(f.callback_rate)}；待处理差评 {open_rectifications} 条（逾期未整改 {overdue} 条）"
    )
    return [{"id": "evaluation-figures", "text": text, "url": reverse("evaluation:rectifications")}]


def _on_transition(sender: Any, case: Any, action: Any, before: Any, **_: Any) -> None:
    if str(action) in (CaseAction.ISSUE_RESULT.value, CaseAction.REFUSE.value):
        services.invite(case, public_base_url())


def install() -> None:
    register_case_links(case_links)
    register_board_lines(board_lines)
    case_transitioned.connect(_on_transition, dispatch_uid="evaluation.invite")
