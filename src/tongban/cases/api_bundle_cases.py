"""API: bundle applications (一件事办件) — apply with one form, upload each material once, read the bundle with
its child cases, act on it (submit, accept, correction, resubmit, unified result desk), and the indicators.

Bearer tokens as for cases (POST /auth/token; accounts.api_auth). Every write goes through the case domain's
services (perform_bundle, which asks the policy), every read through its selectors, as the pages do. A bundle case the caller may not see
answers 404 whether or not it exists; one they may see but not act on answers 403; a stale revision 409.
POST /bundle-cases with an Idempotency-Key never makes a second bundle case for the same user and key.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, File, Form, Header, Router, Schema, Status
from ninja.files import UploadedFile

from tongban.accounts.api_auth import api_user, bearer
from tongban.accounts.masking import mask_name, mask_phone, mask_resident_id, mask_uscc
from tongban.accounts.models import User
from tongban.accounts.roles import Role
from tongban.audit.services import client_ip
from tongban.audit.services import record as audit
from tongban.bundles.models import Bundle, BundleItem
from tongban.bundles.selectors import get_bundle
from tongban.core.actor import Actor
from tongban.core.api_errors import ERRORS, ApiError, ErrorOut, Limit, NotFound, Offset, lookup_key, paged, shown
from tongban.core.uploads import MAX_UPLOAD_BYTES
from tongban.workdays.selectors import current_calendar

from . import schemas as cs
from . import selectors
from . import services as cases
from .domain import policy
from .domain.bundle_workflow import ACTION_LABELS as BUNDLE_ACTION_LABELS
from .domain.bundle_workflow import PHASE_LABELS, BundleAction, BundlePhase
from .domain.limits import DeadlineView
from .domain.workflow import STATUS_LABELS, CaseStatus
from .facts import bundle_facts, deferred_owed
from .models import BundleCase, BundleCaseEvent, BundleMaterial, Case
from .services import bundle_applications as services
from .services.idempotency import replayed
from .services.perform import BUNDLE_NOT_FOUND, check_revision, raise_denied

TAG = "一件事办件"
router = Router(auth=bearer, tags=[TAG])
P = BundleCase.Phase
ResultMode = BundleCase.ResultMode

AUTH_ERRORS: dict[int, Any] = {**ERRORS, 401: ErrorOut, 403: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {**AUTH_ERRORS, 400: cs.FormErrorOut, 409: ErrorOut}
NOT_FOUND = BUNDLE_NOT_FOUND
IDEMPOTENCY_HELP = (
    "幂等键（1–80个可见ASCII字符）：网络超时后用同一个键重试，返回第一次请求的结果，不会产生第二个一件事办件"
)
ActionName = Literal[
    "submit",
    "accept",
    "request_correction",
    "resubmit",
    "issue_results",
    "choose_result_mode",
    "extend",
    "supply_deferred",
]
ACTION_LABELS = {
    "submit": "提交申请",
    "accept": "受理",
    "request_correction": "一次性告知补正",
    "resubmit": "补正后重新提交",
    "issue_results": "出件",
    "choose_result_mode": "选择出件方式",
    "extend": "延期（政府负责人批准）",
    "supply_deferred": "收取容缺材料",
}
ResultModeName = Literal["together", "separate"]
RESULT_MODE_HELP = "together：全部事项作出决定后统一出件（默认）；separate：逐项出件，每个事项作出决定后即可出件"
PhaseName = Literal["draft", "submitted", "correction", "in_progress", "ready", "closed", "refused", "withdrawn"]


# --- schemas ---------------------------------------------------------------------------------------------


class BundleCaseCreateIn(Schema):
    bundle: cs.Line60 = Field(..., min_length=1, description="一件事编码", examples=["YJS-330681-01"])
    items: Annotated[list[cs.Line60], Field(max_length=50)] | None = Field(
        None, description="所选事项的实施编码；省略时为全部事项。依法须一并办理的事项不能省略"
    )
    form_data: cs.FormData = Field(
        default_factory=dict, description="一张申请表：键为各事项申请表字段的 key，共用字段只填一次"
    )
    submit: cs.Flag = Field(False, description="true 时保存后立即提交（须无需上传材料或已上传）；否则保存为草稿")
    result_mode: ResultModeName = Field("together", description=RESULT_MODE_HELP)


class RefusalIn(Schema):
    implementation: cs.Line60 = Field(..., min_length=1, description="不予受理事项的实施编码")
    reason: cs.Text2000 = Field(..., min_length=1, description="不予受理的理由和依据")


class BundleActionIn(Schema):
    """The body of every action; each action reads the fields it needs (see the operation's description)."""

    revision: cs.Revision | None = Field(None, description="客户端所见的一件事办件修订号（必须提供）")
    refusals: Annotated[list[RefusalIn], Field(max_length=50)] = Field(
        default_factory=list, description="不予受理的事项及理由（accept）；其余事项受理"
    )
    deferrals: Annotated[list[cs.DeferralIn], Field(max_length=20)] = Field(
        default_factory=list, description="容缺受理的材料（accept）"
    )
    items: Annotated[list[cs.Line200], Field(max_length=50)] = Field(
        default_factory=list, description="一次性告知的补正材料或内容，涵盖全部事项（request_correction）"
    )
    delivery: cs.DeliveryMethod | None = Field(None, description="出件方式（issue_results）")
    address: cs.Line200 = Field("", description="邮寄送达的收件地址（issue_results，邮寄时；留空用申请表中的地址）")
    cases: Annotated[list[cs.Line60], Field(max_length=50)] | None = Field(
        None, description="逐项出件时本次出件的事项办件编号（issue_results，仅申请人选择逐项出件时）；省略为统一出件"
    )
    result_mode: ResultModeName | None = Field(None, description=f"出件方式（choose_result_mode）。{RESULT_MODE_HELP}")
    added_reason: cs.Text1000 = Field(
        "", description="再次要求补正时新增内容的理由（request_correction；此前未列明的内容须说明理由）"
    )
    reason: cs.Text2000 = Field("", description="延期理由（extend）")
    approved_by: cs.Line200 = Field("", description="批准延期的本级人民政府负责人（extend）")
    days: int = Field(15, ge=1, le=15, description="延长的工作日数（extend），最多15个工作日")
    material: cs.Line200 = Field("", description="补交的容缺材料名称（supply_deferred），登记到每个欠交它的事项")
    fields: Annotated[list[cs.Line50], Field(max_length=50)] = Field(
        default_factory=list,
        description="需申请人更正的申请表栏目（一张申请表的字段 key；request_correction），每项列入补正清单",
    )
    form_data: cs.FormData = Field(
        default_factory=dict,
        description="补正时更正的栏目（resubmit，只限补正通知列明的栏目），同步到用到它的各事项",
    )


class BundleApplicantOut(Schema):
    kind: str
    name: str
    id_number: str
    phone: str
    agent_name: str = Field("", description="代办人/经办人（代办时）；无权查看个人信息时脱敏")
    agent_id_number: str = ""
    authorisation: str = Field("", description="代办时委托授权的依据（窗口核验或授权委托书），线上与窗口代办相同")


class BundleMaterialOut(Schema):
    name: str = Field(..., description="材料名称（多个事项共用的材料只有一份）")
    content_type: str
    size: int
    sha256: str
    paper_checked: bool = Field(..., description="窗口已核验纸质材料")
    uploaded_at: dt.datetime


class BundleChildOut(Schema):
    number: str = Field(..., description="事项办件编号（可用 GET /cases/{number} 查看）")
    query_code: str | None = Field(None, description="事项查询码（仅申请人和经办人员可见）")
    implementation: str = Field(..., description="实施编码")
    item: str = Field(..., description="事项名称")
    department: str = Field(..., description="办理部门")
    status: str
    status_label: str
    revision: int
    waits_for: list[str] = Field(..., description="本事项等待其结果的前置事项（实施编码）")
    result_as_material: str = Field(..., description="前置事项的结果作为本事项的哪份材料")
    accepted_on: dt.date | None
    promised_due: dt.date | None
    statutory_due: dt.date | None
    deadline_colour: cs.DeadlineColour
    deadline_label: str
    decision: str
    holds_up: bool = Field(..., description="是当前卡住一件事的事项")


class BundleDeferredOut(Schema):
    item: str = Field(..., description="欠交的事项")
    case: str = Field(..., description="该事项的办件编号")
    material: str = Field(..., description="容缺受理时承诺后补的材料")
    due: dt.date | None = Field(..., description="承诺补交日期")


class BundleChangeOut(Schema):
    field: str = Field(..., description="申请表字段 key")
    label: str
    before: Any = Field(None, description="更正前的内容（脱敏时不提供）")
    after: Any = Field(None, description="更正后的内容（脱敏时不提供）")


class BundleEventOut(Schema):
    action: str
    action_label: str
    from_phase: str
    to_phase: str
    actor: str = Field(..., description="操作人（申请人看到的是角色；平台自动处理时为“系统”）")
    reason: str
    at: dt.datetime
    changes: list[BundleChangeOut] = Field(..., description="本次更正的申请表栏目（补正后重新提交、事项补正）")


class BundleHoldupOut(Schema):
    number: str
    item: str
    department: str
    status: str
    status_label: str
    promised_due: dt.date | None


class BundleCaseOut(Schema):
    number: str = Field(..., description="一件事办件编号；草稿为 draft- 开头的临时编号，提交后取得 YJS 开头的正式编号")
    query_code: str | None = Field(None, description="查询码（仅申请人和经办人员可见）")
    bundle: str = Field(..., description="一件事编码")
    bundle_name: str
    phase: str = Field(
        ...,
        description="draft 草稿、submitted 待受理、correction 待补正、in_progress 办理中、"
        "ready 待统一出件、closed 已办结、refused 不予受理、withdrawn 已撤回",
    )
    phase_label: str
    revision: int
    channel: str
    result_mode: str
    items: list[str] = Field(..., description="所选事项的实施编码")
    personal_data_masked: bool
    applicant: BundleApplicantOut
    form_data: dict[str, Any] | None = Field(None, description="一张申请表（脱敏时不提供）")
    submitted_at: dt.datetime | None
    accepted_on: dt.date | None
    promised_due: dt.date | None = Field(None, description="一件事承诺办结日期")
    statutory_due: dt.date | None = Field(None, description="一件事法定办结日期（联合办理不超过45个工作日，另加延期）")
    received_on: dt.date | None = Field(None, description="收件日期")
    acceptance_due: dt.date | None = Field(None, description="受理期限（收件后5个工作日）")
    statutory_days: int = Field(..., description="联合办理时限（工作日，不超过45）")
    extension_days: int = Field(..., description="经本级人民政府负责人批准延长的工作日数（不超过15）")
    extension_approved_by: str = Field(..., description="批准延期的本级人民政府负责人")
    clock: cs.ClockName = Field(..., description=cs.CLOCK_HELP)
    clock_due: dt.date | None = Field(..., description="正在计时的期限的到期日")
    deadline_colour: cs.DeadlineColour
    deadline_label: str = Field(..., description="与页面一致的期限提示")
    calendar_unknown: bool
    closed_at: dt.datetime | None
    correction_items: list[str]
    correction_fields: list[str] = Field(..., description="补正通知列明、待申请人更正的申请表栏目（字段 key）")
    correction_added: list[str] = Field(
        ..., description="最近一次补正通知中首次告知后新增的内容（补正须一次性告知，新增须说明理由）"
    )
    correction_added_reason: str = Field(..., description="新增补正内容的理由")
    required_uploads: list[str] = Field(..., description="申请人须上传的材料（每份一次）")
    missing_uploads: list[str] = Field(..., description="尚未上传的必要材料")
    materials: list[BundleMaterialOut]
    deferred_outstanding: list[BundleDeferredOut] = Field(
        ..., description="各事项尚未补交的容缺材料（出件前应收取：actions/supply_deferred）；脱敏时不提供"
    )
    holdup: BundleHoldupOut | None = Field(None, description="当前卡住一件事的事项")
    children: list[BundleChildOut] = Field(..., description="每个事项的办件，含状态和期限")
    allowed_actions: list[str] = Field(..., description="当前用户此刻可以执行的操作（POST .../actions/{action}）")
    events: list[BundleEventOut] = Field(..., description="一件事办理过程（各事项的过程见各事项办件）")


class BundleCaseRowOut(Schema):
    number: str
    bundle: str
    bundle_name: str
    phase: str
    phase_label: str
    revision: int
    applicant_name: str
    submitted_at: dt.datetime | None
    promised_due: dt.date | None
    deadline_colour: cs.DeadlineColour
    deadline_label: str
    holdup: BundleHoldupOut | None


class BundleCasePage(Schema):
    total: int
    limit: int
    offset: int
    results: list[BundleCaseRowOut]


class IndicatorsOut(Schema):
    bundle: str
    start: dt.date | None = Field(None, description="统计起始日期（按提交日期，含）")
    end: dt.date | None = Field(None, description="统计截止日期（含）")
    bundle_cases: int = Field(..., description="一件事办件数")
    items_per_case: float = Field(..., description="平均每件办理的事项数")
    forms_saved: int = Field(..., description="与逐项申请相比少填的申请表（张）")
    fields_saved: int = Field(..., description="少填的重复字段（项）")
    materials_saved: int = Field(..., description="少交的材料（份）")
    trips_saved: int = Field(..., description="少跑现场（次）")
    average_days_to_last_result: float | None = Field(
        None, description="从提交到最后一个事项作出决定的平均天数（日历日）；无已完成办件时为 null"
    )
    licence_materials_avoided: int = Field(
        ..., description="免证办：各事项以电子证照（申请人持有的或前置事项结果签发的）代替文件或纸质材料的份数"
    )


# --- helpers ---------------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return api_user(request)


def _actor(request: HttpRequest) -> Actor:
    return api_user(request).actor


def _ctx(request: HttpRequest) -> cases.Ctx:
    user = _user(request)
    actor = user.actor
    channel = "online" if actor.applicant else ("window" if actor.has_role(Role.WINDOW_CLERK) else "")
    return cases.Ctx(user=user, channel=channel, ip=client_ip(request))


def _bundle_case(request: HttpRequest, number: str) -> BundleCase:
    key = lookup_key(number)
    bc = selectors.get_visible_bundle_case(_user(request), key) if key else None
    if bc is None:
        raise NotFound(NOT_FOUND, "number")
    return bc


def _bundle(code: str) -> Bundle:
    key = lookup_key(code)
    bundle = get_bundle(key) if key else None
    if bundle is None:
        raise ApiError("invalid", f"参数“bundle”无效：未找到编码为“{shown(code)}”的已发布一件事", "bundle")
    return bundle


def _item_ids(bundle: Bundle, codes: list[str] | None) -> list[int] | None:
    if codes is None:
        return None
    by_code = {i.implementation.code: i.pk for i in bundle.items.all()}
    unknown = [c for c in codes if c not in by_code]
    if unknown:
        raise ApiError("invalid", f"参数“items”无效：“{shown(unknown[0])}”不是该一件事包含的事项", "items")
    return [by_code[c] for c in dict.fromkeys(codes)]


def _chosen(bc: BundleCase) -> list[BundleItem]:
    return list(
        bc.items.select_related("implementation__published_version")
        .prefetch_related("depends_on", "implementation__published_version__materials")
        .order_by("order", "id")
    )


def _check_form_keys(items: list[BundleItem], data: dict[str, Any]) -> None:
    """Only the fields the chosen items' forms declare: a misspelt key is an error, not silently kept."""
    known = {f.get("key") for f in services.merged_form(items) if isinstance(f, dict)}
    unknown = {k: f"所选事项的申请表中没有“{k}”一项" for k in data if k not in known}
    if unknown:
        raise cases.FormInvalid(unknown)


def _invalid_form(exc: cases.FormInvalid) -> Status:
    return Status(400, {"error": {"code": exc.code, "message": exc.message, "field": exc.field, "fields": exc.errors}})


def _idempotency_key(value: str | None) -> str | None:
    if value is None:
        return None
    key = value.strip()
    if not 1 <= len(key) <= 80 or not all(33 <= ord(c) <= 126 for c in key):
        raise ApiError("invalid", "参数“Idempotency-Key”无效：应为1–80个可见ASCII字符（不含空格）", "Idempotency-Key")
    return key


def _replayed(request: HttpRequest, key: str | None) -> BundleCase | None:
    made = replayed(_ctx(request), key)
    return made if isinstance(made, BundleCase) else None


# The actions of POST /bundle-cases/{number}/actions/{action}, as the policy names them.
API_ACTIONS: dict[str, BundleAction] = {
    "submit": BundleAction.SUBMIT,
    "accept": BundleAction.ACCEPT,
    "request_correction": BundleAction.REQUEST_CORRECTION,
    "resubmit": BundleAction.RESUBMIT,
    "issue_results": BundleAction.ISSUE_RESULTS,
    "choose_result_mode": BundleAction.CHOOSE_RESULT_MODE,
    "extend": BundleAction.EXTEND,
    "supply_deferred": BundleAction.SUPPLY_DEFERRED,
}


def _allowed(actor: Actor, bc: BundleCase, children: list[Case] | None = None) -> list[str]:
    """What this actor may do to this bundle case now, of what this API performs: the policy's answer."""
    possible = policy.bundle_actions(actor, bundle_facts(bc, children))
    return [name for name, action in API_ACTIONS.items() if action in possible]


def _holdup(case: Case | None) -> dict[str, Any] | None:
    if case is None:
        return None
    return {
        "number": case.number,
        "item": case.version.name,
        "department": case.deciding_department.name,
        "status": case.status,
        "status_label": STATUS_LABELS[CaseStatus(case.status)],
        "promised_due": case.promised_due,
    }


def _applicant(bc: BundleCase, personal: bool) -> dict[str, str]:
    agency = cs.agency_out(services.bundle_agent(bc), bc.authorisation, personal)
    if personal:
        return {
            "kind": bc.applicant_kind,
            "name": bc.applicant_name,
            "id_number": bc.applicant_id_number,
            "phone": bc.applicant_phone,
            **agency,
        }
    masked = (
        mask_uscc(bc.applicant_id_number) if bc.applicant_kind == "legal" else mask_resident_id(bc.applicant_id_number)
    )
    return {
        "kind": bc.applicant_kind,
        "name": mask_name(bc.applicant_name),
        "id_number": masked,
        "phone": mask_phone(bc.applicant_phone),
        **agency,
    }


def _material_out(m: BundleMaterial) -> dict[str, Any]:
    return {
        "name": m.name,
        "content_type": m.content_type,
        "size": m.size,
        "sha256": m.sha256,
        "paper_checked": m.paper_checked,
        "uploaded_at": m.uploaded_at,
    }


def _colour(view: DeadlineView) -> dict[str, str]:
    return {"deadline_colour": view.colour.value, "deadline_label": view.label}


def _out(actor: Actor, bc: BundleCase) -> dict[str, Any]:
    bc = BundleCase.objects.select_related("bundle", "receiving_division").get(pk=bc.pk)  # after the write, fresh
    items = _chosen(bc)
    children = selectors.bundle_children(bc)
    personal = policy.may_see_bundle_personal(actor, bundle_facts(bc, children))
    holdup = selectors.bundle_holdup(bc) if bc.phase == P.IN_PROGRESS else None  # before 受理: the front desk
    today, cal = cases.today(), current_calendar()
    by_item = {c.bundle_item_id: c for c in children}
    materials = list(bc.materials.all())
    required = services.required_uploads(items, bc.applicant_id_number)
    have = {m.name for m in materials}
    rows = []
    for c in children:
        prereqs = [by_item[d.pk] for d in c.bundle_item.depends_on.all() if d.pk in by_item] if c.bundle_item else []
        rows.append(
            {
                "number": c.number,
                "query_code": c.query_code if personal else None,
                "implementation": c.implementation.code,
                "item": c.version.name,
                "department": c.deciding_department.name,
                "status": c.status,
                "status_label": STATUS_LABELS[CaseStatus(c.status)],
                "revision": c.revision,
                "waits_for": [p.implementation.code for p in prereqs],
                "result_as_material": c.bundle_item.result_as_material if c.bundle_item and prereqs else "",
                "accepted_on": c.accepted_on,
                "promised_due": c.promised_due,
                "statutory_due": c.statutory_due,
                **_colour(selectors.deadline_of(c, cal, today)),
                "decision": c.decision,
                "holds_up": holdup is not None and holdup.pk == c.pk,
            }
        )
    return {
        "number": bc.number,
        "query_code": bc.query_code if personal else None,
        "bundle": bc.bundle.code,
        "bundle_name": bc.bundle.name,
        "phase": bc.phase,
        "phase_label": bc.get_phase_display(),
        "revision": bc.revision,
        "channel": bc.channel,
        "result_mode": bc.result_mode,
        "items": [i.implementation.code for i in items],
        "personal_data_masked": not personal,
        "applicant": _applicant(bc, personal),
        "form_data": dict(bc.form_data) if personal else None,
        "submitted_at": bc.submitted_at,
        "accepted_on": bc.accepted_on,
        "promised_due": bc.promised_due,
        "statutory_due": bc.statutory_due,
        "received_on": bc.received_on,
        "acceptance_due": bc.acceptance_due,
        "statutory_days": bc.statutory_days,
        "extension_days": bc.extension_days,
        "extension_approved_by": bc.extension_approved_by,
        "clock": bc.clock,
        "clock_due": bc.clock_due,
        **_colour(selectors.bundle_deadline_of(bc, cal, today)),
        "calendar_unknown": bc.calendar_unknown,
        "closed_at": bc.closed_at,
        "correction_items": list(bc.correction_items or []),
        "correction_fields": list(bc.correction_fields or []),
        **cs.correction_added_out(selectors.correction_added(bc)),
        "required_uploads": required,
        "missing_uploads": [n for n in required if n not in have],
        "materials": [_material_out(m) for m in materials],
        "deferred_outstanding": [
            {"item": c.version.name, "case": c.number, "material": m.name, "due": m.deferred_due}
            for c, m in deferred_owed(bc)
        ]
        if personal
        else [],
        "holdup": _holdup(holdup),
        "children": rows,
        "allowed_actions": _allowed(actor, bc, children),
        "events": [_event_out(e, personal, actor.applicant) for e in selectors.bundle_timeline(bc)],
    }


def _event_out(e: BundleCaseEvent, personal: bool, applicant: bool) -> dict[str, Any]:
    role = cs.role_label(e.actor_role)
    if e.actor is None:
        who = "系统"
    elif applicant:
        who = role or "工作人员"
    else:
        who = e.actor.real_name or e.actor.username
        who = mask_name(who) if e.actor_role in ("citizen", "enterprise") and not personal else who
    return {
        "action": e.action,
        "action_label": BUNDLE_ACTION_LABELS.get(BundleAction(e.action), e.action),
        "from_phase": e.from_phase,
        "to_phase": e.to_phase,
        "actor": who,
        "reason": e.reason,
        "at": e.at,
        "changes": selectors.shown_changes(e.data or {}, personal),
    }


# --- applying --------------------------------------------------------------------------------------------


@router.post(
    "/bundle-cases",
    response={200: BundleCaseOut, 201: BundleCaseOut, **WRITE_ERRORS},
    summary="申请一件事（保存草稿或提交）",
    description="自然人或法人账号网上申请一件事：选择全部或部分事项（items，实施编码），填写一张合并的申请表 "
    "form_data（共用字段只填一次，并用个人资料和以往申请预填）。submit 为 true 时立即提交，"
    "每个事项生成一个办件；需要上传材料时先保存草稿，用 POST /bundle-cases/{number}/materials "
    "每份材料上传一次，再用 actions/submit 提交。带 Idempotency-Key 时，同一用户用同一个键重试返回"
    "同一个一件事办件（200），不会重复创建。申请表有误时返回400，code 为 invalid_form，fields 列出"
    "每一处错误。",
)
def create_bundle_case(
    request: HttpRequest,
    payload: BundleCaseCreateIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", description=IDEMPOTENCY_HELP),
) -> Any:
    actor = _actor(request)
    key = _idempotency_key(idempotency_key)
    stored = f"create:{key}" if key else None
    if existing := _replayed(request, stored):
        return Status(200, _out(actor, existing))
    bundle = _bundle(payload.bundle)
    ids = _item_ids(bundle, payload.items)
    ctx = _ctx(request)
    try:
        with transaction.atomic():
            _check_form_keys(services.chosen_items(bundle, ids), payload.form_data)
            bc = services.start_bundle_online(
                ctx, bundle, ids, payload.form_data, result_mode=payload.result_mode, key=stored
            )
            if payload.submit:
                bc = services.submit_bundle(ctx, bc, bc.revision)
    except cases.Replayed as done:  # the same key, sent again before the first answer arrived
        assert isinstance(done.result, BundleCase)
        return Status(200, _out(actor, done.result))
    except cases.FormInvalid as exc:
        return _invalid_form(exc)
    return Status(201, _out(actor, bc))


@router.post(
    "/bundle-cases/{number}/materials",
    response={201: BundleMaterialOut, **WRITE_ERRORS},
    summary="上传一件事的申请材料（每份一次）",
    description="multipart/form-data：name 为所选事项要求的材料名称，file 为文件。多个事项共用的材料只需上传一次，"
    "提交后送达每个需要它的事项。按文件内容识别 PDF、JPEG、PNG、OFD，单个文件不超过"
    f"{MAX_UPLOAD_BYTES // 1048576}MB；不合格的文件返回400并说明原因，不影响已上传的其他材料。"
    "同名材料再次上传将替换原文件。草稿、待受理和待补正时可以上传。",
)
def upload_bundle_material(
    request: HttpRequest, number: str, name: Form[str] = "", file: File[UploadedFile | None] = None
) -> Any:
    bc = _bundle_case(request, number)
    if file is None:
        raise ApiError("required", "请选择要上传的文件（表单字段 file）", "file")
    if not name.strip():
        raise ApiError("required", "请填写材料名称（表单字段 name）", "name")
    if len(name) > 200 or any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in name):
        raise ApiError("invalid", "参数“name”无效：应为所选事项要求的材料名称", "name")
    content = file.read(MAX_UPLOAD_BYTES + 1)
    material = services.attach_bundle_material(
        _ctx(request), bc, name.strip(), shown(file.name or "upload", 80), content
    )
    return Status(201, _material_out(material))


