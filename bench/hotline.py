#!/usr/bin/env python
"""12345 work orders per second through the API, and the repeated-request suggestion's latency at 100,000
orders, each with a same-run baseline.

On a fresh database (SQLite file by default, or a throw-away PostgreSQL server) with the demo loaded:

1. work orders per second: POST /api/v1/hotline/orders with a call-taker's bearer token, in process through
   Django's test client (the whole stack but the socket: auth, validation, the service's transaction with the
   deadline, the duplicate fingerprint and its 12 band keys, the event, the audit entry and the SMS in the
   outbox); baseline: GET /healthz through the same client (the stack's own cost);
2. the duplicate index: --orders orders bulk-written with their band keys (made from varied synthetic
   complaints), then --queries suggestions for paraphrases of existing orders (a few characters dropped and
   changed): p50/p95 and the share whose original order is among the five suggested; baseline: the same
   question answered by a scan (every order's text compared in Python), on --scan-queries of them.

    .venv/bin/python bench/hotline.py [--backend sqlite|postgresql] [--seconds 5] [--orders 100000]
                                      [--queries 300] [--scan-queries 5]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as common

SUBJECTS = [
    "小区",
    "工地",
    "餐馆",
    "菜场",
    "学校门口",
    "商场",
    "停车场",
    "公园",
    "医院附近",
    "农贸市场",
    "工厂",
    "出租屋",
    "路口",
    "公交站",
    "河道",
]
PROBLEMS = [
    "夜间施工噪音很大影响休息", "停水一整天没有通知", "油烟直排整栋楼都是油烟味", "占道经营车辆无法通行",
    "路灯坏了很久没人修", "垃圾堆放发臭没人清理", "电梯故障物业不维修", "排放刺鼻异味", "商家拒绝退货退款",
    "拖欠工资三个月", "违章搭建彩钢房", "污水直排河道", "广场舞音响太吵", "井盖缺失存在安全隐患", "燃气管道有异味",
]  # fmt: skip
STREETS = ["艮塔西路", "望云路", "东二路", "暨东路", "和平路", "中央路", "浣纱路", "永昌路", "大桥路", "江东路"]
TOWNS = ["330681001", "330681002", "330681003", "330681104", "330681109"]


def complaint(rng: random.Random) -> tuple[str, str, str, str]:
    town = rng.choice(TOWNS)
    address = f"{rng.choice(STREETS)}{rng.randint(1, 400)}号"
    text = f"{address}{rng.choice(SUBJECTS)}{rng.choice(PROBLEMS)}，{rng.choice(['已经', '连续'])}{rng.randint(2, 30)}天了，{rng.choice(['希望尽快处理', '请相关部门管一管', '多次反映没有结果', '严重影响生活'])}"
    return text, f"139{rng.randint(0, 10**8 - 1):08d}", town, address


def paraphrase(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(3):
        del chars[rng.randrange(len(chars))]
    return "".join(chars) + rng.choice(["，谢谢", "！", "，麻烦了"])


def orders_per_second(seconds: float) -> tuple[float, float]:
    from django.test import Client

    from tongban.accounts.models import User
    from tongban.accounts.tokens import issue_token

    raw, _ = issue_token(User.objects.get(username="zj_hotline"))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    rng = random.Random(1)

    def post() -> None:
        text, phone, town, address = complaint(rng)
        body = {"order_type": "complaint", "content": text, "caller_phone": phone, "division": town, "address": address}
        response = client.post("/api/v1/hotline/orders", body, content_type="application/json")
        assert response.status_code == 201, response.content

    def health() -> None:
        assert client.get("/healthz").status_code == 200

    return _rate(post, seconds), _rate(health, seconds)


def _rate(call: Any, seconds: float) -> float:
    call()
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        call()
        count += 1
    return count / (time.perf_counter() - start)


def fill(n: int) -> list[tuple[int, str, str, str, str]]:
    """n orders with their band keys, written in bulk (the fingerprints made as the service makes them)."""
    from django.db import transaction

    from tongban.core import clock
    from tongban.hotline.domain import similarity
    from tongban.hotline.models import DuplicateKey, WorkOrder

    rng = random.Random(2)
    now = clock.now()
    made: list[tuple[int, str, str, str, str]] = []
    batch = 2000
    for first in range(0, n, batch):
        rows, texts = [], []
        for i in range(first, min(n, first + batch)):
            text, phone, town, address = complaint(rng)
            sig = similarity.signature(text)
            texts.append((text, phone, town, address, sig))
            rows.append(
                WorkOrder(
                    number=f"B{i:010d}",
                    order_type="complaint",
                    channel="api",
                    title=text[:100],
                    content=text,
                    caller_phone=phone,
                    division_id=town.ljust(12, "0"),
                    address=address,
                    created_at=now,
                )
            )
        with transaction.atomic():
            created = WorkOrder.objects.bulk_create(rows)
            if created[0].pk is None:  # backends that do not return keys
                by_number = dict(
                    WorkOrder.objects.filter(number__in=[r.number for r in rows]).values_list("number", "id")
                )
                for r in created:
                    r.pk = by_number[r.number]
            keys = [
                DuplicateKey(key=k, order_id=r.pk)
                for r, t in zip(created, texts, strict=True)
                for k in similarity.band_keys(t[4])
            ]
            DuplicateKey.objects.bulk_create(keys, batch_size=5000)
        made += [(r.pk, t[0], t[1], t[2], t[3]) for r, t in zip(created, texts, strict=True)]
    return made


def scan(text: str, phone: str, town: str, address: str) -> list[int]:
    """The baseline: every order's text compared with the question's, in Python."""
    from tongban.hotline.domain import similarity
    from tongban.hotline.models import WorkOrder

    candidates = (
        similarity.Candidate(
            pk, f"{title} {content}", caller, f"{division}|{similarity.normalize(addr)}" if addr else ""
        )
        for pk, title, content, caller, division, addr in WorkOrder.objects.values_list(
            "id", "title", "content", "caller_phone", "division_id", "address"
        ).iterator(chunk_size=5000)
    )
    place = f"{town.ljust(12, '0')}|{similarity.normalize(address)}"
    return [s.order_id for s in similarity.rank(text, phone, place, candidates)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--scan-queries", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        common.setup_django(common.database_url(args.backend, tmp), tmp)
        common.load_demo()
        print(common.machine_note())
        print(f"backend: {args.backend}")

        per_second, health = orders_per_second(args.seconds)
        print(f"work orders through the API: {per_second:8.1f} /s   (baseline GET /healthz: {health:8.1f} /s)")

        start = time.perf_counter()
        made = fill(args.orders)
        print(f"filled {len(made)} orders with their band keys in {time.perf_counter() - start:.1f} s")

        from tongban.hotline import selectors

        rng = random.Random(3)
        sample = [made[rng.randrange(len(made))] for _ in range(args.queries)]
        found = 0

        def ask(row: tuple[int, str, str, str, str]) -> list[int]:
            _, text, _, town, address = row
            return [s.order.pk for s in selectors.duplicate_suggestions(paraphrase(text, rng), "", town, address)]

        samples = []
        for row in sample:
            t0 = time.perf_counter()
            ids = ask(row)
            samples.append(time.perf_counter() - t0)
            found += row[0] in ids
        print(
            f"duplicate suggestions at {len(made)} orders (index):  {common.ms(samples)}   original found in top 5: {found / len(sample):.1%}"
        )
        scans = []
        for row in sample[: args.scan_queries]:
            t0 = time.perf_counter()
            scan(paraphrase(row[1], rng), "", row[3], row[4])
            scans.append(time.perf_counter() - t0)
        print(f"baseline: the same question by a scan of every order:   {common.ms(scans)}   ({len(scans)} queries)")


if __name__ == "__main__":
    main()
