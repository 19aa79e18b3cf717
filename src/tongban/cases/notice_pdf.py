"""Printable A4 notices in Chinese (pure; no Django): a CJK TrueType font that is really embedded, a small
document model (blocks) and its reportlab layout, with a QR code that links to the progress page.

Why a TrueType font found on disk: reportlab embeds TrueType outlines only (Debian's Noto CJK is CFF), and
its built-in CID fonts (STSong-Light) are not embedded, so a reader without Adobe's Asian font pack shows
boxes. Without a usable font we raise NoticeFontMissing rather than print boxes.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import qrcode
from reportlab.lib import colors
from reportlab.lib import textsplit as rl_textsplit
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import paragraph as rl_paragraph

FONT_ENV = "TONGBAN_PDF_FONT"  # "path" or "path#index" (index of the face inside a .ttc)
FONT_NAME = "TongbanCJK"
# Known places of TrueType (not CFF) CJK fonts: Debian/Ubuntu, Fedora, Arch, macOS, Windows.
FONT_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
    ("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc", 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),
    ("C:/Windows/Fonts/simsun.ttc", 0),
)
# A font that lacks any of these is no use for an official notice.
PROBE_TEXT = "受理通知书补正材料容缺承诺行政许可法第三十二条〔〕（）：，。年月日"
INSTALL_HINT = "请安装 fonts-wqy-zenhei（apt-get install fonts-wqy-zenhei），或以环境变量 TONGBAN_PDF_FONT 指定 TrueType 中文字体文件"

# Chinese line-breaking (禁则): reportlab's list of characters that may not start a line has the Japanese
# marks but not the full-width Chinese ones (，；：！？》” …), so a line could begin with a comma.
# Both wrapping paths (one text run, several runs) read their module's copy of the list.
_NO_LINE_START = "，；：！？）》〉】〕」』”’…％"
for _module in (rl_textsplit, rl_paragraph):
    _module.ALL_CANNOT_START += "".join(ch for ch in _NO_LINE_START if ch not in _module.ALL_CANNOT_START)

PAGE_W, PAGE_H = A4
MARGINS = {"top": 24 * mm, "bottom": 24 * mm, "left": 26 * mm, "right": 24 * mm}
BODY_SIZE, BODY_LEADING = 13, 21
INK = colors.black
RED = colors.Color(0.78, 0.06, 0.18)


class NoticeFontMissing(RuntimeError):
    """No embeddable Chinese TrueType font: printing would show boxes instead of characters."""


# ---- the font ------------------------------------------------------------------------------------------


def _parse_font_spec(spec: str) -> tuple[str, int]:
    path, _, index = spec.partition("#")
    return path, int(index or 0)


def _load(path: str, index: int) -> TTFont:
    font = TTFont(FONT_NAME, path, subfontIndex=index)
    missing = [ch for ch in PROBE_TEXT if ord(ch) not in font.face.charToGlyph]
    if missing:
        raise NoticeFontMissing(f"字体 {path} 缺少中文字符（{''.join(missing)}），不能用于打印通知书。{INSTALL_HINT}")
    return font


def find_font(env: str | None = None, candidates: Sequence[tuple[str, int]] = FONT_CANDIDATES) -> tuple[str, int]:
    """The font to embed: the one named by TONGBAN_PDF_FONT (which must work), else the first known one."""
    spec = os.environ.get(FONT_ENV, "") if env is None else env
    if spec:
        path, index = _parse_font_spec(spec)
        if not Path(path).is_file():
            raise NoticeFontMissing(f"{FONT_ENV} 指定的字体文件不存在：{path}。{INSTALL_HINT}")
        try:
            _load(path, index)
        except TTFError as exc:  # e.g. CFF outlines, which reportlab cannot embed
            raise NoticeFontMissing(f"{FONT_ENV} 指定的字体无法嵌入 PDF（{exc}）。{INSTALL_HINT}") from exc
        return path, index
    tried = []
    for path, index in candidates:
        if not Path(path).is_file():
            continue
        try:
            _load(path, index)
        except (TTFError, NoticeFontMissing) as exc:
            tried.append(f"{path}：{exc}")
            continue
        return path, index
    detail = f"（已尝试：{'；'.join(tried)}）" if tried else ""
    raise NoticeFontMissing(f"未找到可嵌入 PDF 的中文 TrueType 字体{detail}。{INSTALL_HINT}")


@functools.cache
def _register(path: str, index: int) -> str:
    pdfmetrics.registerFont(_load(path, index))
    return FONT_NAME


@functools.cache
def _font_for(spec: str) -> tuple[str, int]:
    # Checking a CJK font parses the whole file (over half a second): once per process and setting.
    return find_font(spec)


def notice_font() -> str:
    """Register the CJK font with reportlab once (per file) and return its name."""
    return _register(*_font_for(os.environ.get(FONT_ENV, "")))


# ---- the document model --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Para:
    text: str
    indent: bool = True  # first-line indent of two characters, as in Chinese official documents


@dataclass(frozen=True)
class Facts:
    """A table of labelled facts (办件编号, 申请事项 …): a row is (label, value) across the width, or
    (label, value, label, value) for two short facts side by side."""

    rows: Sequence[tuple[str, str] | tuple[str, str, str, str]]


@dataclass(frozen=True)
class Numbered:
    """A numbered list: the one complete list of a correction notice."""

    items: Sequence[str]


@dataclass(frozen=True)
class Grid:
    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths: Sequence[float] = ()  # fractions of the text width


@dataclass(frozen=True)
class Signatures:
    """Lines to sign by hand: (who, with a date line?)."""

    lines: Sequence[tuple[str, bool]]


Block = Para | Facts | Numbered | Grid | Signatures


@dataclass
class Notice:
    title: str
    issuer: str  # the organ that issues (or receives, for a commitment) and stamps it
    reference: str  # printed under the title, e.g. 编号：330681-20260929-000001-SL
    addressee: str  # 张三 → "张三：" ; blank for none
    blocks: list[Block]
    issued_on: dt.date
    qr_url: str
    qr_caption: Sequence[str] = ()
    footer: str = ""  # left of the page number on every page
    stamp_label: str = "（盖章）"
    note: str = ""  # a small line at the end (copies, where to ask)
    metadata: dict[str, str] = field(default_factory=dict)


def cn_date(d: dt.date | None, blank: str = "　　年　　月　　日") -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else blank


# ---- flowables -----------------------------------------------------------------------------------------


class HeavyText(Flowable):
    """A centred line in faux bold (fill + stroke): the one CJK font has no bold face."""

    def __init__(
        self, text: str, size: float, colour: colors.Color = INK, space_after: float = 0, letter_space: float = 0
    ):
        super().__init__()
        self.text, self.size, self.colour, self.letter_space = text, size, colour, letter_space
        self.spaceAfter = space_after

    def _text_width(self) -> float:
        return pdfmetrics.stringWidth(self.text, FONT_NAME, self.size) + self.letter_space * max(len(self.text) - 1, 0)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.avail_width = avail_width
        return avail_width, self.size * 1.3

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.setFillColor(self.colour)
        c.setStrokeColor(self.colour)
        c.setLineWidth(self.size / 40)
        t = c.beginText()
        t.setTextRenderMode(2)
        t.setFont(FONT_NAME, self.size)
        t.setCharSpace(self.letter_space)
        t.setTextOrigin((self.avail_width - self._text_width()) / 2, self.size * 0.25)
        t.textOut(self.text)
        c.drawText(t)
        c.restoreState()


class Rule(Flowable):
    def __init__(self, colour: colors.Color = RED, width: float = 1.2, space: float = 4):
        super().__init__()
        self.colour, self.line_width, self.space = colour, width, space

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.avail_width = avail_width
        return avail_width, self.space * 2

    def draw(self) -> None:
        self.canv.setStrokeColor(self.colour)
        self.canv.setLineWidth(self.line_width)
        self.canv.line(0, self.space, self.avail_width, self.space)


def qr_matrix(url: str) -> list[list[bool]]:
    """The QR code's modules (True = dark), with the standard four-module quiet zone."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


