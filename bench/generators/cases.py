"""``python bench/generate_cases.py --count 1000000``: fill the database with realistic cases, for volume tests
only (demo or test mode; ``generate()`` in process, as bench/cases_volume.py does).

Cases go to the published implementations already in the database (run ``tongban demo load`` first), over
the last ``--days`` days, in every state the work queues show: drafts, submitted (待受理), correction, refused,
in progress at each back-office step (待审查/待决定), returned, suspended in a declared special step, decided
(待出件), closed and withdrawn; open cases are spread so that some are due soon and some overdue. Each case
gets the events the services would have appended, its open or closed suspensions, window visits, deferred
materials of 容缺 acceptances and supervision notices on overdue cases.

It writes rows directly — COPY on PostgreSQL, batched multi-row INSERTs elsewhere — not through the services,
so it makes no audit entries, notifications or files; it ends with VACUUM ANALYZE (ANALYZE on SQLite). Cases are written in the order they were created and
take their numbers from CaseNumberSequence, so numbers stay unique and readable
(330681-20261122-000123) and cases made later by the services continue the same sequences.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import json
import os
import queue
import random
import sys
import threading
import time
import zoneinfo
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from tongban.accounts.models import User
from tongban.cases.domain import limits
from tongban.cases.domain.steps import AFTER_DECISION_STEPS, FRONT_STEPS
from tongban.cases.domain.workflow import CaseStatus
from tongban.cases.models import (
    Case,
    CaseEvent,
    CaseMaterial,
    CaseNumberSequence,
    SupervisionNotice,
    Suspension,
    Visit,
)
from tongban.catalogue.models import ItemImplementation
from tongban.core.identifiers import make_resident_id, make_uscc
from tongban.jurisdictions.models import Division, ServiceCentre, Window
from tongban.workdays import workcal
from tongban.workdays.selectors import current_calendar

S = CaseStatus

# Share of each state among generated cases: most cases of two years are long closed.
STATUS_SHARES: list[tuple[CaseStatus, float]] = [
    (S.CLOSED, 0.815),
    (S.REFUSED, 0.01),
    (S.WITHDRAWN, 0.01),
    (S.DRAFT, 0.02),
    (S.SUBMITTED, 0.025),
    (S.CORRECTION, 0.005),
    (S.IN_PROGRESS, 0.08),
    (S.RETURNED, 0.005),
    (S.SUSPENDED, 0.01),
    (S.DECIDED, 0.02),
]
STATUS_CODES = [s for s, _ in STATUS_SHARES]
OPEN_CLOCK = (S.IN_PROGRESS, S.RETURNED)
# Among cases whose clock runs: overdue, due soon (≤ 2 working days), on time.
OVERDUE, DUE_SOON, ON_TIME = 0, 1, 2
CATEGORY_SHARES = [(OVERDUE, 0.08), (DUE_SOON, 0.12), (ON_TIME, 0.80)]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯健俊帆帅旭宁欣瑶怡佳晨思雨子涵梓轩浩然一诺晓建国立新志海春秋云峰"
TRADES = ["贸易", "织造", "机械", "电子", "建材", "餐饮", "物流", "科技", "服饰", "五金", "农业开发", "装饰工程"]
IDENTITY_CHECKS = [
    "读取居民身份证芯片并人证比对",
    "核验居民身份证原件",
    "电子营业执照扫码核验",
    "核验代办人身份证及授权委托书",
]
OPINIONS = {
    "审核": "材料齐全，符合法定形式，同意。",
    "决定": "经审查符合条件，拟准予。",
    "审批": "同意。",
    "核准": "符合规定，予以核准。",
}
REFUSALS = ["申请事项不属于本机关职权范围，请向有关行政机关申请。", "申请人不具备申请资格，依法不予受理。"]
CORRECTIONS = [["居民身份证复印件不清晰"], ["申请表未签名", "缺少户口簿首页复印件"], ["营业执照副本复印件未加盖公章"]]
DENIALS = "经审查，申请不符合法定条件，依据《中华人民共和国行政许可法》第三十八条第二款，决定不予许可。"
GRANTS = "经审查，申请符合法定条件、标准，依据《中华人民共和国行政许可法》第三十八条第一款，决定准予许可。"

MAX_DAYS = 1500  # what the packed plan below can hold


class GeneratorError(Exception):
    """A refusal, in Chinese: outside demo and test mode, an argument out of range, nothing published."""


def refuse_unless_test_environment() -> None:
    if not (settings.DEMO_MODE or os.environ.get("TONGBAN_TESTING")):
        raise GeneratorError(
            "generate_cases 只用于容量和性能测试：请在演示模式（TONGBAN_DEMO_MODE=1）或测试环境"
            "（TONGBAN_TESTING=1）下运行，切勿在生产数据库上运行。"
        )


def generate(
    count: int = 1_000_000,
    *,
    batch: int = 20_000,
    days: int = 730,
    seed: int = 20261122,
    citizens: int = 2000,
    out: Callable[[str], object] = print,
) -> CaseGenerator:
    """Write ``count`` cases (Django set up, the demo data loaded); progress and a summary go to ``out``."""
    refuse_unless_test_environment()
    if count < 1:
        raise GeneratorError("--count 应为正整数")
    if not 1 <= batch <= 200_000:
        raise GeneratorError("--batch 应在1到200000之间")
    if not 7 <= days <= MAX_DAYS:
        raise GeneratorError(f"--days 应在7到{MAX_DAYS}之间")
    started = time.perf_counter()
    gen = CaseGenerator(seed=seed, days=days, citizens=citizens)
    shown = -1
    for done, total, counts in gen.run(count, batch):
        if done == shown:
            continue
        shown = done
        rate = done / max(time.perf_counter() - started, 1e-9)
        out(f"已写入办件 {done}/{total}（过程记录 {counts['events']}，{rate:,.0f} 件/秒）")
    elapsed = time.perf_counter() - started
    summary = "，".join(f"{k} {v}" for k, v in sorted(gen.by_status.items()))
    out(f"完成：{count} 件，用时 {elapsed:.1f} 秒（{count / elapsed:,.0f} 件/秒）。各状态：{summary}")
    return gen


def main(argv: Sequence[str] | None = None) -> int:
    """The command line of bench/generate_cases.py (Django already set up)."""
    parser = argparse.ArgumentParser(
        prog="bench/generate_cases.py",
        description=(
            "仅用于容量和性能测试：直接批量写入大量模拟办件（PostgreSQL 用 COPY，其他数据库分批插入），不经过业务服务、"
            "不写审计日志和通知。须在演示模式（TONGBAN_DEMO_MODE=1）或测试环境（TONGBAN_TESTING=1）下运行，"
            "且须先加载演示数据（tongban demo load）。"
        ),
    )
    parser.add_argument("--count", type=int, default=1_000_000, help="生成办件数（默认1000000）")
    parser.add_argument("--batch", type=int, default=20_000, help="每批写入的办件数（默认20000）")
    parser.add_argument("--days", type=int, default=730, help="办件分布在最近多少天内（默认730）")
    parser.add_argument("--seed", type=int, default=20261122, help="随机种子（相同种子、相同数据库生成相同数据）")
    parser.add_argument("--citizens", type=int, default=2000, help="网上申请所用的模拟申请人账号数（默认2000）")
    args = parser.parse_args(argv)
    try:
        generate(
            args.count, batch=args.batch, days=args.days, seed=args.seed, citizens=args.citizens, out=_print_flushed
        )
    except GeneratorError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    return 0


def _print_flushed(line: str) -> None:
    print(line, flush=True)


# ---- the world the cases are generated in ----------------------------------------------------------------


@dataclass
class Item:
    """One published implementation, with what a case of it needs."""

    implementation_id: int
    version_id: int
    department_id: int
    division_id: str
    online: bool
    window: bool
    promised_days: int
    statutory_days: int
    steps: list[str]
    special_steps: list[tuple[str, bool, int]]  # name, counted (its time runs on the clock), maximum days
    result_days: int  # to issue the result after the decision (行政许可法 Art. 44, or the guide's shorter)
    deferrable: list[str]
    schema: list[dict]
    legal: bool
    centre_id: int | None
    centre_division_id: str | None
    windows: list[int]


@dataclass
class Staff:
    approvers: dict[int, list[int]] = field(default_factory=dict)  # department → users
    heads: dict[int, list[int]] = field(default_factory=dict)
    clerks: dict[int, list[int]] = field(default_factory=dict)  # centre → users
    supervisors: dict[str, list[int]] = field(default_factory=dict)  # division (and every ancestor) → users


def back_office(step_names: list[str]) -> list[str]:
    """As services.back_office_steps: the steps between the front desk and the result."""
    middle = [n for n in step_names if n not in FRONT_STEPS and n not in AFTER_DECISION_STEPS]
    return middle or ["审批"]


def load_items() -> list[Item]:
    impls = list(
        ItemImplementation.objects.filter(published_version__isnull=False)
        .select_related("published_version")
        .prefetch_related(
            "published_version__steps", "published_version__special_steps", "published_version__materials"
        )
        .order_by("id")
    )
    centres = list(ServiceCentre.objects.order_by("id").prefetch_related("departments"))
    windows: dict[int, list[int]] = defaultdict(list)
    for w in Window.objects.order_by("id").values("id", "centre_id"):
        windows[w["centre_id"]].append(w["id"])
    items = []
    for impl in impls:
        v = impl.published_version
        assert v is not None  # the queryset keeps published implementations only
        # As services._centre_for: a centre the department sits in, else one of its division.
        centre = next(
            (c for c in centres if any(d.pk == impl.department_id for d in c.departments.all())), None
        ) or next((c for c in centres if c.division_id == impl.division_id), None)
        keys = {f.get("key") for f in v.form_schema if isinstance(f, dict)}
        items.append(
            Item(
                implementation_id=impl.pk,
                version_id=v.pk,
                department_id=impl.department_id,
                division_id=impl.division_id,
                online="online" in v.handling_forms,
                window=centre is not None,
                promised_days=v.promised_days,
                statutory_days=v.statutory_days,
                steps=back_office([s.name for s in v.steps.all()]),
                special_steps=[(s.name, not s.stops_clock, s.max_days) for s in v.special_steps.all()],
                result_days=limits.result_days(v.delivery_days),
                deferrable=[m.name for m in v.materials.all() if m.necessity == "deferrable"],
                schema=[f for f in v.form_schema if isinstance(f, dict)],
                legal="uscc" in keys and "applicant_id_number" not in keys,
                centre_id=centre.pk if centre else None,
                centre_division_id=centre.division_id if centre else None,
                windows=windows.get(centre.pk, []) if centre else [],
            )
        )
    return [i for i in items if i.online or i.window]


def load_staff() -> Staff:
    staff = Staff()
    paths = dict(Division.objects.values_list("code", "path"))
    for u in (
        User.objects.filter(kind="staff", is_active=True)
        .order_by("id")
        .values("id", "role", "department_id", "service_centre_id", "division_id")
    ):
        if u["role"] == "approver" and u["department_id"]:
            staff.approvers.setdefault(u["department_id"], []).append(u["id"])
        elif u["role"] == "department_head" and u["department_id"]:
            staff.heads.setdefault(u["department_id"], []).append(u["id"])
        elif u["role"] == "window_clerk" and u["service_centre_id"]:
            staff.clerks.setdefault(u["service_centre_id"], []).append(u["id"])
        elif u["role"] == "supervisor" and u["division_id"]:
            for code, path in paths.items():
                if path.startswith(paths.get(u["division_id"], "\0")):
                    staff.supervisors.setdefault(code, []).append(u["id"])
    return staff


# ---- dates -----------------------------------------------------------------------------------------------


class Days:
    """Working-day arithmetic on the calendar in force, memoised (a million cases share a few thousand dates)."""

    def __init__(self, cal: workcal.WorkingCalendar):
        self.cal = cal
        self._add: dict[tuple[dt.date, int], dt.date | None] = {}
        self._sub: dict[tuple[dt.date, int], dt.date] = {}
        self._between: dict[tuple[dt.date, dt.date], int] = {}
        self._working: dict[dt.date, bool] = {}

    def working(self, day: dt.date) -> bool:
        w = self._working.get(day)
        if w is None:
            try:
                w = self.cal.is_working_day(day)
            except workcal.UnknownCalendarYear:
                w = day.weekday() < 5
            self._working[day] = w
        return w

    def add(self, day: dt.date, n: int) -> dt.date | None:
        """None when the calendar does not know a year on the way (the case then shows calendar_unknown)."""
        key = (day, n)
        if key not in self._add:
            try:
                self._add[key] = self.cal.add_working_days(day, n)
            except workcal.UnknownCalendarYear:
                self._add[key] = None
        return self._add[key]

    def add_loose(self, day: dt.date, n: int) -> dt.date:
        """For event dates only: working days where the calendar knows them, weekdays beyond."""
        current = day
        while n > 0:
            current += workcal.ONE_DAY
            if self.working(current):
                n -= 1
        return current

    def sub(self, day: dt.date, n: int) -> dt.date:
        key = (day, n)
        if key not in self._sub:
            current = day
            left = n
            while left > 0:
                current -= workcal.ONE_DAY
                if self.working(current):
                    left -= 1
            self._sub[key] = current
        return self._sub[key]

    def between(self, start: dt.date, end: dt.date) -> int:
        key = (start, end)
        if key not in self._between:
            if end <= start:
                self._between[key] = 0
            else:
                count, current = 0, start
                while current < end:
                    current += workcal.ONE_DAY
                    count += self.working(current)
                self._between[key] = count
        return self._between[key]

    def next_working(self, day: dt.date) -> dt.date:
        current = day
        while not self.working(current):
            current += workcal.ONE_DAY
        return current


# ---- the generator ---------------------------------------------------------------------------------------

# A case's plan packed in one integer so a million of them sort cheaply in an array:
# seconds since the first day (27 bits) | status (4) | category (2) | online (1) | acceptance lag (2) | item (16)
_ITEM_BITS, _LAG_BITS, _CH_BITS, _CAT_BITS, _ST_BITS = 16, 2, 1, 2, 4


def _pack(seconds: int, status: int, category: int, online: int, lag: int, item: int) -> int:
    v = seconds
    for value, bits in (
        (status, _ST_BITS),
        (category, _CAT_BITS),
        (online, _CH_BITS),
        (lag, _LAG_BITS),
        (item, _ITEM_BITS),
    ):
        v = (v << bits) | value
    return v


def _unpack(v: int) -> tuple[int, int, int, int, int, int]:
    item = v & 0xFFFF
    v >>= _ITEM_BITS
    lag = v & 3
    v >>= _LAG_BITS
    online = v & 1
    v >>= _CH_BITS
    category = v & 3
    v >>= _CAT_BITS
    status = v & 15
    return v >> _ST_BITS, status, category, online, lag, item


@dataclass
class Batch:
    cases: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    suspensions: list[tuple] = field(default_factory=list)
    visits: list[tuple] = field(default_factory=list)
    materials: list[tuple] = field(default_factory=list)
    notices: list[tuple] = field(default_factory=list)
    numbers: list[tuple[int, str, dt.date]] = field(default_factory=list)  # (index in cases, region, day)


CASE_COLUMNS = [f.attname for f in Case._meta.concrete_fields]
EVENT_COLUMNS = [
    "case_id",
    "action",
    "from_status",
    "to_status",
    "actor_id",
    "actor_role",
    "channel",
    "window_id",
    "step_name",
    "reason",
    "data",
    "at",
]
SUSPENSION_COLUMNS = [
    "case_id", "kind", "step_name", "counted", "max_days", "legal_basis", "reason", "started_on", "ended_on"
]  # fmt: skip
VISIT_COLUMNS = ["case_id", "purpose", "centre_id", "at"]
MATERIAL_COLUMNS = [
    "case_id",
    "name",
    "state",
    "file",
    "content_type",
    "size",
    "sha256",
    "paper_checked",
    "deferred_due",
    "commitment",
    "supplied_at",
    "uploaded_at",
]
NOTICE_COLUMNS = [
    "case_id",
    "department_id",
    "sent_by_id",
    "message",
    "sent_at",
    "answer",
    "answered_by_id",
    "answered_at",
]
_NUMBER_AT = CASE_COLUMNS.index("number")


class CaseGenerator:
    def __init__(self, *, seed: int = 20261122, days: int = 730, citizens: int = 2000, today: dt.date | None = None):
        self.rng = random.Random(seed)
        self.seed = seed
        self.days = days
        self.citizen_count = citizens
        self.today = today or timezone.localdate()
        self.tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.first_day = self.today - dt.timedelta(days=days - 1)
        self.now = (
            timezone.now()
            if today is None
            else dt.datetime.combine(today, dt.time(12), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
        )
        self.by_status: Counter[str] = Counter()
        self.written = Counter[str]()

    # -- setup --

    def _prepare(self) -> None:
        self.items = load_items()
        if not self.items:
            raise GeneratorError("数据库中没有已发布的事项，请先运行 tongban demo load")
        if len(self.items) > 1 << _ITEM_BITS:
            self.items = self.items[: 1 << _ITEM_BITS]
        self.staff = load_staff()
        self.d = Days(current_calendar())
        self.soon = self.d.add(self.today, 2) or self.today + dt.timedelta(days=4)
        # Staff work on working days: the latest one up to today anchors open cases' dates.
        self.anchor = self.d.sub(self.today, 1) if not self.d.working(self.today) else self.today
        rng = self.rng
        # Popularity: a few items take most applications (Zipf-like), in an order fixed by the seed.
        order = list(range(len(self.items)))
        rng.shuffle(order)
        weights = [0.0] * len(self.items)
        for rank, i in enumerate(order, 1):
            weights[i] = 1 / rank**0.8
        self.pick_any = self._picker(range(len(self.items)), weights)
        clocked = [i for i, it in enumerate(self.items) if it.promised_days > 0]
        self.pick_clocked = self._picker(clocked, [weights[i] for i in clocked]) if clocked else self.pick_any
        special = [i for i, it in enumerate(self.items) if it.promised_days > 0 and it.special_steps]
        self.pick_special = self._picker(special, [weights[i] for i in special]) if special else None
        online = [i for i, it in enumerate(self.items) if it.online]
        self.pick_online = self._picker(online, [weights[i] for i in online]) if online else None
        self.applicants = self._applicant_pool()

    def _picker(self, population: Sequence[int], weights: Sequence[float]) -> Callable[[], int]:
        pop = list(population)
        cum = list(itertools.accumulate(weights))
        total = cum[-1]
        rnd = self.rng.random
        return lambda: pop[bisect.bisect_left(cum, rnd() * total)]

    def _applicant_pool(self) -> dict[str, list[dict]]:
        """Accounts that apply online: generated citizens and enterprises (no password: they cannot sign in)."""
        rng = random.Random(self.seed + 1)
        wanted_citizens = max(1, self.citizen_count)
        wanted_firms = max(1, self.citizen_count // 8)
        existing = set(User.objects.filter(username__startswith="volume_").values_list("username", flat=True))
        taken_ids = set(User.objects.exclude(id_number=None).values_list("id_number", flat=True))
        taken_uscc = set(User.objects.exclude(uscc=None).values_list("uscc", flat=True))
        unusable = make_password(None)
        new = []
        for i in range(wanted_citizens):
            username = f"volume_citizen_{i:05d}"
            if username in existing:
                continue
            region = rng.choice(["330681", "330682", "330602", "330482", "331102", "419001", "370402"])
            birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20000))
            id_number = make_resident_id(region, birth, i % 1000)
            if id_number in taken_ids:
                continue
            taken_ids.add(id_number)
            new.append(
                User(
                    username=username,
                    password=unusable,
                    kind="citizen",
                    real_name=self._name(rng),
                    id_number=id_number,
                    phone=self._phone(rng),
                    is_demo=True,
                    address=f"浙江省诸暨市暨阳街道{rng.randint(1, 300)}号",
                )
            )
        for i in range(wanted_firms):
            username = f"volume_enterprise_{i:04d}"
            if username in existing:
                continue
            uscc = make_uscc("9", "1", "330681", f"MA{i:04d}{rng.choice('ABCDEFGH')}{rng.randint(0, 9)}")
            if uscc in taken_uscc:
                continue
            taken_uscc.add(uscc)
            new.append(
                User(
                    username=username,
                    password=unusable,
                    kind="enterprise",
                    real_name=self._firm(rng),
                    uscc=uscc,
                    legal_representative=self._name(rng),
                    phone=self._phone(rng),
                    is_demo=True,
                    address=f"浙江省诸暨市陶朱街道{rng.randint(1, 500)}号",
                )
            )
        User.objects.bulk_create(new, batch_size=1000)
        fields = (
            "id",
            "kind",
            "real_name",
            "username",
            "id_number",
            "uscc",
            "phone",
            "address",
            "legal_representative",
        )
        pool: dict[str, list[dict]] = {"citizen": [], "enterprise": []}
        for u in User.objects.filter(username__startswith="volume_").order_by("id").values(*fields):
            pool.setdefault(u["kind"], []).append(u)
        return pool

    # -- phase 1: what each case is and when it was created --

    def _plan(self, count: int) -> array:
        rng = self.rng
        status_pick = self._picker(range(len(STATUS_CODES)), [w for _, w in STATUS_SHARES])
        cat_pick = self._picker([c for c, _ in CATEGORY_SHARES], [w for _, w in CATEGORY_SHARES])
        # Day weights for long-closed cases: working days busy, rest days quiet (online only, mostly).
        day_list = [self.first_day + dt.timedelta(days=i) for i in range(self.days)]
        day_pick = self._picker(range(self.days), [1.0 if self.d.working(day) else 0.12 for day in day_list])
        plan = array("q")
        start = dt.datetime.combine(self.first_day, dt.time(), tzinfo=self.tz)
        latest = int((self.now - start).total_seconds())
        for _ in range(count):
            status = STATUS_CODES[status_pick()]
            category = ON_TIME
            if status == S.SUSPENDED and self.pick_special is None:
                status = S.RETURNED
            if status == S.DRAFT:
                item = self.pick_online() if self.pick_online else self.pick_any()
            elif status == S.SUSPENDED:
                item = self.pick_special()  # type: ignore[misc]
            elif status in (S.IN_PROGRESS, S.RETURNED, S.DECIDED):
                item = self.pick_clocked()
            else:
                item = self.pick_any()
            it = self.items[item]
            online = it.online and (status == S.DRAFT or not it.window or rng.random() < 0.6)
            lag = 0 if not online else rng.choice((0, 1, 1, 2))
            if status in OPEN_CLOCK:
                category = cat_pick()
                day = self._created_for_deadline(it, category, lag)
            elif status == S.SUSPENDED:
                day = self.d.sub(self.d.sub(self.anchor, rng.randint(1, 20)), it.promised_days // 2 + lag)
            elif status == S.DECIDED:
                day = self.d.sub(self.anchor, rng.randint(1, it.promised_days + 3) + lag)
            elif status in (S.SUBMITTED, S.CORRECTION):
                day = self.d.sub(self.anchor, rng.randint(0, 3 if status == S.SUBMITTED else 15))
            elif status == S.DRAFT:
                day = self.today - dt.timedelta(days=int(rng.expovariate(1 / 12)) % 90)
            else:
                day = day_list[day_pick()]
            day = min(max(day, self.first_day), self.today)
            hour = rng.uniform(8.5, 17.5) if not online else rng.choice((rng.uniform(7, 23), rng.uniform(8.5, 17.5)))
            seconds = (day - self.first_day).days * 86400 + int(hour * 3600)
            if seconds > latest:  # nothing is created after now
                seconds = latest - rng.randrange(min(latest - (day - self.first_day).days * 86400, 3 * 3600) + 1)
            plan.append(_pack(seconds, STATUS_CODES.index(status), category, int(online), lag, item))
        plan = array("q", sorted(plan))
        return plan

    def _created_for_deadline(self, it: Item, category: int, lag: int) -> dt.date:
        """A creation day whose promised due date lands overdue, due soon or on time today."""
        rng, d = self.rng, self.d
        days = max(it.promised_days, 1)
        if category == OVERDUE:
            accepted = d.sub(d.sub(self.anchor, rng.randint(1, 15)), days)
        elif category == DUE_SOON:
            due = d.next_working(self.today + dt.timedelta(days=rng.randint(0, max((self.soon - self.today).days, 0))))
            accepted = min(d.sub(due, days), self.anchor)
        else:
            accepted = d.sub(self.anchor, rng.randint(0, max(days - 3, 0)))
        return d.sub(accepted, lag)

    # -- phase 2: the rows --

    def run(self, count: int, batch_size: int) -> Iterator[tuple[int, int, Counter[str]]]:
        """Write the cases batch by batch; yields (cases written, count, rows written by table)."""
        self._prepare()
        plan = self._plan(count)
        case_id = self._reserve_ids(Case, count)
        # PostgreSQL ingests one batch (COPY, index upkeep) while the next is being generated — on a second
        # connection, so not when the caller holds a transaction that connection could not see into.
        parallel = connection.vendor == "postgresql" and not connection.in_atomic_block
        writer = _BackgroundWriter(self._write) if parallel else None
        try:
            for start in range(0, count, batch_size):
                batch = Batch()
                for packed in plan[start : start + batch_size]:
                    self._case(batch, case_id, packed)
                    case_id += 1
                if writer:
                    writer.put(batch)
                else:
                    self._write(batch)
                yield self.written["cases"], count, self.written
        finally:
            if writer:
                writer.close()
        yield self.written["cases"], count, self.written
        self._finish()

    def _reserve_ids(self, model: type[models.Model], n: int) -> int:
        """The first of ``n`` ids no one else will take (PostgreSQL: move the sequence past them)."""
        table = model._meta.db_table
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute(f"SELECT pg_get_serial_sequence('{table}', 'id')")
                seq = cur.fetchone()[0]
                cur.execute(
                    f"SELECT setval(%s, GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), "
                    f"(SELECT last_value FROM {seq})) + %s) - %s + 1",
                    [seq, n, n],
                )
                return int(cur.fetchone()[0])
        return (model._default_manager.aggregate(m=Max("id"))["m"] or 0) + 1

    def _finish(self) -> None:
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                models_ = [Case, CaseEvent, Suspension, Visit, CaseMaterial, SupervisionNotice]
                for sql in connection.ops.sequence_reset_sql(no_style(), models_):
                    cur.execute(sql)
                # What autovacuum would do after a bulk load: statistics, and the visibility map that lets
                # bucket counts be index-only scans. VACUUM cannot run inside the caller's transaction.
                command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
                for m in models_:
                    cur.execute(f"{command} {m._meta.db_table}")
            else:
                cur.execute("ANALYZE")

    # -- one case --

    def _dt(self, day: dt.date, hour: float) -> dt.datetime:
        h = int(hour)
        m = int((hour - h) * 60)
        return dt.datetime(day.year, day.month, day.day, min(h, 23), m, self.rng.randrange(60), tzinfo=self.tz)

    def _office_time(self, day: dt.date) -> dt.datetime:
        return self._dt(day, self.rng.uniform(8.5, 17.5))

    def _after(self, day: dt.date, prev: dt.datetime) -> dt.datetime:
        """An office-hours time on ``day``, or a little after ``prev`` when that is later: events stay in order."""
        t = self._office_time(day)
        if t <= prev:
            t = prev + dt.timedelta(minutes=self.rng.randint(3, 90))
        return t if t <= self.now else max(self.now, prev + dt.timedelta(seconds=1))

    def _case(self, b: Batch, case_id: int, packed: int) -> None:
        rng, d = self.rng, self.d
        seconds, status_i, _category, online, lag, item_i = _unpack(packed)
        status = STATUS_CODES[status_i]
        it = self.items[item_i]
        created = dt.datetime.combine(self.first_day, dt.time(), tzinfo=self.tz) + dt.timedelta(seconds=seconds)
        created_day = created.date()
        channel = "online" if online else "window"
        ev: list[tuple] = []
        clerk = self._one(self.staff.clerks.get(it.centre_id or 0))
        approver = self._one(self.staff.approvers.get(it.department_id))
        head = self._one(self.staff.heads.get(it.department_id)) or approver
        window = self._one(it.windows) if not online else None

        def event(
            action: str,
            before: str,
            after: str,
            at: dt.datetime,
            *,
            actor: int | None = None,
            role: str = "",
            step: str = "",
            reason: str = "",
            data: dict | None = None,
            on_window: int | None = None,
        ) -> None:
            ev.append(
                (
                    case_id,
                    action,
                    before,
                    after,
                    actor,
                    role,
                    channel,
                    on_window,
                    step,
                    reason,
                    json.dumps(data or {}, ensure_ascii=False),
                    at,
                )
            )

        applicant = self._applicant(it, bool(online))
        form = self._form(it, applicant)
        row: dict[str, Any] = {
            "id": case_id,
            "query_code": "".join(rng.choices("23456789ABCDEFGHJKLMNPQRSTUVWXYZ", k=6)),
            "implementation_id": it.implementation_id,
            "version_id": it.version_id,
            "status": status.value,
            "revision": 0,
            "current_step": 0,
            "awaiting_decision": False,
            **applicant,
            "form_data": json.dumps(form, ensure_ascii=False),
            "channel": channel,
            "receiving_division_id": it.division_id if online else it.centre_division_id,
            "receiving_centre_id": it.centre_id,
            "receiving_window_id": window,
            "receiving_node": "",
            "deciding_department_id": it.department_id,
            "deciding_division_id": it.division_id,
            "bundle_case_id": None,
            "agent_id": None,
            "authorisation_id": None,
            "bundle_item_id": None,
            "deferred": False,
            "correction_items": "[]",
            "correction_fields": "[]",
            "refusal_reason": "",
            "_result_days": it.result_days,  # not a column: for _clocks
            "received_on": None,
            "acceptance_due": None,
            "limit_unit": "working",
            "statutory_days": 0,
            "promised_days": 0,
            "extension_days": 0,
            "accepted_on": None,
            "deemed_accepted": False,
            "promised_due": None,
            "statutory_due": None,
            "decided_on": None,
            "result_due": None,
            "special_due": None,
            "clock": "",
            "clock_due": None,
            "paused_left": None,
            "unknown_year": None,
            "calendar_unknown": False,
            "decision": "",
            "decision_reason": "",
            "result_delivery": "",
            "result_licence_id": "",
            "created_at": created,
            "submitted_at": None,
            "accepted_at": None,
            "decided_at": None,
            "closed_at": None,
            "updated_at": created,
        }
        if online:
            event("save_draft", "", S.DRAFT, created, actor=applicant["applicant_id"], role=self._kind(applicant))
        if status == S.DRAFT:
            row["number"] = f"draft-{rng.getrandbits(96):024x}"
            return self._emit(b, row, ev, status)

        # submission: a number from the receiving region's sequence for that day
        submitted = created + dt.timedelta(minutes=rng.randint(3, 90)) if online else created
        if submitted > self.now:
            submitted = max(created, self.now)
        row["submitted_at"] = submitted
        row["received_on"] = submitted.date()
        b.numbers.append((len(b.cases), row["receiving_division_id"][:6], submitted.date()))
        if online:
            event(
                "submit", S.DRAFT, S.SUBMITTED, submitted, actor=applicant["applicant_id"], role=self._kind(applicant)
            )
        else:
            check = rng.choice(IDENTITY_CHECKS)
            row["identity_check"] = check
            event(
                "submit",
                S.DRAFT,
                S.SUBMITTED,
                submitted,
                actor=clerk,
                role="window_clerk",
                reason=f"身份核验：{check}",
                on_window=window,
            )
            b.visits.append((case_id, "窗口申请", it.centre_id, submitted))
        last = S.SUBMITTED
        revision = 1 if online else 0  # apply_at_window creates the case already submitted

        # A correction round before acceptance, for some older cases too (time enough to resubmit).
        if status in (S.CORRECTION, S.REFUSED) or (
            status != S.SUBMITTED and created_day < d.sub(self.anchor, 5) and rng.random() < 0.04
        ):
            items = rng.choice(CORRECTIONS)
            row["correction_items"] = json.dumps(items, ensure_ascii=False)
            at = self._after(d.next_working(submitted.date()), submitted)
            if status == S.REFUSED:
                reason = rng.choice(REFUSALS)
                row.update(refusal_reason=reason, closed_at=at)
                event("refuse", last, S.REFUSED, at, actor=clerk, role="window_clerk", reason=reason, on_window=window)
                return self._emit(b, row, ev, status, revision + 1, at)
            event(
                "request_correction",
                last,
                S.CORRECTION,
                at,
                actor=clerk,
                role="window_clerk",
                data={"items": items},
                on_window=window,
            )
            revision += 1
            if status == S.CORRECTION:
                return self._emit(b, row, ev, status, revision, at)
            at = at + dt.timedelta(hours=rng.randint(2, 60))
            event(
                "resubmit",
                S.CORRECTION,
                S.SUBMITTED,
                at,
                actor=applicant["applicant_id"] or clerk,
                role=self._kind(applicant) if online else "window_clerk",
            )
            revision += 1
            submitted = at
            row["received_on"] = at.date()
        if status == S.SUBMITTED or (status == S.WITHDRAWN and rng.random() < 0.5):
            if status == S.WITHDRAWN:
                at = submitted + dt.timedelta(hours=rng.randint(1, 48))
                row["closed_at"] = at
                event(
                    "withdraw",
                    last,
                    S.WITHDRAWN,
                    at,
                    actor=applicant["applicant_id"],
                    role=self._kind(applicant),
                    reason="申请人撤回",
                )
                revision += 1
            return self._emit(b, row, ev, status, revision, submitted)

        # acceptance: the clock starts
        accepted_on = d.add_loose(created_day, lag) if lag else d.next_working(created_day)
        accepted_on = max(accepted_on, submitted.date())
        if accepted_on > self.today:  # applied on today's rest day: taken at the 24-hour self-service desk
            accepted_on = submitted.date()
        accepted_at = self._after(accepted_on, submitted)
        steps = it.steps
        row.update(
            accepted_on=accepted_on,
            accepted_at=accepted_at,
            statutory_days=it.statutory_days,
            promised_days=it.promised_days,
            awaiting_decision=len(steps) <= 1,
        )
        extension = 10 if it.promised_days and status in (S.CLOSED, S.IN_PROGRESS) and rng.random() < 0.01 else 0
        row["extension_days"] = extension
        stops: list[workcal.Suspension] = []
        deferral = None
        if not online and it.deferrable and rng.random() < 0.15:
            deferral = rng.choice(it.deferrable)
            row["deferred"] = True
            due = d.add_loose(accepted_on, 5)
            supplied = status in (S.CLOSED, S.DECIDED) or rng.random() < 0.5
            b.materials.append(
                (
                    case_id,
                    deferral,
                    "received" if supplied else "deferred",
                    "",
                    "",
                    0,
                    "",
                    False,
                    due,
                    "本人承诺在承诺期限内补交上述材料，逾期未补交的，自愿承担相应责任。",
                    self._office_time(min(due, self.today)) if supplied else None,
                    accepted_at,
                )
            )
            event(
                "accept_deferred",
                last,
                S.IN_PROGRESS,
                accepted_at,
                actor=clerk,
                role="window_clerk",
                on_window=window,
                data={"deferred": [{"material": deferral, "due": due.isoformat()}]},
            )
        else:
            event("accept", last, S.IN_PROGRESS, accepted_at, actor=clerk, role="window_clerk", on_window=window)
        revision += 1
        last = S.IN_PROGRESS

        def deadlines(at_day: dt.date) -> None:
            try:
                row["promised_due"] = workcal.due_date(
                    d.cal, accepted_on, it.promised_days, extension_days=extension, suspensions=stops, today=at_day
                )
                row["statutory_due"] = workcal.due_date(
                    d.cal, accepted_on, it.statutory_days, extension_days=extension, suspensions=stops, today=at_day
                )
                row["calendar_unknown"] = False
            except workcal.UnknownCalendarYear:
                row["calendar_unknown"] = True

        if not stops and not extension:
            row["promised_due"] = d.add(accepted_on, it.promised_days)
            row["statutory_due"] = d.add(accepted_on, it.statutory_days)
            row["calendar_unknown"] = row["promised_due"] is None or row["statutory_due"] is None
        else:
            deadlines(accepted_on)

        # back office: how far along, on which day each step was done
        available = d.between(accepted_on, self.today)
        if status == S.WITHDRAWN:
            at = accepted_at + dt.timedelta(days=rng.randint(1, 5))
            row["closed_at"] = at
            event(
                "withdraw",
                last,
                S.WITHDRAWN,
                at,
                actor=applicant["applicant_id"],
                role=self._kind(applicant),
                reason="申请人撤回",
            )
            return self._emit(b, row, ev, status, revision + 1, at)
        finishing = status in (S.DECIDED, S.CLOSED)
        if finishing:
            span = it.promised_days if rng.random() < 0.95 else it.promised_days + rng.randint(1, 5)
            span = min(span, available)
            reached = len(steps) - 1
        else:
            span = available
            reached = rng.randint(0, len(steps) - 1)
        step_days = sorted(rng.randint(0, span) for _ in range(reached + 1))
        at = accepted_at
        for i in range(reached):
            at = self._after(d.add_loose(accepted_on, step_days[i]), at)
            event(
                "complete_step",
                S.IN_PROGRESS,
                S.IN_PROGRESS,
                at,
                actor=approver,
                role="approver",
                step=steps[i],
                reason=OPINIONS.get(steps[i], "同意。"),
            )
            revision += 1
        row["current_step"] = reached
        row["awaiting_decision"] = reached >= len(steps) - 1
        if extension:
            at = self._after(d.add_loose(accepted_on, step_days[-1] // 2), at)
            event(
                "extend",
                S.IN_PROGRESS,
                S.IN_PROGRESS,
                at,
                actor=head,
                role="department_head",
                reason="案情复杂，需进一步核查，经负责人批准延长办理期限。",
                data={"days": 10},
            )
            revision += 1

        if status == S.SUSPENDED or (finishing and it.special_steps and rng.random() < 0.1):
            name, counted, most = rng.choice(it.special_steps) if it.special_steps else ("退回补正", False, 0)
            kind = "special" if it.special_steps else "correction"
            start = min(d.add_loose(accepted_on, step_days[-1]), self.today)
            at = self._after(start, at)
            event(
                "suspend",
                S.IN_PROGRESS,
                S.SUSPENDED,
                at,
                actor=approver,
                role="approver",
                step=name,
                reason=f"依法需{name}，所需时间不计入办理时限。" if not counted else f"依法需{name}。",
            )
            revision += 1
            if status == S.SUSPENDED:
                b.suspensions.append((case_id, kind, name, counted, most, "", f"依法需{name}", start, None))
                row["_stop"] = (start, counted, most)
                return self._emit(b, row, ev, status, revision, at)
            end = min(d.add_loose(start, rng.randint(1, 8)), self.today)
            b.suspensions.append((case_id, kind, name, counted, most, "", f"依法需{name}", start, end))
            stops.append(workcal.Suspension(start, end, counted))
            at = self._after(end, at)
            event("resume", S.SUSPENDED, S.IN_PROGRESS, at, actor=approver, role="approver")
            revision += 1
            deadlines(end)
        if status == S.RETURNED:
            items = rng.choice(CORRECTIONS)
            start = min(d.add_loose(accepted_on, step_days[-1]), self.today)
            at = self._after(start, at)
            row["correction_items"] = json.dumps(items, ensure_ascii=False)
            b.suspensions.append((case_id, "correction", "退回补正", False, 0, "", "材料需补正", start, None))
            row["_stop"] = (start, False, 0)
            event(
                "return_for_correction",
                S.IN_PROGRESS,
                S.RETURNED,
                at,
                actor=approver,
                role="approver",
                reason="材料需补正",
                data={"items": items},
            )
            return self._emit(b, row, ev, status, revision + 1, at)
        if status == S.IN_PROGRESS:
            sent = self._supervision(b, row, it, at)
            if sent:
                sup, sent_at, message = sent
                event("supervise", S.IN_PROGRESS, S.IN_PROGRESS, sent_at, actor=sup, role="supervisor", reason=message)
                return self._emit(b, row, ev, status, revision + 1, sent_at)
            return self._emit(b, row, ev, status, revision, at)

        # decision and result desk
        decided_day = min(max(d.add_loose(accepted_on, span), at.date()), self.today)
        decided_at = self._after(decided_day, at)
        grant = rng.random() < 0.93
        reason = GRANTS if grant else DENIALS
        row.update(
            decision="granted" if grant else "denied",
            decision_reason=reason,
            decided_at=decided_at,
            decided_on=timezone.localdate(decided_at),
            awaiting_decision=False,
        )
        by_head = rng.random() < 0.3 and head is not None
        event(
            "grant" if grant else "deny",
            S.IN_PROGRESS,
            S.DECIDED,
            decided_at,
            actor=head if by_head else approver,
            role="department_head" if by_head else "approver",
            step=steps[-1],
            reason=reason,
        )
        revision += 1
        if status == S.DECIDED:
            return self._emit(b, row, ev, status, revision, decided_at)
        # 即办件 close the same day; others wait a little at the result desk.
        wait = 0 if it.promised_days == 0 else rng.choice((0, 0, 1, 1, 2, 3))
        closed_day = min(d.add_loose(decided_day, wait), self.today)
        closed_at = self._after(closed_day, decided_at)
        delivery = "electronic" if online and rng.random() < 0.5 else rng.choice(("window", "window", "post"))
        row.update(result_delivery=delivery, closed_at=closed_at)
        if delivery == "window":
            b.visits.append((case_id, "窗口领取结果", it.centre_id, closed_at))
        event(
            "issue_result",
            S.DECIDED,
            S.CLOSED,
            closed_at,
            actor=clerk,
            role="window_clerk",
            data={"delivery": delivery, "tracking": f"SF{rng.randrange(10**11, 10**12)}" if delivery == "post" else ""},
            on_window=window if delivery == "window" else None,
        )
        return self._emit(b, row, ev, status, revision + 1, closed_at)

    def _supervision(self, b: Batch, row: dict, it: Item, at: dt.datetime) -> tuple[int, dt.datetime, str] | None:
        """Some overdue cases carry a supervision notice from a supervisor of the jurisdiction, half answered."""
        due = row["promised_due"]
        sup = self._one(self.staff.supervisors.get(it.division_id))
        if sup is None or due is None or due >= self.today or self.rng.random() > 0.3:
            return None
        sent_at = self._after(self.d.next_working(due + dt.timedelta(days=1)), at)
        if sent_at.date() > self.today:
            return None
        message = "该件已超过承诺办结时限，请加快办理并说明原因。"
        approver = self._one(self.staff.approvers.get(it.department_id))
        answered = approver is not None and self.rng.random() < 0.5
        b.notices.append(
            (
                row["id"],
                it.department_id,
                sup,
                message,
                sent_at,
                "已加快办理，预计三个工作日内办结。" if answered else "",
                approver if answered else None,
                sent_at + dt.timedelta(hours=5) if answered else None,
            )
        )
        return sup, sent_at, message

    def _emit(
        self,
        b: Batch,
        row: dict,
        ev: list[tuple],
        status: CaseStatus,
        revision: int = 0,
        updated: dt.datetime | None = None,
    ) -> None:
        row["revision"] = revision if status != S.DRAFT else 0
        row["updated_at"] = updated or row["created_at"]
        self._clocks(row, status)
        row.setdefault("number", "")
        row.setdefault("identity_check", "")
        b.cases.append(tuple(row[c] for c in CASE_COLUMNS))
        b.events.extend(ev)
        self.by_status[status.value] += 1

    def _clocks(self, row: dict, status: CaseStatus) -> None:
        """The stored deadlines services/deadlines.py would write for a case in this state (cases.domain.limits),
        from the dates the generator already has, on the memoised calendar."""
        d = self.d
        stop, result_days = row.pop("_stop", None), row.pop("_result_days")
        unknown = False
        if row["received_on"] is not None:
            row["acceptance_due"] = d.add(row["received_on"], limits.ACCEPTANCE_DAYS)
        if status == S.SUBMITTED:
            row.update(clock=limits.Clock.ACCEPTANCE.value, clock_due=row["acceptance_due"])
            unknown = row["acceptance_due"] is None
        elif status == S.IN_PROGRESS or (stop is not None and stop[1]):
            row.update(clock=limits.Clock.HANDLING.value, clock_due=row["promised_due"])
            unknown = row["promised_due"] is None
        elif stop is not None:  # paused: a special step or a return whose days do not count
            start, _counted, most = stop
            due = row["promised_due"]
            left = (d.between(start, due) if due >= start else -d.between(due, start)) if due else None
            row.update(clock=limits.Clock.PAUSED.value, paused_left=left)
            unknown = due is None
            if most and status == S.SUSPENDED:
                row["special_due"] = d.add(start, most)
        elif status == S.DECIDED and row["decided_on"] is not None:
            due = d.add(row["decided_on"], result_days)
            row.update(clock=limits.Clock.RESULT.value, result_due=due, clock_due=due)
            unknown = due is None
        if unknown or (row["clock"] and row["calendar_unknown"]):
            row.update(calendar_unknown=True, unknown_year=max(d.cal.known_years) + 1)

    # -- people and forms --

    def _one(self, values: list[int] | None) -> int | None:
        return self.rng.choice(values) if values else None

    @staticmethod
    def _kind(applicant: dict) -> str:
        return "enterprise" if applicant["applicant_kind"] == "legal" else "citizen"

    def _name(self, rng: random.Random) -> str:
        return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))

    def _phone(self, rng: random.Random) -> str:
        return f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"

    def _firm(self, rng: random.Random) -> str:
        return f"诸暨市{rng.choice(GIVEN)}{rng.choice(GIVEN)}{rng.choice(TRADES)}有限公司"

    def _applicant(self, it: Item, online: bool) -> dict[str, Any]:
        rng = self.rng
        pool = self.applicants.get("enterprise" if it.legal else "citizen") or []
        if online and pool:
            u = rng.choice(pool)
            legal = u["kind"] == "enterprise"
            return {
                "applicant_id": u["id"],
                "applicant_kind": "legal" if legal else "natural",
                "applicant_name": u["real_name"] or u["username"],
                "applicant_id_number": (u["uscc"] if legal else u["id_number"]) or "",
                "applicant_phone": u["phone"],
                "agent_name": "",
                "agent_id_number": "",
                "_address": u["address"],
                "_legal_rep": u["legal_representative"],
            }
        agent = not online and rng.random() < 0.1
        if it.legal:
            ident = make_uscc("9", "1", it.division_id[:6], f"MA{rng.randrange(10**6):06d}")
            name, kind = self._firm(rng), "legal"
        else:
            birth = dt.date(1945, 1, 1) + dt.timedelta(days=rng.randrange(22000))
            ident, name, kind = (
                make_resident_id(it.division_id[:6], birth, rng.randrange(1000)),
                self._name(rng),
                "natural",
            )
        return {
            "applicant_id": None,
            "applicant_kind": kind,
            "applicant_name": name,
            "applicant_id_number": ident,
            "applicant_phone": self._phone(rng),
            "agent_name": self._name(rng) if agent or it.legal else "",
            "agent_id_number": make_resident_id("330681", dt.date(1985, 6, 1), rng.randrange(1000))
            if agent or it.legal
            else "",
            "_address": f"{rng.choice(['暨阳街道', '浣东街道', '陶朱街道', '店口镇'])}{rng.randint(1, 400)}号",
            "_legal_rep": self._name(rng),
        }

    def _form(self, it: Item, a: dict[str, Any]) -> dict[str, Any]:
        """Answers of the item's form: the applicant's own facts where the keys say so, plausible values else."""
        rng = self.rng
        known = {
            "applicant_name": a["applicant_name"],
            "applicant_id_number": a["applicant_id_number"],
            "applicant_phone": a["applicant_phone"],
            "address": a.pop("_address"),
            "legal_representative": a.pop("_legal_rep"),
        }
        if a["applicant_kind"] == "legal":
            known.update(enterprise_name=a["applicant_name"], uscc=a["applicant_id_number"])
        out: dict[str, Any] = {}
        for f in it.schema:
            key, kind = f.get("key", ""), f.get("type", "text")
            if key in known:
                out[key] = known[key]
            elif kind == "select" and f.get("options"):
                out[key] = rng.choice(f["options"])
            elif kind == "multiselect" and f.get("options"):
                out[key] = [rng.choice(f["options"])]
            elif kind == "date":
                out[key] = (self.today - dt.timedelta(days=rng.randint(1, 400))).isoformat()
            elif kind == "number":
                out[key] = max(int(f.get("min") or 1), 1) * rng.randint(1, 50)
            elif kind == "id_number":
                out[key] = make_resident_id(
                    it.division_id[:6],
                    dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(20000)),
                    rng.randrange(1000),
                )
            elif kind == "phone":
                out[key] = self._phone(rng)
            elif kind == "division":
                out[key] = it.division_id
            elif kind == "uscc":
                out[key] = make_uscc("9", "1", it.division_id[:6], f"MA{rng.randrange(10**6):06d}")
            elif key.endswith("_name"):
                out[key] = self._name(rng)
            elif f.get("required"):
                out[key] = f"{f.get('label', key)}（见申请材料）"
        return out

    # -- writing --

    def _write(self, b: Batch) -> None:
        with transaction.atomic():
            self._assign_numbers(b)
            self._insert(Case, CASE_COLUMNS, b.cases)
            self._insert(CaseEvent, EVENT_COLUMNS, b.events)
            self._insert(Suspension, SUSPENSION_COLUMNS, b.suspensions)
            self._insert(Visit, VISIT_COLUMNS, b.visits)
            self._insert(CaseMaterial, MATERIAL_COLUMNS, b.materials)
            self._insert(SupervisionNotice, NOTICE_COLUMNS, b.notices)
        self.written["cases"] += len(b.cases)
        self.written["events"] += len(b.events)

    def _assign_numbers(self, b: Batch) -> None:
        """Reserve a run of serials per region and day from CaseNumberSequence (rows locked, as next_case_number
        does), so numbers never collide with ones the services hand out."""
        need = Counter((region, day) for _, region, day in b.numbers)
        if not need:
            return
        regions = {r for r, _ in need}
        days = {d for _, d in need}
        existing = {
            (r, d): (pk, last)
            for pk, r, d, last in CaseNumberSequence.objects.select_for_update()
            .filter(region__in=regions, day__in=days)
            .values_list("pk", "region", "day", "last")
        }
        first: dict[tuple[str, dt.date], int] = {}
        fresh = []
        for key, n in need.items():
            if key in existing:
                pk, last = existing[key]
                CaseNumberSequence.objects.filter(pk=pk).update(last=last + n)
                first[key] = last + 1
            else:
                fresh.append(CaseNumberSequence(region=key[0], day=key[1], last=n))
                first[key] = 1
        CaseNumberSequence.objects.bulk_create(fresh, batch_size=1000)
        for index, region, day in b.numbers:
            serial = first[(region, day)]
            first[(region, day)] = serial + 1
            row = b.cases[index]
            b.cases[index] = (*row[:_NUMBER_AT], f"{region}-{day:%Y%m%d}-{serial:06d}", *row[_NUMBER_AT + 1 :])

    def _insert(self, model: type[models.Model], columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        table = model._meta.db_table
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                raw = cur.cursor  # psycopg's own cursor: COPY
                with raw.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
                    for r in rows:
                        copy.write_row(r)
            return
        prep = [_preparer(model, c) for c in columns]
        sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join(["%s"] * len(columns))})'
        with connection.cursor() as cur:
            for chunk in range(0, len(rows), 5000):
                cur.executemany(
                    sql, [tuple(p(v) for p, v in zip(prep, r, strict=True)) for r in rows[chunk : chunk + 5000]]
                )


class _BackgroundWriter:
    """Writes batches on its own thread and database connection, one batch behind the generator."""

    def __init__(self, write: Callable[[Batch], None]):
        self._write = write
        self._queue: queue.Queue[Batch | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._loop, name="generate_cases-writer", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        try:
            while (batch := self._queue.get()) is not None:
                if self._error is None:
                    self._write(batch)
        except BaseException as exc:  # handed to the generating thread
            self._error = exc
            while self._queue.get() is not None:
                pass
        finally:
            connection.close()

    def put(self, batch: Batch) -> None:
        if self._error:
            raise self._error
        self._queue.put(batch)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error:
            raise self._error


def _preparer(model: type[models.Model], column: str) -> Callable[[Any], Any]:
    """How the backend stores a column's Python value (dates, aware datetimes; JSON already text)."""
    f = next(f for f in model._meta.concrete_fields if f.attname == column)
    if isinstance(f, models.DateTimeField):
        if connection.vendor == "sqlite":
            # What the SQLite backend's adapt_datetimefield_value does, without its per-call overhead.
            return lambda v: None if v is None else str(v.astimezone(dt.UTC).replace(tzinfo=None))
        return lambda v: connection.ops.adapt_datetimefield_value(v) if v is not None else None
    if isinstance(f, models.DateField):
        return lambda v: connection.ops.adapt_datefield_value(v) if v is not None else None
    return lambda v: v
