"""The printable licence (pure; no Django): its face with the type's fields, the QR code a phone or an
offline verifier reads, a seal mark of the issuing body, and the CJK font embedded (the notices' font, found
on disk and checked, cases/notice_pdf.py). The PDF is a print of the licence; what is signed is its content
(the seal in the QR code), so the QR verifies a paper copy as well as the file."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as rl_canvas

from tongban.cases.notice_pdf import QrCode, notice_font

RED = colors.Color(0.78, 0.06, 0.18)
QR_SIZE = 34 * mm  # a version-11 code at 61 modules: 0.56 mm a module, easy for a phone from paper


@dataclass(frozen=True)
class Face:
    title: str
    rows: Sequence[tuple[str, str]]
    identifier: str
    qr_text: str
    issuer: str
    issued_on: str
    layout: str = "certificate"
    notes: Sequence[str] = field(default_factory=tuple)  # annotations (加注件) and status words under the face
    watermark: str = ""  # e.g. 已吊销: printed across a licence that is no longer valid


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines, line = [], ""
    for char in text:
        if stringWidth(line + char, font, size) > width and line:
            lines.append(line)
            line = char
        else:
            line += char
    return [*lines, line] if line else lines or [""]


def _seal(c: rl_canvas.Canvas, font: str, x: float, y: float, radius: float, name: str) -> None:
    """A seal mark: a red ring, a star, the body's name around the upper arc, 电子证照专用章 below."""
    c.saveState()
    c.setStrokeColor(RED)
    c.setFillColor(RED)
    c.setLineWidth(1.6)
    c.circle(x, y, radius, stroke=1, fill=0)
    star = radius * 0.28
    points = [
        (x + star * math.cos(math.pi / 2 + i * 4 * math.pi / 5), y + star * math.sin(math.pi / 2 + i * 4 * math.pi / 5))
        for i in range(5)
    ]
    path = c.beginPath()
    path.moveTo(*points[0])
    for point in points[1:]:
        path.lineTo(*point)
    path.close()
    c.drawPath(path, stroke=0, fill=1)
    size = radius * 0.24
    arc = math.radians(220)
    step = arc / max(len(name) - 1, 1)
    for i, char in enumerate(name):
        angle = math.radians(90) + arc / 2 - i * step
        cx, cy = x + (radius - size * 1.1) * math.cos(angle), y + (radius - size * 1.1) * math.sin(angle)
        c.saveState()
        c.translate(cx, cy)
        c.rotate(math.degrees(angle) - 90)
        c.setFont(font, size)
        c.drawCentredString(0, -size / 3, char)
        c.restoreState()
    c.setFont(font, size * 0.8)
    c.drawCentredString(x, y - radius * 0.55, "电子证照专用章")
    c.restoreState()


def render(face: Face) -> bytes:
    font = notice_font()
    size = A4 if face.layout != "card" else landscape(A5)
    width, height = size
    out = io.BytesIO()
    c = rl_canvas.Canvas(out, pagesize=size, pageCompression=1)
    c.setTitle(f"{face.title} {face.identifier}")
    c.setAuthor(face.issuer)
    c.setSubject("电子证照")
    margin = 14 * mm
    c.setStrokeColor(RED)
    c.setLineWidth(2.2)
    c.rect(margin, margin, width - 2 * margin, height - 2 * margin)
    c.setLineWidth(0.6)
    c.rect(margin + 2.5 * mm, margin + 2.5 * mm, width - 2 * margin - 5 * mm, height - 2 * margin - 5 * mm)

    top = height - margin - 20 * mm
    c.setFillColor(colors.black)
    c.setFont(font, 24 if face.layout != "card" else 20)
    c.drawCentredString(width / 2, top, face.title)
    c.setFont(font, 9 if face.layout != "card" else 7.5)
    c.drawCentredString(width / 2, top - 7 * mm, f"证照标识：{face.identifier}")

    bottom = margin + 12 * mm
    card = face.layout == "card"
    # The QR code: bottom left on a certificate, top right on a card (whose rows then take the left part and
    # the whole height); the rows never run into it (they are set smaller when there are many).
    qr_x, qr_y = (width - margin - 12 * mm - QR_SIZE, top - 14 * mm - QR_SIZE) if card else (margin + 12 * mm, bottom)
    label_x, value_x = margin + 14 * mm, margin + (38 if card else 48) * mm
    right = qr_x - 6 * mm if card else width - margin - 10 * mm
    floor = bottom + 4 * mm if card else bottom + QR_SIZE + 8 * mm
    y = top - 16 * mm
    value_width = right - value_x
    lines = [(label, _wrap(value or "—", font, 12, value_width)) for label, value in face.rows]
    notes = [line for note in face.notes for line in _wrap(note, font, 9, right - label_x)]
    needed = sum(len(v) * 6.5 * mm + 1.5 * mm for _, v in lines) + len(notes) * 5 * mm
    scale = max(0.55, min(1.0, (y - floor) / needed)) if needed else 1.0
    if scale < 1.0:
        lines = [(label, _wrap(value or "—", font, 12 * scale, value_width)) for label, value in face.rows]
    for label, value_lines in lines:
        c.setFont(font, 11 * scale)
        c.setFillColor(colors.Color(0.3, 0.3, 0.3))
        c.drawString(label_x, y, label)
        c.setFillColor(colors.black)
        c.setFont(font, 12 * scale)
        for line in value_lines:
            c.drawString(value_x, y, line)
            y -= 6.5 * mm * scale
        y -= 1.5 * mm * scale
    c.setFont(font, 9 * scale)
    for line in notes:
        c.drawString(label_x, y, line)
        y -= 5 * mm * scale

    qr = QrCode(face.qr_text, QR_SIZE)
    qr.drawOn(c, qr_x, qr_y)
    c.setFont(font, 8)
    c.drawString(qr_x, qr_y - 5 * mm, "扫码核验（亦可离线核验）")
    c.setFont(font, 12)
    c.drawRightString(width - margin - 14 * mm, bottom + 10 * mm, face.issuer)
    c.drawRightString(width - margin - 14 * mm, bottom + 3 * mm, face.issued_on)
    _seal(c, font, width - margin - 40 * mm, bottom + 14 * mm, 19 * mm, face.issuer)
    if face.watermark:
        c.saveState()
        c.setFillColor(colors.Color(0.78, 0.06, 0.18, alpha=0.35))
        c.setFont(font, 64)
        c.translate(width / 2, height / 2)
        c.rotate(30)
        c.drawCentredString(0, 0, face.watermark)
        c.restoreState()
    c.showPage()
    c.save()
    return out.getvalue()
