"""API: cases (办件) — applying, reading, queues, actions, supervision and public progress.

Every write goes through cases.services (one entry point, which asks the policy), every read through
cases.selectors, as the pages do. A case the caller may not see answers 404 whether or not it exists; one they
may see but not act on answers 403; not possible now 409. Personal data (resident ID, phone, the form, the
query code) in full only where the policy says so (the applicant and the staff handling the case); each such
read is written to the audit log. Bearer tokens: accounts.api (POST /auth/token).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from django.http import HttpRequest
from ninja import File, Form, Header, Query, Router, Status
from ninja.files import UploadedFile

from tongban.accounts.api_auth import api_user, bearer
from tongban.accounts.models import User
from tongban.accounts.roles import Role
from tongban.audit.services import client_ip
from tongban.audit.services import record as audit
from tongban.catalogue.models import ImplementationVersion, ItemImplementation
from tongban.catalogue.snapshots import implementation_by_code
from tongban.core import clock
from tongban.core.actor import Actor
from tongban.core.api_errors import ERRORS, ApiError, ErrorOut, Limit, NotFound, Offset, Uscc, lookup_key, paged, shown
from tongban.core.uploads import MAX_UPLOAD_BYTES
from tongban.jurisdictions.models import Department
from tongban.workdays.selectors import current_calendar

from . import schemas, selectors, services
from .domain import policy
from .domain.workflow import CaseAction, CaseStatus
from .facts import case_facts, version_of
from .models import Case, SupervisionNotice
from .services.idempotency import replayed
from .services.perform import CASE_NOT_FOUND, check_revision, raise_denied
from .views_public import NOT_FOUND as PROGRESS_NOT_FOUND
from .views_public import THROTTLED, find_progress, throttled

TAG = "办件"
A = CaseAction
router = Router(auth=bearer)

# Documented on every operation: what the caller may get back besides success.
AUTH_ERRORS: dict[int, Any] = {**ERRORS, 401: ErrorOut, 403: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {**AUTH_ERRORS, 400: schemas.FormErrorOut, 409: ErrorOut}

# Actions that do not act on what the caller saw, so need no revision.
NO_REVISION = frozenset({A.SUPERVISE, A.RECORD_VISIT})
# The actions of POST /cases/{number}/actions/{action}; ``decide`` takes ``grant`` in the body.
ActionName = Literal[
    "save_draft",
    "submit",
    "accept",
    "accept_deferred",
    "request_correction",
    "resubmit",
    "refuse",
    "complete_step",
    "grant",
    "deny",
    "decide",
    "return_for_correction",
    "supply_correction",
    "suspend",
    "resume",
    "extend",
    "issue_result",
    "withdraw",
    "supply_deferred",
    "supervise",
    "record_visit",
]
QueueName = Literal[
    "mine",
    "drafts",
    "to_accept",
    "to_review",
    "to_decide",
    "suspended",
    "due_soon",
    "overdue",
    "special_overdue",
    "calendar_unknown",
    "result_desk",
]
BoardName = Literal["due_soon", "overdue", "special_overdue", "calendar_unknown"]
DEFAULT_QUEUE = {
    Role.WINDOW_CLERK: "to_accept",
    Role.APPROVER: "to_review",
    Role.DEPARTMENT_HEAD: "to_decide",
    Role.SUPERVISOR: "overdue",
}
IDEMPOTENCY_HELP = "幂等键（1–80个可见ASCII字符）：网络超时后用同一个键重试，返回第一次请求的结果，不会产生第二个办件"


# --- helpers ---------------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return api_user(request)


def _actor(request: HttpRequest) -> Actor:
    return api_user(request).actor


def _ctx(request: HttpRequest) -> services.Ctx:
    user = _user(request)
    actor = user.actor
    channel = "online" if actor.applicant else ("window" if actor.has_role(Role.WINDOW_CLERK) else "")
    return services.Ctx(user=user, channel=channel, ip=client_ip(request))


def _allowed(actor: Actor, case: Case, materials: list[Any] | None = None) -> list[CaseAction]:
    """What this actor may do to this case now, of what this API performs: the policy's answer."""
    possible = policy.case_actions(actor, case_facts(case, materials))
    return [a for a in CaseAction if a in possible and (a in HANDLERS or a is A.SUBMIT)]


