"""The licence's printable face from its rows (selectors) and the PDF layout (pdf.py)."""

from __future__ import annotations

from .domain.workflow import LicenceStatus
from .models import Licence, LicenceVersion
from .pdf import Face, render
from .selectors import annotations_of, face_rows, qr_text


def licence_pdf(licence: Licence, version: LicenceVersion, public_base: str) -> bytes:
    notes = [
        f"加注（{a.at:%Y-%m-%d}，{a.author_name}）：{a.reason}。{a.text}"
        + (f"（有效期至 {a.valid_until}）" if a.valid_until else "")
        for a in annotations_of(licence)
    ]
    watermark = ""
    if version.number < licence.version:
        watermark = "已变更"
    elif licence.status != LicenceStatus.VALID.value:
        watermark = "已" + licence.get_status_display()
    face = Face(
        title=licence.licence_type.face_title,
        rows=[(r.label, r.value) for r in face_rows(licence, version, masked=False)],
        identifier=version.identifier,
        qr_text=qr_text(public_base, version),
        issuer=licence.issuer_name,
        issued_on=str(version.content.get("issued_on", "")),
        layout=licence.licence_type.face_layout,
        notes=notes,
        watermark=watermark,
    )
    return render(face)
