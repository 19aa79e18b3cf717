"""The printed licence: every row of the face readable, none under the QR code, in both layouts; the font
embedded."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from ..pdf import QR_SIZE, Face, render

ROWS = [
    ("持证主体", "陈建国"),
    ("持证主体代码", "33068119640903317X"),
    ("残疾类别", "肢体残疾"),
    ("证照编号", "20260000001"),
    ("颁发机构", "诸暨市人力资源和社会保障局"),
    ("颁发日期", "2026-12-05"),
    ("有效期", "2026-12-05 至 2036-12-04"),
]
IDENTIFIER = "1.2.156.3005.2.11100000828493327H001.1133068170911833XY.20260000001.001.H"


def _placed(pdf: bytes) -> dict[str, tuple[float, float]]:
    """Each piece of text on the page and where it starts (x, y in points)."""
    where: dict[str, tuple[float, float]] = {}

    def visit(text: str, _cm: object, tm: list[float], *_: object) -> None:
        if text.strip():
            where.setdefault(text.strip(), (tm[4], tm[5]))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return where


@pytest.mark.parametrize(("layout", "extra"), [("card", 0), ("certificate", 10)])
def test_no_row_of_the_face_lies_under_the_qr_code(layout, extra):
    rows = ROWS + [(f"经营项目{i}", "热食类食品制售（单位食堂）" * 5) for i in range(extra)]
    face = Face("社会保障卡", rows, IDENTIFIER, "HTTP://X/LV/" + "A" * 280, "诸暨市人社局", "2026-12-05", layout=layout)
    pdf = render(face)
    placed = _placed(pdf)
    caption_x, caption_y = placed["扫码核验（亦可离线核验）"]
    qr_left, qr_bottom = caption_x, caption_y + 5 * mm  # the caption sits 5 mm under the code's left corner
    for label, _ in rows:
        x, y = placed[label]
        beside = x + 30 * mm < qr_left  # a card's rows stay left of the code
        above = y > qr_bottom + QR_SIZE  # a certificate's rows stay above it
        assert beside if layout == "card" else above, (label, x, y, qr_left, qr_bottom)
    assert b"FontFile2" in pdf  # the CJK font is embedded
