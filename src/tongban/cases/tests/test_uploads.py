"""Uploads judged by their whole content (core/uploads.py). Replays issue 8: a zip bomb saved as OFD, an OFD
with ``../../evil.exe`` inside, a PDF with an /OpenAction JavaScript action and polyglots (PDF+HTML, ``%PDF-``
+ an executable, JPEG+ZIP) were stored because only the first bytes were read. Every malicious sample is
made here; each is refused with a Chinese reason, on the API (error shape) and on the pages, never a 5xx."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from tongban.cases import services as s
from tongban.cases.models import CaseMaterial
from tongban.core import clock, uploads
from tongban.core.testing import files as samples

from .factories import TODAY, Api, form, world

OFD_XML = b'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0">'
OFD_XML += b"<ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
DOCUMENT_XML = b'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"/>'
# The start of a Windows executable: the MZ header and the DOS stub's message.
EXECUTABLE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"
    + b"\x00" * 50
    + b"This program cannot be run in DOS mode.\r\r\n$"
    + b"\0" * 64
)


def ofd(extra: dict[str, bytes] | None = None, *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as package:
        package.writestr("OFD.xml", OFD_XML)
        package.writestr("Doc_0/Document.xml", DOCUMENT_XML)
        for name, content in (extra or {}).items():
            package.writestr(name, content)
    return out.getvalue()


def zip_bomb_ofd(megabytes: int = 64) -> bytes:
    """An OFD whose one resource unpacks to ``megabytes`` of zeros from a few dozen KB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("OFD.xml", OFD_XML)
        with package.open("Doc_0/Res/image.bin", "w") as entry:
            block = b"\0" * (1 << 20)
            for _ in range(megabytes):
                entry.write(block)
    return out.getvalue()


def lying_bomb_ofd() -> bytes:
    """A bomb whose headers claim its resource is 1,000 bytes (it unpacks to 16 MB)."""
    data = bytearray(zip_bomb_ofd(16))
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (at := data.find(signature, start)) >= 0:
            name_length = struct.unpack_from("<H", data, at + (26 if signature == b"PK\x03\x04" else 28))[0]
            header = 30 if signature == b"PK\x03\x04" else 46
            if data[at + header : at + header + name_length] == b"Doc_0/Res/image.bin":
                struct.pack_into("<I", data, at + offset, 1000)
            start = at + 4
    return bytes(data)


def pdf_with(**catalogue: Any) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    for key, value in catalogue.items():
        writer._root_object[NameObject(f"/{key}")] = value
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def javascript_action(code: str = "app.alert('pwned')") -> DictionaryObject:
    return DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(code)})


