"""Back-office pages: work queues per role (tabs with counts, masked rows, deadline colours), the supervisor's
board of due-soon and overdue cases of the jurisdiction, and supervision notices answered by departments."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from tongban.accounts.roles import Role
from tongban.audit.services import client_ip
from tongban.core.errors import DomainError
from tongban.federation import selectors as federation_selectors
from tongban.jurisdictions.models import Department

from . import forms as f
from . import page_extras, selectors, services
from .domain import policy
from .domain.workflow import STATUS_LABELS, CaseStatus
from .models import SupervisionNotice
from .selectors import BUCKET_LABELS, Bucket
from .views import actor_for, annotate_rows, count_label, refuse_page, role_of, today, user_of

PER_PAGE = 50
MAX_PAGE = 10_000  # beyond any real queue; a bigger number would overflow the database's OFFSET
BACK_OFFICE_BUCKETS = [
    Bucket.TO_REVIEW,
    Bucket.TO_DECIDE,
    Bucket.SUSPENDED,
    Bucket.DUE_SOON,
    Bucket.OVERDUE,
    Bucket.SPECIAL_OVERDUE,
]
ROLE_BUCKETS: dict[Role, list[Bucket]] = {
    Role.WINDOW_CLERK: [Bucket.TO_ACCEPT, Bucket.RESULT_DESK],
    Role.APPROVER: BACK_OFFICE_BUCKETS,
    Role.DEPARTMENT_HEAD: BACK_OFFICE_BUCKETS,
    Role.SYSTEM_ADMIN: list(Bucket),
}
BUCKET_HINTS = {
    Bucket.TO_ACCEPT: "网上提交和窗口收件后待作出受理决定的申请（收件后5个工作日内须受理、不予受理或一次性告知补正）",
    Bucket.TO_REVIEW: "已受理、正在各审查环节的办件",
    Bucket.TO_DECIDE: "审查环节已完成，待作出准予或不予决定",
    Bucket.SUSPENDED: "处于特殊环节或退回补正的办件（不计入时限的暂停计时）",
    Bucket.DUE_SOON: "受理、办结或出件期限在两个工作日内到期的办件",
    Bucket.OVERDUE: "逾期未受理、超过承诺办结日期或逾期未出件的办件（计时暂停的不在此列）",
    Bucket.SPECIAL_OVERDUE: "特殊环节已超过办事指南规定的最长时限的办件",
    Bucket.CALENDAR_UNKNOWN: "期限涉及尚未录入节假日安排的年度、暂无法计算的办件",
    Bucket.RESULT_DESK: "已作出决定、待统一出件的办件（决定后10个工作日或指南更短的送达时限内出件）",
}
BOARD_BUCKETS = [Bucket.OVERDUE, Bucket.DUE_SOON, Bucket.SPECIAL_OVERDUE, Bucket.CALENDAR_UNKNOWN]
TONES = {
    Bucket.OVERDUE: "red",
    Bucket.SPECIAL_OVERDUE: "red",
    Bucket.DUE_SOON: "amber",
    Bucket.CALENDAR_UNKNOWN: "amber",
}


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return min(max(1, int(raw)), MAX_PAGE) if raw.isdigit() and len(raw) < 7 else 1


def _pages(total: int, number: int, more: bool) -> dict:
    """Pagination; above the count cap the last page is not known, only whether a row follows this page."""
    if total > selectors.PAGE_COUNT_CAP:
        return {
            "number": number,
            "last": None,
            "has_previous": number > 1,
            "has_next": more,
            "previous": number - 1,
            "next": number + 1,
        }
    last = max(1, (total + PER_PAGE - 1) // PER_PAGE)
    return {
        "number": min(number, last),
        "last": last,
        "has_previous": number > 1,
        "has_next": number < last,
        "previous": number - 1,
        "next": number + 1,
    }


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """/cases/queue/?bucket=…: the user's work queue, most urgent first."""
    role = role_of(user_of(request))
    buckets = ROLE_BUCKETS.get(role) if role and policy.may_use_queues(actor_for(request)) else None
    if not buckets:
        return refuse_page(request, "工作队列仅供窗口、审批人员和部门负责人使用。")
    try:
        bucket = Bucket(request.GET.get("bucket") or buckets[0])
    except ValueError:
        bucket = buckets[0]
    if bucket not in buckets:
        bucket = buckets[0]
    number = _page_number(request)
    day = today()
    counts = selectors.queue_counts(user_of(request), buckets, day, cap=selectors.PAGE_COUNT_CAP)
    rows, total = selectors.queue(
        user_of(request), bucket, today=day, limit=PER_PAGE + 1, offset=(number - 1) * PER_PAGE, total=counts[bucket]
    )
    more, rows = len(rows) > PER_PAGE, rows[:PER_PAGE]
    if not rows and number > 1:  # past the end (the bucket shrank meanwhile): its first page
        return redirect(f"{reverse('cases:queue')}?bucket={bucket.value}")
    owed = selectors.deferred_outstanding([c.pk for c in rows if c.deferred])  # the result desk warns of these
    for c in rows:
        c.deferred_outstanding = c.pk in owed  # type: ignore[attr-defined]
    unanswered = 0
    department_id = actor_for(request).department_id
    if department_id is not None and policy.may_answer_supervision(actor_for(request), department_id):
        unanswered = SupervisionNotice.objects.filter(department_id=department_id, answered_at__isnull=True).count()
    tabs = [
        {
            "bucket": b.value,
            "label": BUCKET_LABELS[b],
            "count": counts[b],
            "shown": count_label(counts[b]),
            "active": b is bucket,
            "tone": TONES.get(b, ""),
        }
        for b in buckets
    ]
    return render(
        request,
        "cases/queue.html",
        {
            "tabs": tabs,
            "bucket": bucket.value,
            "bucket_label": BUCKET_LABELS[bucket],
            "hint": BUCKET_HINTS[bucket],
            "rows": annotate_rows(rows),
            "total": count_label(total),
            "pages": _pages(total, number, more),
            "unanswered": unanswered,
            "scope": _scope(request),
            # Names in full for the staff handling the cases listed; masked for oversight (the policy).
            "mask_names": not policy.sees_names_in_lists(actor_for(request)),
        },
    )