def _today() -> dt.date:
    return clock.today()


def _out(actor: Actor, case: Case) -> dict[str, Any]:
    version_of(case)
    return schemas.case_out(
        case,
        allowed=_allowed(actor, case),
        personal=policy.may_see_personal(actor, case_facts(case)),
        view=selectors.deadline_of(case, day=_today()),
    )


def _case(request: HttpRequest, number: str) -> Case:
    key = lookup_key(number)
    # The policy decides (a draft only to its author, as on the pages).
    case = selectors.get_visible_case(_user(request), key) if key else None
    if case is None:
        raise NotFound(CASE_NOT_FOUND, "number")
    return case


def _implementation(code: str) -> tuple[ItemImplementation, ImplementationVersion | None]:
    """The implementation with this code and the version it publishes (the process's catalogue snapshot)."""
    key = lookup_key(code)
    found = implementation_by_code(key) if key else None
    if found is None:
        raise ApiError("invalid", f"参数“implementation”无效：未找到编码为“{shown(code)}”的事项", "implementation")
    return found


def _idempotency_key(value: str | None) -> str | None:
    if value is None:
        return None
    key = value.strip()
    if not 1 <= len(key) <= 80 or not all(33 <= ord(c) <= 126 for c in key):
        raise ApiError("invalid", "参数“Idempotency-Key”无效：应为1–80个可见ASCII字符（不含空格）", "Idempotency-Key")
    return key


def _replayed(request: HttpRequest, key: str | None) -> Case | None:
    made = replayed(_ctx(request), key)
    return made if isinstance(made, Case) else None


def _check_form_keys(version: ImplementationVersion, data: dict[str, Any]) -> None:
    """Only the fields the item's form declares: a misspelt key is an error, not silently kept."""
    known = {f.get("key") for f in version.form_schema if isinstance(f, dict)}
    unknown = {k: f"该事项的申请表中没有“{k}”一项" for k in data if k not in known}
    if unknown:
        raise services.FormInvalid(unknown)


def _invalid_form(exc: services.FormInvalid) -> Status:
    return Status(400, {"error": {"code": exc.code, "message": exc.message, "field": exc.field, "fields": exc.errors}})


# --- applying --------------------------------------------------------------------------------------------


@router.post(
    "/cases",
    response={200: schemas.CaseOut, 201: schemas.CaseOut, **WRITE_ERRORS},
    summary="申请办件（保存草稿或提交）",
    description="自然人或法人账号网上申请：按事项的申请表填写 form_data（会用个人资料和以往申请预填），"
    "submit 为 true 时立即提交并取得办件编号和查询码，否则保存为草稿。"
    "带 Idempotency-Key 时，同一用户用同一个键重试返回同一个办件（200），不会重复创建。"
    "申请表有误时返回400，code 为 invalid_form，fields 列出每一处错误。",
)
def create_case(
    request: HttpRequest,
    payload: schemas.CaseCreateIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", description=IDEMPOTENCY_HELP),
) -> Any:
    actor = _actor(request)
    key = _idempotency_key(idempotency_key)
    stored_key = f"create:{key}" if key else None
    impl, version = _implementation(payload.implementation)
    ctx = _ctx(request)
    try:
        if version is not None:
            _check_form_keys(version, payload.form_data)
        if payload.submit:
            case = services.apply_online(ctx, impl, payload.form_data, key=stored_key, licences=payload.licences)
        else:
            case = services.start_online(ctx, impl, payload.form_data, key=stored_key)
            for name, identifier in payload.licences.items():
                services.use_licence(ctx, case, name, identifier)
    except services.Replayed as done:  # the same key, sent again before the first answer arrived
        assert isinstance(done.result, Case)
        return Status(200, _out(actor, done.result))
    except services.FormInvalid as exc:
        return _invalid_form(exc)
    return Status(201, _out(actor, case))


