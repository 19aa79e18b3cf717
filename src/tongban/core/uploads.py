"""What an uploaded file is, judged by its whole content, and whether it is safe to keep (pure; no Django).

A file is accepted as PDF, JPEG, PNG or OFD only if all of it is that and nothing else:
- its first bytes say the type (the name and the browser's content type are never believed);
- a well-kept library reads it whole: pypdf for PDF, Pillow for images, zipfile for OFD (a zip package);
- nothing that runs: PDF JavaScript, launch or form-submit actions, embedded files, XFA forms; executables
  or nested archives inside an OFD;
- no second format hidden in it (a polyglot): HTML or script markup anywhere, a zip directory at the end,
  data after the image's or the PDF's end, an executable's DOS stub;
- bounded: an OFD's entries, paths and unpacked size are checked while it is unpacked (a zip bomb stops at
  the limit, whatever its headers claim), an image's pixels before it is decoded.
Each refusal is one Chinese sentence naming the file (docs/adr/0010-safe-inputs.md).
"""

from __future__ import annotations

import io
import logging
import re
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ALLOWED = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG", "application/ofd": "OFD"}

# An OFD of a few hundred pages unpacks to tens of MB; a bomb claims little and unpacks to gigabytes.
OFD_MAX_UNPACKED = 200 * 1024 * 1024
OFD_MAX_ENTRIES = 20_000
OFD_MAX_RATIO = 200  # unpacked : packed, for entries above a megabyte (XML packs ~10:1, images ~1:1)
IMAGE_MAX_PIXELS = 80_000_000  # a 80-megapixel scan; a bomb declares billions
PDF_MAX_OBJECTS = 200_000  # objects visited when looking for actions: bounded work on a hostile file
TRAILING_ALLOWANCE = 1024  # whitespace or NULs some scanners write after the end marker

_HTML = re.compile(rb"<\s*(?:script|html|!doctype\s+html|iframe|body|svg|object|embed)\b|javascript\s*:", re.IGNORECASE)
_DOS_STUB = b"This program cannot be run in DOS mode"
_EXECUTABLE_HEADS = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")
_EXECUTABLE_SUFFIXES = frozenset(
    [
        ".exe",
        ".dll",
        ".com",
        ".scr",
        ".bat",
        ".cmd",
        ".msi",
        ".ps1",
        ".vbs",
        ".js",
        ".jse",
        ".wsf",
        ".sh",
        ".jar",
        ".apk",
        ".app",
        ".lnk",
        ".hta",
    ]
)
# PDF action types that run something, send data away, or replace the document.
_PDF_BAD_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/RichMediaExecute", "/Rendition"}
)
_PDF_BAD_KEYS = frozenset({"/JS", "/JavaScript", "/EmbeddedFile", "/EmbeddedFiles", "/XFA", "/RichMedia"})

logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged file is refused with a reason, not logged


class Refused(Exception):
    """Why the file is refused (completes 文件“name”…)."""


