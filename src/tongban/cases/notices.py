"""The notices a case produces, as printable A4 PDFs in Chinese (layout in notice_pdf.py).

Front desk: 受理通知书, 不予受理决定书, 补正材料通知书 (one complete list, 一次告知, 行政许可法 Art. 32),
容缺受理承诺书 (the deferred materials, their dates and the applicant's commitment, to sign). In handling:
特别程序告知书 (a special step, its maximum and whether its time counts, Art. 45) and 延期通知书 (Art. 42).
After the decision: 准予（行政许可）决定书 / 办结通知书 and 不予（行政许可）决定书. Each carries a QR code that opens the
public progress page with the case number and query code.

A notice is printed only when the case's state and events support it (``notice_kinds_for``); anything else
is a DomainError, never a notice about something that did not happen.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from tongban.accounts.masking import mask_resident_id, mask_uscc
from tongban.core import clock
from tongban.core.errors import DomainError
from tongban.core.public_url import public_base_url

from . import licence_refs, selectors
from .domain.legal_wording import LegalWording, Provision, acceptance_lead, cited_laws
from .domain.workflow import STATUS_LABELS, CaseAction, CaseStatus
from .models import BundleCase, Case, CaseEvent, CaseMaterial, Suspension
from .notice_pdf import Facts, Grid, Notice, Numbered, Para, Signatures, cn_date, render

A, S = CaseAction, CaseStatus


class NoticeKind(StrEnum):
    ACCEPTANCE = "acceptance"  # 受理通知书
    REFUSAL = "refusal"  # 不予受理决定书
    CORRECTION = "correction"  # 补正材料通知书
    DEFERRAL = "deferral"  # 容缺受理承诺书
    SPECIAL_STEP = "special_step"  # 特别程序告知书
    EXTENSION = "extension"  # 延期通知书
    GRANT = "grant"  # 准予行政许可决定书 / 办结通知书
    DENIAL = "denial"  # 不予行政许可决定书 / 不予办理决定书


K = NoticeKind
NOTICE_LABELS = {
    K.ACCEPTANCE: "受理通知书",
    K.REFUSAL: "不予受理决定书",
    K.CORRECTION: "补正材料通知书",
    K.DEFERRAL: "容缺受理承诺书",
    K.SPECIAL_STEP: "特别程序告知书",
    K.EXTENSION: "延期通知书",
    K.GRANT: "准予决定书",
    K.DENIAL: "不予决定书",
}
# Reference suffixes: 受 (受理), 不受 (不予受理), 补 (补正), 容 (容缺), 准 (准予), 不准 (不予).
REFERENCE_MARKS = {
    K.ACCEPTANCE: "受",
    K.REFUSAL: "不受",
    K.CORRECTION: "补",
    K.DEFERRAL: "容",
    K.SPECIAL_STEP: "特",
    K.EXTENSION: "延",
    K.GRANT: "准",
    K.DENIAL: "不准",
}


def wording_of(case: Case) -> LegalWording:
    """The item's type (基本目录) and the laws its guide names decide what the notices cite."""
    entry = case.implementation.entry
    return LegalWording(entry.item_type, cited_laws([case.version.legal_basis, entry.legal_basis]))


def is_licensing(case: Case) -> bool:
    return wording_of(case).licensing


def notice_title(case: Case, kind: NoticeKind | str) -> str:
    kind = NoticeKind(kind)
    if kind in (K.GRANT, K.DENIAL):
        return wording_of(case).decision_title(kind is K.GRANT)
    return NOTICE_LABELS[kind]


# ---- which notices fit ---------------------------------------------------------------------------------


def _fits(case: Case, kind: NoticeKind) -> bool:
    status = CaseStatus(case.status)
    accepted = case.accepted_on is not None and status is not S.WITHDRAWN
    if kind is K.ACCEPTANCE:
        return accepted
    if kind is K.REFUSAL:
        return status is S.REFUSED
    if kind is K.CORRECTION:
        return status in (S.CORRECTION, S.RETURNED)
    if kind is K.DEFERRAL:
        return accepted and case.deferred
    if kind is K.SPECIAL_STEP:
        return accepted and _special_step(case) is not None
    if kind is K.EXTENSION:
        return accepted and case.extension_days > 0
    if kind is K.GRANT:
        return status in (S.DECIDED, S.CLOSED) and case.decision == "granted"
    if kind is K.DENIAL:
        return status in (S.DECIDED, S.CLOSED) and case.decision == "denied"
    return False


