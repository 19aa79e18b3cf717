"""What the hotline's tests share: the demo's hotline accounts and an API client's credentials."""

from __future__ import annotations

from typing import Any

from tongban.accounts.models import User
from tongban.accounts.tokens import issue_token
from tongban.hotline import services
from tongban.jurisdictions.models import Department

ZJ = "330681000000"


def user(username: str) -> User:
    return User.objects.get(username=username)


def department(kind: str) -> Department:
    return Department.objects.get(division_id=ZJ, kind=kind)


def auth(who: User) -> dict[str, Any]:
    raw, _ = issue_token(who)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def complaint(**changes: Any) -> services.NewOrder:
    values: dict[str, Any] = {
        "order_type": "complaint",
        "title": "小区门口餐馆油烟扰民",
        "content": "浣东街道东二路小区门口一家餐馆油烟直排，整栋楼都是油烟味",
        "category_code": "0201",
        "caller_name": "李女士",
        "caller_phone": "13911112222",
        "division_code": "330681002",
        "address": "浣东街道东二路18号",
    }
    values.update(changes)
    return services.NewOrder(**values)
