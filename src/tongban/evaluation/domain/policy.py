"""Who may rate what, and who may handle a bad rating (pure; no Django).

A rating needs a real service that has ended: a case closed or refused (一事一评, and a supervisor's 监督查评 of
a case in their jurisdiction), or a window service the clerk just gave (一次一评, through a one-time token the
clerk's screen carries). Only the case's own applicant rates it, once per service. Anonymous ratings only on the
channels the deployment allows (by default 社会综合点评 alone).
"""

from __future__ import annotations

from dataclasses import dataclass

from tongban.core.actor import Actor, Role

from .scale import Channel
from .workflow import HEAD_ACTIONS, OFFICE_ACTIONS, SUPERVISOR_ACTIONS, RectificationAction

# Case states after which the service is over and may be rated (cases.domain.workflow's values).
FINISHED_CASE_STATES = frozenset({"closed", "refused"})
OFFICE_ROLES = frozenset({Role.APPROVER, Role.DEPARTMENT_HEAD})


@dataclass(frozen=True)
class ServiceFacts:
    """The service a rating is about."""

    case_status: str
    applicant_user_id: int | None
    division_path: str = ""
    already_rated: bool = False


@dataclass(frozen=True)
class Denial:
    code: str
    message: str
    status: int = 403


def rating_denial(actor: Actor, channel: Channel, service: ServiceFacts, *, by_token: bool = False) -> Denial | None:
    """Why ``actor`` may not rate this service on ``channel`` now (None: they may)."""
    if service.already_rated:
        return Denial("already_rated", "这项服务已经评价过了，每项服务只能评价一次。", 409)
    if channel is Channel.ON_SITE:
        # The clerk's screen is bound to the case and the service just given; the token is the proof.
        return None if by_token else Denial("token_required", "现场评价须在窗口评价屏上进行。")
    if service.case_status not in FINISHED_CASE_STATES:
        return Denial("not_finished", "办件办结后才能评价。", 409)
    if channel is Channel.ONLINE:
        if not actor.applicant or actor.user_id != service.applicant_user_id:
            return Denial("not_applicant", "只有本办件的申请人可以评价。")
        return None
    if channel is Channel.SUPERVISION:
        if not actor.has_role(Role.SUPERVISOR) or not actor.manages_path(service.division_path):
            return Denial("not_supervisor", "只有本辖区的督办人员可以监督查评。")
        return None
    return Denial("wrong_channel", "社会综合点评不针对单个办件。", 400)


def anonymous_allowed(channel: Channel, allowed: frozenset[str]) -> bool:
    return channel.value in allowed


def may_see_rectifications(actor: Actor, department_id: int | None, division_path: str) -> bool:
    """The office that handled the service, and supervisors (and administrators) over its division."""
    if actor.system_admin:
        return True
    if actor.has_role(*OFFICE_ROLES) and actor.department_id is not None:
        return actor.department_id == department_id
    return actor.has_role(Role.SUPERVISOR) and actor.manages_path(division_path)


def rectification_denial(
    actor: Actor, department_id: int | None, division_path: str, action: RectificationAction
) -> str | None:
    """Why ``actor`` may not take ``action`` on a bad rating of this department (None: they may)."""
    if action in OFFICE_ACTIONS:
        ok = actor.has_role(*OFFICE_ROLES) and actor.department_id == department_id
        return None if ok else "只有办理该服务的部门可以核实整改和回访。"
    if action in HEAD_ACTIONS:
        ok = actor.has_role(Role.DEPARTMENT_HEAD) and actor.department_id == department_id
        return None if ok else "只有办理部门的负责人可以提出申诉。"
    if action in SUPERVISOR_ACTIONS:
        ok = actor.has_role(Role.SUPERVISOR) and actor.manages_path(division_path)
        return None if ok else "只有本辖区的督办人员可以审核申诉。"
    return "无权操作。"