def _scope(request: HttpRequest) -> str:
    user = user_of(request)
    role = role_of(user)
    if role is Role.WINDOW_CLERK and user.service_centre:
        return user.service_centre.name
    if role in (Role.APPROVER, Role.DEPARTMENT_HEAD) and user.department:
        return user.department.name
    return user.division.name if user.division else "全部"


@login_required
def supervision(request: HttpRequest) -> HttpResponse:
    """/cases/supervision/: due-soon and overdue cases of the jurisdiction, with the deciding department."""
    if not policy.may_use_board(actor_for(request)):
        return refuse_page(request, "督办看板仅供督办人员使用。")
    try:
        bucket = Bucket(request.GET.get("bucket") or Bucket.OVERDUE)
    except ValueError:
        bucket = Bucket.OVERDUE
    if bucket not in BOARD_BUCKETS:
        bucket = Bucket.OVERDUE
    number = _page_number(request)
    day = today()
    rows, total = selectors.supervision_board(
        user_of(request),
        bucket,
        today=day,
        limit=PER_PAGE + 1,
        offset=(number - 1) * PER_PAGE,
        cap=selectors.PAGE_COUNT_CAP,
    )
    more, rows = len(rows) > PER_PAGE, rows[:PER_PAGE]
    if not rows and number > 1:
        return redirect(f"{reverse('cases:supervision')}?bucket={bucket.value}")
    counts = {bucket: total}
    for other in BOARD_BUCKETS:
        if other is not bucket:
            counts[other] = selectors.supervision_board(
                user_of(request), other, today=day, limit=0, cap=selectors.PAGE_COUNT_CAP
            )[1]
    # Only what the list shows: a case row carries its whole form and a version its whole guide.
    sent = list(
        SupervisionNotice.objects.filter(sent_by=user_of(request))
        .select_related("case", "case__version", "department")
        .only("message", "sent_at", "answered_at", "answer", "case__number", "case__version__name", "department__name")
        .order_by("-sent_at")[:20]
    )
    tabs = [
        {
            "bucket": b.value,
            "label": BUCKET_LABELS[b],
            "count": counts[b],
            "shown": count_label(counts[b]),
            "active": b is bucket,
            "tone": TONES.get(b, ""),
        }
        for b in BOARD_BUCKETS
    ]
    return render(
        request,
        "cases/supervision.html",
        {
            "tabs": tabs,
            "bucket": bucket.value,
            "bucket_label": BUCKET_LABELS[bucket],
            "rows": annotate_rows(rows),
            "total": count_label(total),
            "pages": _pages(total, number, more),
            "sent": sent,
            "division": user_of(request).division,
            "licence_use": selectors.licence_use_figures(user_of(request), day.replace(day=1), day),
            "board_lines": page_extras.board_lines(user_of(request)),
            "federation_alerts": len(federation_selectors.open_alerts()),
        },
    )


