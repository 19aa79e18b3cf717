"""Excel import and export of the catalogue (docs/catalogue-excel.md describes the workbook)."""

from __future__ import annotations

from .exporter import STATUS_ALL, STATUS_PUBLISHED, STATUSES, ExportResult, export_catalogue
from .importer import ImportReport, PlannedChange, Problem, WorkbookError, import_catalogue
from .layout import SHEETS

__all__ = [
    "SHEETS",
    "STATUSES",
    "STATUS_ALL",
    "STATUS_PUBLISHED",
    "ExportResult",
    "ImportReport",
    "PlannedChange",
    "Problem",
    "WorkbookError",
    "export_catalogue",
    "import_catalogue",
]
