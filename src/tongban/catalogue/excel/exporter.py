"""Export the catalogue to the workbook layout of layout.py (openpyxl write-only mode: constant memory per row)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from io import BytesIO
from typing import IO, Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from tongban.core.actor import Actor
from tongban.core.errors import DomainError
from tongban.jurisdictions.models import Division
from tongban.jurisdictions.scoping import within_divisions
from tongban.jurisdictions.selectors import normalize_code

from ..models import CatalogueEntry, GuideFile, ImplementationVersion, ItemImplementation, MaterialRequirement
from .cells import format_cell
from .layout import (
    ENTRY_SHEET,
    FAQ_SHEET,
    FEE_SHEET,
    FILE_COLUMNS,
    FORM_SHEET,
    IMPLEMENTATION_SHEET,
    MATERIAL_SHEET,
    SHEETS,
    SPECIAL_STEP_SHEET,
    STEP_SHEET,
    TEXT,
    Sheet,
)
from .package import reference, write_package

STATUS_PUBLISHED = "published"
STATUS_ALL = "all"
STATUSES = (STATUS_PUBLISHED, STATUS_ALL)

Progress = Callable[..., Iterable]

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEADER_ALIGN = Alignment(vertical="center", wrap_text=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass
class ExportResult:
    entries: int = 0
    implementations: int = 0
    files: int = 0

    def summary(self) -> str:
        files = f"，附件 {self.files} 个" if self.files else ""
        return f"导出完成：基本目录 {self.entries} 项，实施清单 {self.implementations} 项{files}。"


def _material_row(material: MaterialRequirement, sheet: Sheet, files: dict[int, GuideFile]) -> dict[str, Any]:
    """A 申请材料 row; a kept blank form or sample is written as its reference (附件/<SHA-256>/<name>)."""
    row = {c.key: getattr(material, c.key) for c in sheet.columns[2:]}
    for key, id_key in FILE_COLUMNS.items():
        stored = getattr(material, id_key.removesuffix("_id"))
        if stored is not None:
            row[key] = reference(stored.sha256, stored.name)
            files[stored.pk] = stored
    return row


def _resolve_region(region: str | None) -> Division | None:
    if not region:
        return None
    code = normalize_code(str(region))
    division = Division.objects.filter(code=code).first()
    if division is None:
        raise DomainError("unknown_region", f"行政区划代码“{region}”不存在", "region")
    return division


def versions_to_export(
    region: str | None = None, status: str = STATUS_PUBLISHED, scope: Actor | None = None
) -> QuerySet[ImplementationVersion]:
    """One version per implementation: the published one, or (status "all") the newest whatever its status.
    ``scope``: the person exporting through the admin site, who gets their own jurisdiction only."""
    if status not in STATUSES:
        raise DomainError("bad_status", f"状态应为 {' 或 '.join(STATUSES)}", "status")
    division = _resolve_region(region)
    if division is not None and scope is not None and not scope.manages_path(division.path):
        raise DomainError("out_of_scope", f"{division.name}不在您的管辖范围内", "region")
    impls = ItemImplementation.objects.all()
    if division is not None:
        impls = impls.filter(division__path__startswith=division.path)
    if scope is not None:
        impls = within_divisions(impls, scope, "division__path")
    ids: Any
    if status == STATUS_PUBLISHED:
        ids = impls.filter(published_version__isnull=False).values("published_version_id")
    else:
        newest = (
            ImplementationVersion.objects.filter(implementation=OuterRef("pk")).order_by("-number").values("pk")[:1]
        )
        ids = impls.annotate(newest_id=Subquery(newest)).filter(newest_id__isnull=False).values("newest_id")
    materials = MaterialRequirement.objects.select_related("blank_form_file", "sample_file")
    return (
        ImplementationVersion.objects.filter(pk__in=ids)
        .select_related("implementation__entry", "implementation__department")
        .prefetch_related(Prefetch("materials", queryset=materials), "steps", "special_steps")
        .order_by("implementation__code")
    )


def entries_to_export(whole: bool, versions: QuerySet[ImplementationVersion]) -> QuerySet[CatalogueEntry]:
    """Every entry for a whole-catalogue export; for a part (a region, a jurisdiction), the entries its
    implementations use (and their main items, so that the file imports on its own)."""
    entries = CatalogueEntry.objects.select_related("parent").prefetch_related("themes").order_by("code")
    if whole:
        return entries
    codes = set(versions.values_list("implementation__entry__code", flat=True))
    pending = set(codes)
    while pending:
        parents = (
            set(
                CatalogueEntry.objects.filter(code__in=pending, parent__isnull=False).values_list(
                    "parent__code", flat=True
                )
            )
            - codes
        )
        codes |= parents
        pending = parents
    return entries.filter(code__in=codes)


class _Writer:
    def __init__(self, wb: Workbook, sheet: Sheet):
        self.sheet = sheet
        self.ws = wb.create_sheet(sheet.name)
        for i, column in enumerate(sheet.columns, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = column.width
        self.ws.freeze_panes = "A2"
        header = []
        for column in sheet.columns:
            cell = WriteOnlyCell(self.ws, value=column.header)
            cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _HEADER_ALIGN
            header.append(cell)
        self.ws.append(header)
        self.rows = 0

    def write(self, values: dict[str, Any]) -> None:
        cells = []
        for column in self.sheet.columns:
            value = format_cell(column, values.get(column.key))
            wrap = column.kind == TEXT and isinstance(value, str) and "\n" in value
            if isinstance(value, str) and (value.startswith("=") or wrap):
                cell = WriteOnlyCell(self.ws, value=value)
                cell.data_type = "s"  # text starting with "=" must stay text, never become a formula
                if wrap:
                    cell.alignment = _WRAP
                cells.append(cell)
            else:
                cells.append(value)
        self.ws.append(cells)
        self.rows += 1


def _entry_row(entry: CatalogueEntry) -> dict[str, Any]:
    values = {c.key: getattr(entry, c.key) for c in ENTRY_SHEET.columns if c.key not in ("parent", "themes")}
    values["parent"] = entry.parent.code if entry.parent else ""
    values["themes"] = sorted(t.code for t in entry.themes.all())
    return values


def _numbered(rows: Iterable[Any]) -> Iterable[tuple[int, Any]]:
    return enumerate(rows, start=1)


def export_catalogue(
    target: str | IO[bytes],
    *,
    region: str | None = None,
    status: str = STATUS_PUBLISHED,
    progress: Progress | None = None,
    scope: Actor | None = None,
    with_files: bool = False,
) -> ExportResult:
    """Write the catalogue (one version per implementation, with its entries) to ``target``; ``scope`` limits it
    to the jurisdiction of the person exporting (and the entries its implementations use). ``with_files``: a
    .zip package with the workbook and every blank form and sample its materials keep (package.py)."""
    versions = versions_to_export(region, status, scope)
    limited = scope is not None and scope.division_paths() is not None
    entries = entries_to_export(not region and not limited, versions)
    wb = Workbook(write_only=True)
    writers = {sheet.name: _Writer(wb, sheet) for sheet in SHEETS}
    result = ExportResult()
    files: dict[int, GuideFile] = {}

    for entry in entries.iterator(chunk_size=1000):
        writers[ENTRY_SHEET.name].write(_entry_row(entry))
        result.entries += 1

    impl_writer = writers[IMPLEMENTATION_SHEET.name]
    rows: Iterable[ImplementationVersion] = versions.iterator(chunk_size=500)
    if progress is not None:
        rows = progress(rows, total=versions.count(), desc="导出实施清单", unit="项")
    for version in rows:
        impl = version.implementation
        code = impl.code
        values = {name: getattr(version, name) for name in version.content_fields()}
        values.update(code=code, entry=impl.entry.code, division=impl.division_id, department=impl.department.uscc)
        impl_writer.write(values)
        for order, material in _numbered(version.materials.all()):
            row = _material_row(material, MATERIAL_SHEET, files)
            writers[MATERIAL_SHEET.name].write({**row, "implementation": code, "order": order})
        for sheet, items in ((STEP_SHEET, version.steps.all()), (SPECIAL_STEP_SHEET, version.special_steps.all())):
            for order, part in _numbered(items):
                row = {c.key: getattr(part, c.key) for c in sheet.columns[2:]}
                writers[sheet.name].write({**row, "implementation": code, "order": order})
        for sheet, items in ((FEE_SHEET, version.fees), (FAQ_SHEET, version.faq), (FORM_SHEET, version.form_schema)):
            for order, item in _numbered(items or []):
                if isinstance(item, dict):
                    writers[sheet.name].write({**item, "implementation": code, "order": order})
        result.implementations += 1

    if not with_files:
        wb.save(target)
        return result
    book = BytesIO()
    wb.save(book)
    result.files = len(files)
    write_package(
        target,
        book.getvalue(),
        ((reference(f.sha256, f.name), _read(f)) for f in sorted(files.values(), key=lambda f: (f.name, f.pk))),
    )
    return result


def _read(stored: GuideFile) -> bytes:
    with stored.file.open("rb") as fh:
        return fh.read()