@router.post(
    "/cases/{number}/materials",
    response={201: schemas.CaseMaterialOut, **WRITE_ERRORS},
    summary="上传申请材料",
    description="multipart/form-data：name 为该事项要求的材料名称，file 为文件。按文件内容识别 PDF、JPEG、"
    f"PNG、OFD，并检查整个文件（脚本、内嵌文件、压缩炸弹、伪装格式等），单个文件不超过{MAX_UPLOAD_BYTES // 1048576}MB；"
    "不合格的文件返回400并说明原因，不影响已上传的其他材料。同名材料再次上传将替换原文件；受理后只能按退回补正"
    "通知更换所列材料（否则409）。提交后的每次上传和更换都记入办件过程和审计日志（保留原文件摘要）。",
)
def upload_material(
    request: HttpRequest, number: str, name: Form[str] = "", file: File[UploadedFile | None] = None
) -> Any:
    case = _case(request, number)
    if file is None:
        raise ApiError("required", "请选择要上传的文件（表单字段 file）", "file")
    if not name.strip():
        raise ApiError("required", "请填写材料名称（表单字段 name）", "name")
    if len(name) > 200 or any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in name):
        raise ApiError("invalid", "参数“name”无效：应为该事项要求的材料名称", "name")
    content = file.read(MAX_UPLOAD_BYTES + 1)
    material = services.attach_material(_ctx(request), case, name.strip(), shown(file.name or "upload", 80), content)
    return Status(201, schemas.material_out(material))


@router.post(
    "/cases/{number}/materials/licence",
    response={201: schemas.CaseMaterialOut, **WRITE_ERRORS},
    summary="以电子证照代替申请材料（免证办）",
    description="申请人以本人持有的有效电子证照代替一项可免提交的材料（指南写明可用电子证照免提交、且证照类型由本平台签发）："
    "办件记下所用证照的标识、版本号和内容摘要，提交时和经办人员查看时再次核验。与上传文件的规则相同：草稿可随时更换，"
    "受理后只能按退回补正通知更换所列材料（否则409）。不是申请人的有效证照时400 licence_not_held。",
)
def use_licence(request: HttpRequest, number: str, payload: schemas.LicenceMaterialIn) -> Any:
    case = _case(request, number)
    material = services.use_licence(_ctx(request), case, payload.name, payload.identifier)
    return Status(201, schemas.material_out(material))


def _submit(request: HttpRequest, number: str, revision: int | None, key: str | None) -> Any:
    actor = _actor(request)
    stored_key = f"submit:{key}" if key else None
    if existing := _replayed(request, stored_key):
        return Status(200, _out(actor, existing))  # the draft number became a case number: found by the key alone
    if revision is None:
        _refuse_without_revision(request, number, A.SUBMIT)
    try:
        case = services.submit(_ctx(request), _case_number(number), revision, idempotency_key=stored_key)
    except services.FormInvalid as exc:
        return _invalid_form(exc)
    return Status(200, _out(actor, case))


@router.post(
    "/cases/{number}/submit",
    response={200: schemas.CaseOut, **WRITE_ERRORS},
    summary="提交草稿",
    description="提交草稿，取得正式办件编号和查询码。须提供所见的修订号 revision；"
    "带 Idempotency-Key 时重试返回同一个办件。",
)
def submit_case(
    request: HttpRequest,
    number: str,
    payload: schemas.CaseSubmitIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", description=IDEMPOTENCY_HELP),
) -> Any:
    return _submit(request, number, payload.revision, _idempotency_key(idempotency_key))


# --- reading ---------------------------------------------------------------------------------------------


def _licence_check(request: HttpRequest, actor: Actor, material: Any, personal: bool) -> Any:
    """Staff who may see the case's personal data get a licence material verified again (and on record)."""
    if not (personal and actor.staff and material.licence_identifier):
        return None
    return services.check_material(material, _user(request), client_ip(request))


