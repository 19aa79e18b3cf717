"""Replaying the demo's cases: weeks of work at the service centres and in the departments, done again through
the platform's own services on the days it would have happened.

A ``Play`` puts the process clock (``core/clock.py``) back to each moment a scenario names ("3 working days
ago, 10:20") and acts there as the demo account whose work it is: the applicant online, the window clerk, the
department's approver or head, the supervisor. So every case is made by ``perform`` and friends: its events,
audit entries, deadlines (counted from those days by the working calendar) and notices through the outbox are
the real ones. Each scenario's first call carries the idempotency key ``demo:<scenario>``; a scenario whose
key exists was played before and is not played again, so a second load changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from tongban.accounts.models import User
from tongban.accounts.services import PRINCIPAL_CHECKS
from tongban.bundles.models import Bundle
from tongban.bundles.savings import normalise_material
from tongban.cases import services as s
from tongban.cases.licence_refs import held_refs, licence_backed
from tongban.cases.models import BundleCase, Case, IdempotencyKey
from tongban.cases.services import WindowAgent
from tongban.catalogue.models import ItemImplementation
from tongban.core import clock
from tongban.jurisdictions.models import Window
from tongban.workdays.selectors import current_calendar
from tongban.workdays.workcal import UnknownCalendarYear, WorkingCalendar

from . import files as demo_files
from .answers import Person, fill
from .data.hotline import STAFF as _HOTLINE_STAFF_ROWS
from .data.regions import ZJ, code12

HOTLINE_STAFF = frozenset(row[0] for row in _HOTLINE_STAFF_ROWS)

KEY_PREFIX = "demo:"
IDENTITY_CHECK = "读取身份证芯片并人证比对"


@dataclass(frozen=True)
class Scenario:
    """One story of the demo (a case or a bundle case from application to where it stands today)."""

    key: str
    play: Callable[[Play], object]


class PlayError(Exception):
    """A scenario asked for something the demo does not have, or went back in time."""


def working_days_before(calendar: WorkingCalendar, day: dt.date, count: int) -> dt.date:
    """The working day ``count`` working days before ``day`` (``day`` itself when 0); on a day off, counted from
    the last working day before it, so a demo loaded on a weekend has the same history as on the Friday. Where
    the calendar does not know a year (a demo loaded in a year nobody has entered yet), Monday to Friday stand
    in: this places the demo's history, it computes no deadline (the services do, and say when they cannot)."""
    current = day
    while not _working(calendar, current):
        current -= dt.timedelta(days=1)
    for _ in range(count):
        current -= dt.timedelta(days=1)
        while not _working(calendar, current):
            current -= dt.timedelta(days=1)
    return current


def _working(calendar: WorkingCalendar, day: dt.date) -> bool:
    try:
        return calendar.is_working_day(day)
    except UnknownCalendarYear:
        return day.weekday() < 5


