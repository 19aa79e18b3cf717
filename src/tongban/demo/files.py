"""Real files for the demo guides' materials (pure; no Django): a blank form (空白表格) as an Excel sheet people
can fill in, and a filled-in sample (示例样表) as a PDF, both built from the item's application form.

The sample's PDF embeds the CJK TrueType font the printable notices use (cases.notice_pdf); without one it
falls back to reportlab's built-in Song font, which readers without the Adobe Asian font pack may not show.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from tongban.cases.notice_pdf import NoticeFontMissing, notice_font

# What a proxy letter and a commitment ask, whatever the item (their blank forms are shared by many items).
PROXY_FIELDS = [
    {"label": "委托人姓名"},
    {"label": "委托人公民身份号码", "type": "id_number"},
    {"label": "受托人（代理人）姓名"},
    {"label": "受托人公民身份号码", "type": "id_number"},
    {"label": "委托事项"},
    {"label": "委托权限"},
    {"label": "委托期限", "type": "date"},
]
COMMITMENT_FIELDS = [{"label": "承诺人（单位）"}, {"label": "承诺事项"}, {"label": "联系电话", "type": "phone"}]
EXAMPLE_ID = "33068119900101××××"  # masked: a made-up number that is valid could be someone's
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def fields_for(title: str, form: Sequence[Mapping[str, Any]]) -> Sequence[Mapping[str, Any]]:
    if "委托书" in title:
        return PROXY_FIELDS
    if "承诺书" in title:
        return COMMITMENT_FIELDS
    return [f for f in form if f.get("label")] or [{"label": "申请人姓名"}, {"label": "申请事项"}]


def _hint(field: Mapping[str, Any]) -> str:
    kind = field.get("type", "text")
    if field.get("options"):
        return "选择：" + " / ".join(str(o) for o in field["options"])
    return {
        "id_number": "18位公民身份号码",
        "uscc": "18位统一社会信用代码",
        "phone": "手机或固定电话",
        "date": "年　月　日",
        "number": "数字",
    }.get(kind, str(field.get("help", "")))


def example_value(field: Mapping[str, Any]) -> str:
    """A made-up value that shows how the field is filled in (never a real person's)."""
    kind, label = field.get("type", "text"), str(field.get("label", ""))
    if field.get("options"):
        return str(field["options"][0])
    if kind == "id_number":
        return EXAMPLE_ID
    if kind == "uscc":
        return "91330681MA2BXXXXXX（示例）"
    if kind == "phone":
        return "138××××0000"
    if kind == "date":
        return "2026年1月5日"
    if kind == "number":
        return "1"
    if "姓名" in label or "人" in label[-1:]:
        return "张三"
    if "地址" in label or "住所" in label:
        return "浙江省诸暨市暨阳街道示例路1号"
    if "名称" in label:
        return "诸暨市示例有限公司"
    return "（按实际情况填写）"


def blank_form_xlsx(title: str, fields: Sequence[Mapping[str, Any]]) -> bytes:
    """A printable sheet: the title, one row per field to fill in, signature and date."""
    wb = Workbook()
    ws = wb.active
    ws.title = "申请表"
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 26
    ws.column_dimensions["C"].width = 44
    ws.merge_cells("A1:C1")
    ws["A1"] = title
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.merge_cells("A2:C2")
    ws["A2"] = "请用黑色签字笔如实填写，字迹清楚；也可在线申报，由系统根据填写内容自动生成本表。"
    ws["A2"].alignment = Alignment(wrap_text=True)
    ws.append(["序号", "填写项", "填写内容"])
    for cell in ws[3]:
        cell.font, cell.border = Font(bold=True), _BOX
    for number, field in enumerate(fields, start=1):
        hint = _hint(field)
        ws.append([number, f"{field['label']}（{hint}）" if hint else str(field["label"]), None])
        for cell in ws[ws.max_row]:
            cell.border = _BOX
        ws.row_dimensions[ws.max_row].height = 24
    ws.append([])
    ws.append(["", "申请人（签名或盖章）：", "日期：　　　　年　　月　　日"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _font() -> str:
    try:
        return notice_font()
    except NoticeFontMissing:
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        return "STSong-Light"


def sample_pdf(title: str, fields: Sequence[Mapping[str, Any]]) -> bytes:
    """The form filled in with made-up values, marked 样表 so it is never taken for a real application."""
    font = _font()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=True)
    pdf.setTitle(f"{title}（示例）")
    width, height = A4
    pdf.saveState()
    pdf.setFillColor(colors.Color(0.85, 0.2, 0.2, alpha=0.12))
    pdf.setFont(font, 96)
    pdf.translate(width / 2, height / 2)
    pdf.rotate(35)
    pdf.drawCentredString(0, 0, "样表")
    pdf.restoreState()
    pdf.setFont(font, 18)
    pdf.drawCentredString(width / 2, height - 30 * mm, title)
    pdf.setFont(font, 10)
    pdf.setFillColor(colors.red)
    pdf.drawCentredString(width / 2, height - 38 * mm, "示例样表：以下内容仅示范填写方法，不是真实信息")
    pdf.setFillColor(colors.black)
    y = height - 52 * mm
    for number, field in enumerate(fields, start=1):
        if y < 40 * mm:
            break
        pdf.setFont(font, 11)
        pdf.rect(20 * mm, y - 3 * mm, 170 * mm, 10 * mm)
        pdf.drawString(23 * mm, y, f"{number}. {field['label']}")
        pdf.drawString(85 * mm, y, example_value(field))
        y -= 10 * mm
    pdf.drawString(23 * mm, y - 10 * mm, "申请人（签名或盖章）：张三　　　　日期：2026年1月5日")
    pdf.showPage()
    pdf.save()
    return out.getvalue()