def sniff(head: bytes, whole: bytes | None = None) -> str | None:
    """The MIME type that the first bytes claim (PDF, JPEG, PNG, or a zip package with OFD.xml), or None."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"PK\x03\x04") and whole is not None:
        try:
            with zipfile.ZipFile(io.BytesIO(whole)) as package:
                if "OFD.xml" in package.namelist():
                    return "application/ofd"
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
    return None


def upload_problem(name: str, data: bytes, max_bytes: int = MAX_UPLOAD_BYTES) -> tuple[str | None, str | None]:
    """(content type, None) for an acceptable file, else (None, a Chinese reason naming the file)."""
    if not data:
        return None, f"文件“{name}”是空文件"
    if len(data) > max_bytes:
        return None, f"文件“{name}”大小为{len(data) / 1048576:.1f}MB，超过{max_bytes // 1048576}MB的上限"
    kind = sniff(data[:16], data)
    if kind is None:
        return None, f"文件“{name}”不是PDF、JPEG、PNG或OFD格式（按文件内容识别，与扩展名无关）"
    try:
        inspect(kind, data)
    except Refused as why:
        return None, f"文件“{name}”{why}，出于安全原因不能上传"
    return kind, None


def inspect(kind: str, data: bytes) -> None:
    """Raise Refused unless ``data`` is wholly a safe file of ``kind``."""
    if kind != "application/ofd":
        _no_second_format(data)
    {
        "application/pdf": _inspect_pdf,
        "image/jpeg": _inspect_jpeg,
        "image/png": _inspect_png,
        "application/ofd": _inspect_ofd,
    }[kind](data)


def _no_second_format(data: bytes) -> None:
    if _HTML.search(data):
        raise Refused("含有网页或脚本代码（疑似伪装文件）")
    if _DOS_STUB in data:
        raise Refused("含有可执行程序（疑似伪装文件）")
    if zipfile.is_zipfile(io.BytesIO(data)):
        raise Refused("末尾附带了压缩包（疑似伪装文件）")


def _only_padding(rest: bytes) -> bool:
    return len(rest) <= TRAILING_ALLOWANCE and not rest.strip(b" \t\r\n\x00")


# ---- PDF ------------------------------------------------------------------------------------------------


def _inspect_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    end = data.rfind(b"%%EOF")
    if end < 0 or not _only_padding(data[end + 5 :]):
        raise Refused("不是完整的PDF文件（文件结束标记后还有其他数据，或文件不完整）")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise Refused("已加密，请上传未加密的PDF文件")
            if len(reader.pages) == 0:
                raise Refused("没有页面")
            _pdf_actions(reader.trailer)
    except Refused:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, RecursionError, OSError) as exc:
        raise Refused("已损坏，无法作为PDF读取") from exc


def _pdf_actions(trailer: object) -> None:
    """Walk every object reachable from the trailer; refuse scripts, launches, embedded files and forms."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    seen: set[tuple[int, int]] = set()
    stack: list[object] = [trailer]
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            ref = (node.idnum, node.generation)
            if ref in seen:
                continue
            seen.add(ref)
            node = node.get_object()
        visited += 1
        if visited > PDF_MAX_OBJECTS:
            raise Refused("结构过于复杂，无法完成安全检查")
        if isinstance(node, DictionaryObject):
            keys = set(node.keys())
            if keys & _PDF_BAD_KEYS:
                raise Refused(_pdf_reason(keys & _PDF_BAD_KEYS))
            action = node.get("/S")
            if isinstance(action, NameObject) and str(action) in _PDF_BAD_ACTIONS:
                raise Refused(_pdf_reason({str(action)}))
            stack.extend(node.values())
        elif isinstance(node, ArrayObject):
            stack.extend(node)


def _pdf_reason(found: set[str]) -> str:
    if found & {"/JS", "/JavaScript"}:
        return "含有JavaScript脚本（打开时可能自动运行）"
    if found & {"/EmbeddedFile", "/EmbeddedFiles"}:
        return "内嵌了其他文件"
    if "/Launch" in found:
        return "含有启动外部程序的动作"
    if "/XFA" in found:
        return "含有XFA动态表单"
    return "含有自动执行或提交数据的动作"


# ---- images ---------------------------------------------------------------------------------------------


def _pillow(data: bytes, fmt: str) -> None:
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[fmt]) as image:
                width, height = image.size
                if width * height > IMAGE_MAX_PIXELS:
                    raise Refused(f"像素过多（{width}×{height}）")
                image.verify()
    except Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise Refused("像素过多（疑似图片炸弹）") from exc
    except Exception as exc:  # Pillow raises many kinds (OSError, SyntaxError, struct.error …) for damage
        raise Refused(f"已损坏，无法作为{fmt}图片读取") from exc


def _jpeg_end(data: bytes, start: int) -> int:
    """Where the JPEG that starts at ``start`` ends (after its EOI marker); Refused if it never ends."""
    i = start + 2
    n = len(data)
    while i + 2 <= n:
        if data[i] != 0xFF:
            raise Refused("JPEG结构不正确")
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xD9:
            return i + 2
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            i += 2
            continue
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        if length < 2 or i + 4 > n:
            raise Refused("JPEG结构不正确")
        i += 2 + length
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next marker (not a stuffed 0xFF00 or RST)
            while True:
                i = data.find(b"\xff", i)
                if i < 0 or i + 1 >= n:
                    raise Refused("不是完整的JPEG图片")
                follower = data[i + 1]
                if follower != 0x00 and not 0xD0 <= follower <= 0xD7:
                    break
                i += 2
    raise Refused("不是完整的JPEG图片")


