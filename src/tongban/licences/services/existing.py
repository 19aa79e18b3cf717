"""存量证照归集: licences an earlier system issued, registered so that the platform holds, shows and verifies
them like its own. Each is signed the same way (a GB/T 36904 identifier from a fresh serial of its type and
issuer, the issuer's SM2 key, a status-list slot); its face number (证照编号), holder, issuer, dates and face
fields are kept as the earlier system recorded them, and the earlier system is named (``source_system``).

Registering is idempotent: type + issuer + face number finds an earlier registration (a second import of the
same file changes nothing). Rows come one by one (``register_existing``), or from a CSV or Excel file
(``import_file``: the command ``tongban licences import-existing`` and the admin's upload), one row's error
never stopping the others.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from tongban.audit.services import record as audit
from tongban.catalogue.licence_types import validity_end
from tongban.catalogue.models import LicenceType
from tongban.core.errors import DomainError
from tongban.jurisdictions.models import Department

from ..domain import policy
from ..models import Licence
from .issue import NewLicence, create_signed, holder_code_type

# The file's columns (a header row with these names, in any order); other columns are face fields, by their
# key or their label on the type's face.
COLUMNS = {
    "证照类型代码": "type_code",
    "证照编号": "number",
    "持证主体": "holder_name",
    "持证主体代码": "holder_code",
    "颁发机构代码": "issuer_code",
    "颁发日期": "issued_on",
    "有效期起": "valid_from",
    "有效期止": "valid_until",
    "原签发系统": "source_system",
}
PERMANENT = {"长期", "长期有效", "永久"}


@dataclass(frozen=True)
class ExistingLicence:
    """One licence as the earlier system recorded it. ``valid_until`` None with ``permanent`` False: by the
    type's validity rule from the issue date."""

    type_code: str
    number: str
    holder_name: str
    holder_code: str
    issuer_code: str
    issued_on: dt.date
    fields: Mapping[str, str]
    source_system: str
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    permanent: bool = False


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number in the file, message)

    @property
    def summary(self) -> str:
        return f"新归集 {len(self.created)} 张，已归集过 {len(self.found)} 张，有误 {len(self.errors)} 行"


def _refuse(message: str, field_name: str, status: int = 400) -> DomainError:
    return DomainError("invalid_existing_licence", message, field_name, status=status)


def _registered(record: ExistingLicence) -> Licence | None:
    return Licence.objects.filter(
        source=Licence.Source.EXISTING,
        type_code=record.type_code,
        issuer_code=record.issuer_code,
        number=record.number,
    ).first()


def _face(licence_type: LicenceType, given: Mapping[str, str]) -> dict[str, str]:
    """The type's face fields from the record (by key or label); a required one missing is refused."""
    values: dict[str, str] = {}
    missing = []
    for face_field in licence_type.face_fields:
        key, label = str(face_field["key"]), str(face_field.get("label", ""))
        value = str(given.get(key) or given.get(label) or "").strip()
        if not value and face_field.get("required"):
            missing.append(label or key)
        values[key] = value
    if missing:
        raise _refuse(f"缺少照面字段：{'、'.join(missing)}", "fields")
    return values


