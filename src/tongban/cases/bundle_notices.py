"""The printable notices of a bundle case (一件事办件), A4 PDFs like the single-case notices (notice_pdf.py): one
受理通知书 for the whole bundle (each item accepted, accepted with 容缺, waiting for its prerequisite, or refused
with its reason), one 补正材料通知书 (the one complete list across all items), one 延期通知书 (joint handling
extended by up to 15 working days with the government head's approval, 行政许可法 Art. 42 (2)), one 办结通知书
(each item's decision and result). Each carries the bundle's one number and query code and a QR code to its
progress page.

A notice is printed only when the bundle case's phase and its items support it; anything else is a DomainError.
Each item's own legal wording is on its own notices (notices.py): the bundle's notices speak of the bundle.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.utils import timezone

from tongban.accounts.masking import mask_resident_id, mask_uscc
from tongban.core import clock
from tongban.core.errors import DomainError

from .domain import limits
from .domain.bundle_workflow import PHASE_LABELS, BundleAction, BundlePhase
from .domain.legal_wording import joint_extension_basis
from .domain.workflow import STATUS_LABELS, CaseStatus
from .models import BundleCase, Case, CaseMaterial
from .notice_pdf import Facts, Grid, Notice, Numbered, Para, cn_date, render
from .notices import progress_url

P, S = BundlePhase, CaseStatus


class BundleNoticeKind(StrEnum):
    ACCEPTANCE = "acceptance"  # 一件事受理通知书
    CORRECTION = "correction"  # 一件事补正材料通知书
    EXTENSION = "extension"  # 一件事延期通知书
    RESULT = "result"  # 一件事办结通知书


K = BundleNoticeKind
TITLES = {
    K.ACCEPTANCE: "一件事受理通知书",
    K.CORRECTION: "一件事补正材料通知书",
    K.EXTENSION: "一件事延期通知书",
    K.RESULT: "一件事办结通知书",
}
MARKS = {K.ACCEPTANCE: "受", K.CORRECTION: "补", K.EXTENSION: "延", K.RESULT: "结"}
ACCEPTED_PHASES = frozenset({P.IN_PROGRESS, P.READY, P.CLOSED, P.REFUSED})


def _fits(bc: BundleCase, kind: BundleNoticeKind) -> bool:
    phase = BundlePhase(bc.phase)
    if kind is K.ACCEPTANCE:
        return phase in ACCEPTED_PHASES
    if kind is K.CORRECTION:
        return phase is P.CORRECTION
    if kind is K.EXTENSION:
        return phase in ACCEPTED_PHASES and bc.extension_days > 0
    return phase is P.CLOSED


def bundle_notice_kinds_for(bc: BundleCase) -> list[BundleNoticeKind]:
    return [k for k in K if _fits(bc, k)]


def _masked_id(bc: BundleCase) -> str:
    return (
        mask_uscc(bc.applicant_id_number) if bc.applicant_kind == "legal" else mask_resident_id(bc.applicant_id_number)
    )


def _children(bc: BundleCase) -> list[Case]:
    return list(Case.objects.filter(bundle_case=bc).select_related("version", "deciding_department").order_by("id"))


def _basics(bc: BundleCase) -> list[tuple]:
    return [
        ("一件事编号", bc.number, "查询码", bc.query_code),
        ("申请人", bc.applicant_name, "证件号码", _masked_id(bc)),
        ("一件事", bc.bundle.name),
    ]


def _receiver(bc: BundleCase) -> str:
    return bc.receiving_centre.name if bc.receiving_centre else bc.receiving_division.name


def _submitted(bc: BundleCase) -> str:
    day = timezone.localdate(bc.submitted_at) if bc.submitted_at else None
    return f"你（单位）于{cn_date(day, '')}提出的“{bc.bundle.name}”申请"


def _acceptance_state(child: Case, deferred: dict[int, list[str]], waiting: dict[str, dict]) -> str:
    if child.status == S.REFUSED:
        return f"不予受理：{child.refusal_reason}" if child.refusal_reason else "不予受理"
    if child.status in (S.WITHDRAWN, S.TERMINATED):
        return STATUS_LABELS[S(child.status)]
    later = "（后补：" + "、".join(deferred[child.pk]) + "）" if child.pk in deferred else ""
    if child.pk in deferred and child.number not in waiting:
        return "容缺受理" + later
    if child.number in waiting:  # what it will need when it starts, as the acceptance recorded it
        needs = waiting[child.number]
        text = f"已受理，待“{'、'.join(needs.get('awaits', []))}”准予后开始办理"
        if needs.get("result_material"):
            text += f"，其结果作为“{needs['result_material']}”"
        return text + later
    if child.accepted_on is None and child.status == S.WAITING:
        return "已受理，待前置事项办结后开始办理"
    return "受理"


def _acceptance(bc: BundleCase) -> Notice:
    children = _children(bc)
    deferred: dict[int, list[str]] = {}
    for m in CaseMaterial.objects.filter(case__in=children, deferred_due__isnull=False).order_by("id"):
        deferred.setdefault(m.case_id, []).append(m.name)
    accepted = bc.events.filter(action=BundleAction.ACCEPT.value).order_by("-at", "-id").first()
    waiting = {w["case"]: w for w in (accepted.data.get("waiting", []) if accepted else []) if "case" in w}
    rows = [
        [
            str(i),
            c.version.name,
            c.deciding_department.name,
            _acceptance_state(c, deferred, waiting),
            cn_date(c.promised_due, "—") if c.promised_due else "—",
        ]
        for i, c in enumerate(children, 1)
    ]
    blocks: list = [
        Para(f"{_submitted(bc)}（共{len(children)}个事项），经审查，各事项的受理情况如下："),
        Grid(["序号", "事项", "办理部门", "受理情况", "承诺办结日期"], rows, widths=(0.08, 0.26, 0.2, 0.32, 0.14)),
        Para(
            "受理的事项由各办理部门并联办理，各事项的办理依据和时限以其办事指南为准；容缺受理的材料请按"
            "《容缺受理承诺书》约定的日期补交。办理结果按你选择的出件方式"
            f"（{bc.get_result_mode_display()}）送达。"
        ),
        Facts(
            [
                *_basics(bc),
                (
                    "受理日期",
                    cn_date(bc.accepted_on, ""),
                    "承诺办结日期",
                    cn_date(bc.promised_due, "") if bc.promised_due else "待定",
                ),
            ]
        ),
        Para("凭一件事办件编号和查询码可查询全部事项的办理进度（扫描下方二维码，或在“办件进度查询”中输入）。"),
    ]
    return _notice(bc, K.ACCEPTANCE, blocks, bc.accepted_on, "本通知书由综合受理窗口出具，领取办理结果时请出示。")


def _correction(bc: BundleCase) -> Notice:
    blocks: list = [
        Para(
            f"{_submitted(bc)}，经审查，申请材料不齐全或者不符合法定形式。现一次性告知你需要补正的全部内容"
            "（涵盖本一件事的全部事项）如下："
        ),
        Numbered(list(bc.correction_items)),
        Para(
            "请按上述要求一次性补正后重新提交（可到受理窗口提交，或登录政务服务网在线补正）。补正的申请材料"
            "齐全、符合法定形式的，将予以受理。除上述内容外，不再要求补正其他材料。"
        ),
        Facts(_basics(bc)),
    ]
    event = bc.events.filter(action="request_correction").order_by("-at", "-id").first()
    return _notice(bc, K.CORRECTION, blocks, timezone.localdate(event.at) if event else None)


def _extension(bc: BundleCase) -> Notice:
    children = _children(bc)
    event = bc.events.filter(action=BundleAction.EXTEND.value).order_by("-at", "-id").first()
    reason = (event.reason if event else "").strip().rstrip("。；;.，, ") or "案情复杂"
    approver = bc.extension_approved_by or "本级人民政府负责人"
    basis = joint_extension_basis(c.implementation.entry.item_type for c in children)
    limit = bc.statutory_days
    blocks: list = [
        Para(
            f"{_submitted(bc)}（一件事编号：{bc.number}），已于{cn_date(bc.accepted_on, '')}受理，由各部门联合办理。"
            f"因{reason}，在{limit}个工作日内不能办结，经{approver}批准，{basis}，"
            f"决定将联合办理期限延长{bc.extension_days}个工作日。"
        ),
        Para(
            f"延长后的承诺办结日期为{_due(bc, bc.promised_due)}，法定办结日期为{_due(bc, bc.statutory_due)}"
            "（各事项依法不计入办理期限的特别程序所需时间除外）。"
        ),
        Para("各事项的办理进度可凭一件事办件编号和查询码查询（扫描下方二维码）。"),
        Facts(
            [
                *_basics(bc),
                ("受理日期", cn_date(bc.accepted_on, ""), "延长期限", f"{bc.extension_days}个工作日"),
                ("批准人", approver),
                ("承诺办结日期", _due(bc, bc.promised_due), "法定办结日期", _due(bc, bc.statutory_due)),
            ]
        ),
    ]
    return _notice(
        bc,
        K.EXTENSION,
        blocks,
        timezone.localdate(event.at) if event else None,
        issuer=bc.bundle.lead_department.name if bc.bundle.lead_department_id else "",
    )


def _due(bc: BundleCase, due: dt.date | None) -> str:
    return limits.due_text(due, bc.unknown_year if due is None else None, "待定")


def _result(bc: BundleCase) -> Notice:
    children = _children(bc)
    rows = []
    for i, c in enumerate(children, 1):
        if c.decision == "granted":
            outcome = f"准予（{c.version.result_name}）" if c.version.result_name else "准予"
        elif c.decision == "denied":
            outcome = "不予：" + c.decision_reason if c.decision_reason else "不予"
        else:
            outcome = STATUS_LABELS[S(c.status)]
        delivery = c.get_result_delivery_display() if c.result_delivery else "—"
        rows.append([str(i), c.version.name, c.deciding_department.name, outcome, delivery])
    closed = timezone.localdate(bc.closed_at) if bc.closed_at else None
    blocks: list = [
        Para(f"{_submitted(bc)}已办理完毕（{PHASE_LABELS[BundlePhase(bc.phase)]}），各事项的办理结果如下："),
        Grid(["序号", "事项", "办理部门", "办理结果", "出件方式"], rows, widths=(0.08, 0.3, 0.22, 0.26, 0.14)),
        Para(
            "不予办理的事项，其决定书载明理由和救济途径，可在各事项的办件页面查看和打印。"
            "准予的办理结果已按所选出件方式送达。"
        ),
        Facts([*_basics(bc), ("受理日期", cn_date(bc.accepted_on, ""), "办结日期", cn_date(closed, ""))]),
    ]
    return _notice(bc, K.RESULT, blocks, closed)


def _notice(
    bc: BundleCase, kind: BundleNoticeKind, blocks: list, issued_on, note: str = "", issuer: str = ""
) -> Notice:
    title = TITLES[kind]
    return Notice(
        title=title,
        issuer=issuer or _receiver(bc),
        reference=f"编号：{bc.number}-{MARKS[kind]}",
        addressee=bc.applicant_name,
        blocks=blocks,
        issued_on=issued_on or clock.today(),
        qr_url=progress_url(bc),
        qr_caption=["扫码查询全部事项的办理进度", f"或输入一件事办件编号 {bc.number} 和查询码 {bc.query_code}"],
        footer=f"{title} · {bc.number}",
        note=note,
        metadata={"title": f"{title}（{bc.number}）", "subject": bc.bundle.name},
    )


BUILDERS = {K.ACCEPTANCE: _acceptance, K.CORRECTION: _correction, K.EXTENSION: _extension, K.RESULT: _result}


def build_bundle_notice(bc: BundleCase, kind: BundleNoticeKind | str, base_url: str | None = None) -> Notice:
    try:
        kind = BundleNoticeKind(kind)
    except ValueError:
        raise DomainError("unknown_notice", f"没有“{kind}”这种通知书", "kind", status=404) from None
    if not _fits(bc, kind):
        raise DomainError(
            "notice_not_available",
            f"一件事办件当前为“{PHASE_LABELS[BundlePhase(bc.phase)]}”，不能出具《{TITLES[kind]}》",
            "kind",
            status=409,
        )
    notice = BUILDERS[kind](bc)
    notice.qr_url = progress_url(bc, base_url)
    return notice


def render_bundle_notice(bc: BundleCase, kind: BundleNoticeKind | str, base_url: str | None = None) -> bytes:
    return render(build_bundle_notice(bc, kind, base_url))


def bundle_notice_filename(bc: BundleCase, kind: BundleNoticeKind | str) -> str:
    return f"{bc.number}-{BundleNoticeKind(kind).value}.pdf"