# --- reading ---------------------------------------------------------------------------------------------


@router.get(
    "/bundle-cases/{number}",
    response={200: BundleCaseOut, **AUTH_ERRORS},
    summary="一件事办件详情",
    description="状态、期限、卡点事项，以及每个事项办件的状态、期限和等待的前置事项。申请人和经办人员可见完整的"
    "身份证号、电话和申请表，每次查看都记入审计日志；督办人员看到脱敏信息。",
)
def bundle_case_detail(request: HttpRequest, number: str) -> Any:
    bc = _bundle_case(request, number)
    body = _out(_actor(request), bc)
    if not body["personal_data_masked"]:
        audit(
            "bundle_case.view",
            "bundle_case",
            bc.number,
            actor=_user(request),
            ip=client_ip(request),
            detail={"via": "api"},
        )
    return body


@router.get(
    "/bundle-cases",
    response={200: BundleCasePage, **AUTH_ERRORS},
    summary="一件事办件列表",
    description="申请人：本人的一件事办件；窗口：本中心受理的；审批人员：本部门办理其中事项的；督办：本辖区的。"
    "phase 按状态筛选。列表中申请人姓名对督办人员脱敏。",
)
def list_bundle_cases(
    request: HttpRequest, phase: PhaseName | None = None, limit: Limit = 20, offset: Offset = 0
) -> Any:
    user, actor = _user(request), _actor(request)
    qs = selectors.visible_bundle_cases(user).select_related("bundle")
    if phase:
        qs = qs.filter(phase=phase)
    total = qs.count()
    rows = list(qs.order_by("-created_at", "-id")[offset : offset + limit])
    holdups = selectors.bundle_holdups(rows)
    masked = not policy.sees_names_in_lists(actor)
    today, cal = cases.today(), current_calendar()
    return paged(
        (
            {
                "number": bc.number,
                "bundle": bc.bundle.code,
                "bundle_name": bc.bundle.name,
                "phase": bc.phase,
                "phase_label": bc.get_phase_display(),
                "revision": bc.revision,
                "applicant_name": mask_name(bc.applicant_name) if masked else bc.applicant_name,
                "submitted_at": bc.submitted_at,
                "promised_due": bc.promised_due,
                **_colour(selectors.bundle_deadline_of(bc, cal, today)),
                "holdup": _holdup(holdups.get(bc.pk)) if bc.phase == P.IN_PROGRESS else None,
            }
            for bc in rows
        ),
        total,
        limit,
        offset,
    )