def register_existing(ctx: Any, record: ExistingLicence) -> tuple[Licence, bool]:
    """The registered licence and whether it was made now (False: registered before, returned as it is)."""
    issuer = Department.objects.select_related("division").filter(uscc=record.issuer_code).first()
    if issuer is None:
        raise _refuse(f"颁发机构代码“{record.issuer_code}”不是平台上的部门", "issuer_code")
    if not policy.may_register_existing(ctx.actor, issuer.pk):
        raise DomainError("forbidden", f"您无权为“{issuer.name}”归集存量证照", "issuer_code", status=403)
    found = _registered(record)
    if found is not None:
        return found, False
    licence_type = LicenceType.objects.filter(code=record.type_code, is_active=True).first()
    if licence_type is None:
        raise _refuse(f"证照类型代码“{record.type_code}”不存在或已停用", "type_code")
    if not record.number.strip() or len(record.number) > 40:
        raise _refuse("证照编号不能为空，且不超过40个字符", "number")
    if not record.holder_name.strip():
        raise _refuse("持证主体不能为空", "holder_name")
    holder_code_type(record.holder_code)  # a resident ID number or a credit code, else refused
    today = timezone.localdate()
    if record.issued_on > today:
        raise _refuse("颁发日期不能晚于今天", "issued_on")
    valid_from = record.valid_from or record.issued_on
    valid_until = (
        None
        if record.permanent
        else record.valid_until
        or validity_end(licence_type.validity_rule, licence_type.validity_years, licence_type.valid_until, valid_from)
    )
    if valid_until is not None and valid_until < today:
        raise _refuse(f"该证照已于{valid_until:%Y年%m月%d日}过期，不予归集", "valid_until")
    if valid_until is not None and valid_until < valid_from:
        raise _refuse("有效期止早于有效期起", "valid_until")
    new = NewLicence(
        licence_type=licence_type,
        issuer=issuer,
        holder_name=record.holder_name.strip(),
        holder_code=record.holder_code.strip().upper(),
        jurisdiction_code=issuer.division.code,
        issued_on=record.issued_on,
        valid_from=valid_from,
        valid_until=valid_until,
        fields=_face(licence_type, record.fields),
        number=record.number.strip(),
        source=Licence.Source.EXISTING,
        source_system=record.source_system.strip()[:100],
    )
    try:
        with transaction.atomic():
            licence = create_signed(ctx, new)
            audit(
                "licence.register_existing",
                "licence",
                licence.identifier,
                actor=ctx.user,
                ip=getattr(ctx, "ip", ""),
                detail={"number": licence.number, "source_system": licence.source_system},
            )
    except IntegrityError:  # registered meanwhile by a concurrent import of the same record
        found = _registered(record)
        if found is None:
            raise
        return found, False
    return licence, True


# ---- files -----------------------------------------------------------------------------------------------


def _date(value: Any, column: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _refuse(f"{column}“{value}”不是日期（应为 2024-05-01 这样的格式）", COLUMNS[column]) from None


def record_from_row(row: Mapping[str, Any], default_source: str) -> ExistingLicence:
    """One file row (header → cell) as a record; a bad date or a missing column is refused."""
    cells = {str(k).strip(): ("" if v is None else v) for k, v in row.items() if k is not None}
    for column in ("证照类型代码", "证照编号", "持证主体", "持证主体代码", "颁发机构代码", "颁发日期"):
        if not str(cells.get(column, "")).strip():
            raise _refuse(f"“{column}”不能为空", COLUMNS[column])
    issued_on = _date(cells["颁发日期"], "颁发日期")
    assert issued_on is not None
    until_text = str(cells.get("有效期止", "")).strip()
    permanent = until_text in PERMANENT
    return ExistingLicence(
        type_code=str(cells["证照类型代码"]).strip().upper(),
        number=str(cells["证照编号"]).strip(),
        holder_name=str(cells["持证主体"]).strip(),
        holder_code=str(cells["持证主体代码"]).strip().upper(),
        issuer_code=str(cells["颁发机构代码"]).strip().upper(),
        issued_on=issued_on,
        valid_from=_date(cells.get("有效期起"), "有效期起"),
        valid_until=None if permanent else _date(until_text, "有效期止"),
        permanent=permanent,
        fields={k: str(v).strip() for k, v in cells.items() if k not in COLUMNS},
        source_system=str(cells.get("原签发系统") or default_source).strip(),
    )


def read_rows(data: bytes, filename: str) -> list[dict[str, Any]]:
    """The rows of a CSV (UTF-8, with or without BOM) or Excel (.xlsx, first sheet) file, by header."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
            raise _refuse("无法读取该 Excel 文件（应为 .xlsx）", "file") from exc
        rows = list(sheet.iter_rows(values_only=True))
        if not rows:
            return []
        header = [str(h).strip() if h is not None else "" for h in rows[0]]
        return [dict(zip(header, r, strict=False)) for r in rows[1:] if any(c not in (None, "") for c in r)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse("CSV 文件应为 UTF-8 编码", "file") from None
    return [r for r in csv.DictReader(io.StringIO(text)) if any((v or "").strip() for v in r.values())]


def import_rows(ctx: Any, rows: Iterable[Mapping[str, Any]], default_source: str) -> ImportReport:
    """Each row registered in its own transaction; a refused row is reported with its line in the file (the
    header is line 1) and the rest go on."""
    report = ImportReport()
    for line, row in enumerate(rows, start=2):
        try:
            licence, created = register_existing(ctx, record_from_row(row, default_source))
        except DomainError as exc:
            report.errors.append((line, exc.message))
            continue
        (report.created if created else report.found).append(licence.identifier)
    return report


def import_file(ctx: Any, data: bytes, filename: str, default_source: str) -> ImportReport:
    return import_rows(ctx, read_rows(data, filename), default_source)