def _inspect_jpeg(data: bytes) -> None:
    _pillow(data, "JPEG")
    end = _jpeg_end(data, 0)
    # Cameras may store further JPEGs after the first (MPO, depth maps): each must itself be a JPEG.
    while end < len(data) and data.startswith(b"\xff\xd8\xff", end):
        end = _jpeg_end(data, end)
    if not _only_padding(data[end:]):
        raise Refused("在图片结束后还附带了其他数据（疑似伪装文件）")


def _png_end(data: bytes) -> int:
    """Where the PNG ends (after its IEND chunk), walking its chunks from the signature."""
    i = 8
    while i + 8 <= len(data):
        length = int.from_bytes(data[i : i + 4], "big")
        kind = data[i + 4 : i + 8]
        i += 12 + length  # length, type, data, CRC
        if kind == b"IEND":
            return i
    raise Refused("不是完整的PNG图片")


def _inspect_png(data: bytes) -> None:
    _pillow(data, "PNG")
    if not _only_padding(data[_png_end(data) :]):
        raise Refused("在图片结束后还附带了其他数据（疑似伪装文件）")


# ---- OFD ------------------------------------------------------------------------------------------------


def _unsafe_path(name: str) -> bool:
    if not name or "\\" in name or name.startswith("/") or any(ord(c) < 32 for c in name):
        return True
    parts = PurePosixPath(name).parts
    return ".." in parts or (bool(parts) and ":" in parts[0])


def _chunks(package: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    with package.open(info) as entry:
        while chunk := entry.read(1 << 16):
            yield chunk


def _inspect_ofd(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            entries = package.infolist()
            if len(entries) > OFD_MAX_ENTRIES:
                raise Refused(f"包含{len(entries)}个文件，超过{OFD_MAX_ENTRIES}个的上限")
            for info in entries:
                _check_entry(info)
            unpacked = 0
            for info in entries:
                if info.is_dir():
                    continue
                head, tail = b"", b""
                for chunk in _chunks(package, info):
                    unpacked += len(chunk)
                    if unpacked > OFD_MAX_UNPACKED:
                        raise Refused(f"解压后超过{OFD_MAX_UNPACKED // 1048576}MB（疑似压缩炸弹）")
                    if not head:
                        head = chunk[:8]
                    if _HTML.search(tail + chunk):
                        raise Refused(f"内的“{info.filename}”含有网页或脚本代码")
                    tail = chunk[-64:]
                if head.startswith(_EXECUTABLE_HEADS) or head.startswith(b"PK\x03\x04"):
                    raise Refused(f"内的“{info.filename}”是可执行程序或压缩包")
    except Refused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError, EOFError) as exc:
        raise Refused("已损坏，无法作为OFD文件读取") from exc


def _check_entry(info: zipfile.ZipInfo) -> None:
    name = info.filename
    if _unsafe_path(name):
        raise Refused(f"内含路径不安全的文件“{name[:80]}”")
    if (info.external_attr >> 16) & 0o170000 == 0o120000:
        raise Refused(f"内含符号链接“{name[:80]}”")
    if PurePosixPath(name).suffix.lower() in _EXECUTABLE_SUFFIXES:
        raise Refused(f"内含可执行文件“{name[:80]}”")
    if info.file_size > 1024 * 1024 and info.file_size > OFD_MAX_RATIO * max(info.compress_size, 1):
        raise Refused(f"内的“{name[:80]}”压缩比异常（疑似压缩炸弹）")
    if info.file_size > OFD_MAX_UNPACKED:
        raise Refused(f"解压后超过{OFD_MAX_UNPACKED // 1048576}MB（疑似压缩炸弹）")
