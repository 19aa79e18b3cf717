"""Every write of 好差评, each in one transaction: ratings (one per service, by its applicant, refused and flagged
when scripted), the window screen's one-time token, and ``perform``, the one entry point of a bad rating's
handling (lock, policy, table, effect, event, audit, outbox)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from tongban.accounts.models import User
from tongban.audit.services import record as audit
from tongban.cases.models import Case, CaseEvent
from tongban.core import clock, ratelimit
from tongban.core.actor import Role, actor_of
from tongban.core.errors import ConflictError, DomainError
from tongban.jurisdictions.models import Department
from tongban.notifications.registry import Message
from tongban.notifications.services import notify
from tongban.workdays.selectors import current_calendar
from tongban.workdays.workcal import UnknownCalendarYear

from .domain import policy
from .domain.policy import ServiceFacts
from .domain.scale import Channel, is_bad, parse_level
from .domain.workflow import (
    ACTION_LABELS,
    RectificationAction,
    RectificationFacts,
    RectificationStatus,
    Step,
    blocked_by,
    next_status,
)
from .models import CallBack, Dimension, Evaluation, FlaggedAttempt, Invitation, Rectification, RectificationEvent

A = RectificationAction
SCREEN_MINUTES = 30


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def deadline_options() -> tuple[int, ...]:
    """The working days a deadline for putting a bad rating right may have (local rules: 5 or 15)."""
    raw = str(_setting("TONGBAN_EVALUATION_RECTIFY_DAYS", "5,15"))
    return tuple(sorted({int(p) for p in raw.split(",") if p.strip().isdigit() and int(p) > 0}))


def anonymous_channels() -> frozenset[str]:
    raw = str(_setting("TONGBAN_EVALUATION_ANONYMOUS_CHANNELS", "social"))
    return frozenset(p.strip() for p in raw.split(",") if p.strip())


# ---- ratings ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvaluationInput:
    level: Any
    scores: dict[str, Any] | None = None
    comment: str = ""
    anonymous: bool = False


def _clean(data: EvaluationInput) -> tuple[int, dict[str, int], str]:
    level = parse_level(data.level)
    if level is None:
        raise DomainError("level_required", "请选择评价等级（非常满意至非常不满意）。", "level")
    known = set(Dimension.objects.filter(active=True).values_list("code", flat=True))
    scores: dict[str, int] = {}
    for code, value in (data.scores or {}).items():
        if code not in known:
            raise DomainError("unknown_dimension", f"没有评价维度“{code}”。", "scores")
        if value in (None, ""):
            continue
        score = parse_level(value)
        if score is None:
            raise DomainError("bad_score", "分项评价须为1至5的等级。", "scores")
        scores[code] = int(score)
    comment = (data.comment or "").strip()
    if len(comment) > 500:
        raise DomainError("comment_too_long", "评价内容不能超过500字。", "comment")
    if is_bad(level) and not comment:
        raise DomainError("comment_required", "差评请写明不满意的原因，便于部门核实整改。", "comment")
    return int(level), scores, comment


def guard_abuse(user: User | None, ip: str, channel: Channel) -> None:
    """Scripted mass ratings: too many from one account or address per day, or a burst from one address within
    a minute, are refused and flagged (FlaggedAttempt, audit). Counted before the rating's transaction, so the
    flag stays when the rating does not."""
    per_day = int(_setting("TONGBAN_EVALUATION_DAILY_LIMIT", 20))
    burst = int(_setting("TONGBAN_EVALUATION_BURST_LIMIT", 5))
    reasons = []
    if user is not None and ratelimit.hit(f"eval-account:{user.pk}", per_day, 86400.0):
        reasons.append("account_daily")
    if ip and ratelimit.hit(f"eval-address:{ip}", per_day, 86400.0):
        reasons.append("address_daily")
    if ip and ratelimit.hit(f"eval-burst:{ip}", burst, 60.0):
        reasons.append("burst")
    if not reasons:
        return
    with transaction.atomic():
        FlaggedAttempt.objects.create(
            reason=reasons[0], ip=ip, user=user, detail={"reasons": reasons, "channel": channel.value}
        )
        audit("evaluation.flagged", "rating", "", actor=user, ip=ip, detail={"reasons": reasons})
    raise DomainError("too_many_ratings", "评价过于频繁，已被记录为异常评价，请稍后再试。", None, status=429)


def _service_facts(case: Case, key: str) -> ServiceFacts:
    return ServiceFacts(
        case_status=case.status,
        applicant_user_id=case.applicant_id,
        division_path=case.deciding_division.path,
        already_rated=Evaluation.objects.filter(service_key=key).exists(),
    )


def _create(rating: Evaluation, user: User | None, ip: str) -> Evaluation:
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError as exc:  # the same service rated twice at once
        raise ConflictError("already_rated", "这项服务已经评价过了，每项服务只能评价一次。") from exc
    audit(
        "evaluation.rate",
        "rating",
        rating.pk,
        actor=user,
        ip=ip,
        detail={"channel": rating.channel, "level": rating.level, "case": rating.case.number if rating.case else ""},
    )
    if is_bad(rating.level):
        _open_rectification(rating)
    return rating


def _of_case(case: Case, channel: Channel, key: str, data: tuple[int, dict[str, int], str], **extra: Any) -> Evaluation:
    level, scores, comment = data
    return Evaluation(
        service_key=key,
        channel=channel.value,
        level=level,
        scores=scores,
        comment=comment,
        case=case,
        department_id=case.deciding_department_id,
        division_id=case.deciding_division_id,
        implementation_id=case.implementation_id,
        centre_id=case.receiving_centre_id,
        **extra,
    )


def _window_clerk(case: Case) -> tuple[int | None, int | None]:
    """The window and clerk that served the case at the window last (its acceptance or its result)."""
    event = CaseEvent.objects.filter(case=case, channel="window", actor__isnull=False).order_by("-at", "-id").first()
    return (event.window_id, event.actor_id) if event else (case.receiving_window_id, None)


def rate_case(
    user: User, case: Case, data: EvaluationInput, *, channel: Channel = Channel.ONLINE, ip: str = ""
) -> Evaluation:
    """一事一评 by the applicant after the case ended, or a supervisor's 监督查评 of a finished case."""
    key = f"online:{case.pk}" if channel is Channel.ONLINE else f"supervision:{case.pk}:{user.pk}"
    denial = policy.rating_denial(actor_of(user), channel, _service_facts(case, key))
    if denial:
        raise DomainError(denial.code, denial.message, None, status=denial.status)
    cleaned = _clean(data)
    guard_abuse(user, ip, channel)
    window_id, clerk_id = _window_clerk(case)
    named = channel is Channel.SUPERVISION or not (
        data.anonymous and policy.anonymous_allowed(channel, anonymous_channels())
    )
    rating = _of_case(
        case,
        channel,
        key,
        cleaned,
        rater=user,
        rater_name=(case.applicant_name if channel is Channel.ONLINE else user.real_name) if named else "",
        rater_phone=(case.applicant_phone or user.phone) if named and channel is Channel.ONLINE else "",
        anonymous=not named,
        window_id=window_id,
        clerk_id=clerk_id,
        ip=ip,
    )
    with transaction.atomic():
        return _create(rating, user, ip)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def window_service(clerk: User, case: Case) -> CaseEvent | None:
    """The service this clerk gave this case at the window today, if any (the screen rates that one). None for a
    case another node received (跨域通办): the applicant was never at this window and rates at that node."""
    if case.receiving_node:
        return None
    today_start = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    return (
        CaseEvent.objects.filter(case=case, actor=clerk, channel="window", at__gte=today_start)
        .order_by("-at", "-id")
        .first()
    )


