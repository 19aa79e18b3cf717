"""Template tags of bundle applications: the indicators shown on the public bundle page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from tongban.cases.selectors.bundle_cases import BundleIndicators, bundle_indicators
from tongban.core import clock

register = template.Library()
DEFAULT_PERIOD_DAYS = 365


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


@register.simple_tag(takes_context=True)
def bundle_period_indicators(context: template.Context, bundle: Any) -> dict[str, Any]:
    """Indicators over ?start=&end= (ISO dates) or, by default, the last twelve months."""
    request = context.get("request")
    query = request.GET if request is not None else {}
    # Periods are over timestamps (submitted_at): the date of the clock's moment.
    end = _date(query.get("end")) or timezone.localdate(clock.now())
    start = _date(query.get("start")) or end - dt.timedelta(days=DEFAULT_PERIOD_DAYS)
    if start > end:
        start, end = end, start
    indicators: BundleIndicators = bundle_indicators(bundle, start, end)
    return {"start": start, "end": end, "values": indicators}