def _choice(value: str | None, allowed: dict[str, str]) -> str:
    return value if value in allowed else ""


@login_required
def case_search(request: HttpRequest) -> HttpResponse:
    """/cases/supervision/cases/: find any case of the jurisdiction by its number, or list its open cases by
    state, time limit and deciding department. Rows are masked (policy.sees_names_in_lists)."""
    actor = actor_for(request)
    if not policy.may_search_cases(actor):
        return refuse_page(request, "办件查询仅供督办人员使用。")
    user = user_of(request)
    number = selectors.normalize_number(request.GET.get("number"))
    not_found = ""
    if number:
        if number.startswith("YJS") and selectors.get_visible_bundle_case(user, number) is not None:
            return redirect("bundle_cases:case", number=number)
        if selectors.get_visible_case(user, number) is not None:
            return redirect("cases:detail", number=number)
        not_found = number
    statuses = {s: STATUS_LABELS[CaseStatus(s)] for s in selectors.OPEN_STATUSES}
    departments = list(
        Department.objects.filter(division__path__startswith=actor.division_path).order_by("division__path", "name")
    )
    status = _choice(request.GET.get("status"), statuses)
    due = _choice(request.GET.get("due"), selectors.DUE_FILTERS)
    raw_department = request.GET.get("department", "")
    department = next((d for d in departments if str(d.pk) == raw_department), None)
    page_number = _page_number(request)
    rows, total = selectors.jurisdiction_cases(
        user,
        status=status or None,
        due=due or None,
        department_id=department.pk if department else None,
        today=today(),
        limit=PER_PAGE + 1,
        offset=(page_number - 1) * PER_PAGE,
        cap=selectors.PAGE_COUNT_CAP,
    )
    more, rows = len(rows) > PER_PAGE, rows[:PER_PAGE]
    filters = {
        k: v for k, v in (("status", status), ("due", due), ("department", raw_department if department else "")) if v
    }
    return render(
        request,
        "cases/case_search.html",
        {
            "number": request.GET.get("number", "").strip()[:40],
            "not_found": not_found,
            "statuses": statuses,
            "dues": selectors.DUE_FILTERS,
            "departments": departments,
            "status": status,
            "due": due,
            "department": department,
            "query": urlencode(filters),
            "rows": annotate_rows(rows),
            "total": count_label(total),
            "pages": _pages(total, page_number, more),
            "masked": not policy.sees_names_in_lists(actor),
            "division": user.division,
        },
    )


@login_required
def supervision_notices(request: HttpRequest) -> HttpResponse:
    """/cases/supervision/notices/: the notices sent to the user's department, unanswered first."""
    if not policy.may_answer_supervision(actor_for(request), actor_for(request).department_id):
        return refuse_page(request, "督办单回复仅供被督办部门的审批人员和负责人使用。")
    rows = list(
        SupervisionNotice.objects.filter(department=user_of(request).department)
        .select_related("case", "case__version", "sent_by", "answered_by")
        .order_by(F("answered_at").asc(nulls_first=True), "-sent_at")[:100]
    )
    return render(
        request,
        "cases/supervision_notices.html",
        {"rows": rows, "form": f.AnswerForm(), "department": user_of(request).department},
    )


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    notice = SupervisionNotice.objects.select_related("case").filter(pk=pk).first()
    if notice is None or not policy.may_answer_supervision(actor_for(request), notice.department_id):
        return render(request, "404.html", {"message": "没有找到该督办单"}, status=404)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("cases:supervision_notices")
    form = f.AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写督办回复")
        return redirect(back)
    try:
        services.answer_supervision(
            services.Ctx(user_of(request), "", None, client_ip(request)), notice, form.cleaned_data["answer"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, f"已回复办件 {notice.case.number} 的督办单")
    return redirect(back)
