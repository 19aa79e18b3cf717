"""Postal delivery as a result channel of the case domain (cases.services.results): registered in apps.py, so
cases never imports delivery; and what a case's admin page shows of its parcels."""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html_join

from tongban.cases.models import Case
from tongban.cases.services import Ctx, Notice
from tongban.core.errors import DomainError

from .selectors import courier_label, parcel_text, shipments_for_case
from .services import address_from_case, ship_result


class PostalResultChannel:
    """快递送达: the result desk hands the result to the courier as the case closes."""

    def prepare(self, case: Case, address: str, tracking: str) -> str:
        if tracking.strip():
            raise DomainError(
                "tracking_generated", "邮寄送达的快递单号由快递接口自动生成，无需填写；请提供收件地址", "tracking"
            )
        address = (address or "").strip() or address_from_case(case)
        if not address:
            raise DomainError("address_required", "邮寄送达须有收件地址：申请表中未填写地址，请填写收件地址", "address")
        return address

    def dispatch(self, ctx: Ctx, case: Case, address: str) -> tuple[dict[str, Any], Notice]:
        shipment = ship_result(case, address, ctx.user, closing=True, via_bundle=ctx.actor.via_bundle)
        data = {
            "tracking": shipment.tracking_number,
            "courier": shipment.courier,
            "shipment": shipment.pk,
            "address": shipment.recipient_address,
        }
        # The courier books after commit (delivery's "courier.book"), which tells the tracking number.
        body = f"您的办件已办结，办理结果将交寄快递，寄出后另行告知运单号，收件地址：{shipment.recipient_address}。"
        return data, Notice("closed", "办件已办结，结果将邮寄", body)

    def describe(self, event_data: dict[str, Any]) -> str:
        return parcel_text(event_data)


def postal_delivery_html(case: Case) -> str:
    shipments = shipments_for_case(case)
    if not shipments:
        return "—"
    return format_html_join(
        "",
        "<div><strong>{}</strong>（{}）{}：{}<br><small>{}</small></div>",
        (
            (
                s.tracking_number or s.order_ref,
                courier_label(s.courier),
                s.status_label,
                s.recipient_address,
                "；".join(
                    f"{e.at:%Y-%m-%d %H:%M} {e.get_status_display()} {e.place}"
                    + (f" 签收人：{e.signer}" if e.signer else "")
                    for e in s.events.all()
                ),
            )
            for s in shipments
        ),
    )