# --- actions ---------------------------------------------------------------------------------------------


def _precheck(actor: Actor, bc: BundleCase, action: str, revision: int | None) -> None:
    """Refuse before any validation of the body: not permitted (403), no or stale revision, not now (409)."""
    denied = policy.bundle_denial(actor, bundle_facts(bc), API_ACTIONS[action])
    if denied is not None and denied.status != 409:
        raise_denied(denied)
    if revision is None:
        raise ApiError("required", "请提供您所见的一件事办件修订号 revision，以免覆盖他人的办理结果", "revision")
    check_revision(bc.revision, revision, PHASE_LABELS[BundlePhase(bc.phase)], "该一件事办件")
    if denied is not None:
        raise_denied(denied)


def _refusals(bc: BundleCase, body: BundleActionIn) -> dict[int, str]:
    by_code = {i.implementation.code: i.pk for i in _chosen(bc)}
    out = {}
    for r in body.refusals:
        if r.implementation not in by_code:
            raise ApiError("invalid", f"参数“refusals”无效：“{shown(r.implementation)}”不是本件所选的事项", "refusals")
        out[by_code[r.implementation]] = r.reason
    return out


@router.post(
    "/bundle-cases/{number}/actions/{action}",
    response={200: BundleCaseOut, **WRITE_ERRORS},
    summary="一件事办理操作",
    description=(
        "对一件事办件执行一个操作，请求体须带所见的修订号 revision；他人已先处理时返回409。"
        "submit（申请人提交草稿；带 Idempotency-Key 时重试返回同一件）；accept（窗口受理：无前置要求的事项同时"
        "交各部门办理，需要前置结果的事项等待后自动启动；refusals 列出不予受理的事项及理由，deferrals 为容缺"
        "材料）；request_correction（items：涵盖全部事项的一次性补正清单；fields：需更正的申请表栏目）；resubmit"
        "（补正后重新提交，新上传的材料送达各事项；form_data 为列明栏目的更正内容，同步到用到它的各事项）；issue_results（出件：delivery 为 window、post 或 electronic，"
        "邮寄时可带 address；申请人选择逐项出件时可用 cases 列出本次出件的已决定事项）；choose_result_mode"
        "（申请人或受理窗口记录申请人选择的出件方式 result_mode：together 统一出件或 separate 逐项出件）；extend"
        "（联合办理延期：办理事项所在部门负责人记录经本级人民政府负责人 approved_by 批准的延期，reason 理由，days 不超过15"
        "个工作日，限一次，期限届满后不能延期）；supply_deferred（受理窗口收取申请人补交的容缺材料 material，"
        "登记到每个欠交它的事项）。无权执行返回403，当前状态不允许返回409。"
    ),
)
def act(
    request: HttpRequest,
    number: str,
    action: ActionName,
    payload: BundleActionIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", description="仅用于 submit"),
) -> Any:
    actor = _actor(request)
    key = _idempotency_key(idempotency_key) if action == "submit" else None
    stored = f"submit:{key}" if key else None
    if existing := _replayed(request, stored):
        return Status(200, _out(actor, existing))  # the draft number became a YJS number: found by the key
    bc = _bundle_case(request, number)
    _precheck(actor, bc, action, payload.revision)
    ctx = _ctx(request)
    rev = payload.revision
    try:
        if action == "submit":
            bc = services.submit_bundle(ctx, bc, rev, key=stored)
        elif action == "accept":
            deferrals = [cases.Deferral(d.material, d.due, d.commitment) for d in payload.deferrals]
            bc = cases.accept_bundle(ctx, bc, rev, refusals=_refusals(bc, payload), deferrals=deferrals)
        elif action == "request_correction":
            bc = cases.request_bundle_correction(
                ctx, bc, payload.items, rev, added_reason=payload.added_reason, fields=payload.fields
            )
        elif action == "extend":
            bc = cases.extend_bundle(ctx, bc, payload.reason, payload.approved_by, rev, days=payload.days)
        elif action == "resubmit":
            bc = cases.resubmit_bundle(ctx, bc, rev, form_changes=payload.form_data or None)
        elif action == "issue_results":
            if payload.delivery is None:
                raise ApiError(
                    "required", "请选择出件方式：window（窗口领取）、post（邮寄）或 electronic（电子送达）", "delivery"
                )
            bc = cases.issue_bundle_results(
                ctx, bc, payload.delivery, rev, address=payload.address, numbers=payload.cases
            )
        elif action == "supply_deferred":
            if not payload.material.strip():
                raise ApiError("required", "请填写补交的容缺材料名称 material", "material")
            bc = cases.supply_bundle_deferred(ctx, bc, payload.material, rev)
        elif action == "choose_result_mode":
            if payload.result_mode is None:
                raise ApiError("required", f"请选择出件方式 result_mode：{RESULT_MODE_HELP}", "result_mode")
            bc = cases.choose_result_mode(ctx, bc, payload.result_mode, rev)
    except cases.FormInvalid as exc:
        return _invalid_form(exc)
    return Status(200, _out(actor, bc))