def pdf_with_attachment() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_attachment("notes.txt", b"an embedded file of any kind")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_of(name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr(name, content)
    return out.getvalue()


def html_in_pdf() -> bytes:
    first, rest = samples.pdf().split(b"\n", 1)
    return first + b"\n%<html><body><script>alert(document.cookie)</script></body></html>\n" + rest


LAUNCH = DictionaryObject({NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")})

# (name, content, what the reason must say)
MALICIOUS: list[tuple[str, bytes, str]] = [
    ("bomb.ofd", zip_bomb_ofd(), "压缩炸弹"),
    ("lying-bomb.ofd", lying_bomb_ofd(), "OFD"),
    ("traversal.ofd", ofd({"../../evil.exe": EXECUTABLE}), "路径不安全"),
    ("absolute.ofd", ofd({"/etc/cron.d/evil": b"* * * * * root sh"}), "路径不安全"),
    ("windows.ofd", ofd({"Doc_0\\..\\..\\evil.dll": b"x"}), "路径不安全"),
    ("payload.ofd", ofd({"Doc_0/Res/setup.exe": EXECUTABLE}), "可执行"),
    ("disguised.ofd", ofd({"Doc_0/Res/font.ttf": EXECUTABLE}), "可执行程序"),
    ("nested.ofd", ofd({"Doc_0/Res/more.bin": zip_of("x.txt", b"x")}), "压缩包"),
    ("script.ofd", ofd({"Doc_0/Page_0/Content.xml": b"<html><script>alert(1)</script></html>"}), "脚本"),
    ("open-action.pdf", pdf_with(OpenAction=javascript_action()), "JavaScript"),
    ("page-action.pdf", pdf_with(AA=DictionaryObject({NameObject("/O"): javascript_action()})), "JavaScript"),
    ("launch.pdf", pdf_with(OpenAction=LAUNCH), "启动外部程序"),
    ("attachment.pdf", pdf_with_attachment(), "内嵌"),
    ("pdf-html.pdf", html_in_pdf(), "网页或脚本"),
    ("pdf-exe.pdf", b"%PDF-1.7\n" + EXECUTABLE + b"\n%%EOF\n", "可执行程序"),
    ("pdf-exe-tail.pdf", samples.pdf() + EXECUTABLE, "可执行程序"),
    ("pdf-trailing.pdf", samples.pdf() + b"\x00garbage after the end" * 100, "结束标记后"),
    ("jpeg-zip.jpg", samples.jpeg() + zip_of("evil.js", b"WScript.Shell"), "压缩包"),
    ("jpeg-html.jpg", samples.jpeg() + b"<script>alert(1)</script>", "网页或脚本"),
    ("jpeg-tail.jpg", samples.jpeg() + b"\x01" * 2000, "图片结束后"),
    ("png-zip.png", samples.png() + zip_of("a.txt", b"a"), "压缩包"),
    ("png-tail.png", samples.png() + b"\x01" * 2000, "图片结束后"),
    ("broken.jpg", samples.jpeg()[:200], "JPEG"),
    ("broken.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "PDF"),
]
CLEAN: list[tuple[str, bytes, str]] = [
    ("scan.pdf", samples.pdf(), "application/pdf"),
    ("photo.jpg", samples.jpeg(), "image/jpeg"),
    ("photo.png", samples.png(), "image/png"),
    ("licence.ofd", ofd({"Doc_0/Res/image.png": samples.png()}), "application/ofd"),
    ("stored.ofd", ofd(compression=zipfile.ZIP_STORED), "application/ofd"),
    ("camera.jpg", samples.jpeg() + samples.jpeg((0, 0, 255)), "image/jpeg"),  # a second image (MPO)
    ("padded.pdf", samples.pdf() + b"\r\n\0\0", "application/pdf"),
    ("destination.pdf", pdf_with(PageMode=NameObject("/UseOutlines")), "application/pdf"),
]


@pytest.mark.parametrize(("name", "content", "reason"), MALICIOUS, ids=[m[0] for m in MALICIOUS])
def test_a_malicious_file_is_refused_with_its_reason(name: str, content: bytes, reason: str) -> None:
    kind, problem = uploads.upload_problem(name, content)
    assert kind is None and problem is not None
    assert problem.startswith(f"文件“{name}”") and reason in problem, problem


@pytest.mark.parametrize(("name", "content", "kind"), CLEAN, ids=[c[0] for c in CLEAN])
def test_a_clean_file_is_accepted(name: str, content: bytes, kind: str) -> None:
    assert uploads.upload_problem(name, content) == (kind, None)


def test_the_unpacked_size_is_counted_while_unpacking_whatever_the_headers_say(monkeypatch) -> None:
    monkeypatch.setattr(uploads, "OFD_MAX_UNPACKED", 300_000)
    resources = {f"Doc_0/Res/{i}.bin": os.urandom(10_000) for i in range(60)}  # 600 KB, not compressible
    kind, problem = uploads.upload_problem("many.ofd", ofd(resources))
    assert kind is None and problem is not None and "压缩炸弹" in problem


def test_an_image_bomb_is_refused_before_it_is_decoded() -> None:
    out = io.BytesIO()
    from PIL import Image

    Image.new("1", (12_000, 12_000)).save(out, "PNG")  # 144 megapixels in a few KB
    kind, problem = uploads.upload_problem("bomb.png", out.getvalue())
    assert kind is None and problem is not None and "像素过多" in problem


# ---- the same refusals through the API and the pages, counted ---------------------------------------------


@pytest.mark.django_db
def test_every_sample_is_refused_by_the_api_and_the_page_without_a_5xx(client: Client, monkeypatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    w = world()
    api = Api(client, w.applicant)
    draft = api.apply(w, submit=False).json()
    statuses = []
    for name, content, _ in MALICIOUS:
        response = api.upload(draft["number"], "结婚证", name, content)
        statuses.append(response.status_code)
        body = response.json()
        assert response.status_code == 400, (name, body)
        assert body["error"]["code"] == "bad_file" and body["error"]["field"] == "file"
        assert name in body["error"]["message"] and "安全" in body["error"]["message"]
    assert not CaseMaterial.objects.filter(case__number=draft["number"]).exists()
    for name, content, _ in CLEAN:
        assert api.upload(draft["number"], "结婚证", name, content).status_code == 201, name
    print(
        f"FIGURES uploads (API): {len(MALICIOUS)} malicious samples, {statuses.count(400)} refused (400), "
        f"{sum(status >= 500 for status in statuses)} 5xx; {len(CLEAN)} clean files accepted"
    )


@pytest.mark.django_db
def test_the_page_refuses_a_sample_in_chinese(client: Client, monkeypatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    w = world()
    case = s.apply_online(s.Ctx(w.applicant, "online"), w.version.implementation, form(w))
    case = s.request_correction(s.Ctx(w.clerk, "window", w.window), case, ["结婚证"], case.revision)
    client.force_login(w.applicant)
    pk = w.version.materials.get(name="结婚证").pk
    for name, content, reason in MALICIOUS[:3] + MALICIOUS[9:11] + MALICIOUS[14:18]:
        response = client.post(
            f"/cases/{case.number}/do/resubmit/",
            {"revision": case.revision, f"material_{pk}": SimpleUploadedFile(name, content)},
        )
        html = response.content.decode()
        assert response.status_code == 400 and name in html and reason in html and "安全原因" in html, name
    assert not CaseMaterial.objects.filter(case=case, name="结婚证").exists()