def qr_svg(url: str, title: str = "扫码查询办理进度") -> str:
    """The same QR code as inline SVG for a web page (a receipt): one path, crisp at any zoom, no image file."""
    matrix = qr_matrix(url)
    n = len(matrix)
    runs = []
    for r, row in enumerate(matrix):
        x0 = None
        for col, dark in enumerate([*row, False]):
            if dark and x0 is None:
                x0 = col
            elif not dark and x0 is not None:
                runs.append(f"M{x0} {r}h{col - x0}v1h-{col - x0}z")
                x0 = None
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n}" role="img" class="qr" '
        f'shape-rendering="crispEdges"><title>{escape(title)}</title><rect width="{n}" height="{n}" fill="#fff"/>'
        f'<path d="{"".join(runs)}" fill="#000"/></svg>'
    )


class QrCode(Flowable):
    """Vector QR code (sharp at any printer resolution) that is also a clickable link in a PDF reader."""

    def __init__(self, url: str, size: float):
        super().__init__()
        self.url, self.size = url, size
        self.matrix = qr_matrix(url)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        c = self.canv
        n = len(self.matrix)
        cell = self.size / n
        c.saveState()
        c.setFillColor(colors.black)
        for r, row in enumerate(self.matrix):
            y = self.size - (r + 1) * cell
            x0 = None
            for col, dark in enumerate([*row, False]):  # runs of dark modules drawn as one rectangle
                if dark and x0 is None:
                    x0 = col
                elif not dark and x0 is not None:
                    c.rect(x0 * cell, y, (col - x0) * cell, cell, stroke=0, fill=1)
                    x0 = None
        c.restoreState()
        c.linkURL(self.url, (0, 0, self.size, self.size), relative=1, thickness=0)


