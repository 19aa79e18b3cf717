"""Printable notices: each kind for a case in the state that produces it, checked in the PDF itself (A4, the
Chinese text layer, the embedded font, the QR link), and refused for cases in other states."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tongban.cases import notice_pdf
from tongban.cases import services as s
from tongban.cases.notices import (
    NoticeKind,
    current_notice_kind,
    notice_filename,
    notice_kinds_for,
    notice_title,
    progress_url,
    render_notice,
)
from tongban.cases.tests.factories import CaseFactory, holding_all, world
from tongban.core import clock
from tongban.core.errors import DomainError

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 9, 29)
K = NoticeKind


@pytest.fixture
def w(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return world()


def at_window(w):
    return CaseFactory(world=w, channel="window")


def accepted(w, deferred=False):
    deferrals = [s.Deferral("结婚证", TODAY + dt.timedelta(days=10), "本人承诺10日内补交结婚证")] if deferred else []
    return CaseFactory(world=w, channel="window", status="in_progress", deferrals=deferrals)


def decided(w, grant=True):
    case = accepted(w)
    approver = s.Ctx(w.approver)
    case = s.complete_step(approver, case, "材料齐全，符合规定", case.revision)
    reason = (
        "申请人提交的出生医学证明等材料齐全，符合《中华人民共和国户口登记条例》第七条的规定"
        if grant
        else "经核查，申请人不符合本地落户条件"
    )
    return s.decide(approver, case, grant, reason, case.revision)


def in_correction(w):
    case = at_window(w)
    return s.request_correction(
        s.Ctx(w.clerk, "window", w.window),
        case,
        ["出生医学证明照片不清晰，请提供原件", "缺少父亲签字的申报表", "户口簿首页复印件"],
        case.revision,
        note="以上材料可到窗口或网上补正",
    )


def refused(w):
    case = at_window(w)
    return s.refuse(s.Ctx(w.clerk, "window", w.window), case, "申请事项依法不属于本机关职权范围。", case.revision)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in reader.pages))


def fonts(data: bytes) -> list:
    reader = PdfReader(io.BytesIO(data))
    found = []
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            found.append(font.get_object())
    return found


def link_uris(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    uris = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action and action.get("/URI"):
                uris.append(str(action["/URI"]))
    return uris


def check_pdf(case, kind: NoticeKind, *expected: str) -> str:
    data = render_notice(case, kind)
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = pdf_text(data)
    for needle in (notice_title(case, kind), case.number, case.version.name, *expected):
        assert re.sub(r"\s+", "", needle) in text, needle
    # Every font is a TrueType subset embedded in the file (no base-14 Helvetica, no unembedded CID font).
    used = fonts(data)
    assert used
    for font in used:
        assert font["/Subtype"] == "/TrueType", font
        assert "/FontFile2" in font["/FontDescriptor"], font
    assert progress_url(case) in link_uris(data)
    return text


def test_acceptance_notice(w):
    case = accepted(w)
    text = check_pdf(
        case,
        K.ACCEPTANCE,
        "受理通知书",
        "决定予以受理",
        case.query_code,
        "诸暨市政务服务中心",
        "诸暨市公安局",
        "2026年9月29日",
        f"{case.promised_due.year}年{case.promised_due.month}月",
    )
    assert "专家评审" in text  # the declared clock-stopping step is named
    # The applicant's ID is masked; the full number and the phone never appear.
    assert case.applicant_id_number not in text and case.applicant_id_number[:4] in text
    assert "13900000000" not in text


def test_refusal_notice(w):
    case = refused(w)
    text = check_pdf(
        case,
        K.REFUSAL,
        "不予受理决定书",
        "申请事项依法不属于本机关职权范围",
        "决定不予受理",
        "根据《中华人民共和国户口登记条例》等有关规定",  # 行政确认: its own basis, not the licensing law
        "行政复议",
        "行政诉讼",
    )
    assert "范围。。" not in text and "行政许可法" not in text


def test_correction_notice_lists_everything_once(w):
    case = in_correction(w)
    text = check_pdf(
        case,
        K.CORRECTION,
        "补正材料通知书",
        "一次性告知",
        "根据《中华人民共和国户口登记条例》等有关规定",
        "1.出生医学证明照片不清晰，请提供原件",
        "2.缺少父亲签字的申报表",
        "3.户口簿首页复印件",
        "不再要求补正其他材料",
        "以上材料可到窗口或网上补正",
    )
    assert "4." not in text and "行政许可法" not in text


def test_correction_notice_during_handling(w):
    case = accepted(w)
    case = s.return_for_correction(s.Ctx(w.approver), case, ["父母结婚证复印件不清晰"], "材料需核实", case.revision)
    text = check_pdf(case, K.CORRECTION, "父母结婚证复印件不清晰", "材料需核实", "补正期间不计算在办理时限内")
    assert "按照一次性告知的要求" in text and "行政许可法" not in text


def test_deferral_commitment(w):
    case = accepted(w, deferred=True)
    assert notice_kinds_for(case) == [K.ACCEPTANCE, K.DEFERRAL]
    check_pdf(
        case,
        K.DEFERRAL,
        "容缺受理承诺书",
        "结婚证",
        "2026年10月9日",
        "待补交",
        "本人承诺10日内补交结婚证",
        "承诺人（签字或盖章）",
        "受理人（签字）",
        "郑重承诺",
    )
    # The acceptance notice points to the commitment.
    assert "容缺受理" in check_pdf(case, K.ACCEPTANCE)
    case = s.supply_deferred(s.Ctx(w.clerk, "window", w.window), case, "结婚证", case.revision)
    after = pdf_text(render_notice(case, K.DEFERRAL))
    assert "已补交" in after and "待补交" not in after


def test_grant_and_denial_decisions(w):
    granted = decided(w, grant=True)
    text = check_pdf(granted, K.GRANT, "决定准予办理", "户口登记条例", granted.version.result_name, "请凭本通知书")
    assert "行政复议" not in text
    assert notice_kinds_for(granted) == [K.ACCEPTANCE, K.GRANT]
    closed = s.issue_result(
        s.Ctx(w.clerk, "window", w.window),
        granted,
        "post",
        granted.revision,
        address="浙江省诸暨市暨阳街道艮塔西路138号",
    )
    assert "邮寄" in check_pdf(closed, K.GRANT)
    denied = decided(w, grant=False)
    check_pdf(denied, K.DENIAL, "不予办理决定书", "不符合本地落户条件", "决定不予办理", "行政复议")


def test_licensing_items_cite_the_licensing_law(w):
    entry = w.version.implementation.entry
    entry.item_type = "01"
    entry.save(update_fields=["item_type"])
    case = decided(w, grant=True)
    assert notice_title(case, K.GRANT) == "准予行政许可决定书"
    check_pdf(
        case, K.GRANT, "准予行政许可决定书", "根据《中华人民共和国行政许可法》第三十八条第一款", "决定准予行政许可"
    )
    check_pdf(case, K.ACCEPTANCE, "根据《中华人民共和国行政许可法》第三十二条第一款第（五）项")
    refused_licence = refused(w)
    check_pdf(refused_licence, K.REFUSAL, "根据《中华人民共和国行政许可法》第三十二条第一款的规定")
    corrected = in_correction(w)
    check_pdf(corrected, K.CORRECTION, "根据《中华人民共和国行政许可法》第三十二条第一款第（四）项")


@pytest.mark.parametrize(("item_type", "rights"), [("05", "行政复议"), ("07", "行政复议"), ("20", "12345")])
def test_items_that_are_no_licence_never_claim_the_licensing_law(w, item_type, rights):
    entry = w.version.implementation.entry
    entry.item_type = item_type
    entry.save(update_fields=["item_type"])
    for case, kinds in ((decided(w, grant=False), (K.ACCEPTANCE, K.DENIAL)), (refused(w), (K.REFUSAL,))):
        for kind in kinds:
            text = pdf_text(render_notice(case, kind))
            assert "行政许可法" not in text and "参照" not in text, kind
            assert "户口登记条例" in text, kind
        if K.DENIAL in kinds:
            assert rights in text and (item_type != "20" or "行政复议" not in text)


def test_the_acceptance_notice_says_complete_only_when_it_is(w):
    complete = pdf_text(render_notice(accepted(w), K.ACCEPTANCE))
    assert "申请材料齐全、符合法定形式" in complete
    deferred = pdf_text(render_notice(accepted(w, deferred=True), K.ACCEPTANCE))
    assert "申请材料齐全" not in deferred and "主要材料齐全" in deferred and "结婚证经申请人书面承诺后补" in deferred
    # A case accepted before acceptance checked its materials: the notice names what is missing.
    legacy = accepted(w)
    legacy.materials.filter(name="结婚证").delete()
    text = pdf_text(render_notice(legacy, K.ACCEPTANCE))
    assert "齐全" not in text and "结婚证尚未提交" in text


def test_kinds_follow_the_case_and_others_are_refused(w):
    submitted = at_window(w)
    assert notice_kinds_for(submitted) == [] and current_notice_kind(submitted) is None
    with pytest.raises(DomainError, match="暂无可出具的通知书"):
        render_notice(submitted)
    with pytest.raises(DomainError, match="不能出具《受理通知书》") as caught:
        render_notice(submitted, K.ACCEPTANCE)
    assert caught.value.code == "notice_not_available"
    with pytest.raises(DomainError) as caught:
        render_notice(submitted, "passport")
    assert caught.value.code == "unknown_notice"

    correction = in_correction(w)
    assert notice_kinds_for(correction) == [K.CORRECTION]
    with pytest.raises(DomainError):
        render_notice(correction, K.REFUSAL)
    # Once resubmitted and accepted, the old correction list no longer fits.
    correction = s.resubmit(s.Ctx(w.clerk), correction, correction.revision)
    correction = s.accept(s.Ctx(w.clerk), holding_all(correction), correction.revision)
    assert notice_kinds_for(correction) == [K.ACCEPTANCE]

    assert notice_kinds_for(refused(w)) == [K.REFUSAL]
    denied = decided(w, grant=False)
    assert current_notice_kind(denied) is K.DENIAL
    with pytest.raises(DomainError):
        render_notice(denied, K.GRANT)
    # Without a kind, the notice of the latest decision.
    assert "不予办理决定书" in pdf_text(render_notice(denied))
    withdrawn = s.withdraw(s.Ctx(w.other_citizen, "online"), accepted(w), "申请人撤回")
    assert notice_kinds_for(withdrawn) == []
    assert notice_filename(denied, K.DENIAL) == f"{denied.number}-denial.pdf"


def test_progress_url_uses_the_public_base(w, settings, client):
    case = accepted(w)
    settings.TONGBAN_PUBLIC_BASE_URL = "https://zwfw.example.gov.cn/"
    url = progress_url(case)
    assert url == f"https://zwfw.example.gov.cn/progress/?number={case.number}&code={case.query_code}"
    assert url in link_uris(render_notice(case, K.ACCEPTANCE))
    # Configured, it wins over the address a page was asked at (behind a proxy only it knows the public name).
    client.force_login(w.clerk)
    pdf = client.get(f"/cases/{case.number}/notices/acceptance.pdf", HTTP_HOST="localhost:8123")
    assert pdf.status_code == 200 and url in link_uris(pdf.content)


def test_unconfigured_the_qr_code_follows_the_server_and_the_request(w, settings, client):
    """``make run PORT=8123`` with no TONGBAN_PUBLIC_BASE_URL: a notice printed from a page links to the address
    the clerk used; one made without a request (a worker) to the local server on that port. The old default
    pointed every QR code at port 8000."""
    case = accepted(w)
    settings.TONGBAN_PUBLIC_BASE_URL = ""
    settings.TONGBAN_LOCAL_BASE_URL = "http://127.0.0.1:8123"
    settings.ALLOWED_HOSTS = ["127.0.0.1", "zwfw.zhuji.example"]
    assert progress_url(case).startswith("http://127.0.0.1:8123/progress/?number=")
    client.force_login(w.clerk)
    pdf = client.get(f"/cases/{case.number}/notices/acceptance.pdf", HTTP_HOST="127.0.0.1:8123")
    assert pdf.status_code == 200 and progress_url(case, "http://127.0.0.1:8123") in link_uris(pdf.content)
    pdf = client.get(f"/cases/{case.number}/notices/acceptance.pdf", HTTP_HOST="zwfw.zhuji.example", secure=True)
    assert progress_url(case, "https://zwfw.zhuji.example") in link_uris(pdf.content)
    # A host name Django does not serve is refused before anything is printed with it.
    assert client.get(f"/cases/{case.number}/notices/acceptance.pdf", HTTP_HOST="evil.example").status_code == 400


def test_qr_code_encodes_the_url():
    url = "http://127.0.0.1:8000/progress/?number=330681-20260929-000001&code=ABC234"
    matrix = notice_pdf.qr_matrix(url)
    n = len(matrix)
    assert n == len(matrix[0]) and (n - 8 - 21) % 4 == 0  # a QR version's size plus the quiet zone
    # Finder pattern in the top-left corner, inside the four-module quiet zone.
    assert all(matrix[4][4 + i] for i in range(7)) and not any(matrix[3][4:11])
    assert matrix != notice_pdf.qr_matrix(url.replace("ABC234", "ABC235"))


# ---- the font ------------------------------------------------------------------------------------------


def test_font_found_on_this_machine():
    path, index = notice_pdf.find_font()
    assert Path(path).is_file() and index >= 0


def test_missing_font_is_a_clear_error():
    with pytest.raises(notice_pdf.NoticeFontMissing, match="fonts-wqy-zenhei"):
        notice_pdf.find_font(env="", candidates=[("/nonexistent/font.ttc", 0)])
    with pytest.raises(notice_pdf.NoticeFontMissing, match="不存在"):
        notice_pdf.find_font(env="/nonexistent/font.ttf")


def test_unusable_fonts_are_refused_not_drawn_as_boxes():
    cff = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    if cff.is_file():  # CFF outlines: reportlab cannot embed them
        with pytest.raises(notice_pdf.NoticeFontMissing, match="无法嵌入"):
            notice_pdf.find_font(env=f"{cff}#0")
    latin = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if latin.is_file():  # a TrueType font without Chinese characters
        with pytest.raises(notice_pdf.NoticeFontMissing, match="缺少中文字符"):
            notice_pdf.find_font(env=str(latin))
        with pytest.raises(notice_pdf.NoticeFontMissing, match="已尝试"):
            notice_pdf.find_font(env="", candidates=[(str(latin), 0)])