def open_screen(clerk: User, case: Case, *, ip: str = "") -> str:
    """The clerk opens the rating screen (一次一评) for the service just given: a one-time token bound to the case
    and that service, valid for half an hour. Returns the token (only its digest is kept)."""
    actor = actor_of(clerk)
    if not actor.has_role(Role.WINDOW_CLERK):
        raise DomainError("not_clerk", "只有窗口人员可以打开现场评价屏。", None, status=403)
    if case.receiving_node:
        raise DomainError(
            "applicant_elsewhere", "申请人在收件地办理，由收件地评价本次服务，本地不发起现场评价。", None, status=409
        )
    event = window_service(clerk, case)
    if event is None:
        raise DomainError("no_service", "您今天没有在窗口为该办件办理业务，无法发起现场评价。", None, status=409)
    if Evaluation.objects.filter(service_key=f"on_site:{event.pk}").exists():
        raise ConflictError("already_rated", "这次窗口服务已经评价过了。")
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        Invitation.objects.create(
            token_hash=_digest(token),
            case=case,
            event_id=event.pk,
            clerk=clerk,
            expires_at=timezone.now() + dt.timedelta(minutes=SCREEN_MINUTES),
        )
        audit("evaluation.screen", "case", case.number, actor=clerk, ip=ip, detail={"event": event.pk})
    return token


def invitation_of(token: str) -> Invitation | None:
    """The screen's invitation while it may still be used."""
    inv = Invitation.objects.select_related("case", "case__version").filter(token_hash=_digest(token)).first()
    if inv is None or inv.used_at is not None or inv.expires_at <= timezone.now():
        return None
    return inv


