"""The facts the policy and the state tables read, built from the rows (the expensive ones lazily, so an action
reads only what its own guard needs)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

from tongban.bundles.models import BundleItem
from tongban.bundles.savings import normalise_material
from tongban.catalogue.models import ImplementationVersion
from tongban.catalogue.snapshots import version_snapshot
from tongban.core import clock

from .domain import limits, steps
from .domain.bundle_workflow import BundleFacts
from .domain.limits import Clock
from .domain.materials import Missing, missing
from .domain.workflow import CaseFacts, CaseStatus
from .licence_refs import lacking, licence_backed
from .models import BundleCase, Case, CaseMaterial, JointStep

S = CaseStatus
WITHDRAWABLE = frozenset({S.SUBMITTED, S.CORRECTION, S.IN_PROGRESS, S.RETURNED, S.SUSPENDED, S.WAITING})


def version_of(case: Case) -> ImplementationVersion:
    """The guide version the case is pinned to, with its materials and steps: immutable once published, so read
    once per process (catalogue.selectors.version_snapshot) and attached to the case."""
    cached = case._state.fields_cache.get("version")
    if isinstance(cached, ImplementationVersion) and getattr(cached, "_snapshot", False):
        return cached
    snapshot = version_snapshot(case.version_id)
    case.version = snapshot
    return snapshot


def back_office_of(case: Case) -> list[str]:
    return steps.back_office_steps(s.name for s in version_of(case).steps.all())


class CaseFactsOf:
    """CaseFacts of one Case row. ``materials``: the case's materials if the caller already has them."""

    def __init__(self, case: Case, materials: list[CaseMaterial] | None = None):
        self.case = case
        self._materials = materials

    @property
    def status(self) -> str:
        return self.case.status

    @property
    def applicant_id(self) -> int | None:
        return self.case.applicant_id

    @property
    def agent_id(self) -> int | None:
        return self.case.agent_id

    @property
    def receiving_centre_id(self) -> int | None:
        return self.case.receiving_centre_id

    @property
    def deciding_department_id(self) -> int | None:
        return self.case.deciding_department_id

    @cached_property
    def deciding_division_path(self) -> str:
        return self.case.deciding_division.path

    @property
    def in_bundle(self) -> bool:
        return self.case.bundle_case_id is not None

    @property
    def received_by_node(self) -> bool:
        return bool(self.case.receiving_node)

    @property
    def awaiting_decision(self) -> bool:
        return self.case.awaiting_decision

    @cached_property
    def current_step_name(self) -> str:
        return steps.current_step(back_office_of(self.case), self.case.current_step)

    @property
    def extended(self) -> bool:
        return self.case.extension_days > 0

    @cached_property
    def materials(self) -> list[CaseMaterial]:
        return self._materials if self._materials is not None else list(self.case.materials.all())

    @cached_property
    def deferred_outstanding(self) -> bool:
        if not self.case.deferred and self._materials is None:
            return False  # never accepted with deferred materials (容缺): nothing to read
        return any(m.state == CaseMaterial.State.DEFERRED for m in self.materials)

    @cached_property
    def deferrable_left(self) -> bool:
        held = {m.name for m in self.materials if m.state in ("received", "deferred", "replaced", "result")}
        return any(r.necessity == "deferrable" and r.name not in held for r in version_of(self.case).materials.all())

    @cached_property
    def missing(self) -> Missing:
        return lacking(version_of(self.case), self.materials)

    @property
    def missing_required(self) -> tuple[str, ...]:
        return self.missing.required

    @property
    def missing_deferrable(self) -> tuple[str, ...]:
        return self.missing.deferrable

    @cached_property
    def special_steps_declared(self) -> bool:
        return bool(version_of(self.case).special_steps.all())

    @property
    def handling_deadline_passed(self) -> str:
        c = self.case
        running_late = c.clock == Clock.HANDLING and c.clock_due is not None and c.clock_due < clock.today()
        paused_late = c.clock == Clock.PAUSED and c.paused_left is not None and c.paused_left < 0
        return limits.due_text(c.promised_due, None, "") if running_late or paused_late else ""

    @property
    def acceptance_deadline_passed(self) -> str:
        c = self.case
        if c.clock == Clock.ACCEPTANCE and c.clock_due is not None and c.clock_due < clock.today():
            return limits.cn_date(c.clock_due)
        return ""

    @property
    def correction_items(self) -> tuple[str, ...]:
        return tuple(str(item) for item in self.case.correction_items or ())

    @cached_property
    def beside_result(self) -> Missing:
        """What a bundle's item lacks beside its prerequisite's result (arriving as a material when it starts)."""
        return missing_beside_result(self.case, self.materials)

    @property
    def waiting_missing_required(self) -> tuple[str, ...]:
        return self.beside_result.required

    @property
    def waiting_missing_deferrable(self) -> tuple[str, ...]:
        return self.beside_result.deferrable


def awaited_result(case: Case) -> str:
    """The material a bundle's item gets from its prerequisite's result (its item's ``result_as_material``)."""
    item = case.bundle_item if case.bundle_item_id else None
    return item.result_as_material if item is not None else ""