def notice_kinds_for(case: Case) -> list[NoticeKind]:
    """The notices that can be printed for the case now, in the order they were (or are) issued."""
    order = (K.ACCEPTANCE, K.DEFERRAL, K.CORRECTION, K.SPECIAL_STEP, K.EXTENSION, K.REFUSAL, K.GRANT, K.DENIAL)
    return [k for k in order if _fits(case, k)]


def current_notice_kind(case: Case) -> NoticeKind | None:
    """The notice of the case's latest decision (what a clerk prints right after acting)."""
    kinds = notice_kinds_for(case)
    if not kinds:
        return None
    for latest in (K.GRANT, K.DENIAL, K.REFUSAL, K.CORRECTION, K.DEFERRAL):
        if latest in kinds:
            return latest
    return kinds[-1]


def _parse_kind(kind: NoticeKind | str) -> NoticeKind:
    try:
        return NoticeKind(kind)
    except ValueError:
        raise DomainError("unknown_notice", f"没有“{kind}”这种通知书", "kind", status=404) from None


# ---- shared pieces -------------------------------------------------------------------------------------


def progress_url(case: Case | BundleCase, base: str | None = None) -> str:
    """Absolute address of the public progress page for this case or bundle case (what the QR code opens);
    ``base``: the deployment's public address (core.public_url), by default as configured or local."""
    root = (base or public_base_url()).rstrip("/")
    return f"{root}{reverse('progress:lookup')}?{urlencode({'number': case.number, 'code': case.query_code})}"


def masked_id(case: Case) -> str:
    if case.applicant_kind == "legal":
        return mask_uscc(case.applicant_id_number)
    return mask_resident_id(case.applicant_id_number)


