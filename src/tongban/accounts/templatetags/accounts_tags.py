"""Template filters: masked identifiers for lists and profiles, and durations in Chinese."""

from __future__ import annotations

import datetime as dt

from django import template

from tongban.accounts import masking

register = template.Library()

register.filter("mask_resident_id", masking.mask_resident_id)
register.filter("mask_phone", masking.mask_phone)
register.filter("mask_uscc", masking.mask_uscc)
register.filter("mask_name", masking.mask_name)


@register.filter
def duration_zh(value: dt.timedelta | None) -> str:
    """timedelta(minutes=30) → "30分钟", timedelta(hours=1, minutes=30) → "1小时30分钟"."""
    if not value:
        return ""
    minutes = max(1, round(value.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = [f"{days}天" if days else "", f"{hours}小时" if hours else "", f"{minutes}分钟" if minutes else ""]
    return "".join(parts)
