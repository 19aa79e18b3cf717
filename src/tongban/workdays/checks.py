from __future__ import annotations

from django.core.checks import Warning, register
from django.db.utils import DatabaseError


@register()
def calendar_years_known(app_configs=None, **kwargs):
    from .selectors import missing_years

    try:
        missing = missing_years()
    except DatabaseError:  # before migrate there is no table to read
        return []
    return [
        Warning(
            f"工作日历缺少{year}年的节假日安排：涉及该年的办结期限将显示为“无法计算”。",
            hint="请在管理后台“工作日历 › 年度节假日安排”中录入国务院公布的安排。",
            id="tongban.W001",
        )
        for year in missing
    ]
