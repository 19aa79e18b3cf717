"""Signing electronically delivered documents: the platform key made once, a signature any change breaks, and
one made with another key not trusted."""

from __future__ import annotations

import io

from reportlab.pdfgen import canvas

from tongban.core.signing import PlatformSigner


def a_pdf() -> bytes:
    buf = io.BytesIO()
    page = canvas.Canvas(buf)
    page.drawString(72, 720, "decision")
    page.save()
    return buf.getvalue()


def test_the_key_is_made_once_and_kept(tmp_path):
    first = PlatformSigner(tmp_path, "通办测试平台")
    again = PlatformSigner(tmp_path, "通办测试平台")
    assert first.certificate_pem() == again.certificate_pem()
    assert (tmp_path / "key.pem").stat().st_mode & 0o777 == 0o600


def test_a_signature_verifies_and_any_change_breaks_it(tmp_path):
    signer = PlatformSigner(tmp_path, "通办测试平台")
    signed = signer.sign(a_pdf(), reason="电子送达：测试", location="诸暨市公安局")
    verdict = signer.verify(signed)
    assert verdict.valid and "通办测试平台" in verdict.signer
    offset = signed.index(b"ReportLab")  # a byte of the signed range (the header comment): the file still reads
    tampered = signed[:offset] + b"r" + signed[offset + 1 :]
    assert not signer.verify(tampered).intact
    assert not signer.verify(a_pdf()).signed
    stranger = PlatformSigner(tmp_path / "other", "别人的平台")
    foreign = stranger.sign(a_pdf(), reason="x", location="y")
    assert signer.verify(foreign).intact and not signer.verify(foreign).trusted