@router.get(
    "/cases/{number}",
    response={200: schemas.CaseDetailOut, **AUTH_ERRORS},
    summary="办件详情",
    description="状态、全过程记录、材料、期限（含颜色）、当前用户可执行的操作。申请人和经办人员可见完整的"
    "身份证号、电话和申请表，每次查看都记入审计日志；其他人员（如督办）看到脱敏信息。",
)
def case_detail(request: HttpRequest, number: str) -> Any:
    actor = _actor(request)
    case = _case(request, number)
    materials = list(case.materials.all())
    facts = case_facts(case, materials)
    personal = policy.may_see_personal(actor, facts)
    internals = policy.sees_internals(actor, facts)
    events = [e for e in selectors.timeline(case) if internals or e.action != A.SUPERVISE.value]
    view = selectors.deadline_of(case, day=_today())
    body = schemas.case_out(case, allowed=_allowed(actor, case, materials), personal=personal, view=view)
    notices = SupervisionNotice.objects.filter(case=case).select_related("sent_by") if internals else []
    body.update(
        {
            "implementation": case.implementation.code,
            "version": case.version.number,
            "department": case.deciding_department.name,
            "division": case.deciding_division.name,
            "channel": case.channel,
            "channel_label": schemas.channel_label(case.channel),
            "receiving_centre": case.receiving_centre.name if case.receiving_centre else None,
            "deferred": case.deferred,
            "correction_items": list(case.correction_items or []),
            **schemas.correction_added_out(selectors.correction_added(case)),
            "correction_fields": list(case.correction_fields or []),
            "refusal_reason": case.refusal_reason,
            "current_step": services.current_step_name(case)
            if case.status in (CaseStatus.IN_PROGRESS, CaseStatus.RETURNED, CaseStatus.SUSPENDED)
            else None,
            "awaiting_decision": case.awaiting_decision,
            "decision": case.decision,
            "decision_reason": case.decision_reason,
            "result_delivery": case.result_delivery,
            "created_at": case.created_at,
            "accepted_at": case.accepted_at,
            "decided_at": case.decided_at,
            "closed_at": case.closed_at,
            "personal_data_masked": not personal,
            "applicant": schemas.applicant_out(case, personal),
            "form_data": dict(case.form_data) if personal else None,
            "deadline": schemas.deadline_out(case, view),
            "suspensions": [schemas.suspension_out(s) for s in case.suspensions.all()],
            "timeline": [schemas.event_out(e, names=internals) for e in events],
            "materials": [schemas.material_out(m, _licence_check(request, actor, m, personal)) for m in materials],
            "supervision": [schemas.supervision_out(n) for n in notices],
        }
    )
    if personal:
        audit(
            "case.view",
            "case",
            case.number,
            actor=_user(request),
            ip=client_ip(request),
            detail={"via": "api", "fields": ["applicant_id_number", "applicant_phone", "form_data"]},
        )
    return body


@router.get(
    "/cases",
    response={200: schemas.CasePage, **AUTH_ERRORS},
    summary="办件列表与工作队列",
    description="申请人：mine（我的办件）、drafts（草稿）。工作人员：按本人的服务中心、部门或辖区查看队列"
    "（to_accept 待受理、to_review 待审查、to_decide 待决定、suspended 特殊环节、due_soon 即将到期、"
    "overdue 已超期（逾期未受理、超过办结期限、逾期未出件；计时暂停的办件从不列入）、special_overdue 特殊环节超期、"
    "calendar_unknown 期限待定、result_desk 待出件）。省略 bucket 时按角色取默认队列。列表中身份证号和电话均已脱敏。",
)
def list_cases(request: HttpRequest, bucket: QueueName | None = None, limit: Limit = 20, offset: Offset = 0) -> Any:
    user, actor = _user(request), _actor(request)
    role = actor.staff_role
    name = bucket or ("mine" if role is None else DEFAULT_QUEUE.get(role))
    if name is None:
        raise ApiError("invalid", "参数“bucket”无效：请指定要查看的队列", "bucket")
    if name in ("mine", "drafts"):
        rows, total = selectors.applicant_cases(user, drafts=name == "drafts", limit=limit, offset=offset)
    else:
        rows, total = selectors.queue(user, selectors.Bucket(name), today=_today(), limit=limit, offset=offset)
    return {**_rows(actor, rows, total, limit, offset), "bucket": name}


def _rows(actor: Actor, rows: list[Case], total: int, limit: int, offset: int) -> dict[str, Any]:
    today, cal = _today(), current_calendar()
    mask_names = not policy.sees_names_in_lists(actor)
    return paged(
        (schemas.case_row(c, view=selectors.deadline_of(c, cal, today), mask_names=mask_names) for c in rows),
        total,
        limit,
        offset,
    )


