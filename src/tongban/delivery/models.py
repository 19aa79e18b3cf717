"""Shipments of case results (快递送达) and their tracking scans.

A Shipment is the platform's record of one parcel whatever the courier; ShipmentEvent holds its scans
(written by the local courier itself, or copied from a real courier's tracking by services.refresh).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tongban.core.models import AppendOnlyModel

from .registry import STATUS_LABELS, ShipmentStatus, status_label

STATUS_CHOICES = [(k.value, v) for k, v in STATUS_LABELS.items()]


class Shipment(models.Model):
    case = models.ForeignKey("cases.Case", verbose_name="办件", on_delete=models.PROTECT, related_name="shipments")
    courier = models.CharField("快递接口", max_length=40)
    order_ref = models.CharField(
        "寄件订单号", max_length=48, unique=True, help_text="平台生成，快递据此去重，重试不会重复寄件"
    )
    tracking_number = models.CharField("运单号", max_length=40, blank=True, db_index=True)
    contents = models.CharField("寄递内容", max_length=200)
    sender_name = models.CharField("寄件单位", max_length=100)
    sender_phone = models.CharField("寄件电话", max_length=40, blank=True)
    sender_address = models.CharField("寄件地址", max_length=200)
    recipient_name = models.CharField("收件人", max_length=100)
    recipient_phone = models.CharField("收件电话", max_length=20)
    recipient_address = models.CharField("收件地址", max_length=200)
    status = models.CharField("物流状态", max_length=20, choices=STATUS_CHOICES, default=ShipmentStatus.PENDING.value)
    booked_at = models.DateTimeField("下单时间", null=True, blank=True, help_text="快递接口接受下单、给出运单号的时间")
    signed_by = models.CharField("签收人", max_length=100, blank=True)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="交寄人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("交寄时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "邮寄送达"
        verbose_name_plural = "邮寄送达"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["courier", "tracking_number"], condition=~Q(tracking_number=""), name="uniq_courier_tracking"
            ),
        ]
        indexes = [models.Index(fields=["status", "courier"], name="shipment_open")]

    def __str__(self) -> str:
        return self.tracking_number or self.order_ref

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def is_final(self) -> bool:
        return self.status in (ShipmentStatus.DELIVERED, ShipmentStatus.CANCELLED)


class ShipmentEvent(AppendOnlyModel):
    """One tracking scan: never edited."""

    shipment = models.ForeignKey(Shipment, verbose_name="邮件", on_delete=models.PROTECT, related_name="events")
    status = models.CharField("状态", max_length=20, choices=STATUS_CHOICES)
    place = models.CharField("地点", max_length=100, blank=True)
    at = models.DateTimeField("时间")
    signer = models.CharField("签收人", max_length=100, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "物流轨迹"
        verbose_name_plural = "物流轨迹"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.shipment} {status_label(self.status)}"
