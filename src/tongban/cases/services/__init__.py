"""Every write to a case or a bundle case, with its rules. Each goes through ``perform`` / ``perform_bundle``
(services/perform.py): lock, policy, state table, effect, event, audit entry, notices, idempotency key.

The modules by desk: ``applying`` (online drafts, the general window), ``desk`` (受理, 补正, 不予受理),
``back_office`` (review steps, decision, suspensions, extension, withdrawal), ``results`` (统一出件),
``supervision`` (督办), ``bundle_applications`` / ``bundle_desk`` / ``bundle_flow`` (一件事). This package
re-exports what pages, the API, the admin and other apps call.
"""

from .applying import (
    account_of,
    apply_at_window,
    attach_material,
    check_window_applicant,
    missing_materials,
    prefill,
    published_version,
    save_draft,
    start_online,
    submit,
    window_clerk_centre,
)
from .back_office import (
    complete_step,
    current_step_name,
    decide,
    extend,
    resume,
    return_for_correction,
    supply_correction,
    suspend,
    withdraw,
)
from .bundle_applications import (
    apply_bundle_at_window,
    attach_bundle_material,
    chosen_items,
    merged_form,
    required_uploads,
    save_bundle_draft,
    start_bundle_online,
    submit_bundle,
)
from .bundle_desk import (
    accept_bundle,
    choose_result_mode,
    issue_bundle_results,
    open_children,
    record_joint_outcome,
    request_bundle_correction,
    resubmit_bundle,
    schedule_joint_step,
    withdraw_bundle_item,
)
from .context import SYSTEM, Ctx, Deferral, FormInvalid, require, today
from .deadlines import recompute_deadlines, start_clock
from .desk import (
    accept,
    accept_deferred,
    overdue_deferrals,
    record_visit,
    refuse,
    request_correction,
    resubmit,
    supply_deferred,
)
from .idempotency import Replayed
from .numbers import next_case_number, query_code
from .perform import Notice, Outcome, perform, perform_bundle, tell
from .results import issue_result, register_result_channel
from .supervision import answer_supervision, supervise

__all__ = [
    "SYSTEM",
    "Ctx",
    "Deferral",
    "FormInvalid",
    "Notice",
    "Outcome",
    "Replayed",
    "accept",
    "accept_bundle",
    "accept_deferred",
    "account_of",
    "answer_supervision",
    "apply_at_window",
    "apply_bundle_at_window",
    "attach_bundle_material",
    "attach_material",
    "check_window_applicant",
    "choose_result_mode",
    "chosen_items",
    "complete_step",
    "current_step_name",
    "decide",
    "extend",
    "issue_bundle_results",
    "issue_result",
    "merged_form",
    "missing_materials",
    "next_case_number",
    "open_children",
    "overdue_deferrals",
    "perform",
    "perform_bundle",
    "prefill",
    "published_version",
    "query_code",
    "recompute_deadlines",
    "record_joint_outcome",
    "record_visit",
    "refuse",
    "register_result_channel",
    "request_bundle_correction",
    "request_correction",
    "require",
    "required_uploads",
    "resubmit",
    "resubmit_bundle",
    "resume",
    "return_for_correction",
    "save_bundle_draft",
    "save_draft",
    "schedule_joint_step",
    "start_bundle_online",
    "start_clock",
    "start_online",
    "submit",
    "submit_bundle",
    "supervise",
    "supply_correction",
    "supply_deferred",
    "suspend",
    "tell",
    "today",
    "window_clerk_centre",
    "withdraw",
    "withdraw_bundle_item",
]
