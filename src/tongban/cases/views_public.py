"""The public progress page (/progress/): anyone holding a case number and its query code sees how the case
stands, without personal data. A wrong number and a wrong code get the same message, so the page never tells
whether a number exists, and guesses are rate-limited per client address."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tongban.audit.services import client_ip
from tongban.core import ratelimit

from .domain.bundle_workflow import ACTION_LABELS as BUNDLE_ACTION_LABELS
from .domain.bundle_workflow import PHASE_LABELS, BundleAction, BundlePhase
from .domain.limits import CLOCK_LABELS
from .domain.workflow import ACTION_LABELS, STATUS_LABELS, CaseAction, CaseStatus
from .selectors import public_bundle_progress, public_progress

A = CaseAction
# Internal or pre-submission events the public timeline leaves out.
HIDDEN_ACTIONS = frozenset({A.SAVE_DRAFT.value, A.SUPERVISE.value, A.RECORD_VISIT.value, A.ATTACH_MATERIAL.value})
DECISION_LABELS = {"granted": "准予", "denied": "不予"}
# What the applicant may need to do or know in a state (no case details).
STATUS_HINTS = {
    CaseStatus.SUBMITTED: "申请已提交，等待窗口审查受理。",
    CaseStatus.CORRECTION: "申请材料需要补正，请按《补正材料通知书》一次性补正后重新提交。",
    CaseStatus.RETURNED: "办件已退回补正，请按通知补正；补正期间不计入办理时限。",
    CaseStatus.SUSPENDED: "办件处于特殊环节（如专家评审、检测、听证），所需时间不计入办理时限。",
    CaseStatus.DECIDED: "已作出决定，请按通知领取办理结果。",
    CaseStatus.REFUSED: "申请不予受理，理由见《不予受理决定书》。",
}
NOT_FOUND = "办件编号或查询码不正确，请核对后重试。查询码在受理通知书或短信中。"
INCOMPLETE = "请同时填写办件编号和查询码。"
THROTTLED = "查询过于频繁，请一分钟后再试。"


def rate_limit() -> int:
    return int(getattr(settings, "TONGBAN_PROGRESS_RATE_LIMIT", 20))


def throttled(request: HttpRequest) -> bool:
    """Count this lookup for the client's address in the current minute (in the database: every process
    counts together); True once over the limit."""
    return ratelimit.hit(f"progress:{client_ip(request) or 'unknown'}", rate_limit(), 60.0)


def event_label(event: dict[str, Any]) -> str:
    label = ACTION_LABELS.get(CaseAction(event["action"]), event["action"])
    if event.get("step") and event["action"] in (A.COMPLETE_STEP.value, A.SUSPEND.value, A.GRANT.value, A.DENY.value):
        return f"{label}（{event['step']}）"
    return label


def present(progress: dict[str, Any]) -> dict[str, Any]:
    """What the template shows: Chinese labels, local times, no personal data (the selector gives none)."""
    status = CaseStatus(progress["status"])
    events = [
        {
            "label": event_label(e),
            "at": timezone.localtime(e["at"]) if e["at"] else None,
            "status": STATUS_LABELS[CaseStatus(e["status"])] if e["status"] else "",
        }
        for e in progress["events"]
        if e["action"] not in HIDDEN_ACTIONS
    ]
    return {
        "number": progress["number"],
        "item": progress["item"],
        "department": progress["department"],
        "status": status.value,
        "status_label": STATUS_LABELS[status],
        "hint": STATUS_HINTS.get(status, ""),
        "submitted_at": timezone.localtime(progress["submitted_at"]) if progress["submitted_at"] else None,
        "accepted_on": progress["accepted_on"],
        "promised_due": progress["promised_due"],
        "promised_text": progress["promised_text"],
        "deadline": progress["deadline"],
        "deadline_colour": progress["deadline"].colour.value,
        "deadline_label": progress["deadline"].label,
        "clock_label": CLOCK_LABELS[progress["deadline"].clock],
        "decision": DECISION_LABELS.get(progress["decision"], ""),
        "closed_at": timezone.localtime(progress["closed_at"]) if progress["closed_at"] else None,
        "events": events,
    }


# A bundle's history as the public sees it: the applicant's and the desk's steps, not the items' own progress
# events (each item's state is listed instead) nor internal joint-step scheduling.
BUNDLE_HIDDEN = frozenset(
    {BundleAction.SAVE_DRAFT.value, BundleAction.ATTACH_MATERIAL.value, BundleAction.PROGRESS.value}
)


def present_bundle(progress: dict[str, Any]) -> dict[str, Any]:
    """The bundle case for the template: its phase, each item's state, its history (no personal data)."""
    phase = BundlePhase(progress["phase"])
    return {
        "bundle": True,
        "kind": "bundle",
        "decision": "",
        "number": progress["number"],
        "item": progress["bundle"],
        "status": phase.value,
        "status_label": PHASE_LABELS[phase],
        "submitted_at": timezone.localtime(progress["submitted_at"]) if progress["submitted_at"] else None,
        "accepted_on": progress["accepted_on"],
        "promised_due": progress["promised_due"],
        "promised_text": progress["promised_text"],
        "deadline": progress["deadline"],
        "deadline_colour": progress["deadline"].colour.value,
        "deadline_label": progress["deadline"].label,
        "clock_label": CLOCK_LABELS[progress["deadline"].clock],
        "closed_at": timezone.localtime(progress["closed_at"]) if progress["closed_at"] else None,
        "items": [
            {
                **i,
                "status_label": STATUS_LABELS[CaseStatus(i["status"])],
                "decision": DECISION_LABELS.get(i["decision"], ""),
            }
            for i in progress["items"]
        ],
        "events": [
            {
                "label": BUNDLE_ACTION_LABELS[BundleAction(e["action"])],
                "status": PHASE_LABELS[BundlePhase(e["phase"])] if e["phase"] else "",
                "at": timezone.localtime(e["at"]) if e["at"] else None,
            }
            for e in progress["events"]
            if e["action"] not in BUNDLE_HIDDEN
        ],
    }


def find_progress(number: str, code: str) -> dict[str, Any] | None:
    """A case's or a bundle case's progress by its number and query code; None for any mismatch."""
    found = public_progress(number, code)
    if found is not None:
        return None if found["status"] == CaseStatus.DRAFT else present(found)  # a draft is no application yet
    bundle = public_bundle_progress(number, code)
    return present_bundle(bundle) if bundle is not None else None


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    number = request.GET.get("number", "").strip()[:40]
    code = request.GET.get("code", "").strip().upper()[:16]
    context: dict[str, Any] = {"number": number, "code": code, "progress": None, "error": ""}
    status = 200
    if number or code:
        if not (number and code):
            context["error"] = INCOMPLETE
        elif throttled(request):
            context["error"], status = THROTTLED, 429
        else:
            context["progress"] = find_progress(number, code)
            if context["progress"] is None:
                context["error"] = NOT_FOUND
    response = render(request, "cases/public_progress.html", context, status=status)
    # The query code is in the address: keep it out of shared caches and other sites' logs.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
