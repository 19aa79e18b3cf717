"""Cross-region cases (跨域通办办件) and joint cases (多地联办件) in the Django admin: read-only, for oversight.

Nothing is added, changed or deleted here: every change goes through crossregion.services (pages, API, the
messages of other nodes). Rows are scoped as the pages scope them: a receiving copy to its centre's window
clerks, a deciding copy to whoever may see its local case (the case core's policy), everything to the system
administrator; outside the scope is a 404. Names, ID and phone numbers are masked; the form and the files stay
on the case's pages. Opening a case's page is written to the audit log as ``crossregion.view``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse

from tongban.accounts.masking import mask_name, mask_phone, mask_resident_id
from tongban.accounts.permissions import is_system_admin
from tongban.audit.services import client_ip
from tongban.audit.services import record as audit
from tongban.cases.admin import ReadOnlyAdmin, ReadOnlyInline
from tongban.cases.models import Case
from tongban.cases.selectors import visible_cases

from .models import CrossRegionCase, CrossRegionEvent, JointCase


def scoped(request: HttpRequest, qs: QuerySet[CrossRegionCase]) -> QuerySet[CrossRegionCase]:
    user = request.user
    if is_system_admin(user):
        return qs
    deciding = Q(side="deciding", local_case__in=visible_cases(user, Case.objects.all()))
    centre = getattr(user, "service_centre_id", None)
    if getattr(user, "role", "") == "window_clerk" and centre is not None:
        return qs.filter(deciding | Q(side="receiving", receiving_centre_id=centre))
    return qs.filter(deciding)


class MaskedApplicant:
    @admin.display(description="申请人")
    def applicant_masked(self, obj: Any) -> str:
        return mask_name(obj.applicant_name)

    @admin.display(description="证件号码")
    def id_number_masked(self, obj: Any) -> str:
        return mask_resident_id(obj.applicant_id_number)


class CrossRegionEventInline(ReadOnlyInline):
    model = CrossRegionEvent
    verbose_name_plural = "合并的办理过程（只追加，不可修改）"
    fields = ["happened_at", "node_name", "action_shown", "status_shown", "note", "actor_name", "remote"]

    @admin.display(description="动作")
    def action_shown(self, obj: CrossRegionEvent) -> str:
        return obj.action_label

    @admin.display(description="新状态")
    def status_shown(self, obj: CrossRegionEvent) -> str:
        return obj.status_after_label

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).order_by("happened_at", "id")


@admin.register(CrossRegionCase)
class CrossRegionCaseAdmin(MaskedApplicant, ReadOnlyAdmin):
    view_perm = "crossregion.view_crossregioncase"
    list_display = ["ref", "item_name", "mode", "side", "status", "peer_name", "applicant_masked", "created_at"]
    list_filter = ["mode", "side", "status"]
    search_fields = ["ref", "item_name", "item_code", "remote_number"]
    date_hierarchy = "created_at"
    inlines = [CrossRegionEventInline]
    fields = readonly_fields = (
        "ref",
        "side",
        "mode",
        "status",
        "revision",
        "item_code",
        "item_name",
        "receiving_node",
        "deciding_node",
        "peer_name",
        "deciding_department",
        "applicant_masked",
        "id_number_masked",
        "phone_masked",
        "identity_check",
        "material_names",
        "correction_items",
        "refusal_reason",
        "decision",
        "decision_reason",
        "result_delivery",
        "result_note",
        "taken_on",
        "forward_due",
        "forwarded_at",
        "remote_number",
        "local_case",
        "accepted_on",
        "statutory_due",
        "joint_case",
        "leg_key",
        "leg_title",
        "depends_on",
        "created_at",
        "updated_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[CrossRegionCase]:
        return scoped(request, super().get_queryset(request).select_related("local_case", "joint_case"))

    @admin.display(description="联系电话")
    def phone_masked(self, obj: CrossRegionCase) -> str:
        return mask_phone(obj.applicant_phone)

    @admin.display(description="申请材料")
    def material_names(self, obj: CrossRegionCase) -> str:
        return "、".join(m.get("name", "") for m in obj.materials) or "—"

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, object_id)
            detail = {"ref": obj.ref, "side": obj.side, "via": "admin"}
            audit(
                "crossregion.view",
                "crossregion.CrossRegionCase",
                obj.pk,
                actor=request.user,
                ip=client_ip(request),
                detail=detail,
            )
        return response


class JointLegInline(ReadOnlyInline):
    model = CrossRegionCase
    fk_name = "joint_case"
    verbose_name_plural = "联办环节（本节点收件地副本）"
    fields = ["ref", "leg_title", "item_name", "peer_name", "status", "decision"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(side="receiving").order_by("id")


@admin.register(JointCase)
class JointCaseAdmin(MaskedApplicant, ReadOnlyAdmin):
    view_perm = "crossregion.view_jointcase"
    list_display = ["ref", "name", "phase", "applicant_masked", "created_at"]
    list_filter = ["phase"]
    search_fields = ["ref", "name", "legs__item_name"]
    fields = readonly_fields = (
        "ref",
        "name",
        "phase",
        "applicant_masked",
        "id_number_masked",
        "taken_by",
        "created_at",
    )
    inlines = [JointLegInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[JointCase]:
        qs = super().get_queryset(request)
        if is_system_admin(request.user):
            return qs
        centre = getattr(request.user, "service_centre_id", None)
        return qs.filter(taken_by__service_centre_id=centre) if centre is not None else qs.none()