def _local_date(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment else None


def _latest(case: Case, *actions: CaseAction) -> CaseEvent | None:
    return (
        CaseEvent.objects.filter(case=case, action__in=[a.value for a in actions])
        .select_related("window")
        .order_by("-at", "-id")
        .first()
    )


def _sentence(text: str) -> str:
    """A reason typed by staff, fitted into a sentence (no doubled full stop)."""
    return (text or "").strip().rstrip("。；;.，, ")


def _reviewed(reason: str) -> str:
    """ "经审查，<reason>", unless staff already wrote how it was examined (经核查…, 经审查…)."""
    return reason if reason.startswith("经") else f"经审查，{reason}"


def _receiver(case: Case) -> str:
    """Who receives at the front desk: the service centre (一窗受理), else the deciding department."""
    return case.receiving_centre.name if case.receiving_centre else case.deciding_department.name


def receiving_node_name(case: Case) -> str:
    """A case another node received (跨域通办): that node's name as its division is known here ("" if none)."""
    if not case.receiving_node:
        return ""
    division = case.receiving_division
    if division is not None and division.code.startswith(case.receiving_node):
        return division.full_name
    return case.receiving_node


def _remote_telling(case: Case) -> str:
    """Who tells an applicant at another node (跨域通办) and takes what they bring: that node."""
    return f"收件地（{receiving_node_name(case)}）"


def _place(case: Case, event: CaseEvent | None) -> str:
    if case.receiving_node:
        how = "网上申请" if case.channel == "online" else "异地代收"
        return f"{receiving_node_name(case)}（跨域通办，{how}）"
    window = (event.window if event and event.window_id else None) or case.receiving_window
    parts = [case.receiving_centre.name if case.receiving_centre else ""]
    if window:
        parts.append(f"{window.number}号{window.name}")
    if case.channel == "online":
        parts.append("（网上申请）")
    return " ".join(p for p in parts if p) or case.get_channel_display()


def _basics(case: Case) -> list[tuple]:
    return [
        ("办件编号", case.number, "查询码", case.query_code),
        ("申请人", case.applicant_name, "证件号码", masked_id(case)),
        ("申请事项", case.version.name),
        ("办理部门", case.deciding_department.name),
    ]


def _submitted_phrase(case: Case) -> str:
    return f"你（单位）于{cn_date(_local_date(case.submitted_at), '')}提出的“{case.version.name}”申请"


def _basis(case: Case, provision: Provision) -> str:
    return wording_of(case).basis(provision)


def _deadline_paragraph(case: Case) -> str:
    if case.promised_days == 0:
        return "本事项为即办件，当场办结。"
    unit = selectors.unit_label(case)
    due = selectors.due_text(case.promised_due, case, "日期另行告知")
    text = ""
    if selectors.deemed_accepted(case):
        text = f"因未在收到申请材料之日起5个工作日内作出受理决定，依法自{cn_date(case.accepted_on, '')}起视为受理。"
    text += (
        f"本机关将在受理之日起{case.promised_days}{unit}内（{due}前）办结"
        f"（法定办结时限为{case.statutory_days}{unit}）。"
    )
    specials = [s.name for s in case.version.special_steps.all() if s.stops_clock]
    if specials:
        text += f"办理中需要{'、'.join(specials)}的，所需时间不计算在上述期限内，届时将书面告知。"
    else:
        text += "依法需要听证、检验、检测、鉴定、专家评审等的，所需时间不计算在上述期限内，届时将书面告知。"
    return text


def _due(case: Case, due: dt.date | None) -> str:
    return selectors.due_text(due, case, "待定")


def _qr_caption(case: Case) -> list[str]:
    return ["扫码查询办理进度", f"或在“办件进度查询”中输入办件编号 {case.number} 和查询码 {case.query_code}"]


def _notice(
    case: Case,
    kind: NoticeKind,
    *,
    issuer: str,
    addressee: str,
    blocks: list,
    issued_on: dt.date | None,
    note: str = "",
    stamp_label: str = "（盖章）",
) -> Notice:
    title = notice_title(case, kind)
    return Notice(
        title=title,
        issuer=issuer,
        reference=f"编号：{case.number}-{REFERENCE_MARKS[kind]}",
        addressee=addressee,
        blocks=blocks,
        issued_on=issued_on or clock.today(),
        qr_url=progress_url(case),
        qr_caption=_qr_caption(case),
        footer=f"{title} · 办件编号 {case.number}",
        note=note,
        stamp_label=stamp_label,
        metadata={"title": f"{title}（{case.number}）", "subject": case.version.name},
    )


# ---- each notice ---------------------------------------------------------------------------------------


def _acceptance(case: Case) -> Notice:
    event = _latest(case, A.ACCEPT, A.ACCEPT_DEFERRED)
    held = list(case.materials.all())
    deferred = tuple(
        m.name for m in sorted(held, key=lambda m: (m.deferred_due or dt.date.max, m.pk)) if m.deferred_due
    )
    lacking = licence_refs.lacking(case.version, held).all  # never claim 齐全 while something is missing
    blocks: list = [Para(acceptance_lead(_submitted_phrase(case), wording_of(case), deferred, lacking))]
    if deferred:
        outstanding = [m.name for m in held if m.state == CaseMaterial.State.DEFERRED]
        if outstanding:
            blocks.append(
                Para(f"本申请实行容缺受理，暂缺的{'、'.join(outstanding)}请按《容缺受理承诺书》约定的日期补交。")
            )
        else:
            blocks.append(Para(f"本申请实行容缺受理，容缺的{'、'.join(deferred)}已补交。"))
    blocks.append(Para(_deadline_paragraph(case)))
    facts = [
        *_basics(case),
        (
            "受理日期",
            cn_date(case.accepted_on, ""),
            "承诺办结日期",
            _due(case, case.promised_due),
        ),
        ("受理地点", _place(case, event)),
    ]
    blocks.append(Facts(facts))
    if case.receiving_node:
        told = _remote_telling(case)
        blocks.append(Para(f"办理过程中，办理进展由{told}告知你；你也可以在{told}的政务服务平台查询。"))
        note = f"本通知书经跨域通办送达{told}，由其告知申请人；请妥善保管，领取办理结果时请出示。"
    else:
        blocks.append(
            Para(
                "办理过程中，本机关将通过短信告知办理进展；你也可以扫描下方二维码，或凭办件编号和查询码"
                "在政务服务网“办件进度查询”中查询。"
            )
        )
        note = "本通知书由受理窗口出具，请妥善保管，领取办理结果时请出示。"
    return _notice(
        case,
        K.ACCEPTANCE,
        issuer=_receiver(case),
        addressee=case.applicant_name,
        blocks=blocks,
        issued_on=case.accepted_on,
        note=note,
    )


def _refusal(case: Case) -> Notice:
    event = _latest(case, A.REFUSE)
    reason = _sentence(case.refusal_reason or (event.reason if event else ""))
    blocks: list = [
        Para(f"{_submitted_phrase(case)}，{_reviewed(reason)}。{_basis(case, Provision.REFUSE)}，决定不予受理。"),
        Facts([*_basics(case), ("申请日期", cn_date(_local_date(case.submitted_at), ""))]),
        Para(wording_of(case).rights),
    ]
    return _notice(
        case,
        K.REFUSAL,
        issuer=_receiver(case),
        addressee=case.applicant_name,
        blocks=blocks,
        issued_on=_local_date(event.at if event else case.closed_at),
    )


def _correction(case: Case) -> Notice:
    returned = case.status == S.RETURNED
    event = _latest(case, A.RETURN_FOR_CORRECTION if returned else A.REQUEST_CORRECTION)
    items = list((event.data or {}).get("items") or case.correction_items) if event else list(case.correction_items)
    if returned:
        lead = (
            f"你（单位）申请的“{case.version.name}”已于{cn_date(case.accepted_on, '')}受理。在审查过程中，因"
            f"{_sentence(event.reason if event else '')}，需要补正材料。{wording_of(case).one_list_rule}，"
            "现将需要补正的全部内容告知如下："
        )
        counted = (event.data or {}).get("counted", case.version.correction_counted) if event else False
        after = (
            f"补正期间{'计算' if counted else '不计算'}在办理时限内。请一次性补正上述全部内容后提交，"
            "本机关收到全部补正材料后继续办理。除上述内容外，本机关不再要求补正其他材料。"
        )
        issuer = case.deciding_department.name
    else:
        lead = (
            f"{_submitted_phrase(case)}，经审查，申请材料不齐全或者不符合法定形式。"
            f"{_basis(case, Provision.CORRECTION)}，现一次性告知你需要补正的全部内容如下："
        )
        where = (
            (
                f"在{_remote_telling(case)}的政务服务平台在线补正"
                if case.channel == "online"
                else f"到{_remote_telling(case)}的收件窗口提交，由其转递本机关"
            )
            if case.receiving_node
            else "可到受理窗口提交，或登录政务服务网在线补正"
        )
        after = (
            f"请按上述要求一次性补正后重新提交申请（{where}）。补正的申请材料"
            "齐全、符合法定形式的，本机关将予以受理。除上述内容外，本机关不再要求补正其他材料。"
        )
        issuer = _receiver(case)
    blocks: list = [Para(lead), Numbered(items)]
    added = (event.data or {}).get("added") if event and not returned else None
    if added:
        why = _sentence((event.data or {}).get("added_reason", "")) if event else ""
        blocks.append(Para(f"其中“{'、'.join(added)}”为首次告知后新增的补正内容，理由：{why}。"))
    note_text = _sentence(event.reason) if event and not returned else ""
    if note_text:
        blocks.append(Para(f"说明：{note_text}。"))
    blocks += [Para(after), Facts(_basics(case))]
    return _notice(
        case,
        K.CORRECTION,
        issuer=issuer,
        addressee=case.applicant_name,
        blocks=blocks,
        issued_on=_local_date(event.at) if event else None,
    )


def _deferral(case: Case) -> Notice:
    materials = list(CaseMaterial.objects.filter(case=case, deferred_due__isnull=False).order_by("deferred_due", "id"))
    rows = [
        [
            str(i),
            m.name,
            cn_date(m.deferred_due, ""),
            "已补交" if m.supplied_at or m.state == CaseMaterial.State.RECEIVED else "待补交",
        ]
        for i, m in enumerate(materials, 1)
    ]
    who = "本单位" if case.applicant_kind == "legal" else "本人"
    commitments = list(dict.fromkeys(m.commitment.strip() for m in materials if m.commitment.strip()))
    blocks: list = [
        Para(
            f"{who}{case.applicant_name}（证件号码：{masked_id(case)}）申请办理“{case.version.name}”"
            f"（办件编号：{case.number}）。经窗口审查，申请的主要材料齐全、符合法定形式，下列非主要材料暂缺，"
            f"{who}申请容缺受理，并郑重承诺如下："
        ),
        Grid(["序号", "容缺材料", "承诺补交日期", "状态"], rows, widths=(0.1, 0.5, 0.24, 0.16)),
        Para(f"一、{who}在上表所列日期前补交全部容缺材料，所补交材料与申请时的陈述一致；"),
        Para(f"二、{who}对所提交申请材料的真实性、合法性负责；"),
        Para(
            f"三、逾期未补交或者补交的材料不符合要求的，{who}同意受理机关依照规定暂停办理或者暂不出件，"
            "由此产生的后果由" + who + "承担。"
        ),
    ]
    if commitments:
        blocks.append(Para("申请人补充承诺：" + "；".join(_sentence(c) for c in commitments) + "。"))
    blocks += [
        Facts(
            [
                (
                    "受理日期",
                    cn_date(case.accepted_on, ""),
                    "承诺办结日期",
                    _due(case, case.promised_due),
                ),
                ("办理部门", case.deciding_department.name),
            ]
        ),
        Signatures([("承诺人（签字或盖章）", True), ("受理人（签字）", True)]),
    ]
    return _notice(
        case,
        K.DEFERRAL,
        issuer=_receiver(case),
        addressee=_receiver(case),
        blocks=blocks,
        issued_on=case.accepted_on,
        stamp_label="（受理单位盖章）",
        note="本承诺书一式两份，申请人和受理单位各执一份。",
    )


def _decision(case: Case, kind: NoticeKind) -> Notice:
    grant = kind is K.GRANT
    event = _latest(case, A.GRANT if grant else A.DENY)
    reason = _sentence(case.decision_reason or (event.reason if event else ""))
    wording = wording_of(case)
    lead = f"{_submitted_phrase(case)}（办件编号：{case.number}），本机关已于{cn_date(case.accepted_on, '')}受理。{_reviewed(reason)}。"
    provision = Provision.GRANT if grant else Provision.DENY
    lead += f"{wording.basis(provision)}，决定{wording.decision_words(grant)}。"
    blocks: list = [Para(lead)]
    facts: list[tuple] = [
        *_basics(case),
        ("受理日期", cn_date(case.accepted_on, ""), "决定日期", cn_date(_local_date(case.decided_at), "")),
    ]
    if grant:
        if case.result_delivery:
            facts.append(("办理结果", case.version.result_name, "出件方式", case.get_result_delivery_display()))
            blocks.append(
                Para(
                    f"办理结果已于{cn_date(_local_date(case.closed_at), '')}以"
                    f"“{case.get_result_delivery_display()}”方式送达。"
                )
            )
        else:
            place = _receiver(case)
            facts.append(("办理结果", case.version.result_name))
            this = "本" + notice_title(case, kind)[-3:]  # 本决定书 / 本通知书
            if case.receiving_node:
                blocks.append(Para(f"办理结果的领取或送达方式由{_remote_telling(case)}告知你。"))
            else:
                blocks.append(
                    Para(f"请凭{this}和身份证件到{place}统一出件窗口领取办理结果，或按申请时选择的方式送达。")
                )
    blocks.append(Facts(facts))
    if not grant:
        blocks.append(Para(wording.rights))
    return _notice(
        case,
        kind,
        issuer=case.deciding_department.name,
        addressee=case.applicant_name,
        blocks=blocks,
        issued_on=_local_date(case.decided_at or (event.at if event else None)),
    )


def _special_step(case: Case) -> Suspension | None:
    """The latest special step of the case (the one its notice is about)."""
    return case.suspensions.filter(kind=Suspension.Kind.SPECIAL).order_by("-started_on", "-id").first()


def _special(case: Case) -> Notice:
    stop = _special_step(case)
    assert stop is not None  # _fits
    event = (
        CaseEvent.objects.filter(case=case, action=A.SUSPEND.value, step_name=stop.step_name)
        .order_by("-at", "-id")
        .first()
    )
    name = stop.step_name
    lead = (
        f"你（单位）申请的“{case.version.name}”（办件编号：{case.number}），本机关已于{cn_date(case.accepted_on, '')}"
        f"受理。在审查过程中，因{_sentence(stop.reason)}，需要进行{name}。"
    )
    if stop.counted:
        counts = f"{name}所需时间计算在办理期限内，本机关仍将在承诺办结日期（{_due(case, case.promised_due)}）前办结。"
    else:
        basis = f"根据{stop.legal_basis}的规定" if stop.legal_basis else _basis(case, Provision.SPECIAL_STEP)
        counts = f"{basis}，{name}所需时间不计算在办理期限内，办理期限相应顺延。"
    most = f"，最长不超过{stop.max_days}个工作日" if stop.max_days else ""
    when = f"该程序自{cn_date(stop.started_on, '')}起进行{most}"
    if stop.ended_on:
        when += f"，已于{cn_date(stop.ended_on, '')}结束"
    elif stop.max_days and case.special_due:
        when += f"（{cn_date(case.special_due, '')}前结束）"
    blocks: list = [
        Para(lead),
        Para(counts + when + "。"),
        Facts(
            [
                *_basics(case),
                ("特别程序", name, "开始日期", cn_date(stop.started_on, "")),
                (
                    "最长期限",
                    f"{stop.max_days}个工作日" if stop.max_days else "—",
                    "是否计入办理期限",
                    "计入" if stop.counted else "不计入",
                ),
                ("承诺办结日期", selectors.promised_text(case, selectors.deadline_of(case))),
            ]
        ),
        Para("特别程序结束后，本机关将继续办理，并通过短信告知办理进展；你也可以扫描下方二维码查询。"),
    ]
    return _notice(
        case,
        K.SPECIAL_STEP,
        issuer=case.deciding_department.name,
        addressee=case.applicant_name,
        blocks=blocks,
        issued_on=_local_date(event.at) if event else stop.started_on,
    )


def _extension(case: Case) -> Notice:
    event = _latest(case, A.EXTEND)
    reason = _sentence(event.reason if event else "")
    unit = selectors.unit_label(case)
    lead = (
        f"你（单位）申请的“{case.version.name}”（办件编号：{case.number}），本机关已于{cn_date(case.accepted_on, '')}"
        f"受理。因{reason}，在{case.statutory_days}{unit}内不能作出决定，经本机关负责人批准，{_basis(case, Provision.EXTEND)}，"
        f"决定将办理期限延长{case.extension_days}{unit}。"
    )
    blocks: list = [
        Para(lead),
        Para(
            f"延长后的承诺办结日期为{_due(case, case.promised_due)}，法定办结日期为{_due(case, case.statutory_due)}"
            "（依法不计入办理期限的特别程序所需时间除外）。"
        ),
        Facts(
            [
                *_basics(case),
                ("受理日期", cn_date(case.accepted_on, ""), "延长期限", f"{case.extension_days}{unit}"),
                ("承诺办结日期", _due(case, case.promised_due), "法定办结日期", _due(case, case.statutory_due)),
            ]
        ),
    ]
    return _notice(
        case,
        K.EXTENSION,
        issuer=case.deciding_department.name,
        addressee=case.applicant_name,
        blocks=blocks,
        issued_on=_local_date(event.at) if event else None,
    )


BUILDERS = {
    K.ACCEPTANCE: _acceptance,
    K.REFUSAL: _refusal,
    K.CORRECTION: _correction,
    K.DEFERRAL: _deferral,
    K.SPECIAL_STEP: _special,
    K.EXTENSION: _extension,
}


def build_notice(case: Case, kind: NoticeKind | str, base_url: str | None = None) -> Notice:
    """The notice's document; its QR code opens the progress page at ``base_url`` (the deployment's address)."""
    kind = _parse_kind(kind)
    if not _fits(case, kind):
        raise DomainError(
            "notice_not_available",
            f"办件当前为“{STATUS_LABELS[CaseStatus(case.status)]}”，不能出具《{notice_title(case, kind)}》",
            "kind",
            status=409,
        )
    notice = _decision(case, kind) if kind in (K.GRANT, K.DENIAL) else BUILDERS[kind](case)
    notice.qr_url = progress_url(case, base_url)
    return notice


def render_notice(case: Case, kind: NoticeKind | str | None = None, base_url: str | None = None) -> bytes:
    """The notice as A4 PDF bytes; without a kind, the notice of the case's latest decision."""
    if kind is None:
        kind = current_notice_kind(case)
        if kind is None:
            raise DomainError(
                "notice_not_available",
                f"办件当前为“{STATUS_LABELS[CaseStatus(case.status)]}”，暂无可出具的通知书",
                "kind",
                status=409,
            )
    return render(build_notice(case, kind, base_url))


def notice_filename(case: Case, kind: NoticeKind | str) -> str:
    """An ASCII file name for downloads (the Chinese title goes in the PDF's metadata)."""
    return f"{case.number}-{NoticeKind(kind).value}.pdf"