# ---- layout --------------------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle(
        "body",
        fontName=FONT_NAME,
        fontSize=BODY_SIZE,
        leading=BODY_LEADING,
        textColor=INK,
        wordWrap="CJK",
        alignment=TA_JUSTIFY,
    )
    return {
        "body": base,
        "indent": ParagraphStyle("indent", parent=base, firstLineIndent=2 * BODY_SIZE),
        "issuer": ParagraphStyle("issuer", parent=base, fontSize=15, leading=22, alignment=TA_CENTER),
        "ref": ParagraphStyle("ref", parent=base, fontSize=11, leading=16, alignment=TA_RIGHT),
        "cell": ParagraphStyle("cell", parent=base, fontSize=11.5, leading=16, alignment=TA_LEFT),
        "label": ParagraphStyle(
            "label", parent=base, fontSize=11.5, leading=16, alignment=TA_LEFT, textColor=colors.Color(0.2, 0.2, 0.2)
        ),
        "item": ParagraphStyle("item", parent=base, leftIndent=2.6 * BODY_SIZE, firstLineIndent=-1.3 * BODY_SIZE),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "small": ParagraphStyle(
            "small", parent=base, fontSize=9.5, leading=13, alignment=TA_LEFT, textColor=colors.Color(0.25, 0.25, 0.25)
        ),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _grid_style(header: bool) -> TableStyle:
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),  # else Table sets Helvetica (unembedded) on each cell
        ("GRID", (0, 0), (-1, -1), 0.6, INK),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.93, 0.93)))
    return TableStyle(commands)


def _block(block: Block, st: dict[str, ParagraphStyle], width: float) -> list[Flowable]:
    if isinstance(block, Para):
        return [_p(block.text, st["indent"] if block.indent else st["body"]), Spacer(1, 3)]
    if isinstance(block, Facts):
        # Sized so a case number (22 characters) and a masked ID (18) stay on one line at 11.5 pt.
        label_w, label2_w = 21 * mm, 28.5 * mm
        value_w = (width - label_w - label2_w) * 0.51
        rows: list[list] = []
        commands: list[tuple] = []
        shade = colors.Color(0.95, 0.95, 0.95)
        for r, row in enumerate(block.rows):
            cells = [_p(v or "—", st["label"] if i % 2 == 0 else st["cell"]) for i, v in enumerate(row)]
            if len(row) == 2:
                rows.append([*cells, "", ""])
                commands.append(("SPAN", (1, r), (3, r)))
            else:
                rows.append(cells)
                commands.append(("BACKGROUND", (2, r), (2, r), shade))
        table = Table(rows, colWidths=[label_w, value_w, label2_w, width - label_w - value_w - label2_w], hAlign="LEFT")
        table.setStyle(_grid_style(False))
        table.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, -1), shade), *commands]))
        return [Spacer(1, 4), table, Spacer(1, 8)]
    if isinstance(block, Numbered):
        return [_p(f"{i}. {text}", st["item"]) for i, text in enumerate(block.items, 1)] + [Spacer(1, 4)]
    if isinstance(block, Grid):
        fractions = list(block.widths) or [1 / len(block.header)] * len(block.header)
        data = [[_p(h, st["label"]) for h in block.header]]
        data += [[_p(str(v), st["cell"]) for v in row] for row in block.rows]
        table = Table(data, colWidths=[f * width for f in fractions], hAlign="LEFT", repeatRows=1)
        table.setStyle(_grid_style(True))
        return [Spacer(1, 4), table, Spacer(1, 8)]
    if isinstance(block, Signatures):
        # Plain strings (drawn as they are): a Paragraph would collapse the blanks of a hand-written date.
        rows = [
            [f"{who}：", "", "日期：" if dated else "", "　　年　　月　　日" if dated else ""]
            for who, dated in block.lines
        ]
        table = Table(
            rows,
            colWidths=[width * 0.35, width * 0.28, width * 0.12, width * 0.25],
            rowHeights=[11 * mm] * len(rows),
            hAlign="LEFT",
        )
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("FONTSIZE", (0, 0), (-1, -1), BODY_SIZE),
                    ("LINEBELOW", (1, 0), (1, -1), 0.6, INK),
                ]
            )
        )
        return [Spacer(1, 2), KeepTogether(table), Spacer(1, 4)]
    raise TypeError(block)