def rate_by_token(token: str, data: EvaluationInput, *, ip: str = "") -> Evaluation:
    """The applicant taps a level on the clerk's screen: no sign-in; the token names the case and the service, and
    the rating is the case's applicant's. The token is spent in the same transaction."""
    cleaned = _clean(data)
    with transaction.atomic():
        inv = (
            Invitation.objects.select_for_update()
            .select_related("case")
            .filter(token_hash=_digest(token), used_at__isnull=True, expires_at__gt=timezone.now())
            .first()
        )
        if inv is None:
            raise DomainError("token_invalid", "评价链接已失效，请窗口工作人员重新打开评价屏。", None, status=410)
        case = inv.case
        key = f"on_site:{inv.event_id}"
        denial = policy.rating_denial(actor_of(None), Channel.ON_SITE, _service_facts(case, key), by_token=True)
        if denial:
            raise DomainError(denial.code, denial.message, None, status=denial.status)
        event = CaseEvent.objects.get(pk=inv.event_id)
        inv.used_at = timezone.now()
        inv.save(update_fields=["used_at"])
        rating = _of_case(
            case,
            Channel.ON_SITE,
            key,
            cleaned,
            rater=case.applicant,
            rater_name=case.applicant_name,
            rater_phone=case.applicant_phone,
            window_id=event.window_id,
            clerk_id=inv.clerk_id,
            ip=ip,
        )
        return _create(rating, case.applicant, ip)


def rate_department(user: User | None, department: Department, data: EvaluationInput, *, ip: str = "") -> Evaluation:
    """社会综合点评 of a department's services: signed in, or anonymous where the deployment allows it; one per
    account (or address) per department and month."""
    anonymous = user is None or data.anonymous
    if anonymous and not policy.anonymous_allowed(Channel.SOCIAL, anonymous_channels()):
        raise DomainError("sign_in_required", "请先登录再评价。", None, status=403)
    cleaned = _clean(data)
    guard_abuse(user, ip, Channel.SOCIAL)
    who = f"u{user.pk}" if user is not None else f"ip{ip}"
    key = f"social:{department.pk}:{who}:{clock.today():%Y-%m}"
    if Evaluation.objects.filter(service_key=key).exists():
        raise ConflictError("already_rated", "本月您已点评过该部门。")
    rating = Evaluation(
        service_key=key,
        channel=Channel.SOCIAL.value,
        level=cleaned[0],
        scores=cleaned[1],
        comment=cleaned[2],
        rater=user,
        rater_name="" if anonymous or user is None else user.real_name,
        rater_phone="" if anonymous or user is None else user.phone,
        anonymous=anonymous,
        department=department,
        division_id=department.division_id,
        ip=ip,
    )
    with transaction.atomic():
        return _create(rating, user, ip)


# ---- bad ratings -----------------------------------------------------------------------------------------


def _open_rectification(rating: Evaluation) -> Rectification:
    rectification = Rectification.objects.create(
        evaluation=rating,
        department_id=rating.department_id,
        division_id=rating.division_id,
        named=not rating.anonymous,
    )
    heads = User.objects.filter(department_id=rating.department_id, role=Role.DEPARTMENT_HEAD.value, is_active=True)
    for head in heads.exclude(phone=""):
        notify(
            Message(
                recipient_phone=head.phone,
                recipient_name=head.real_name,
                subject="收到差评，请核实整改",
                body=f"{rating.get_channel_display()}收到一条{rating.get_level_display()}的评价，请及时核实、整改并回访。",
                case_number=rating.case.number if rating.case else "",
                kind="evaluation_bad",
            )
        )
    return rectification


@dataclass(frozen=True)
class RectificationInput:
    note: str = ""
    days: int | None = None
    satisfaction_after: Any = None


def _facts(rectification: Rectification) -> RectificationFacts:
    return RectificationFacts(
        status=RectificationStatus(rectification.status),
        named=rectification.named,
        appealed_before=rectification.appealed,
    )