class Play:
    """The stage of the demo's scenarios: who acts, when, on which item; each call one service call."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.calendar = current_calendar()
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.users = {u.username: u for u in User.objects.filter(is_demo=True)}
        self._impls: dict[tuple[str, str], ItemImplementation] = {}
        self._files: dict[str, bytes] = {}
        self._last: dt.datetime | None = None
        self.scenario, self._made = "", 0
        staff = [u for u in self.users.values() if u.department_id and u.role in ("approver", "department_head")]
        self._staff = {(u.department_id, u.role): u for u in sorted(staff, key=lambda u: u.username)}

    # ---- when --------------------------------------------------------------------------------------------

    def day(self, ago: int) -> dt.date:
        """The working day ``ago`` working days before today."""
        return working_days_before(self.calendar, self.today, ago)

    def moment(self, ago: int, at: str) -> dt.datetime:
        hour, minute = (int(x) for x in at.split(":"))
        return dt.datetime.combine(self.day(ago), dt.time(hour, minute), self.zone)

    @contextmanager
    def at(self, ago: int, when: str) -> Iterator[None]:
        """Act at ``when`` (HH:MM) ``ago`` working days before today; a scenario's moments only move forward."""
        moment = self.moment(ago, when)
        if moment > clock.now():
            raise PlayError(f"{moment} 晚于当前时间，演示办件只能发生在过去")
        if self._last is not None and moment < self._last:
            raise PlayError(f"{moment} 早于本场景上一步（{self._last}）")
        self._last = moment
        with clock.moved_to(moment):
            yield

    def begin(self, scenario: str) -> None:
        self.scenario, self._made, self._last = scenario, 0, None

    def key(self) -> str:
        """The idempotency key of the scenario's next creating call: ``demo:<scenario>`` for its first case."""
        self._made += 1
        return KEY_PREFIX + self.scenario + (f"#{self._made}" if self._made > 1 else "")

    # ---- who and what ------------------------------------------------------------------------------------

    def user(self, username: str) -> User:
        try:
            return self.users[username]
        except KeyError:
            raise PlayError(f"没有演示账号 {username}") from None

    def person(self, username: str) -> Person:
        """A citizen's or an enterprise's account as the applicant of its forms (an enterprise's 经办人 is its
        legal representative, the demo citizen of that name)."""
        user = self.user(username)
        if user.uscc:
            agent = next(u for u in self.users.values() if u.real_name == user.legal_representative and u.id_number)
            return Person(
                agent.real_name,
                agent.id_number or "",
                user.phone,
                user.address,
                uscc=user.uscc,
                enterprise_name=user.real_name,
                legal_representative=user.legal_representative,
            )
        return Person(user.real_name, user.id_number or "", user.phone, user.address)

    def ctx(self, username: str) -> s.Ctx:
        user = self.user(username)
        if user.role == "window_clerk":
            window = Window.objects.filter(centre_id=user.service_centre_id, kind="general").order_by("number").first()
            return s.Ctx(user, "window", window)
        return s.Ctx(user, "online" if user.kind in ("citizen", "enterprise") else "")

    def implementation(self, item: str, division: str = ZJ) -> ItemImplementation:
        from .data.catalogue import implementation_of

        code = implementation_of(item, division).code
        if (item, division) not in self._impls:
            self._impls[(item, division)] = ItemImplementation.objects.select_related("published_version").get(
                code=code
            )
        return self._impls[(item, division)]

    def items_of_idle_departments(self, division: str = ZJ) -> list[tuple[str, tuple[str, ...]]]:
        """Each department of ``division`` that decides a demo item and has no case in its hands now: its first
        item (by code) with a promised time (else its first 即办 item), and who may apply for it."""
        from .data.catalogue import IMPLEMENTATIONS

        busy = set(
            Case.objects.filter(
                deciding_department__division_id=code12(division), status__in=("in_progress", "suspended")
            ).values_list("deciding_department__kind", flat=True)
        )
        found: dict[str, tuple[str, tuple[str, ...]]] = {}
        for impl in sorted(IMPLEMENTATIONS, key=lambda i: (i.item.promised == 0, i.code)):
            kind = impl.department.kind
            if impl.division == division and kind not in busy and kind not in found:
                found[kind] = (impl.item.key, impl.item.objects)
        return [found[kind] for kind in sorted(found)]

    def staff_of(self, case: Case, role: str = "approver") -> str:
        """The username of the deciding department's approver (or head)."""
        found = self._staff.get((case.deciding_department_id, role))
        if found is None:
            raise PlayError(f"{case.deciding_department} 没有演示{role}账号")
        return found.username

    def clerk_of(self, record: Case | BundleCase) -> str:
        found = [
            u
            for u in self.users.values()
            if u.role == "window_clerk"
            and u.service_centre_id == record.receiving_centre_id
            and u.username not in HOTLINE_STAFF  # the 12345 call-taker sits at the centre but takes no cases
        ]
        if not found:
            raise PlayError(f"{record.number} 的受理中心没有演示窗口人员")
        return sorted(found, key=lambda u: u.username)[0].username

    def scan(self, name: str) -> bytes:
        """A material as the applicant uploads it: a PDF titled by the material."""
        if name not in self._files:
            self._files[name] = demo_files.sample_pdf(name, [{"label": "申请人"}, {"label": "材料说明"}])
        return self._files[name]

    # ---- applying ----------------------------------------------------------------------------------------

    def online(
        self,
        item: str,
        who: str,
        *,
        ago: int,
        at: str = "09:40",
        answers: Mapping[str, Any] | None = None,
        leave_out: Iterable[str] = (),
        submit: bool = True,
    ) -> Case:
        """An online application: the draft filled once, every required file uploaded (less ``leave_out``), sent."""
        impl = self.implementation(item)
        version = impl.published_version
        assert version is not None
        ctx = self.ctx(who)
        with self.at(ago, at):
            form = fill(version.form_schema, self.person(who), clock.today(), answers)
            case = s.start_online(ctx, impl, form, key=self.key())
            skip = set(leave_out)
            backed = licence_backed(version)  # replaceable only by a licence the applicant holds (免证办)
            held = held_refs(version, case.applicant_id_number)
            for m in version.materials.all():
                if m.necessity == "optional" or m.name in skip or (m.licence_replaceable and m.name not in backed):
                    continue
                if held.get(m.name):
                    s.use_licence(ctx, case, m.name, held[m.name][0].identifier)
                else:
                    s.attach_material(ctx, case, m.name, f"{m.name}.pdf", self.scan(m.name))
            if submit:
                case = s.submit(ctx, case.number)
        return Case.objects.get(pk=case.pk)

    def window(
        self,
        item: str,
        who: Person,
        *,
        ago: int,
        at: str = "09:10",
        clerk: str = "zj_window",
        division: str = ZJ,
        answers: Mapping[str, Any] | None = None,
        leave_out: Iterable[str] = (),
    ) -> Case:
        """一窗受理: the clerk takes the application and ticks the paper materials in hand (less ``leave_out``)."""
        impl = self.implementation(item, division)
        version = impl.published_version
        assert version is not None
        skip = set(leave_out)
        with self.at(ago, at):
            case = s.apply_at_window(
                self.ctx(clerk),
                impl,
                applicant=_applicant(who),
                identity_check=IDENTITY_CHECK,
                form_data=fill(version.form_schema, who, clock.today(), answers),
                paper_materials=[m.name for m in version.materials.all() if m.name not in skip],
                agent=_agent(who),
                key=self.key(),
            )
        return case

    # ---- the front desk ----------------------------------------------------------------------------------

    def accept(self, case: Case, *, ago: int, at: str = "10:30", defer: Mapping[str, int] | None = None) -> Case:
        """受理, or 容缺受理 of ``defer``'s materials (each promised that many calendar days later)."""
        with self.at(ago, at):
            deferrals = [
                s.Deferral(
                    name, clock.today() + dt.timedelta(days=days), "本人承诺按期补交，逾期未补交的愿承担相应责任。"
                )
                for name, days in (defer or {}).items()
            ]
            return s.accept(self.ctx(self.clerk_of(case)), case.number, None, deferrals)

    def correction(self, case: Case, items: list[str], *, ago: int, at: str = "11:00", note: str = "") -> Case:
        with self.at(ago, at):
            return s.request_correction(self.ctx(self.clerk_of(case)), case.number, items, None, note)

    def resubmit(self, case: Case, who: str, *, ago: int, at: str = "15:20", files: Iterable[str] = ()) -> Case:
        ctx = self.ctx(who)
        with self.at(ago, at):
            for name in files:
                s.attach_material(ctx, Case.objects.get(pk=case.pk), name, f"{name}.pdf", self.scan(name + "（补正）"))
            return s.resubmit(ctx, case.number)

    def refuse(self, case: Case, reason: str, *, ago: int, at: str = "10:50") -> Case:
        with self.at(ago, at):
            return s.refuse(self.ctx(self.clerk_of(case)), case.number, reason)

    def supply_deferred(self, case: Case, material: str, *, ago: int, at: str = "14:10") -> Case:
        with self.at(ago, at):
            return s.supply_deferred(self.ctx(self.clerk_of(case)), case.number, material)

    # ---- the back office ---------------------------------------------------------------------------------

    def review(self, case: Case, *, ago: int, at: str = "14:30", opinion: str = "材料齐全、真实，符合法定条件") -> Case:
        """Every review step before the decision, each with its opinion."""
        with self.at(ago, at):
            ctx = self.ctx(self.staff_of(case))
            current = Case.objects.get(pk=case.pk)
            while not current.awaiting_decision:
                current = s.complete_step(ctx, current.number, opinion)
            return current

    def decide(
        self, case: Case, *, ago: int, at: str = "16:00", grant: bool = True, reason: str = "", by: str = "approver"
    ) -> Case:
        default = "符合法定条件和标准，依法准予" if grant else "经审查不符合法定条件，依法不予准予"
        with self.at(ago, at):
            return s.decide(self.ctx(self.staff_of(case, by)), case.number, grant, reason or default)

    def suspend(self, case: Case, step: str, reason: str, *, ago: int, at: str = "10:00") -> Case:
        with self.at(ago, at):
            return s.suspend(self.ctx(self.staff_of(case)), case.number, step, reason)

    def resume(self, case: Case, *, ago: int, at: str = "09:30", note: str = "") -> Case:
        with self.at(ago, at):
            return s.resume(self.ctx(self.staff_of(case)), case.number, None, note)

    def extend(self, case: Case, reason: str, *, ago: int, at: str = "17:00", days: int = 10) -> Case:
        with self.at(ago, at):
            return s.extend(self.ctx(self.staff_of(case, "department_head")), case.number, reason, None, days)

    def return_for_correction(self, case: Case, items: list[str], reason: str, *, ago: int, at: str = "11:30") -> Case:
        with self.at(ago, at):
            return s.return_for_correction(self.ctx(self.staff_of(case)), case.number, items, reason)

    def withdraw(self, case: Case, who: str, reason: str, *, ago: int, at: str = "20:15") -> Case:
        """The applicant withdraws (a bundle's item before the bundle is accepted, too)."""
        with self.at(ago, at):
            return s.withdraw(self.ctx(who), case.number, reason)

    def supervise(self, case: Case, message: str, *, ago: int, at: str = "08:50", answer: str = "") -> None:
        with self.at(ago, at):
            notice = s.supervise(self.ctx("zj_supervisor"), case.number, message)
            if answer:
                s.answer_supervision(self.ctx(self.staff_of(case, "department_head")), notice, answer)

    # ---- the result desk ---------------------------------------------------------------------------------

    def issue(self, case: Case, delivery: str, *, ago: int, at: str = "15:00") -> Case:
        with self.at(ago, at):
            return s.issue_result(self.ctx(self.clerk_of(case)), case.number, delivery)

    # ---- bundles -------------------------------------------------------------------------------------------

    def bundle(self, name: str) -> Bundle:
        return Bundle.objects.get(name=name, status=Bundle.Status.PUBLISHED)

    def bundle_online(
        self,
        name: str,
        who: str,
        *,
        ago: int,
        at: str = "20:30",
        answers: Mapping[str, Any] | None = None,
        submit: bool = True,
    ) -> BundleCase:
        """一件事 online: one form for every item, each material uploaded once, sent."""
        ctx = self.ctx(who)
        with self.at(ago, at):
            bc = s.start_bundle_online(ctx, self.bundle(name), key=self.key())
            items = list(bc.items.all())
            form = fill(s.merged_form(items, bc.applicant_kind), self.person(who), clock.today(), answers)
            bc = s.save_bundle_draft(ctx, bc.number, form)
            for material in s.required_uploads(items, bc.applicant_id_number):
                s.attach_bundle_material(ctx, bc, material, f"{material}.pdf", self.scan(material))
            if submit:
                bc = s.submit_bundle(ctx, bc.number)
        return BundleCase.objects.get(pk=bc.pk)

    def bundle_window(
        self,
        name: str,
        who: Person,
        *,
        ago: int,
        at: str = "09:20",
        clerk: str = "zj_window",
        answers: Mapping[str, Any] | None = None,
        founding: bool = False,
    ) -> BundleCase:
        """一件事 at the window: the whole bundle for an applicant (a company's founder: ``founding``)."""
        bundle = self.bundle(name)
        items = list(bundle.items.all())
        kind = "natural" if founding else who.kind
        with self.at(ago, at):
            form = fill(s.merged_form(items, kind), who, clock.today(), answers)
            paper = {
                normalise_material(m.name) for i in items for m in s.published_version(i.implementation).materials.all()
            }
            return s.apply_bundle_at_window(
                self.ctx(clerk),
                bundle,
                item_ids=None,
                applicant={**_applicant(who), "kind": kind},
                identity_check=IDENTITY_CHECK,
                form_data=form,
                paper_materials=sorted(paper),
                key=self.key(),
            )

    def bundle_accept(self, bc: BundleCase, *, ago: int, at: str = "10:40", refuse: str = "") -> BundleCase:
        """受理 the whole bundle (``refuse``: every item refused, with that reason)."""
        with self.at(ago, at):
            refusals = {c.bundle_item_id: refuse for c in bc.children.all() if c.bundle_item_id} if refuse else None
            return s.accept_bundle(self.ctx(self.clerk_of(bc)), bc.number, None, refusals=refusals)

    def bundle_correction(self, bc: BundleCase, items: list[str], *, ago: int, at: str = "11:10") -> BundleCase:
        with self.at(ago, at):
            return s.request_bundle_correction(self.ctx(self.clerk_of(bc)), bc.number, items)

    def bundle_items_decided(self, bc: BundleCase, *, ago: int, at: str = "15:30", leave: Iterable[str] = ()) -> None:
        """Each item's department reviews and grants what is in progress, and what that starts, in turn (an item
        named in ``leave`` is left in progress)."""
        skip = set(leave)
        with self.at(ago, at):
            while True:
                running = [
                    c
                    for c in Case.objects.filter(bundle_case=bc, status="in_progress").select_related("version")
                    if c.version.name not in skip
                ]
                if not running:
                    return
                for child in running:
                    ctx = self.ctx(self.staff_of(child))
                    current = child
                    while not current.awaiting_decision:
                        current = s.complete_step(ctx, current.number, "材料齐全，符合规定")
                    s.decide(ctx, current.number, True, "符合法定条件，准予办理")

    def bundle_issue(self, bc: BundleCase, delivery: str, *, ago: int, at: str = "16:20") -> BundleCase:
        with self.at(ago, at):
            return s.issue_bundle_results(self.ctx(self.clerk_of(bc)), bc.number, delivery)