@router.get(
    "/supervision",
    response={200: schemas.CasePage, **AUTH_ERRORS},
    summary="督办看板",
    description="督办人员查看本辖区内即将到期（due_soon）、已超期（overdue：逾期未受理、超过办结期限、逾期未出件）、"
    "特殊环节超期（special_overdue）或期限待定（calendar_unknown）的全部办件。",
)
def supervision(request: HttpRequest, bucket: BoardName = "overdue", limit: Limit = 20, offset: Offset = 0) -> Any:
    user, actor = _user(request), _actor(request)
    if not policy.may_use_board(actor):
        raise ApiError("forbidden", "只有督办人员可以查看督办看板", None, status=403)
    rows, total = selectors.supervision_board(
        user, selectors.Bucket(bucket), today=_today(), limit=limit, offset=offset
    )
    return {**_rows(actor, rows, total, limit, offset), "bucket": bucket}


@router.get(
    "/supervision/licence-use",
    response={200: schemas.LicenceUseOut, **AUTH_ERRORS},
    summary="督办指标：免证办",
    description="督办人员查看本辖区办件（按申请提交日，start 至 end，含两端；默认本月1日至今天）以电子证照代替材料的情况："
    "使用电子证照的办件数和减免的材料份数。",
)
def supervision_licence_use(request: HttpRequest, start: dt.date | None = None, end: dt.date | None = None) -> Any:
    if not policy.may_use_board(_actor(request)):
        raise ApiError("forbidden", "只有督办人员可以查看督办指标", None, status=403)
    end = end or _today()
    start = start or end.replace(day=1)
    if start > end:
        raise ApiError("invalid", "参数“start”无效：起始日不能晚于截止日", "start")
    return selectors.licence_use_figures(_user(request), start, end)


OpenStatus = Literal["submitted", "correction", "in_progress", "returned", "suspended", "decided"]
DueFilter = Literal["overdue", "due_soon", "on_time", "paused", "special_overdue", "calendar_unknown", "not_started"]


