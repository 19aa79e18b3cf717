"""The 12345 hotline's demo (data/hotline.py): the classification tree, the hotline duties, an Open311 client
and orders in every state, each played once through the hotline's services (their idempotency keys) as the
demo account whose step it is, with the clock set back to the day it happened."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tongban.accounts.models import User
from tongban.core import clock
from tongban.hotline import services
from tongban.hotline.models import Category, Open311Client, Seat, WorkOrder
from tongban.jurisdictions.models import Department

from .data import hotline as data
from .data.regions import ZJ


def load(report: Any) -> None:
    _categories(report)
    users = {
        u.username: u for u in User.objects.filter(username__in=[s[0] for s in data.STAFF] + [u for u, _ in data.SEATS])
    }
    for username, duty in data.SEATS:
        _, created = Seat.objects.update_or_create(user=users[username], defaults={"duty": duty})
        report.count("hotline_seat", "created" if created else "unchanged")
    digest = services.key_digest(data.OPEN311_DEMO_KEY)
    Open311Client.objects.get_or_create(key_digest=digest, defaults={"name": "演示 Open311 客户端"})
    _orders(report)


def _categories(report: Any) -> None:
    by_code = {c.code: c for c in Category.objects.all()}
    for code, name, parent, limit, kind, words in data.CATEGORIES:
        values = {
            "name": name,
            "parent": by_code.get(parent) if parent else None,
            "limit_value": limit[0] if limit else None,
            "limit_unit": limit[1] if limit else "",
            "department_kind": kind,
            "keywords": words,
            "active": True,
        }
        row = by_code.get(code)
        if row is None:
            by_code[code] = Category.objects.create(code=code, **values)
            report.count("hotline_category", "created")
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            row.save()
            report.count("hotline_category", "updated")
        else:
            report.count("hotline_category", "unchanged")


def _orders(report: Any) -> None:
    departments = {d.kind: d for d in Department.objects.filter(division_id=ZJ.ljust(12, "0"))}
    users = {
        u.username: u
        for u in User.objects.filter(username__in={s[0] for o in data.ORDERS for s in o[9]} | {"zj_hotline"})
    }
    numbers: dict[str, str] = {}
    today = clock.now().replace(hour=9, minute=0, second=0, microsecond=0)
    for key, days_ago, order_type, category, title, content, phone, township, address, steps in data.ORDERS:
        seen = WorkOrder.objects.filter(events__idempotency_key=f"demo:hotline:{key}").first()
        moment = today - dt.timedelta(days=days_ago)
        with clock.moved_to(moment):
            order = seen or services.receive(
                users["zj_hotline"],
                services.NewOrder(
                    order_type=order_type,
                    title=title,
                    content=content,
                    category_code=category,
                    caller_name=f"{title[:1]}先生",
                    caller_phone=phone,
                    call_id=f"DEMO-{key}",
                    division_code=township,
                    address=address,
                ),
                key=f"demo:hotline:{key}",
            )
        report.count("hotline_order", "unchanged" if seen else "created")
        numbers[key] = order.number
        for i, (username, action, args) in enumerate(steps):
            step = services.Step(
                department_id=departments[args["department"]].pk if "department" in args else None,
                text=args.get("text", ""),
                satisfaction=args.get("satisfaction", ""),
                target_number=numbers.get(args.get("target", ""), ""),
            )
            with clock.moved_to(moment + dt.timedelta(hours=2 * (i + 1))):
                services.perform(users[username], order.number, action, step, key=f"demo:hotline:{key}:{i}")
