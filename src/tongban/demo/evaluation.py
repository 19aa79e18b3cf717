"""Loads the demo's 好差评 (data/evaluation.py) through the evaluation services: the dimensions, and ratings of
the demo's finished cases, each at the moment after its service (the process clock moved there), by the
applicant's account online or on the screen the serving clerk opened at the window; bad ratings handled by the
office's demo staff. Idempotent: a case already rated on a channel is left alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tongban.accounts.models import User
from tongban.cases.models import Case, CaseEvent
from tongban.core import clock
from tongban.evaluation import services
from tongban.evaluation.domain.scale import Channel
from tongban.evaluation.domain.workflow import RectificationAction
from tongban.evaluation.models import Dimension, Evaluation
from tongban.jurisdictions.models import Department

from .data import evaluation as data


def load(report: Any, *, cases: bool) -> None:
    for order, (code, name) in enumerate(data.DIMENSIONS):
        _, created = Dimension.objects.update_or_create(code=code, defaults={"name": name, "order": order})
        report.count("dimension", "created" if created else "unchanged")
    if not cases:
        return
    for story in data.STORIES:
        _rate(report, story)
    supervisor = User.objects.filter(username="zj_supervisor").first()
    for item, applicant, level, comment in data.SUPERVISION:
        case = _case(item, applicant)
        if case is None or supervisor is None or Evaluation.objects.filter(case=case, channel="supervision").exists():
            report.count("rating", "unchanged")
            continue
        with clock.moved_to((case.closed_at or case.updated_at) + dt.timedelta(days=2)):
            services.rate_case(
                supervisor, case, services.EvaluationInput(level=level, comment=comment), channel=Channel.SUPERVISION
            )
        report.count("rating", "created")
    for name, level, comment in data.SOCIAL:
        department = Department.objects.filter(name=name).first()
        if department is None or Evaluation.objects.filter(channel="social", department=department).exists():
            report.count("rating", "unchanged")
            continue
        services.rate_department(
            None, department, services.EvaluationInput(level=level, comment=comment), ip="192.0.2.10"
        )
        report.count("rating", "created")


def _case(item: str, applicant: str) -> Case | None:
    return (
        Case.objects.filter(version__name=item, applicant_name=applicant, status__in=["closed", "refused"])
        .select_related("deciding_department", "deciding_division")
        .order_by("id")
        .first()
    )


def _rate(report: Any, story: data.Story) -> None:
    case = _case(story.item, story.applicant)
    if case is None or Evaluation.objects.filter(case=case, channel=story.channel).exists():
        report.count("rating", "unchanged")
        return
    ended = case.closed_at or case.updated_at
    answer = services.EvaluationInput(level=story.level, scores=story.scores, comment=story.comment)
    if story.channel == "on_site":
        served = (
            CaseEvent.objects.filter(case=case, channel="window", actor__isnull=False).order_by("-at", "-id").first()
        )
        if served is None:
            return
        with clock.moved_to(served.at + dt.timedelta(minutes=2)):
            clerk = User.objects.get(pk=served.actor_id)
            rating = services.rate_by_token(services.open_screen(clerk, case), answer)
    elif case.applicant is None:
        return
    else:
        with clock.moved_to(ended + dt.timedelta(hours=3)):
            rating = services.rate_case(case.applicant, case, answer)
    report.count("rating", "created")
    moment = rating.created_at
    for i, (action, note, extra) in enumerate(story.handling):
        who = _office(case, "department_head" if action == "appeal" else "approver")
        moment += dt.timedelta(days=1 + i)
        with clock.moved_to(moment):
            services.perform(
                who,
                rating.rectification.pk,
                RectificationAction(action),
                services.RectificationInput(
                    note=note, days=extra.get("days"), satisfaction_after=extra.get("satisfaction_after")
                ),
            )


def _office(case: Case, role: str) -> User:
    return User.objects.filter(department_id=case.deciding_department_id, role=role, is_active=True).order_by("id")[0]
