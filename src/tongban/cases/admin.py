"""Cases (办件) in the Django admin: read-only lists and pages for oversight.

Nothing is added, changed or deleted here: every change to a case goes through cases.services (pages, API).
Rows are scoped by the policy (selectors.visible_cases) (centre, department, jurisdiction); a case outside the scope is
a 404, exactly like a missing one. Lists mask ID and phone numbers; opening a case's page (its personal
data) is written to the audit log as ``case.view``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.html import format_html

from tongban.accounts.masking import mask_name, mask_phone, mask_resident_id
from tongban.accounts.permissions import is_system_admin
from tongban.accounts.roles import ACCOUNT_KIND_LABELS, ROLE_LABELS, Role
from tongban.audit.services import client_ip
from tongban.audit.services import record as audit
from tongban.core import clock
from tongban.core.actor import actor_of

from .domain import policy
from .domain.workflow import ACTION_LABELS, STATUS_LABELS, TERMINAL, CaseAction, CaseStatus
from .facts import case_facts
from .models import Case, CaseEvent, CaseMaterial, Channel, SupervisionNotice, Suspension, Visit
from .selectors import deadline_of, due_soon_limit, visible_cases
from .services import describe_dispatch

# Staff roles that work on cases and may read them here (within their scope) once they can log in (is_staff).
CASE_ROLES = frozenset({Role.WINDOW_CLERK, Role.APPROVER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR, Role.SYSTEM_ADMIN})
DUE_COLOURS = {
    "red": ("#ba2121", "已超期"),
    "yellow": ("#b7791f", "即将到期"),
    "green": ("#2f7d32", "正常"),
    "paused": ("#6b6b6b", "计时暂停"),
    "unknown": ("#6b6b6b", "期限待定"),
}


# Facts other apps add to a case's admin page (the delivery app: its parcels) without cases importing them.
CASE_PAGE_FACTS: dict[str, Callable[[Case], str]] = {}


def may_read_cases(request: HttpRequest, perm: str = "cases.view_case") -> bool:
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    return is_system_admin(user) or user.has_perm(perm) or getattr(user, "role", "") in CASE_ROLES


def scoped_cases(request: HttpRequest, qs: QuerySet[Case]) -> QuerySet[Case]:
    return visible_cases(request.user, qs)


def shows_personal(request: HttpRequest, case: Case) -> bool:
    """The policy's answer: the admin shows a case's personal data as the pages and the API do."""
    return policy.may_see_personal(actor_of(request.user), case_facts(case))


def _today() -> dt.date:
    return clock.today()


def status_label(value: str) -> str:
    try:
        return STATUS_LABELS[CaseStatus(value)]
    except ValueError:
        return value


def action_label(value: str) -> str:
    try:
        return ACTION_LABELS[CaseAction(value)]
    except ValueError:
        return value


_ROLE_NAMES = {**{k.value: v for k, v in ACCOUNT_KIND_LABELS.items()}, **{k.value: v for k, v in ROLE_LABELS.items()}}
_CHANNEL_NAMES = dict(Channel.choices)


def role_name(event: CaseEvent) -> str:
    return _ROLE_NAMES.get(event.actor_role, event.actor_role) or "系统"


def channel_name(event: CaseEvent) -> str:
    return _CHANNEL_NAMES.get(event.channel, event.channel) or "—"


def status_change(event: CaseEvent) -> str:
    if not event.from_status or event.from_status == event.to_status:
        return status_label(event.to_status)
    return f"{status_label(event.from_status)} → {status_label(event.to_status)}"


class ReadOnlyAdmin(admin.ModelAdmin):
    """No add, change or delete whatever permissions the user holds; viewing by role or permission."""

    view_perm = ""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_read_cases(request, self.view_perm)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_read_cases(request, self.view_perm)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict:
        return {}

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        # Outside the user's scope looks exactly like missing: 404, never a hint that it exists.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("办件不存在或不在您的办理范围内。")
        return obj

    def audited_case_number(self, obj: Any) -> str:
        """The case whose personal data a page of ``obj`` shows ("" for none)."""
        return ""

    def audit_detail(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {}

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)  # 404 outside the user's scope
        response = super().change_view(request, object_id, form_url, extra_context)
        number = self.audited_case_number(obj)
        if request.method == "GET" and response.status_code == 200 and number:
            audit(
                "case.view",
                "case",
                number,
                actor=request.user,
                ip=client_ip(request),
                detail={"via": "admin", "page": obj._meta.label_lower, "id": obj.pk, **self.audit_detail(request, obj)},
            )
        return response


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [str(f) for f in self.fields or []]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_read_cases(request)  # the parent admin has already scoped the case

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- inlines -----------------------------------------------------------------------------------------------


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    verbose_name_plural = "办件过程（只追加，不可修改）"
    fields = [
        "at",
        "action_name",
        "status_change",
        "actor",
        "role",
        "channel_label",
        "window",
        "step_name",
        "reason",
        "event_data",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("actor", "window__centre").order_by("at", "id")

    @admin.display(description="操作")
    def action_name(self, obj: CaseEvent) -> str:
        return action_label(obj.action)

    @admin.display(description="状态变化")
    def status_change(self, obj: CaseEvent) -> str:
        return status_change(obj)

    @admin.display(description="操作人角色")
    def role(self, obj: CaseEvent) -> str:
        return role_name(obj)

    @admin.display(description="渠道")
    def channel_label(self, obj: CaseEvent) -> str:
        return channel_name(obj)

    @admin.display(description="附加信息")
    def event_data(self, obj: CaseEvent) -> str:
        data = obj.data or {}
        parts = [
            _parcel_text(data),
            f"延长 {data['days']} 个工作日" if data.get("days") else "",
            "补正：" + "；".join(data["items"]) if data.get("items") else "",
            "容缺：" + "、".join(d["material"] for d in data["deferred"]) if data.get("deferred") else "",
            f"材料：{data['material']}" if data.get("material") else "",
        ]
        return "；".join(p for p in parts if p) or "—"


def _parcel_text(data: dict) -> str:
    return describe_dispatch(data)  # a parcel's number arrives after the courier's booking


class CaseMaterialInline(ReadOnlyInline):
    model = CaseMaterial
    verbose_name_plural = "申请材料"
    fields = [
        "name",
        "state",
        "paper_checked",
        "content_type",
        "size",
        "deferred_due",
        "commitment",
        "supplied_at",
        "overdue_notified_at",
    ]


class SuspensionInline(ReadOnlyInline):
    model = Suspension
    fields = ["step_name", "counted", "reason", "started_on", "ended_on"]


class VisitInline(ReadOnlyInline):
    model = Visit
    fields = ["purpose", "centre", "at"]


class SupervisionNoticeInline(ReadOnlyInline):
    model = SupervisionNotice
    fields = ["sent_at", "department", "sent_by", "message", "answer", "answered_by", "answered_at"]


# --- filters -----------------------------------------------------------------------------------------------


class DueFilter(admin.SimpleListFilter):
    title = "办结时限"
    parameter_name = "due"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("overdue", "已超期"),
            ("soon", "即将到期（2个工作日内）"),
            ("ok", "正常"),
            ("paused", "计时暂停"),
            ("unknown", "期限待定"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(due_level=self.value()) if self.value() else queryset


class OverdueDeferralFilter(admin.SimpleListFilter):
    title = "容缺材料"
    parameter_name = "deferral"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("overdue", "承诺补交已逾期"), ("pending", "待补交")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        # As deferrals.deferral_flags: only cases still open (a closed case's promise is no longer chased).
        deferred = CaseMaterial.objects.filter(case=OuterRef("pk"), state=CaseMaterial.State.DEFERRED)
        open_cases = queryset.exclude(status__in=[s.value for s in TERMINAL])
        if self.value() == "overdue":
            return open_cases.filter(Exists(deferred.filter(deferred_due__lt=_today())))
        if self.value() == "pending":
            return open_cases.filter(Exists(deferred))
        return queryset


class EventRoleFilter(admin.SimpleListFilter):
    title = "操作人角色"
    parameter_name = "actor_role"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return list(_ROLE_NAMES.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(actor_role=self.value()) if self.value() else queryset


class EventChannelFilter(admin.SimpleListFilter):
    title = "渠道"
    parameter_name = "channel"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return list(_CHANNEL_NAMES.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(channel=self.value()) if self.value() else queryset


# --- cases -------------------------------------------------------------------------------------------------


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    view_perm = "cases.view_case"
    list_display = [
        "number",
        "item",
        "status_name",
        "channel",
        "deciding_department",
        "due",
        "applicant_masked",
        "id_number_masked",
        "phone_masked",
    ]
    list_filter = [
        "status",
        "channel",
        "deciding_department",
        "deferred",
        "calendar_unknown",
        DueFilter,
        OverdueDeferralFilter,
    ]
    search_fields = ["^number"]
    search_help_text = "按办件编号（或其开头部分）查找"
    list_select_related = ["version", "deciding_department"]
    list_per_page = 50
    show_full_result_count = False  # no second COUNT over millions of rows
    ordering = ["-created_at", "-id"]
    inlines = [CaseMaterialInline, CaseEventInline, SuspensionInline, VisitInline, SupervisionNoticeInline]
    fieldsets = [
        (
            "办件",
            {
                "fields": [
                    "number",
                    "query_code",
                    "status_name",
                    "version",
                    "implementation",
                    "channel",
                    "current_step",
                    "awaiting_decision",
                    "revision",
                ]
            },
        ),
        (
            "申请人",
            {
                "fields": [
                    "applicant",
                    "applicant_kind",
                    "applicant_name",
                    "applicant_id_number",
                    "applicant_phone",
                    "agent_name",
                    "agent_id_number",
                    "identity_check",
                    "form_data",
                ]
            },
        ),
        (
            "受理与办理",
            {
                "fields": [
                    "receiving_division",
                    "receiving_centre",
                    "receiving_window",
                    "receiving_node",
                    "deciding_department",
                    "deciding_division",
                    "bundle_case",
                    "deferred",
                    "correction_items",
                    "refusal_reason",
                ]
            },
        ),
        (
            "时限",
            {
                "fields": [
                    "received_on",
                    "acceptance_due",
                    "limit_unit",
                    "statutory_days",
                    "promised_days",
                    "extension_days",
                    "accepted_on",
                    "due",
                    "promised_due",
                    "statutory_due",
                    "special_due",
                    "result_due",
                    "calendar_unknown",
                ]
            },
        ),
        (
            "决定与出件",
            {"fields": ["decision", "decision_reason", "result_delivery", "postal_delivery", "result_licence_id"]},
        ),
        ("时间", {"fields": ["created_at", "submitted_at", "accepted_at", "decided_at", "closed_at", "updated_at"]}),
    ]

    MASKED = {"applicant_name": "applicant_masked", "applicant_id_number": "id_number_masked",
              "applicant_phone": "phone_masked", "agent_id_number": "agent_id_masked", "query_code": "query_code_masked",
              "form_data": "form_data_masked"}  # fmt: skip

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None or shows_personal(request, obj):
            return self.fieldsets
        return [
            (name, {"fields": [self.MASKED.get(str(f), str(f)) for f in opts["fields"]]})
            for name, opts in self.fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [str(f) for _, opts in self.get_fieldsets(request, obj) for f in opts["fields"]]

    def audit_detail(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {"unmasked": shows_personal(request, obj)}

    @admin.display(description="代办人公民身份号码")
    def agent_id_masked(self, obj: Case) -> str:
        return mask_resident_id(obj.agent_id_number)

    @admin.display(description="查询码")
    def query_code_masked(self, obj: Case) -> str:
        return "（仅申请人和经办人员可见）"

    @admin.display(description="申请表数据")
    def form_data_masked(self, obj: Case) -> str:
        return "（含个人信息，仅申请人和经办人员可见）"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        today = _today()
        # The same buckets as the queues (selectors.bucket_filter): the clock in force, never a paused one.
        soon = due_soon_limit(today)
        due_level = models.Case(
            models.When(~models.Q(clock="") & models.Q(calendar_unknown=True), then=models.Value("unknown")),
            models.When(clock="paused", then=models.Value("paused")),
            models.When(clock_due__lt=today, then=models.Value("overdue")),
            models.When(clock_due__lte=soon or today, then=models.Value("soon")),
            models.When(clock_due__isnull=False, then=models.Value("ok")),
            default=models.Value(""),
            output_field=models.CharField(),
        )
        return scoped_cases(request, super().get_queryset(request)).annotate(due_level=due_level)

    @admin.display(description="事项", ordering="version__name")
    def item(self, obj: Case) -> str:
        return obj.version.name

    @admin.display(description="状态", ordering="status")
    def status_name(self, obj: Case) -> str:
        return status_label(obj.status)

    @admin.display(description="期限", ordering="clock_due")
    def due(self, obj: Case) -> str:
        view = deadline_of(obj)  # as every page, queue and the API show it
        if not view.running:
            return format_html("{}", obj.promised_due or "—")
        colour, word = DUE_COLOURS.get(view.colour.value, ("#333", ""))
        return format_html(
            '<span style="color:{};font-weight:bold" title="{}">{}</span> <small>{}</small>',
            colour,
            word,
            view.due_text or "—",
            view.label,
        )

    @admin.display(description="申请人")
    def applicant_masked(self, obj: Case) -> str:
        return mask_name(obj.applicant_name)

    @admin.display(description="证件号码")
    def id_number_masked(self, obj: Case) -> str:
        return mask_resident_id(obj.applicant_id_number)

    @admin.display(description="联系电话")
    def phone_masked(self, obj: Case) -> str:
        return mask_phone(obj.applicant_phone)

    @admin.display(description="邮寄送达")
    def postal_delivery(self, obj: Case) -> str:
        show = CASE_PAGE_FACTS.get("postal_delivery")
        return show(obj) if show else "—"

    def audited_case_number(self, obj: Case) -> str:
        return obj.number


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    view_perm = "cases.view_caseevent"
    list_display = [
        "at",
        "case_number",
        "action_name",
        "status_change",
        "actor",
        "role",
        "channel_label",
        "window",
        "step_name",
    ]
    list_filter = ["action", EventRoleFilter, EventChannelFilter]
    search_fields = ["^case__number"]
    search_help_text = "按办件编号（或其开头部分）查找"
    list_select_related = ["case", "actor", "window__centre"]
    list_per_page = 100
    show_full_result_count = False
    ordering = ["-at", "-id"]
    fields = readonly_fields = (
        "case",
        "at",
        "action_name",
        "status_change",
        "actor",
        "role",
        "channel_label",
        "window",
        "step_name",
        "reason",
        "data",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(case__in=visible_cases(request.user).values("pk"))

    @admin.display(description="办件编号", ordering="case__number")
    def case_number(self, obj: CaseEvent) -> str:
        return obj.case.number

    @admin.display(description="操作", ordering="action")
    def action_name(self, obj: CaseEvent) -> str:
        return action_label(obj.action)

    @admin.display(description="状态变化")
    def status_change(self, obj: CaseEvent) -> str:
        return status_change(obj)

    @admin.display(description="操作人角色")
    def role(self, obj: CaseEvent) -> str:
        return role_name(obj)

    @admin.display(description="渠道")
    def channel_label(self, obj: CaseEvent) -> str:
        return channel_name(obj)

    def audited_case_number(self, obj: CaseEvent) -> str:
        return obj.case.number  # reasons and data may be personal
