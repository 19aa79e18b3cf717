"""Scanned and uploaded materials of a cross-region case: checked and stored on the node that took them, sent
whole (base64) to the deciding node, which keeps them on its own case."""

from __future__ import annotations

import base64
import hashlib
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tongban.core.errors import DomainError
from tongban.core.uploads import upload_problem


def store_scans(scans: list[tuple[str, str, bytes]]) -> list[dict]:
    """(material name, file name, content) → the rows the case keeps; every file read whole and checked."""
    out = []
    for name, filename, content in scans:
        content_type, problem = upload_problem(filename, content)
        if problem:
            raise DomainError("bad_file", problem, "materials")
        path = default_storage.save(f"crossregion/{uuid.uuid4().hex}", ContentFile(content))
        out.append(
            {
                "name": name,
                "filename": filename,
                "content_type": content_type,
                "size": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
                "path": path,
            }
        )
    return out


def with_content(materials: list[dict]) -> list[dict]:
    out = []
    for m in materials:
        with default_storage.open(m["path"], "rb") as fh:
            data = fh.read()
        out.append({k: v for k, v in m.items() if k != "path"} | {"content": base64.b64encode(data).decode()})
    return out


def received(materials: list[dict]) -> list[tuple[dict, bytes]]:
    """The files of a message, each checked against its declared digest (a corrupted file is refused)."""
    out = []
    for m in materials:
        data = base64.b64decode(m.get("content", ""))
        if hashlib.sha256(data).hexdigest() != m.get("sha256"):
            raise DomainError("bad_file", f"材料“{m.get('name')}”的摘要与内容不符", "materials")
        out.append(({k: v for k, v in m.items() if k != "content"}, data))
    return out


def store_received(materials: list[dict]) -> list[dict]:
    """The files of a message, checked (``received``) and stored on this node: rows as ``store_scans`` keeps."""
    out = []
    for meta, data in received(materials):
        path = default_storage.save(f"crossregion/{uuid.uuid4().hex}", ContentFile(data))
        out.append(meta | {"path": path})
    return out