def _applicant(who: Person) -> dict[str, str]:
    if who.uscc:
        return {"kind": "legal", "name": who.enterprise_name, "id_number": who.uscc, "phone": who.phone}
    return {"kind": "natural", "name": who.name, "id_number": who.id_number, "phone": who.phone}


def _agent(who: Person) -> WindowAgent | None:
    """An enterprise acts at the window through its 经办人, who hands over the written authorisation under the
    company's seal; the clerk checks the business licence (or its sealed copy)."""
    if not who.uscc:
        return None
    return WindowAgent(
        name=who.name, id_number=who.id_number, principal_check=PRINCIPAL_CHECKS[-1], written=True, document=None
    )


def played() -> set[str]:
    """The scenarios played before (their first call's idempotency key is on record)."""
    keys = IdempotencyKey.objects.filter(key__startswith=KEY_PREFIX).values_list("key", flat=True)
    return {k.removeprefix(KEY_PREFIX).split("#", 1)[0] for k in keys}


def play(scenarios: Iterable[Scenario], today: dt.date | None = None) -> list[str]:
    """Play every scenario not played before; returns the keys played now. The caller holds the transaction."""
    done = played()
    todo = [sc for sc in scenarios if sc.key not in done]
    if not todo:
        return []
    stage = Play(today or clock.today())
    for scenario in todo:
        stage.begin(scenario.key)
        scenario.play(stage)
    # What the daily job does: every open case's clocks as of today (a paused clock's days left move on).
    s.recompute_open_deadlines()
    return [sc.key for sc in todo]
