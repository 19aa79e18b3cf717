"""Shipments in the admin: read-only, scoped like their cases, recipient phone masked in the list."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from tongban.accounts.masking import mask_name, mask_phone
from tongban.accounts.permissions import is_system_admin
from tongban.cases.admin import CASE_PAGE_FACTS, ReadOnlyAdmin, ReadOnlyInline
from tongban.cases.selectors import visible_cases
from tongban.core.errors import DomainError

from . import services
from .channel import postal_delivery_html
from .models import Shipment, ShipmentEvent
from .selectors import courier_label

CASE_PAGE_FACTS["postal_delivery"] = postal_delivery_html


class ShipmentEventInline(ReadOnlyInline):
    model = ShipmentEvent
    fields = ["at", "status", "place", "signer", "note"]


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    view_perm = "delivery.view_shipment"
    list_display = [
        "tracking_number",
        "case_number",
        "courier_name",
        "status",
        "recipient",
        "recipient_phone_masked",
        "created_at",
        "signed_at",
    ]
    list_filter = ["status", "courier"]
    search_fields = ["=tracking_number", "^case__number"]
    search_help_text = "按运单号或办件编号查找"
    list_select_related = ["case"]
    inlines = [ShipmentEventInline]
    actions = ["refresh_tracking"]
    fields = readonly_fields = (
        "case",
        "courier",
        "order_ref",
        "tracking_number",
        "status",
        "contents",
        "sender_name",
        "sender_phone",
        "sender_address",
        "recipient_name",
        "recipient_phone",
        "recipient_address",
        "signed_by",
        "signed_at",
        "cancelled_at",
        "cancel_reason",
        "created_by",
        "created_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        return qs if is_system_admin(request.user) else qs.filter(case__in=visible_cases(request.user).values("pk"))

    def get_actions(self, request: HttpRequest) -> dict:
        return admin.ModelAdmin.get_actions(self, request)

    @admin.display(description="办件编号", ordering="case__number")
    def case_number(self, obj: Shipment) -> str:
        return obj.case.number

    @admin.display(description="快递接口", ordering="courier")
    def courier_name(self, obj: Shipment) -> str:
        return courier_label(obj.courier)

    @admin.display(description="收件人")
    def recipient(self, obj: Shipment) -> str:
        return mask_name(obj.recipient_name)

    @admin.display(description="收件电话")
    def recipient_phone_masked(self, obj: Shipment) -> str:
        return mask_phone(obj.recipient_phone)

    @admin.action(description="从快递接口同步所选邮件的物流轨迹")
    def refresh_tracking(self, request: HttpRequest, queryset: QuerySet[Shipment]) -> None:
        done, failed = 0, []
        for shipment in queryset:
            try:
                services.refresh(shipment)
                done += 1
            except DomainError as exc:
                failed.append(f"{shipment}：{exc.message}")
        self.message_user(request, f"已同步 {done} 件邮件的物流轨迹。", messages.SUCCESS)
        for line in failed:
            self.message_user(request, line, messages.ERROR)

    def audited_case_number(self, obj: Shipment) -> str:
        return obj.case.number  # the recipient's name, phone and address