# --- indicators (public) -----------------------------------------------------------------------------------


@router.get(
    "/bundles/{code}/indicators",
    auth=None,
    response={200: IndicatorsOut, **ERRORS},
    summary="一件事办理成效指标",
    description="按提交日期统计一段时间（start、end，含首尾，可省略）内该一件事的办件数、平均事项数，与逐项申请"
    "相比少填的表、少交的材料、少跑的次数，以及从申请到最后一个结果的平均天数。",
)
def bundle_indicators(request: HttpRequest, code: str, start: dt.date | None = None, end: dt.date | None = None) -> Any:
    key = lookup_key(code)
    bundle = get_bundle(key) if key else None
    if bundle is None:
        raise NotFound(f"未找到编码为“{shown(code)}”的一件事", "code")
    if start and end and start > end:
        raise ApiError("invalid", "参数“start”无效：不能晚于 end", "start")
    ind = selectors.bundle_indicators(bundle, start, end)
    return {
        "bundle": bundle.code,
        "start": start,
        "end": end,
        "bundle_cases": ind.bundle_cases,
        "items_per_case": ind.items_per_case,
        "forms_saved": ind.forms_saved,
        "fields_saved": ind.fields_saved,
        "materials_saved": ind.materials_saved,
        "trips_saved": ind.trips_saved,
        "average_days_to_last_result": ind.average_days_to_last_result,
        "licence_materials_avoided": ind.licence_materials_avoided,
    }