def perform(
    user: User,
    rectification_id: int,
    action: RectificationAction,
    data: RectificationInput,
    *,
    revision: int | None = None,
    ip: str = "",
) -> Rectification:
    """The one entry point of a bad rating's handling."""
    satisfaction = parse_level(data.satisfaction_after) if data.satisfaction_after not in (None, "") else None
    step = Step(
        note=(data.note or "").strip(),
        days=data.days,
        allowed_days=deadline_options(),
        satisfaction_after=int(satisfaction) if satisfaction else None,
    )
    with transaction.atomic():
        rectification = Rectification.objects.select_for_update().filter(pk=rectification_id).first()
        if rectification is None:
            raise DomainError("not_found", "没有找到该差评。", None, status=404)
        division_path = rectification.division.path
        actor = actor_of(user)
        if not policy.may_see_rectifications(actor, rectification.department_id, division_path):
            raise DomainError("not_found", "没有找到该差评。", None, status=404)
        refusal = policy.rectification_denial(actor, rectification.department_id, division_path, action)
        if refusal:
            raise DomainError("forbidden", refusal, None, status=403)
        if revision is not None and revision != rectification.revision:
            raise ConflictError("stale", "该差评已被他人处理，页面已刷新为最新状态。")
        facts = _facts(rectification)
        blocked = blocked_by(facts, action, step)
        if blocked:
            status = 409 if blocked.code in ("not_allowed", "callback_required", "appealed_before") else 400
            raise DomainError(blocked.code, blocked.message, blocked.field, status=status)
        before = rectification.status
        extra = _effect(rectification, action, step, user)
        rectification.status = next_status(facts, action).value
        rectification.revision += 1
        rectification.save()
        RectificationEvent.objects.create(
            rectification=rectification,
            action=action.value,
            from_status=before,
            to_status=rectification.status,
            actor=user,
            actor_role=actor.label,
            note=step.note,
            data=extra,
        )
        audit(
            f"evaluation.{action.value}",
            "rectification",
            rectification.pk,
            actor=user,
            ip=ip,
            detail={"from": before, "to": rectification.status, **extra},
        )
        _tell_rater(rectification, action)
    return rectification


def _effect(rectification: Rectification, action: RectificationAction, step: Step, user: User) -> dict[str, Any]:
    today = clock.today()
    rating = rectification.evaluation
    if action is A.SET_DEADLINE:
        try:
            due = current_calendar().add_working_days(today, int(step.days or 0))
        except UnknownCalendarYear as exc:
            raise DomainError("calendar_unknown", "工作日历尚未录入相关年度的节假日安排，无法计算整改期限。") from exc
        rectification.deadline_days, rectification.due_on = step.days, due
        rectification.rectification = step.note
        return {"days": step.days, "due_on": due.isoformat()}
    if action in (A.RECTIFY_AT_ONCE, A.COMPLETE):
        rectification.rectification = (
            step.note if action is A.RECTIFY_AT_ONCE else f"{rectification.rectification}\n{step.note}".strip()
        )
        rectification.handled_on = today
        late = rectification.due_on is not None and today > rectification.due_on
        return {"late": late} if action is A.COMPLETE else {}
    if action is A.EXPLAIN:
        rectification.explanation, rectification.handled_on = step.note, today
        return {}
    if action in (A.CALL_BACK, A.CALL_UNANSWERED):
        reached = action is A.CALL_BACK
        CallBack.objects.create(
            rectification=rectification,
            caller=user,
            reached=reached,
            outcome=step.note or "未接通",
            satisfaction_after=step.satisfaction_after if reached else None,
        )
        if reached:
            rectification.called_back, rectification.satisfaction_after = True, step.satisfaction_after
        return {"reached": reached, "satisfaction_after": step.satisfaction_after if reached else None}
    if action is A.APPEAL:
        rectification.appealed = True
        return {}
    if action is A.UPHOLD_APPEAL:
        Evaluation.objects.filter(pk=rating.pk).update(excluded=True)
        return {"excluded": True}
    return {}


def _tell_rater(rectification: Rectification, action: RectificationAction) -> None:
    rating = rectification.evaluation
    if not rating.rater_phone or rating.anonymous or action not in (A.RECTIFY_AT_ONCE, A.COMPLETE, A.EXPLAIN):
        return
    what = rectification.explanation if action is A.EXPLAIN else rectification.rectification
    notify(
        Message(
            recipient_phone=rating.rater_phone,
            recipient_name=rating.rater_name,
            subject=f"您的评价已{ACTION_LABELS[action]}",
            body=f"您对“{rating.department.name}”的评价，部门已{ACTION_LABELS[action]}：{what}",
            case_number=rating.case.number if rating.case else "",
            kind="evaluation_handled",
        )
    )


def invite(case: Case, base_url: str) -> None:
    """When a case ends, the applicant is asked to rate it (一事一评), by a link in the notice (in the closing
    transaction: called from the case core's signal)."""
    if not case.applicant_phone:
        return
    notify(
        Message(
            recipient_phone=case.applicant_phone,
            recipient_name=case.applicant_name,
            subject="请对本次服务进行评价",
            body=f"您的办件“{case.version.name}”已办结，欢迎评价：{base_url}/evaluation/cases/{case.number}/",
            case_number=case.number,
            kind="evaluation_invite",
        )
    )