def _closing(notice: Notice, st: dict[str, ParagraphStyle], width: float) -> Flowable:
    """QR code and how to use it on the left; issuer, stamp place and date on the right."""
    qr_size = 30 * mm
    caption = [_p(line, st["small"]) for line in notice.qr_caption]
    left = Table([[QrCode(notice.qr_url, qr_size)], *[[c] for c in caption]], colWidths=[width * 0.45], hAlign="LEFT")
    left.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    right = [
        Spacer(1, 6 * mm),
        _p(notice.issuer, st["right"]),
        _p(notice.stamp_label, st["right"]),
        _p(cn_date(notice.issued_on), st["right"]),
    ]
    table = Table([[left, right]], colWidths=[width * 0.45, width * 0.55])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return KeepTogether([Spacer(1, 8), table])


def _numbered_canvas(footer: str):
    class NumberedCanvas(rl_canvas.Canvas):
        """Draws "第 n 页 共 m 页" once the page count is known."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # reportlab calls it once per page; keep the page for save()
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(FONT_NAME, 9)
                self.setFillColor(colors.Color(0.35, 0.35, 0.35))
                self.drawString(MARGINS["left"], 14 * mm, footer)
                self.drawRightString(PAGE_W - MARGINS["right"], 14 * mm, f"第 {self._pageNumber} 页 共 {total} 页")
                super().showPage()
            super().save()

    return NumberedCanvas


def render(notice: Notice) -> bytes:
    """The notice as an A4 PDF with the CJK font embedded (subset)."""
    notice_font()
    st = _styles()
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGINS["left"],
        rightMargin=MARGINS["right"],
        topMargin=MARGINS["top"],
        bottomMargin=MARGINS["bottom"],
        title=notice.metadata.get("title", notice.title),
        author=notice.issuer,
        subject=notice.metadata.get("subject", ""),
        creator="Tongban",
        invariant=1,
        lang="zh-CN",
        initialFontName=FONT_NAME,
        initialFontSize=BODY_SIZE,  # no unembedded Helvetica
    )
    width = doc.width
    doc.addPageTemplates(
        [
            PageTemplate(
                "notice",
                [Frame(doc.leftMargin, doc.bottomMargin, width, doc.height, id="body", leftPadding=0, rightPadding=0)],
            )
        ]
    )
    story: list[Flowable] = [
        _p(notice.issuer, st["issuer"]),
        Spacer(1, 4),
        HeavyText(notice.title, 22, letter_space=3, space_after=2),
        Rule(),
        _p(notice.reference, st["ref"]),
        Spacer(1, 8),
    ]
    if notice.addressee:
        story.append(_p(f"{notice.addressee}：", st["body"]))
    for block in notice.blocks:
        story += _block(block, st, width)
    story.append(_closing(notice, st, width))
    if notice.note:
        story += [Spacer(1, 6), _p(notice.note, st["small"])]
    doc.build(story, canvasmaker=_numbered_canvas(notice.footer))
    return buf.getvalue()
