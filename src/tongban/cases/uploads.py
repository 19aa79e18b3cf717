"""Recognise uploaded files by their content, not their name (pure; no Django)."""

from __future__ import annotations

import io
import zipfile

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ALLOWED = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG", "application/ofd": "OFD"}


def sniff(head: bytes, whole: bytes | None = None) -> str | None:
    """The MIME type of PDF, JPEG, PNG or OFD content, or None."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"PK\x03\x04") and whole is not None:
        # OFD (GB/T 33190) is a zip package whose entry point is OFD.xml at the root.
        try:
            with zipfile.ZipFile(io.BytesIO(whole)) as package:
                if "OFD.xml" in package.namelist():
                    return "application/ofd"
        except zipfile.BadZipFile:
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
    return kind, None
