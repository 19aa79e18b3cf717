"""The files of a guide's materials (空白表格, 示例样表): which files are accepted and how they are named (pure;
no Django).

People download these files to fill in at home, so only the formats offices publish forms in are taken:
PDF and OFD, Word and WPS documents, Excel and WPS sheets, JPEG and PNG images. A file is judged by its name
and by its first bytes together: a name that claims a format the content does not have is refused. Files are
kept by content (SHA-256): the same bytes are stored once however many versions, items and regions use them,
and a stored file never changes (a new file is a new row).
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import unicodedata

MAX_BYTES = 10 * 1024 * 1024
MAX_NAME_LENGTH = 120

_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # the compound file of .doc, .xls, .wps, .et
# extension → (content type, accepted first bytes, label)
FORMATS: dict[str, tuple[str, tuple[bytes, ...], str]] = {
    ".pdf": ("application/pdf", (b"%PDF-",), "PDF"),
    ".ofd": ("application/ofd", _ZIP, "OFD"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP, "Word"),
    ".doc": ("application/msword", _OLE, "Word"),
    ".wps": ("application/vnd.ms-works", _OLE, "WPS 文字"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP, "Excel"),
    ".xls": ("application/vnd.ms-excel", _OLE, "Excel"),
    ".et": ("application/vnd.ms-excel", _OLE, "WPS 表格"),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",), "JPEG 图片"),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",), "JPEG 图片"),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",), "PNG 图片"),
}
ACCEPTED = "、".join(sorted({ext.lstrip(".") for ext in FORMATS}))
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"|?*\\]')


def clean_name(raw: str) -> str:
    """The file's own name (no folders), normalised and without characters no file system takes."""
    name = unicodedata.normalize("NFC", posixpath.basename((raw or "").replace("\\", "/"))).strip()
    return _UNSAFE.sub("_", name).strip(". ")


def extension(name: str) -> str:
    return posixpath.splitext(name)[1].lower()


def content_type(name: str) -> str:
    return FORMATS.get(extension(name), ("application/octet-stream", (), ""))[0]


def problem(name: str, data: bytes) -> str | None:
    """Why this file cannot be a guide's file (Chinese, for people), or None."""
    clean = clean_name(name)
    if not clean:
        return "文件名不能为空"
    if len(clean) > MAX_NAME_LENGTH:
        return f"文件名过长（不超过{MAX_NAME_LENGTH}个字）"
    fmt = FORMATS.get(extension(clean))
    if fmt is None:
        return f"“{clean}”的格式不能作为空白表格或示例样表（可用格式：{ACCEPTED}）"
    if not data:
        return f"“{clean}”是空文件"
    if len(data) > MAX_BYTES:
        return too_large(clean)
    if not data.startswith(fmt[1]):
        return f"“{clean}”的内容不是{fmt[2]}文件，请检查文件是否损坏或扩展名是否正确"
    return None


def too_large(name: str) -> str:
    return f"“{clean_name(name)}”过大（不超过{MAX_BYTES // 1024 // 1024}MB）"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def storage_path(sha256: str, name: str) -> str:
    """Where the bytes are kept: by content, so equal files are stored once and a stored one never changes."""
    return f"guide-files/{sha256[:2]}/{sha256}{extension(name)}"


def format_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
