"""The bundle-case table, its guards and the phase the items make of it (pure: no database)."""

from dataclasses import dataclass, field

import pytest

from tongban.cases.domain import bundle_workflow as bw
from tongban.cases.domain.bundle_workflow import BundleAction as B
from tongban.cases.domain.bundle_workflow import BundlePhase as P


def test_phase_follows_the_items_once_accepted():
    assert bw.derive_phase("in_progress", ["in_progress", "waiting"]) == "in_progress"
    assert bw.derive_phase("in_progress", ["decided", "terminated", "decided"]) == "ready"
    assert bw.derive_phase("ready", ["closed", "terminated"]) == "closed"
    assert bw.derive_phase("in_progress", ["refused", "refused"]) == "refused"
    assert bw.derive_phase("in_progress", ["refused", "decided"]) == "ready"
    assert bw.derive_phase("in_progress", ["decided", "suspended"]) == "in_progress"


def test_before_acceptance_only_withdrawing_every_item_ends_the_bundle():
    assert bw.derive_phase("submitted", ["withdrawn", "submitted"]) == "submitted"
    assert bw.derive_phase("correction", ["withdrawn", "withdrawn"]) == "withdrawn"
    assert bw.derive_phase("draft", []) == "draft"
    assert bw.derive_phase("closed", ["in_progress"]) == "closed"


def test_progress_moves_only_where_the_table_allows():
    assert bw.next_phase("in_progress", "progress", "ready") is P.READY
    assert bw.next_phase("ready", "progress", "closed") is P.CLOSED
    assert bw.next_phase("submitted", "progress", "withdrawn") is P.WITHDRAWN
    with pytest.raises(bw.BundleTransitionError):
        bw.next_phase("submitted", "progress", "closed")  # nothing was accepted: it cannot close
    with pytest.raises(bw.BundleTransitionError):
        bw.next_phase("closed", "progress", "in_progress")


def test_every_action_of_the_table_has_a_label_and_every_phase_a_label():
    assert {a for (_, a) in bw.TRANSITIONS} <= set(bw.ACTION_LABELS)
    assert set(P) == set(bw.PHASE_LABELS)
    with pytest.raises(bw.BundleTransitionError, match="待受理"):
        bw.next_phase("submitted", "issue_results")


@dataclass
class Facts:
    phase: str = "in_progress"
    applicant_id: int | None = 1
    receiving_centre_id: int | None = 10
    receiving_division_path: str = "/33/3306/330681/"
    result_mode: str = "together"
    item_department_ids: frozenset[int] = frozenset({100, 200})
    item_division_paths: tuple[str, ...] = ("/33/3306/330681/",)
    running_department_ids: frozenset[int] = frozenset({100, 200})
    has_decided_item: bool = False
    has_withdrawable_item: bool = True
    unrecorded_joint_step_departments: frozenset[int] = field(default_factory=frozenset)
    extended: bool = False
    deadline_passed: str = ""
    missing_for_acceptance: tuple[str, ...] = ()
    deferred_outstanding: tuple[str, ...] = ()


def test_results_go_out_together_when_ready_or_one_by_one_where_the_applicant_chose_so():
    assert bw.blocked_by(Facts(phase="ready"), B.ISSUE_RESULTS) is None
    blocked = bw.blocked_by(Facts(), B.ISSUE_RESULTS)
    assert blocked is not None and blocked.code == "not_ready"
    assert bw.blocked_by(Facts(result_mode="separate", has_decided_item=True), B.ISSUE_RESULTS) is None
    assert bw.blocked_by(Facts(result_mode="separate"), B.ISSUE_RESULTS) is not None


def test_joint_steps_need_two_running_departments_and_something_to_record():
    too_few = bw.blocked_by(Facts(running_department_ids=frozenset({100})), B.SCHEDULE_JOINT_STEP)
    assert too_few is not None and too_few.code == "too_few"
    nothing = bw.blocked_by(Facts(), B.RECORD_JOINT_OUTCOME)
    assert nothing is not None and nothing.code == "nothing_to_record"
    assert bw.blocked_by(Facts(unrecorded_joint_step_departments=frozenset({100})), B.RECORD_JOINT_OUTCOME) is None