def missing_beside_result(case: Case, held: Iterable[CaseMaterial]) -> Missing:
    awaited = normalise_material(awaited_result(case))
    requirements = [r for r in version_of(case).materials.all() if not awaited or normalise_material(r.name) != awaited]
    return missing(requirements, held, licence_backed(version_of(case)))


def case_facts(case: Case, materials: list[CaseMaterial] | None = None) -> CaseFacts:
    return CaseFactsOf(case, materials)


class BundleFactsOf:
    """BundleFacts of one BundleCase row. ``children``: its child cases if the caller already has them."""

    def __init__(self, bundle_case: BundleCase, children: list[Case] | None = None):
        self.bundle_case = bundle_case
        self._children = children

    @property
    def phase(self) -> str:
        return self.bundle_case.phase

    @property
    def applicant_id(self) -> int | None:
        return self.bundle_case.applicant_id

    @property
    def receiving_centre_id(self) -> int | None:
        return self.bundle_case.receiving_centre_id

    @cached_property
    def receiving_division_path(self) -> str:
        return self.bundle_case.receiving_division.path

    @property
    def result_mode(self) -> str:
        return self.bundle_case.result_mode

    @cached_property
    def children(self) -> list[Case]:
        if self._children is not None:
            return self._children
        return list(
            Case.objects.filter(bundle_case=self.bundle_case).select_related("deciding_division", "bundle_item")
        )

    @cached_property
    def item_department_ids(self) -> frozenset[int]:
        return frozenset(c.deciding_department_id for c in self.children)

    @cached_property
    def item_division_paths(self) -> tuple[str, ...]:
        return tuple({c.deciding_division.path for c in self.children})

    @cached_property
    def running_department_ids(self) -> frozenset[int]:
        return frozenset(c.deciding_department_id for c in self.children if c.status in (S.IN_PROGRESS, S.SUSPENDED))

    @cached_property
    def has_decided_item(self) -> bool:
        return any(c.status == S.DECIDED for c in self.children)

    @cached_property
    def has_withdrawable_item(self) -> bool:
        return any(c.status in WITHDRAWABLE for c in self.children)

    @property
    def extended(self) -> bool:
        return self.bundle_case.extension_days > 0

    @property
    def deadline_passed(self) -> str:
        b = self.bundle_case
        if b.clock == Clock.HANDLING and b.clock_due is not None and b.clock_due < clock.today():
            return limits.cn_date(b.clock_due)
        if b.clock == Clock.PAUSED and b.paused_left is not None and b.paused_left < 0:
            return limits.due_text(b.promised_due, None, "已届满")
        return ""

    @cached_property
    def missing_for_acceptance(self) -> tuple[str, ...]:
        """The 必要 materials each item lacks at acceptance (one waiting for a prerequisite gets that result later
        as a material: everything else it must hold now, so that it can start when the result comes)."""
        open_children = [c for c in self.children if c.status not in ("refused", "withdrawn", "terminated")]
        chosen = set(self.bundle_case.items.values_list("pk", flat=True))
        waiting = set(
            BundleItem.depends_on.through.objects.filter(
                from_bundleitem_id__in=[c.bundle_item_id for c in open_children], to_bundleitem_id__in=chosen
            ).values_list("from_bundleitem_id", flat=True)
        )
        out = []
        for child in open_children:
            held = child.materials.all()
            if child.bundle_item_id in waiting:  # its prerequisite's result comes later; nothing else may lack
                absent = missing_beside_result(child, held).required
            else:
                absent = lacking(version_of(child), held).required
            out += [f"{version_of(child).name}：{name}" for name in absent]
        return tuple(out)

    @cached_property
    def deferred_outstanding(self) -> tuple[str, ...]:
        """The 容缺 materials the bundle's open items still owe ("item：material"), as the result desk lists them."""
        return tuple(f"{version_of(c).name}：{m.name}" for c, m in deferred_owed(self.bundle_case))

    @cached_property
    def unrecorded_joint_step_departments(self) -> frozenset[int]:
        pending = JointStep.objects.filter(bundle_case=self.bundle_case, recorded_at__isnull=True)
        return frozenset(Case.objects.filter(joint_steps__in=pending).values_list("deciding_department_id", flat=True))


def deferred_owed(bundle_case: BundleCase) -> list[tuple[Case, CaseMaterial]]:
    """Each open item of the bundle with each deferred (容缺) material it still owes, in the items' order."""
    rows = (
        CaseMaterial.objects.filter(
            case__bundle_case=bundle_case, state=CaseMaterial.State.DEFERRED, case__status__in=OWING
        )
        .select_related("case__version")
        .order_by("case_id", "id")
    )
    return [(m.case, m) for m in rows]


# An item that can still receive what it was promised (the table's SUPPLY_DEFERRED states).
OWING = (S.WAITING, S.IN_PROGRESS, S.SUSPENDED, S.RETURNED, S.DECIDED)


def bundle_facts(bundle_case: BundleCase, children: list[Case] | None = None) -> BundleFacts:
    return BundleFactsOf(bundle_case, children)