@router.get(
    "/supervision/cases",
    response={200: schemas.CasePage, **AUTH_ERRORS},
    summary="督办查询：辖区在办办件",
    description="督办人员按状态（status）、办理时限（due：overdue 已超期、due_soon 即将到期、on_time 时限内、"
    "paused 计时暂停、special_overdue 特殊环节超期、calendar_unknown 期限待定、not_started 未受理）和办理部门（department，统一社会信用代码）筛选本辖区在办办件，最紧急的在前。"
    "按办件编号查找请用 GET /cases/{number}。申请人信息按规则脱敏。",
)
def supervision_cases(
    request: HttpRequest,
    status: OpenStatus | None = None,
    due: DueFilter | None = None,
    department: Uscc | None = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> Any:
    user, actor = _user(request), _actor(request)
    if not policy.may_search_cases(actor):
        raise ApiError("forbidden", "只有督办人员可以查询辖区办件", None, status=403)
    department_id = None
    if department:
        department_id = Department.objects.filter(uscc=department).values_list("pk", flat=True).first()
        if department_id is None:
            raise ApiError("not_found", f"没有统一社会信用代码为“{department}”的部门", "department", status=404)
    rows, total = selectors.jurisdiction_cases(
        user, status=status, due=due, department_id=department_id, today=_today(), limit=limit, offset=offset
    )
    return {**_rows(actor, rows, total, limit, offset), "bucket": "open"}


# --- actions ---------------------------------------------------------------------------------------------


def _case_number(number: str) -> str:
    key = lookup_key(number)
    if not key:
        raise NotFound(CASE_NOT_FOUND, "number")
    return key


def _refusal_first(
    request: HttpRequest, number: str, action: CaseAction, revision: int | None, *, state: bool = True
) -> None:
    """A request that also misses a field of its body: if the answer is "not here" (404), "not yours" (403),
    and (``state``) "someone was first" or "not now" (409), say that rather than ask for the field."""
    case = _case(request, number)
    denied = policy.case_denial(_actor(request), case_facts(case), action)
    if denied is not None and denied.status != 409:
        raise_denied(denied)
    if not state:
        return
    check_revision(case.revision, revision, case.get_status_display())
    if denied is not None:
        raise_denied(denied)


def _refuse_without_revision(request: HttpRequest, number: str, action: CaseAction) -> None:
    _refusal_first(request, number, action, None, state=False)
    raise ApiError("required", "请提供您所见的办件修订号 revision，以免覆盖他人的办理结果", "revision")


def _deferrals(body: schemas.CaseActionIn) -> list[services.Deferral]:
    return [services.Deferral(d.material, d.due, d.commitment) for d in body.deferrals]


Handler = Callable[[services.Ctx, Case | str, schemas.CaseActionIn, int | None], Case]


def _require_deferrals(body: schemas.CaseActionIn) -> list[services.Deferral]:
    if not body.deferrals:
        raise ApiError("required", "容缺受理须列明容缺的材料、承诺补交日期和申请人承诺", "deferrals")
    return _deferrals(body)


def _save_draft(ctx: services.Ctx, case: Case | str, body: schemas.CaseActionIn, rev: int | None) -> Case:
    assert isinstance(case, Case)  # act() reads a draft before changing it: its form says which keys exist
    _check_form_keys(version_of(case), body.form_data)
    return services.save_draft(ctx, case, body.form_data, rev)


def _supply_deferred(ctx: services.Ctx, case: Case | str, body: schemas.CaseActionIn, rev: int | None) -> Case:
    if not body.material:
        raise ApiError("required", "请指明补交的容缺材料名称", "material")
    return services.supply_deferred(ctx, case, body.material, rev)


def _issue_result(ctx: services.Ctx, case: Case | str, body: schemas.CaseActionIn, rev: int | None) -> Case:
    if body.delivery is None:
        raise ApiError(
            "required", "请选择出件方式：window（窗口领取）、post（邮寄）或 electronic（电子送达）", "delivery"
        )
    return services.issue_result(ctx, case, body.delivery, rev, address=body.address)


def _supervise(ctx: services.Ctx, case: Case | str, body: schemas.CaseActionIn, rev: int | None) -> Case:
    return services.supervise(ctx, case, body.message or body.reason).case


def _record_visit(ctx: services.Ctx, case: Case | str, body: schemas.CaseActionIn, rev: int | None) -> Case:
    return services.record_visit(ctx, case, body.reason or "现场办理").case


HANDLERS: dict[CaseAction, Handler] = {
    A.SAVE_DRAFT: _save_draft,
    A.ACCEPT: lambda ctx, c, b, rev: services.accept(ctx, c, rev, _deferrals(b)),
    A.ACCEPT_DEFERRED: lambda ctx, c, b, rev: services.accept_deferred(ctx, c, rev, _require_deferrals(b)),
    A.REQUEST_CORRECTION: lambda ctx, c, b, rev: services.request_correction(
        ctx, c, b.items, rev, note=b.reason, added_reason=b.added_reason, fields=b.fields
    ),
    A.RESUBMIT: lambda ctx, c, b, rev: services.resubmit(ctx, c, rev, b.form_data),
    A.REFUSE: lambda ctx, c, b, rev: services.refuse(ctx, c, b.reason, rev),
    A.COMPLETE_STEP: lambda ctx, c, b, rev: services.complete_step(ctx, c, b.opinion or b.reason, rev),
    A.GRANT: lambda ctx, c, b, rev: services.decide(ctx, c, True, b.reason, rev),
    A.DENY: lambda ctx, c, b, rev: services.decide(ctx, c, False, b.reason, rev),
    A.RETURN_FOR_CORRECTION: lambda ctx, c, b, rev: services.return_for_correction(
        ctx, c, b.items, b.reason, rev, fields=b.fields
    ),
    A.SUPPLY_CORRECTION: lambda ctx, c, b, rev: services.supply_correction(ctx, c, rev, b.form_data),
    A.SUSPEND: lambda ctx, c, b, rev: services.suspend(ctx, c, b.step_name, b.reason, rev),
    A.RESUME: lambda ctx, c, b, rev: services.resume(ctx, c, rev, note=b.reason),
    A.EXTEND: lambda ctx, c, b, rev: services.extend(ctx, c, b.reason, rev, days=b.days),
    A.ISSUE_RESULT: _issue_result,
    A.WITHDRAW: lambda ctx, c, b, rev: services.withdraw(ctx, c, b.reason, rev),
    A.SUPPLY_DEFERRED: _supply_deferred,
    A.SUPERVISE: _supervise,
    A.RECORD_VISIT: _record_visit,
}


@router.post(
    "/cases/{number}/actions/{action}",
    response={200: schemas.CaseOut, **WRITE_ERRORS},
    summary="办理操作",
    description=(
        "对办件执行一个操作。请求体须带所见的修订号 revision（督办、现场到访除外）；他人已先处理时返回409。"
        "各操作读取的字段：accept（可带 deferrals 即容缺受理）、accept_deferred（deferrals）、"
        "request_correction（items 一次性告知清单，fields 需更正的申请表栏目，reason 可选；再次补正新增内容须给 added_reason）、"
        "refuse（reason）、resubmit（form_data：更正列明的栏目）、"
        "complete_step（opinion）、grant / deny（reason：理由及法律依据）、decide（grant 与 reason）、"
        "return_for_correction（items、fields、reason）、supply_correction（form_data：更正列明的栏目）、"
        "suspend（step_name、reason）、"
        "resume（reason 可选）、extend（reason，days 默认10）、issue_result（delivery，邮寄时可给 address）、"
        "withdraw（reason 可选）、supply_deferred（material）、supervise（message）、record_visit（reason）、"
        "save_draft（form_data）、submit。无权执行返回403，当前状态不允许返回409。"
    ),
)
def act(
    request: HttpRequest,
    number: str,
    action: ActionName,
    payload: schemas.CaseActionIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", description="仅用于 submit"),
) -> Any:
    if action == "submit":
        return _submit(request, number, payload.revision, _idempotency_key(idempotency_key))
    if action == "decide" and payload.grant is None:
        _refusal_first(request, number, A.GRANT, payload.revision)
        raise ApiError("required", "请用 grant 指明准予（true）或不予（false）", "grant")
    chosen = (A.GRANT if payload.grant else A.DENY) if action == "decide" else CaseAction(action)
    revision = payload.revision if chosen not in NO_REVISION else None
    if revision is None and chosen not in NO_REVISION:
        _refuse_without_revision(request, number, chosen)
    # One locked read in the entry point; save_draft reads the draft first (its form names the keys).
    target: Case | str = _case(request, number) if chosen is A.SAVE_DRAFT else _case_number(number)
    try:
        result = HANDLERS[chosen](_ctx(request), target, payload, revision)
    except services.FormInvalid as exc:
        return _invalid_form(exc)
    except ApiError:
        _refusal_first(request, number, chosen, revision)
        raise
    return Status(200, _out(_actor(request), result))


# --- public progress -------------------------------------------------------------------------------------


@router.get(
    "/progress",
    auth=None,
    response={200: schemas.CaseProgressOut, **ERRORS, 429: ErrorOut},
    summary="办件进度查询（公开）",
    description="凭办件编号和查询码（或一件事办件编号和它的查询码）查看办理进度，不含任何个人信息。"
    "编号或查询码不正确时一律返回404，不透露编号是否存在；同一来源地址每分钟查询次数有限（超过返回429）。",
)
def progress(
    request: HttpRequest,
    number: str = Query("", max_length=40, description="办件编号"),
    code: str = Query("", max_length=16, description="查询码"),
) -> Any:
    if not number.strip() or not code.strip():
        raise ApiError("required", "请同时填写办件编号和查询码", "code" if number.strip() else "number")
    if throttled(request):
        raise ApiError("throttled", THROTTLED, None, status=429)
    found = public_progress_or_none(lookup_key(number), code.strip().upper())
    if found is None:
        raise NotFound(PROGRESS_NOT_FOUND, "number")
    return found


def public_progress_or_none(number: str | None, code: str) -> dict[str, Any] | None:
    """A case's or a bundle case's progress as the page shows it (the same function), or None."""
    if not number or not code or not code.isascii() or not code.isalnum():
        return None
    return find_progress(number, code)
