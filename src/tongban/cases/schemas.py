"""API schemas of cases (办件), and the functions that turn cases into them.

Input text is checked by the platform's types (core.api_types) for what the database would choke on.
Personal data (resident ID, phone, the form) is masked or left out unless the caller says the reader may see
it; the API decides that and records every unmasked read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from tongban.accounts.masking import mask_name, mask_phone, mask_resident_id
from tongban.accounts.models import Authorisation
from tongban.accounts.roles import ROLE_LABELS, Role
from tongban.core.api_types import (
    Flag,
    FormData,
    Line50,
    Line60,
    Line200,
    Revision,
    Text1000,
    Text2000,
    WholeNumber,
)

from .domain.limits import Clock, DeadlineView
from .domain.workflow import ACTION_LABELS, STATUS_LABELS, CaseAction, CaseStatus
from .licence_refs import LicenceCheck
from .models import Case, CaseEvent, CaseMaterial, Channel, SupervisionNotice, Suspension
from .selectors.deadlines import deemed_accepted

# --- input (text and form types: core.api_types) ----------------------------------------------------------


class CaseCreateIn(Schema):
    implementation: Line60 = Field(
        ..., min_length=1, description="实施清单编码（事项编码）", examples=["11330681MB1234567X400011700200001"]
    )
    form_data: FormData = Field(default_factory=dict, description="申请表：键为该事项申请表字段的 key")
    submit: Flag = Field(False, description="true 时保存后立即提交；否则保存为草稿")
    licences: dict[Line200, Line200] = Field(
        default_factory=dict,
        description="免证办：以电子证照代替的材料，键为材料名称，值为申请人持有的有效证照的证照标识"
        "（材料须为可用电子证照免提交、且其证照类型由本平台签发）",
    )


class LicenceMaterialIn(Schema):
    name: Line200 = Field(..., min_length=1, description="材料名称")
    identifier: Line200 = Field(..., min_length=1, description="申请人持有的有效电子证照的证照标识")


class CaseSubmitIn(Schema):
    revision: Revision


class DeferralIn(Schema):
    material: Line200 = Field(..., min_length=1, description="容缺的材料名称（须为非必要材料）")
    due: dt.date = Field(..., description="承诺补交日期")
    commitment: Text1000 = Field(..., min_length=1, description="申请人承诺内容")


DeliveryMethod = Literal["window", "post", "electronic"]


class CaseActionIn(Schema):
    """The body of every action; each action reads the fields it needs (see the operation's description)."""

    revision: Revision | None = Field(None, description="客户端所见的修订号；除督办和现场到访外必须提供")
    reason: Text2000 = Field("", description="理由、说明或意见")
    opinion: Text2000 = Field("", description="审查意见（complete_step）；省略时用 reason")
    message: Text2000 = Field("", description="督办意见（supervise）；省略时用 reason")
    items: Annotated[list[Line200], Field(max_length=50)] = Field(
        default_factory=list, description="一次性告知的补正材料或内容（request_correction、return_for_correction）"
    )
    deferrals: Annotated[list[DeferralIn], Field(max_length=20)] = Field(
        default_factory=list, description="容缺的材料（accept_deferred；accept 时提供即为容缺受理）"
    )
    step_name: Line50 = Field("", description="特殊环节名称，须为该事项设置的特殊环节（suspend）")
    added_reason: Text1000 = Field(
        "",
        description="再次要求补正时新增内容的理由（request_correction）：补正须一次性告知，"
        "此前未列明的内容须说明理由，并告知申请人",
    )
    delivery: DeliveryMethod | None = Field(None, description="出件方式（issue_result）")
    address: Line200 = Field(
        "", description="收件地址（issue_result 邮寄时；省略时用申请表中的地址）。快递单号由快递接口自动生成"
    )
    grant: Flag | None = Field(None, description="准予（true）或不予（false）（decide）")
    material: Line200 = Field("", description="补交的容缺材料名称（supply_deferred）")
    days: WholeNumber = Field(10, ge=1, le=10, description="延长的工作日数（extend），最多10个工作日")
    form_data: FormData = Field(
        default_factory=dict,
        description="申请表的修改（save_draft）；补正时更正的栏目（resubmit、supply_correction，只限补正通知列明的栏目）",
    )
    fields: Annotated[list[Line50], Field(max_length=50)] = Field(
        default_factory=list,
        description="需申请人更正的申请表栏目（表单字段 key；request_correction、return_for_correction）",
    )


# --- output ----------------------------------------------------------------------------------------------

DeadlineColour = Literal["green", "yellow", "red", "paused", "unknown", "none"]
ClockName = Literal["", "acceptance", "handling", "paused", "result"]
CLOCK_HELP = (
    "正在计时的期限：acceptance 受理期限（收件后5个工作日）、handling 办结期限、paused 计时暂停"
    "（不计入时限的特殊环节或退回补正）、result 出件期限（决定后10个工作日或更短的送达时限）；空：不计时"
)


class CaseActionRef(Schema):
    action: str = Field(..., description="操作代码，用于 POST /cases/{number}/actions/{action}")
    label: str


class CaseOut(Schema):
    number: str = Field(..., description="办件编号；草稿为 draft- 开头的临时编号，提交后取得正式编号")
    query_code: str | None = Field(None, description="查询码（仅申请人和经办人员可见）")
    status: str
    status_label: str
    revision: int
    item: str = Field(..., description="事项名称")
    submitted_at: dt.datetime | None
    promised_due: dt.date | None
    statutory_due: dt.date | None
    deadline_colour: DeadlineColour
    deadline_label: str = Field(
        ..., description="期限提示，与页面一致（如“剩余 3 个工作日”“待定（2027年节假日安排未发布）”）"
    )
    allowed_actions: list[CaseActionRef] = Field(..., description="当前用户此刻可以执行的操作")


class CaseRowOut(Schema):
    number: str
    status: str
    status_label: str
    revision: int
    item: str
    implementation: str
    department: str
    applicant_name: str
    applicant_id_number: str = Field(..., description="已脱敏")
    applicant_phone: str = Field(..., description="已脱敏")
    channel: str
    deferred: bool
    submitted_at: dt.datetime | None
    accepted_on: dt.date | None
    promised_due: dt.date | None
    statutory_due: dt.date | None
    calendar_unknown: bool
    clock: ClockName = Field(..., description=CLOCK_HELP)
    clock_due: dt.date | None = Field(..., description="正在计时的期限的到期日")
    deadline_colour: DeadlineColour
    deadline_label: str


class LicenceUseOut(Schema):
    start: dt.date = Field(description="统计起始日（按申请提交日）")
    end: dt.date = Field(description="统计截止日（含）")
    cases_using_licences: int = Field(description="以电子证照代替至少一份材料的办件数（免证办）")
    licence_materials_avoided: int = Field(description="以电子证照代替的材料份数：申请人未提交的纸质或电子材料")


class CasePage(Schema):
    total: int
    limit: int
    offset: int
    bucket: str
    results: list[CaseRowOut]


class CaseApplicantOut(Schema):
    kind: str
    name: str
    id_number: str
    phone: str
    agent_name: str
    agent_id_number: str
    identity_check: str
    authorisation: str = Field(
        "", description="代办时委托授权的依据（窗口核验或授权委托书），线上与窗口代办相同；本人办理为空"
    )


class CaseEventOut(Schema):
    action: str
    action_label: str
    from_status: str
    to_status: str
    actor: str
    actor_role: str
    channel: str
    window: str | None
    step_name: str
    reason: str
    at: dt.datetime


class MaterialLicenceOut(Schema):
    identifier: str
    version: int | None
    digest: str = Field(..., description="使用时证照内容的 SM3 摘要")


class LicenceCheckOut(Schema):
    verified: bool
    label: str = Field(..., description="已核验，或不能通过核验的原因")
    reasons: list[str]
    name: str


class CaseMaterialOut(Schema):
    id: int
    name: str
    state: str
    state_label: str
    content_type: str
    size: int
    sha256: str
    paper_checked: bool
    deferred_due: dt.date | None
    commitment: str
    supplied_at: dt.datetime | None
    uploaded_at: dt.datetime
    licence: MaterialLicenceOut | None = Field(None, description="免证办：所用电子证照（标识、版本号、内容摘要）")
    licence_check: LicenceCheckOut | None = Field(
        None, description="经办人员查看时再次核验的结果（签名、内容、状态、有效期）；其他人为空"
    )


class CaseDeadlineOut(Schema):
    received_on: dt.date | None = Field(..., description="收件日期（申请或补正后重新提交）")
    acceptance_due: dt.date | None = Field(..., description="受理期限：收件后5个工作日（行政许可法第三十二条）")
    accepted_on: dt.date | None
    deemed_accepted: bool = Field(
        ..., description="逾期未作出受理决定、依法自收件之日起视为受理（accepted_on 即收件日期）"
    )
    unit: Literal["working", "calendar"] = Field(..., description="时限单位：working 工作日，calendar 自然日")
    statutory_days: int
    promised_days: int
    extension_days: int
    promised_due: dt.date | None
    statutory_due: dt.date | None
    result_due: dt.date | None = Field(..., description="出件期限：决定后10个工作日或指南更短的送达时限（第四十四条）")
    special_due: dt.date | None = Field(..., description="进行中的特殊环节的最长期限")
    special_overdue: bool = Field(..., description="特殊环节已超过最长期限")
    correction_counted: bool = Field(..., description="本事项的规定：退回补正期间是否计入办理时限")
    clock: ClockName = Field(..., description=CLOCK_HELP)
    clock_due: dt.date | None = Field(..., description="正在计时的期限的到期日；暂停或无法计算时为空")
    days_left: int | None = Field(..., description="剩余天数（按期限的单位；负数为已超期；暂停时为暂停前剩余）")
    paused: bool
    calendar_unknown: bool = Field(..., description="期限涉及尚未录入节假日安排的年度，暂无法计算")
    unknown_year: int | None = Field(..., description="须先录入其节假日安排的年度")
    colour: DeadlineColour = Field(
        ...,
        description="green 正常；yellow 剩余不超过2个工作日；red 已超期；"
        "paused 计时暂停（不计入时限的特殊环节或退回补正，从不列为超期）；unknown 无法计算；none 未计时",
    )
    label: str = Field(..., description="与页面、队列、通知书一致的期限提示")
    due_text: str = Field(..., description="期限日期的文字（无法计算时为“待定（YYYY年节假日安排未发布）”）")


class SuspensionOut(Schema):
    kind: Literal["special", "correction"] = Field(..., description="special 特殊环节，correction 退回补正")
    step_name: str
    counted: bool = Field(..., description="所需时间是否计入办理时限")
    legal_basis: str = Field(..., description="不计入时限的依据（行政许可法第四十五条或指南写明的依据）")
    max_days: int = Field(..., description="最长时限（工作日）")
    started_on: dt.date
    ended_on: dt.date | None
    reason: str


class SupervisionNoticeOut(Schema):
    message: str
    sent_by: str
    sent_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None


class CaseDetailOut(CaseOut):
    implementation: str
    version: int
    department: str
    division: str
    channel: str
    channel_label: str
    receiving_centre: str | None
    deferred: bool
    correction_items: list[str]
    correction_added: list[str] = Field(
        ..., description="最近一次补正通知中首次告知后新增的内容（补正须一次性告知，新增须说明理由）"
    )
    correction_added_reason: str = Field(..., description="新增补正内容的理由")
    correction_fields: list[str] = Field(default_factory=list, description="补正通知列明、待申请人更正的申请表栏目")
    refusal_reason: str
    current_step: str | None = Field(None, description="当前后台办理环节")
    awaiting_decision: bool
    decision: str
    decision_reason: str
    result_delivery: str
    created_at: dt.datetime
    accepted_at: dt.datetime | None
    decided_at: dt.datetime | None
    closed_at: dt.datetime | None
    personal_data_masked: bool = Field(..., description="true 时身份证号、电话已脱敏，申请表不提供")
    applicant: CaseApplicantOut
    form_data: dict[str, Any] | None
    deadline: CaseDeadlineOut
    suspensions: list[SuspensionOut] = Field(..., description="特殊环节与退回补正记录")
    timeline: list[CaseEventOut]
    materials: list[CaseMaterialOut]
    supervision: list[SupervisionNoticeOut]


class CaseProgressEvent(Schema):
    label: str
    status: str
    at: dt.datetime | None


class BundleProgressItemOut(Schema):
    item: str
    department: str
    status: str
    status_label: str
    decision: str
    promised_due: dt.date | None
    promised_text: str = Field("", description="承诺办结日期的文字（年度节假日安排未发布时为“待定”）")


class CaseProgressOut(Schema):
    kind: Literal["case", "bundle"] = Field("case", description="办件，或一件事办件（凭一件事编号和查询码）")
    number: str
    item: str = Field(..., description="事项名称；一件事办件为一件事的名称")
    department: str = Field("", description="办理部门；一件事办件见 items")
    status: str
    status_label: str
    submitted_at: dt.datetime | None
    accepted_on: dt.date | None
    promised_due: dt.date | None
    promised_text: str = Field(..., description="承诺办结日期的文字，与进度查询页面一致")
    deadline_colour: DeadlineColour
    deadline_label: str
    decision: str
    closed_at: dt.datetime | None
    events: list[CaseProgressEvent]
    items: list[BundleProgressItemOut] = Field(default_factory=list, description="一件事办件的各事项及其状态")


class FormErrorDetail(Schema):
    code: str = Field(..., examples=["invalid_form"])
    message: str
    field: str | None = None
    fields: dict[str, str] | None = Field(
        None, description="申请表的每一处错误（仅 invalid_form）：字段 key → 中文说明"
    )


class FormErrorOut(Schema):
    error: FormErrorDetail


# --- presenters ------------------------------------------------------------------------------------------


def deadline_out(case: Case, view: DeadlineView) -> dict[str, Any]:
    """The case's deadlines as the API gives them: the stored dates and the view every surface shows."""
    return {
        "received_on": case.received_on,
        "acceptance_due": case.acceptance_due,
        "accepted_on": case.accepted_on,
        "deemed_accepted": deemed_accepted(case),
        "unit": case.limit_unit or "working",
        "statutory_days": case.statutory_days,
        "promised_days": case.promised_days,
        "extension_days": case.extension_days,
        "promised_due": case.promised_due,
        "statutory_due": case.statutory_due,
        "result_due": case.result_due,
        "special_due": case.special_due,
        "special_overdue": bool(view.flags),
        "correction_counted": case.version.correction_counted,
        "clock": view.clock.value,
        "clock_due": case.clock_due,
        "days_left": view.left,
        "paused": view.clock is Clock.PAUSED,
        "calendar_unknown": view.unknown_year is not None or case.calendar_unknown,
        "unknown_year": view.unknown_year or case.unknown_year,
        "colour": view.colour.value,
        "label": view.label,
        "due_text": view.due_text,
    }


def correction_added_out(added: dict[str, Any]) -> dict[str, Any]:
    """selectors.correction_added as the API gives it (cases and bundle cases alike)."""
    return {"correction_added": added.get("items", []), "correction_added_reason": added.get("reason", "")}


def suspension_out(stop: Suspension) -> dict[str, Any]:
    return {
        "kind": stop.kind,
        "step_name": stop.step_name,
        "counted": stop.counted,
        "legal_basis": stop.legal_basis,
        "max_days": stop.max_days,
        "started_on": stop.started_on,
        "ended_on": stop.ended_on,
        "reason": stop.reason,
    }


def action_refs(actions: Iterable[CaseAction]) -> list[dict[str, str]]:
    return [{"action": a.value, "label": ACTION_LABELS[a]} for a in actions]


def case_out(case: Case, *, allowed: Iterable[CaseAction], personal: bool, view: DeadlineView) -> dict[str, Any]:
    return {
        "number": case.number,
        "query_code": case.query_code if personal else None,
        "status": case.status,
        "status_label": STATUS_LABELS[CaseStatus(case.status)],
        "revision": case.revision,
        "item": case.version.name,
        "submitted_at": case.submitted_at,
        "promised_due": case.promised_due,
        "statutory_due": case.statutory_due,
        "deadline_colour": view.colour.value,
        "deadline_label": view.label,
        "allowed_actions": action_refs(allowed),
    }


def _mask_id(case: Case) -> str:
    # Resident ID and USCC are both 18 characters and masked alike (first and last four kept), so the row
    # needs no applicant_kind column.
    return mask_resident_id(case.applicant_id_number)


def case_row(case: Case, *, view: DeadlineView, mask_names: bool = False) -> dict[str, Any]:
    """A list row: resident ID and phone always masked; the name too for readers without personal access."""
    return {
        "number": case.number,
        "status": case.status,
        "status_label": STATUS_LABELS[CaseStatus(case.status)],
        "revision": case.revision,
        "item": case.version.name,
        "implementation": case.implementation.code,
        "department": case.deciding_department.name,
        "applicant_name": mask_name(case.applicant_name) if mask_names else case.applicant_name,
        "applicant_id_number": _mask_id(case),
        "applicant_phone": mask_phone(case.applicant_phone),
        "channel": case.channel,
        "deferred": case.deferred,
        "submitted_at": case.submitted_at,
        "accepted_on": case.accepted_on,
        "promised_due": case.promised_due,
        "statutory_due": case.statutory_due,
        "calendar_unknown": case.calendar_unknown,
        "clock": view.clock.value,
        "clock_due": case.clock_due,
        "deadline_colour": view.colour.value,
        "deadline_label": view.label,
    }


def _person(user: Any) -> str:
    if user is None:
        return "系统"
    return user.real_name or user.get_username()


def role_label(value: str) -> str:
    try:
        return ROLE_LABELS[Role(value)]
    except ValueError:
        return {"citizen": "申请人", "enterprise": "申请人（法人）"}.get(value, value)


def event_out(event: CaseEvent, names: bool = True) -> dict[str, Any]:
    """``names``: who acted by name (staff reading a case); applicants see the role alone, as on the pages."""
    try:
        label = ACTION_LABELS[CaseAction(event.action)]
    except ValueError:
        label = event.action
    return {
        "action": event.action,
        "action_label": label,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "actor": _person(event.actor) if names or event.actor is None else role_label(event.actor_role) or "工作人员",
        "actor_role": role_label(event.actor_role),
        "channel": event.channel,
        "window": str(event.window) if event.window_id else None,
        "step_name": event.step_name,
        "reason": event.reason,
        "at": event.at,
    }


def material_out(material: CaseMaterial, check: LicenceCheck | None = None) -> dict[str, Any]:
    licence = (
        {
            "identifier": material.licence_identifier,
            "version": material.licence_version,
            "digest": material.licence_digest,
        }
        if material.licence_identifier
        else None
    )
    checked = (
        {"verified": check.verified, "label": check.label, "reasons": list(check.reasons), "name": check.name}
        if check is not None
        else None
    )
    return {
        "licence": licence,
        "licence_check": checked,
        "id": material.pk,
        "name": material.name,
        "state": material.state,
        "state_label": material.get_state_display(),
        "content_type": material.content_type,
        "size": material.size,
        "sha256": material.sha256,
        "paper_checked": material.paper_checked,
        "deferred_due": material.deferred_due,
        "commitment": material.commitment,
        "supplied_at": material.supplied_at,
        "uploaded_at": material.uploaded_at,
    }


def supervision_out(notice: SupervisionNotice) -> dict[str, Any]:
    return {
        "message": notice.message,
        "sent_by": _person(notice.sent_by),
        "sent_at": notice.sent_at,
        "answer": notice.answer,
        "answered_at": notice.answered_at,
    }


def agency_out(agent: dict[str, str], authorisation: Authorisation | None, personal: bool) -> dict[str, str]:
    """Who applied for the applicant (代办人/经办人, masked unless personal) and what the authorisation rests on."""
    return {
        "agent_name": agent["agent_name"] if personal else mask_name(agent["agent_name"]),
        "agent_id_number": agent["agent_id_number"] if personal else mask_resident_id(agent["agent_id_number"]),
        "authorisation": authorisation.evidence if authorisation is not None else "",
    }


def applicant_out(case: Case, personal: bool) -> dict[str, Any]:
    agency = agency_out(
        {"agent_name": case.agent_name, "agent_id_number": case.agent_id_number}, case.authorisation, personal
    )
    if personal:
        return {
            "kind": case.applicant_kind,
            "name": case.applicant_name,
            "id_number": case.applicant_id_number,
            "phone": case.applicant_phone,
            **agency,
            "identity_check": case.identity_check,
        }
    return {
        "kind": case.applicant_kind,
        "name": mask_name(case.applicant_name),
        "id_number": _mask_id(case),
        "phone": mask_phone(case.applicant_phone),
        **agency,
        "identity_check": "",
    }


def channel_label(value: str) -> str:
    try:
        return str(Channel(value).label)
    except ValueError:
        return value
