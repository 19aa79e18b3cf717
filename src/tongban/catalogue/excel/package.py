"""A catalogue workbook with its files: a .zip holding one .xlsx and, under 附件/, the blank forms and samples
its 申请材料 rows name (docs/catalogue-excel.md, "附件").

Nothing is extracted to disk: entries are read into memory by name, each within the size a guide file may
have, the whole within a bound, so a hostile archive (a zip bomb, ``../`` names, thousands of entries) costs
no more than a refusal. Names stored by Windows tools in GBK without the UTF-8 flag are decoded as GBK.
"""

from __future__ import annotations

import contextlib
import posixpath
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

from .. import guide_files

FOLDER = "附件"
WORKBOOK_NAME = "目录.xlsx"
MAX_ENTRIES = 5000
MAX_TOTAL_BYTES = 500 * 1024 * 1024
MAX_WORKBOOK_BYTES = 200 * 1024 * 1024
_UTF8_FLAG = 0x800


class PackageError(Exception):
    """The archive cannot be used (the message says why, in Chinese)."""


def _decoded(info: zipfile.ZipInfo) -> str:
    name = info.filename
    if not info.flag_bits & _UTF8_FLAG:
        # zipfile decoded the raw bytes as cp437: Chinese Windows tools wrote GBK
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("gbk")
    return posixpath.normpath(name.replace("\\", "/")).lstrip("/")


def reference(sha256: str, name: str) -> str:
    """How an exported workbook names a stored file (also its path in an exported package)."""
    return f"{FOLDER}/{sha256}/{name}"


def is_reference(value: str) -> bool:
    return value.replace("\\", "/").startswith(FOLDER + "/")


@dataclass
class Package:
    archive: zipfile.ZipFile
    entries: dict[str, zipfile.ZipInfo]  # decoded path → entry (files only)
    workbook: str

    def workbook_bytes(self) -> bytes:
        return self._read(self.entries[self.workbook], MAX_WORKBOOK_BYTES)

    def has(self, path: str) -> bool:
        return _normal(path) in self.entries

    def read(self, path: str) -> bytes:
        """The bytes of an attached file; a file larger than a guide file may be is cut at that size + 1 (the
        caller's check refuses it without reading the rest)."""
        return self._read(self.entries[_normal(path)], guide_files.MAX_BYTES)

    def _read(self, info: zipfile.ZipInfo, limit: int) -> bytes:
        with self.archive.open(info) as stream:
            data = stream.read(limit + 1)  # never more, whatever the header claims
        return data

    def close(self) -> None:
        self.archive.close()


def _normal(path: str) -> str:
    return posixpath.normpath(path.replace("\\", "/").strip()).lstrip("/")


def open_package(source: str | IO[bytes]) -> Package | None:
    """The package in ``source``, or None when ``source`` is a workbook itself (or not a zip at all: the
    workbook reader says what is wrong with it)."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError):
        if hasattr(source, "seek"):
            source.seek(0)
        return None
    infos = [i for i in archive.infolist() if not i.is_dir()]
    if any(i.filename == "[Content_Types].xml" for i in infos):  # an .xlsx is a zip too
        archive.close()
        if hasattr(source, "seek"):
            source.seek(0)
        return None
    try:
        if len(infos) > MAX_ENTRIES:
            raise PackageError(f"压缩包中的文件过多（不超过{MAX_ENTRIES}个）")
        if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
            raise PackageError(f"压缩包解压后过大（不超过{MAX_TOTAL_BYTES // 1024 // 1024}MB）")
        entries = {_decoded(i): i for i in infos}
        workbooks = [n for n in entries if n.lower().endswith(".xlsx") and "/" not in n]
        if len(workbooks) != 1:
            raise PackageError(
                "压缩包的根目录中应当正好有一个 .xlsx 工作簿"
                f"（现有 {len(workbooks)} 个），空白表格和示例样表放在“{FOLDER}/”文件夹中"
            )
    except PackageError:
        archive.close()
        raise
    return Package(archive, entries, workbooks[0])


def write_package(target: str | IO[bytes], workbook: bytes, files: Iterable[tuple[str, bytes]]) -> None:
    """A package: the workbook as 目录.xlsx, each file at its path (its reference)."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(WORKBOOK_NAME, workbook)
        for path, data in files:
            archive.writestr(path, data)
