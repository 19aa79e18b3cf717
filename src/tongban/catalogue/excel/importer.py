"""Import the catalogue workbook: validate everything first, then write all of it or nothing.

Every bad sheet, row and column is reported (in Chinese, naming the sheet, row number and column header);
with any problem nothing is written. Implementations are written through ``services`` only: a new code
creates the implementation, a changed guide becomes a new draft version (or updates the pending draft), and a
guide equal to the current version changes nothing, so importing the same file twice creates no version.
"""

from __future__ import annotations

import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from typing import IO, Any

from django.db import DatabaseError, transaction
from django.db.models import OuterRef, Subquery
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from tongban.core.actor import Actor
from tongban.core.errors import DomainError
from tongban.jurisdictions.models import Department, Division
from tongban.jurisdictions.selectors import normalize_code

from .. import guide_files, services
from ..access import may_edit_basic_catalogue, may_edit_implementations_in
from ..formschema import schema_errors
from ..models import CatalogueEntry, GuideFile, ImplementationVersion, ItemImplementation, Theme
from ..rules import guide_violations
from ..workflow import VersionAction, VersionStatus
from .cells import CellError, amount_str, is_empty, parse_cell
from .layout import (
    ENTRY_SHEET,
    FIELD_HEADERS,
    FILE_COLUMNS,
    FORM_SHEET,
    IMPLEMENTATION_KEYS,
    IMPLEMENTATION_SHEET,
    JSON_PARTS,
    MATERIAL_SHEET,
    MODEL_PARTS,
    PART_SHEETS,
    SHEET_ORDER,
    SHEETS_BY_NAME,
    Sheet,
)
from .package import Package, PackageError, is_reference, open_package

Progress = Callable[..., Iterable]
IMPORT_NOTE = "Excel 导入"
_CHUNK = 500

CONTENT_KEYS = tuple(c.key for c in IMPLEMENTATION_SHEET.columns[len(IMPLEMENTATION_KEYS) :])
ENTRY_FIELDS = tuple(c.key for c in ENTRY_SHEET.columns if c.key not in ("parent", "themes"))


class WorkbookError(Exception):
    """The file cannot be read as a workbook at all."""


@dataclass(frozen=True)
class Problem:
    sheet: str = ""
    row: int | None = None
    column: str = ""
    message: str = ""

    def __str__(self) -> str:
        where = " ".join(p for p in (self.sheet, f"第{self.row}行" if self.row else "", self.column) if p)
        return f"{where}：{self.message}" if where else self.message

    def sort_key(self) -> tuple[int, int, int]:
        sheet = SHEETS_BY_NAME.get(self.sheet)
        col_index = next((i for i, c in enumerate(sheet.columns) if c.header == self.column), -1) if sheet else -1
        return SHEET_ORDER.get(self.sheet, -1), self.row or 0, col_index


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, action: str) -> None:
        if action == "create":
            self.created += 1
        elif action == "unchanged":
            self.unchanged += 1
        else:
            self.updated += 1

    def text(self) -> str:
        return f"新增 {self.created}，更新 {self.updated}，未变化 {self.unchanged}"


ACTION_LABELS = {"create": "新增", "update": "更新", "publish": "发布", "unchanged": "未变化"}


@dataclass
class PlannedChange:
    sheet: str
    row: int
    code: str
    name: str
    action: str

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[self.action]


@dataclass
class ImportReport:
    problems: list[Problem] = field(default_factory=list)
    entries: Counts = field(default_factory=Counts)
    implementations: Counts = field(default_factory=Counts)
    published: int = 0
    changes: list[PlannedChange] = field(default_factory=list)
    dry_run: bool = False
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.problems:
            return f"发现 {len(self.problems)} 处错误，未导入任何数据。"
        head = "校验通过（预览，未写入）" if self.dry_run else "导入完成"
        publish = f"；{'将发布' if self.dry_run else '已发布'} {self.published} 项" if self.published else ""
        return f"{head}。基本目录：{self.entries.text()}；实施清单：{self.implementations.text()}{publish}。"


@dataclass
class Row:
    sheet: Sheet
    number: int
    values: dict[str, Any]
    bad: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.bad


class _Rollback(Exception):
    pass


def _chunks(items: Iterable[str], size: int = _CHUNK) -> Iterator[list[str]]:
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\r\n", "\n")
    if isinstance(value, list | tuple):
        return [_norm(v) for v in value]
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    return value


def canonical_form_field(f: dict[str, Any]) -> dict[str, Any]:
    """A form field with only the keys the workbook carries; empty optional keys left out."""
    out: dict[str, Any] = {
        "key": f.get("key", ""),
        "label": f.get("label", ""),
        "type": f.get("type", ""),
        "required": bool(f.get("required")),
    }
    if f.get("options"):
        out["options"] = [str(o) for o in f["options"]]
    for key in ("max_length", "min", "max"):
        if f.get(key) is not None and f.get(key) != "":
            out[key] = f[key]
    for key in ("pattern", "help"):
        if f.get(key):
            out[key] = f[key]
    return _norm(out)


def canonical_fees(fees: Any) -> list[dict[str, str]]:
    return [
        {"item": _norm(str(f.get("item", ""))), "amount": amount_str(f.get("amount"))}
        for f in fees or []
        if isinstance(f, dict)
    ]


def canonical_guide(g: dict[str, Any]) -> dict[str, Any]:
    """What the workbook can express of a guide, normalised, so that equal guides compare equal."""
    out = {key: _norm(g.get(key)) for key in CONTENT_KEYS}
    out["fees"] = canonical_fees(g.get("fees"))
    out["faq"] = [
        {"q": _norm(str(f.get("q", ""))), "a": _norm(str(f.get("a", "")))}
        for f in g.get("faq") or []
        if isinstance(f, dict)
    ]
    out["form_schema"] = [canonical_form_field(f) for f in g.get("form_schema") or [] if isinstance(f, dict)]
    for part in MODEL_PARTS:
        out[part] = [{k: _norm(v) for k, v in row.items() if k != "order"} for row in g.get(part) or []]
    return out


def canonical_entry(values: dict[str, Any]) -> dict[str, Any]:
    out = {key: _norm(values.get(key)) for key in ENTRY_FIELDS}
    out["standard_fees"] = canonical_fees(values.get("standard_fees"))
    out["parent"] = values.get("parent") or ""
    out["themes"] = sorted(values.get("themes") or [])
    return out


def entry_values(entry: CatalogueEntry) -> dict[str, Any]:
    values = {key: getattr(entry, key) for key in ENTRY_FIELDS}
    values["parent"] = entry.parent.code if entry.parent else ""
    values["themes"] = [t.code for t in entry.themes.all()]
    return values


def open_workbook(source: str | IO[bytes]) -> Any:
    try:
        return load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise WorkbookError(f"找不到文件“{exc.filename}”") from exc
        raise WorkbookError(
            "无法读取文件：不是有效的 Excel 工作簿（.xlsx）。如为旧版 .xls 或 .csv 文件，"
            "请在 Excel 中另存为 .xlsx 后再导入。"
        ) from exc


BASIC_CATALOGUE_REFUSED = "基本目录由省级或平台管理员维护，您不能新增或修改（与系统一致的行可以保留）"


class _Importer:
    def __init__(self, *, publish: bool, actor: Any, progress: Progress | None, scope: Actor | None = None):
        self.publish = publish
        self.actor = actor
        self.scope = scope  # who imports through the admin site: what they may change; None: anything
        self.package: Package | None = None  # the .zip the workbook came in, with its files
        self.progress = progress
        self.report = ImportReport()
        self.rows: dict[str, list[Row]] = {}
        self.broken: set[str] = set()  # sheets whose header is unusable: rows not read, references not checked

    # -- reporting --------------------------------------------------------------------------------------
    def problem(self, sheet: str, row: int | None, column: str, message: str) -> None:
        self.report.problems.append(Problem(sheet, row, column, message))

    def row_problem(self, row: Row, key: str, message: str) -> None:
        header = row.sheet.column(key).header if key else ""
        self.problem(row.sheet.name, row.number, header, message)
        row.bad.add(key or "*")

    def _iter(self, items: Iterable, total: int | None, desc: str) -> Iterable:
        if self.progress is None or (total is not None and total < 200):  # a bar only where it helps
            return items
        return self.progress(items, total=total, desc=desc, unit="行")

    # -- reading ----------------------------------------------------------------------------------------
    def read(self, source: str | IO[bytes]) -> None:
        try:
            self.package = open_package(source)
        except PackageError as exc:
            raise WorkbookError(str(exc)) from exc
        wb = open_workbook(BytesIO(self.package.workbook_bytes()) if self.package else source)
        try:
            seen = set()
            for ws in wb.worksheets:
                name = str(ws.title).strip()
                sheet = SHEETS_BY_NAME.get(name)
                if sheet is None:
                    if any(not is_empty(v) for r in ws.iter_rows(values_only=True) for v in r):
                        known = "、".join(SHEETS_BY_NAME)
                        self.problem(name, None, "", f"无法识别的工作表（可用的工作表：{known}）")
                    continue
                if name in seen:
                    self.problem(name, None, "", "工作表重复")
                    continue
                seen.add(name)
                self.rows[name] = self._read_sheet(ws, sheet)
        finally:
            wb.close()
        if ENTRY_SHEET.name not in self.rows and IMPLEMENTATION_SHEET.name not in self.rows:
            self.problem(
                "",
                None,
                "",
                f"文件中没有“{ENTRY_SHEET.name}”或“{IMPLEMENTATION_SHEET.name}”工作表，请使用导出的文件作为模板",
            )
        if IMPLEMENTATION_SHEET.name in self.rows:
            for sheet in PART_SHEETS:
                if sheet.name not in self.rows:
                    self.problem(
                        sheet.name,
                        None,
                        "",
                        "缺少此工作表（导入实施清单时，申请材料、办理环节等工作表都必须有，可以只有表头）",
                    )
                    self.broken.add(sheet.name)

    def _read_sheet(self, ws: Any, sheet: Sheet) -> list[Row]:
        cells = ws.iter_rows(values_only=True)
        header = next(cells, None)
        if header is None:
            self.problem(sheet.name, 1, "", "缺少表头")
            self.broken.add(sheet.name)
            return []
        positions: dict[str, int] = {}
        header_ok = True
        for index, raw in enumerate(header):
            if is_empty(raw):
                continue
            title = str(raw).strip()
            if title not in sheet.headers:
                self.problem(sheet.name, 1, title, "无法识别的列（列名须与文档一致）")
                header_ok = False
            elif sheet.headers[title].key in positions:
                self.problem(sheet.name, 1, title, "列重复")
                header_ok = False
            else:
                positions[sheet.headers[title].key] = index
        for column in sheet.columns:
            if column.key not in positions and not column.optional:
                self.problem(sheet.name, 1, column.header, "缺少此列")
                header_ok = False
        if not header_ok:
            self.broken.add(sheet.name)
            return []
        rows = []
        total = (ws.max_row - 1) if isinstance(ws.max_row, int) and ws.max_row > 1 else None
        for number, raw_row in enumerate(self._iter(cells, total, f"校验{sheet.name}"), start=2):
            if all(is_empty(v) for v in raw_row):
                continue
            row = Row(sheet, number, {})
            for column in sheet.columns:
                index = positions.get(column.key, -1)  # -1: an optional column the workbook leaves out
                raw = raw_row[index] if 0 <= index < len(raw_row) else None
                try:
                    row.values[column.key] = parse_cell(column, raw)
                except CellError as exc:
                    self.problem(sheet.name, number, column.header, str(exc))
                    row.bad.add(column.key)
            rows.append(row)
        return rows

    # -- validating entries -----------------------------------------------------------------------------
    def check_entries(self) -> None:
        rows = self.rows.get(ENTRY_SHEET.name, [])
        self.entry_rows: dict[str, Row] = {}
        for row in rows:
            code = row.values.get("code")
            if not code:
                continue
            if code in self.entry_rows:
                self.row_problem(row, "code", f"基本编码“{code}”与第{self.entry_rows[code].number}行重复")
            else:
                self.entry_rows[code] = row
        wanted = set(self.entry_rows)
        wanted |= {r.values["parent"] for r in rows if r.values.get("parent")}
        wanted |= {r.values["entry"] for r in self.rows.get(IMPLEMENTATION_SHEET.name, []) if r.values.get("entry")}
        self.db_entries: dict[str, CatalogueEntry] = {}
        for chunk in _chunks(wanted):
            for e in CatalogueEntry.objects.filter(code__in=chunk).select_related("parent").prefetch_related("themes"):
                self.db_entries[e.code] = e
        theme_codes = set(Theme.objects.values_list("code", flat=True))

        # Parent links as they will be after the import, to refuse cycles.
        parents = {code: (e.parent.code if e.parent else "") for code, e in self.db_entries.items()}
        parents.update({code: r.values.get("parent") or "" for code, r in self.entry_rows.items()})

        def parent_of(code: str) -> str:
            if code not in parents:  # an ancestor outside the file: follow the stored links
                parents[code] = (
                    CatalogueEntry.objects.filter(code=code).values_list("parent__code", flat=True).first() or ""
                )
            return parents[code]

        for code, row in self.entry_rows.items():
            parent = row.values.get("parent") or ""
            if parent:
                if parent == code:
                    self.row_problem(row, "parent", "主项编码不能是事项自身")
                elif parent not in self.entry_rows and parent not in self.db_entries:
                    self.row_problem(row, "parent", f"主项“{parent}”不存在（须在本工作表或系统中）")
                else:
                    seen, node = {code}, parent
                    while node:
                        if node in seen:
                            self.row_problem(row, "parent", "主项关系形成循环")
                            break
                        seen.add(node)
                        node = parent_of(node)
            unknown = [t for t in row.values.get("themes") or [] if t not in theme_codes]
            if unknown:
                self.row_problem(row, "themes", f"主题分类“{'、'.join(unknown)}”不存在")

        counts = self.report.entries
        for code, row in self.entry_rows.items():
            if not row.ok:
                continue
            existing = self.db_entries.get(code)
            if existing is None:
                action = "create"
            elif canonical_entry(entry_values(existing)) == canonical_entry(row.values):
                action = "unchanged"
            else:
                action = "update"
            if action != "unchanged" and self.scope is not None and not may_edit_basic_catalogue(self.scope):
                self.row_problem(row, "code", BASIC_CATALOGUE_REFUSED)
                continue
            counts.add(action)
            row.values["_action"] = action
            if action != "unchanged":
                self.report.changes.append(
                    PlannedChange(ENTRY_SHEET.name, row.number, code, row.values["name"], action)
                )

    def entry_item_type(self, code: str) -> str | None:
        if code in self.entry_rows and self.entry_rows[code].ok:
            return self.entry_rows[code].values["item_type"]
        entry = self.db_entries.get(code)
        return entry.item_type if entry else None

    # -- validating implementations ---------------------------------------------------------------------
    def check_implementations(self) -> None:
        sheet = IMPLEMENTATION_SHEET
        rows = self.rows.get(sheet.name, [])
        self.impl_rows: dict[str, Row] = {}
        for row in rows:
            code = row.values.get("code")
            if not code:
                continue
            if code in self.impl_rows:
                self.row_problem(row, "code", f"实施编码“{code}”与第{self.impl_rows[code].number}行重复")
            else:
                self.impl_rows[code] = row

        divisions = {normalize_code(r.values["division"]) for r in rows if r.values.get("division")}
        self.divisions = {d.code: d for chunk in _chunks(divisions) for d in Division.objects.filter(code__in=chunk)}
        usccs = {str(r.values["department"]).upper() for r in rows if r.values.get("department")}
        self.departments = {d.uscc: d for chunk in _chunks(usccs) for d in Department.objects.filter(uscc__in=chunk)}
        self.existing: dict[str, Any] = {}  # ItemImplementation annotated with newest_id
        newest = (
            ImplementationVersion.objects.filter(implementation=OuterRef("pk")).order_by("-number").values("pk")[:1]
        )
        for chunk in _chunks(self.impl_rows):
            for found in (
                ItemImplementation.objects.filter(code__in=chunk)
                .select_related("entry", "division", "department")
                .annotate(newest_id=Subquery(newest))
            ):
                self.existing[found.code] = found
        # An entry may be implemented once per department: (entry code, USCC) → implementation code.
        pairs: dict[tuple[str, str], str] = {}
        entry_codes = {str(r.values["entry"]) for r in rows if r.values.get("entry")}
        for chunk in _chunks(entry_codes):
            for taken_code, taken_entry, uscc in ItemImplementation.objects.filter(entry__code__in=chunk).values_list(
                "code", "entry__code", "department__uscc"
            ):
                pairs[(taken_entry, uscc)] = taken_code

        in_file_pairs: dict[tuple[str, str], Row] = {}
        for code, row in self.impl_rows.items():
            values = row.values
            entry_code: str = values.get("entry") or ""
            if entry_code and entry_code not in self.entry_rows and entry_code not in self.db_entries:
                self.row_problem(row, "entry", f"基本编码“{entry_code}”不存在（须在“基本目录”工作表或系统中）")
            division = self.divisions.get(normalize_code(values["division"])) if values.get("division") else None
            if values.get("division") and division is None:
                self.row_problem(row, "division", f"行政区划代码“{values['division']}”不存在")
            uscc = str(values.get("department") or "").upper()
            department = self.departments.get(uscc)
            if uscc and department is None:
                self.row_problem(row, "department", f"统一社会信用代码为“{uscc}”的实施机关不存在")
            if division and department and department.division_id != division.code:
                self.row_problem(row, "department", f"实施机关“{department.name}”不属于{division.name}")
            values["_division"], values["_department"] = division, department
            impl = self.existing.get(code)
            where = impl.division if impl is not None else division
            if where is not None and self.scope is not None and not may_edit_implementations_in(self.scope, where.path):
                self.row_problem(row, "division", f"{where.full_name}不在您的管辖范围内，不能导入该地区的实施清单")
            if impl is not None:
                for key, current, label in (
                    ("entry", impl.entry.code, "基本编码"),
                    ("division", impl.division_id, "实施区划"),
                    ("department", impl.department.uscc, "实施机关"),
                ):
                    given = values.get(key)
                    given = normalize_code(given) if key == "division" and given else given
                    given = str(given).upper() if key == "department" and given else given
                    if given and given != current:
                        self.row_problem(
                            row,
                            key,
                            f"与系统中该实施编码的{label}“{current}”不一致"
                            "（已有实施清单的事项、区划和实施机关不能通过导入修改）",
                        )
            elif entry_code and department is not None:
                pair = (entry_code, department.uscc)
                taken = pairs.get(pair)
                if taken and taken != code:
                    self.row_problem(row, "department", f"该实施机关已有此事项的实施清单（实施编码“{taken}”）")
                elif pair in in_file_pairs:
                    self.row_problem(row, "department", f"与第{in_file_pairs[pair].number}行是同一实施机关的同一事项")
                else:
                    in_file_pairs[pair] = row

    def group_parts(self) -> None:
        """Rows of the part sheets, by implementation code, in 序号 order."""
        self.parts: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
        impl_sheet_usable = IMPLEMENTATION_SHEET.name not in self.broken
        for sheet in PART_SHEETS:
            for row in self.rows.get(sheet.name, []):
                code = row.values.get("implementation")
                if not code:
                    continue
                if impl_sheet_usable and code not in self.impl_rows:
                    self.row_problem(
                        row, "implementation", f"实施编码“{code}”不在“{IMPLEMENTATION_SHEET.name}”工作表中"
                    )
                    continue
                self.parts[code][sheet.part].append(row)
        for groups in self.parts.values():
            for rows in groups.values():
                seen: dict[int, Row] = {}
                for row in rows:
                    order = row.values.get("order")
                    if order is None:
                        continue
                    if order in seen:
                        self.row_problem(row, "order", f"与第{seen[order].number}行的序号重复")
                    else:
                        seen[order] = row
                rows.sort(key=lambda r: (r.values.get("order") or 0, r.number))

    def guide_of(self, code: str) -> tuple[dict[str, Any], bool]:
        """The guide an implementation row describes, and whether all its rows are valid."""
        row = self.impl_rows[code]
        guide = {key: row.values.get(key) for key in CONTENT_KEYS}
        ok = row.ok
        groups = self.parts.get(code, {})
        for sheet in PART_SHEETS:
            rows = groups.get(sheet.part, [])
            ok = ok and all(r.ok for r in rows)
            keys = [c.key for c in sheet.columns[2:]] + (list(FILE_COLUMNS.values()) if sheet is MATERIAL_SHEET else [])
            items = [{key: r.values.get(key) for key in keys} for r in rows]
            if sheet.part == "form_schema":
                items = [canonical_form_field(i) for i in items]
            guide[sheet.part] = items
        return guide, ok

    def check_forms(self) -> None:
        for groups in self.parts.values():
            rows = groups.get(FORM_SHEET.part, [])
            if not rows or not all(r.ok for r in rows):
                continue
            schema = [canonical_form_field({c.key: r.values.get(c.key) for c in FORM_SHEET.columns[2:]}) for r in rows]
            for path, message in schema_errors(schema):
                index = int(path.split("[")[1].rstrip("]")) - 1 if "[" in path else 0
                self.row_problem(rows[index], "", message)

    # -- the files of the materials (空白表格, 示例样表) -----------------------------------------------------
    def resolve_files(self) -> None:
        """Each 附件/… value becomes a file: one in the uploaded package (checked, stored on writing), or one the
        catalogue keeps already (the reference an export writes). Other values stay a name or a link."""
        self.pending_files: dict[int, tuple[str, bytes]] = {}  # placeholder id (negative) → the new file
        new_ids: dict[tuple[str, str], int] = {}
        for groups in self.parts.values():
            for row in groups.get(MATERIAL_SHEET.part, []):
                for key, id_key in FILE_COLUMNS.items():
                    row.values[id_key] = None
                    value = str(row.values.get(key) or "").strip()
                    if not value or not is_reference(value):
                        continue
                    found = self._file_for(row, key, value, new_ids)
                    if found is not None:
                        row.values[key], row.values[id_key] = found

    def _file_for(self, row: Row, key: str, value: str, new_ids: dict[tuple[str, str], int]) -> tuple[str, int] | None:
        package: Package | None = self.package
        if package is not None and package.has(value):
            data = package.read(value)
            reason = guide_files.problem(value, data)
            if reason:
                self.row_problem(row, key, reason)
                return None
            name, sha = guide_files.clean_name(value), guide_files.digest(data)
            known = GuideFile.objects.filter(sha256=sha, name=name).values_list("pk", flat=True).first()
            if known is not None:
                return name, known
            placeholder = new_ids.setdefault((sha, name), -(len(new_ids) + 1))
            self.pending_files[placeholder] = (name, data)
            return name, placeholder
        parts = value.replace("\\", "/").split("/", 2)
        if len(parts) == 3 and len(parts[1]) == 64:
            stored = (
                GuideFile.objects.filter(sha256=parts[1].lower(), name=parts[2]).values_list("pk", flat=True).first()
            )
            if stored is not None:
                return parts[2], stored
        where = "上传的压缩包中" if package is not None else "系统中，且没有随工作簿上传压缩包"
        self.row_problem(row, key, f"找不到附件“{value}”：不在{where}（请把工作簿和附件文件夹一起打包为 .zip 上传）")
        return None

    def plan_implementations(self) -> None:
        ids: set[int] = set()
        for known in self.existing.values():
            ids |= {i for i in (known.published_version_id, getattr(known, "newest_id", None)) if i}
        versions: dict[int, ImplementationVersion] = {}
        for chunk in _chunks(ids):  # type: ignore[arg-type]
            for v in (
                ImplementationVersion.objects.filter(pk__in=chunk)
                .select_related("implementation__entry")
                .prefetch_related("materials", "steps", "special_steps")
            ):
                versions[v.pk] = v
        self.plans: list[tuple[Row, str, dict[str, Any], ImplementationVersion | None]] = []
        counts = self.report.implementations
        for code, row in self.impl_rows.items():
            guide, ok = self.guide_of(code)
            if not ok:
                continue
            wanted = canonical_guide(guide)
            impl = self.existing.get(code)
            target: ImplementationVersion | None = None
            if impl is None:
                action = "create"
            else:
                published = versions.get(impl.published_version_id or 0)
                newest = versions.get(getattr(impl, "newest_id", None) or 0)
                if published is not None and canonical_guide(services.snapshot(published)) == wanted:
                    action = "unchanged"
                elif newest is not None and canonical_guide(services.snapshot(newest)) == wanted:
                    if not self.publish or newest.status == VersionStatus.PUBLISHED:
                        action = "unchanged"
                    elif newest.status == VersionStatus.RETIRED:
                        action = "update"  # published again as a new version with the same content
                    else:
                        action, target = "publish", newest
                else:
                    action = "update"
                    if newest is not None and newest.status == VersionStatus.IN_REVIEW:
                        self.row_problem(
                            row, "code", f"第{newest.number}版正在审核中，审核完成（发布或退回）后才能导入新内容"
                        )
                        continue
                    target = newest if newest is not None and newest.status == VersionStatus.DRAFT else None
            if self.publish and action != "unchanged":
                g = {**guide, "item_type": self.entry_item_type(row.values["entry"])}
                violations = guide_violations(g)
                for violation in violations:
                    self.problem(
                        IMPLEMENTATION_SHEET.name,
                        row.number,
                        FIELD_HEADERS.get(violation.field, violation.field),
                        violation.message,
                    )
                if violations:
                    continue
            counts.add(action)
            if self.publish and action != "unchanged":
                self.report.published += 1
            if action != "unchanged":
                self.report.changes.append(
                    PlannedChange(IMPLEMENTATION_SHEET.name, row.number, code, guide.get("name") or "", action)
                )
            self.plans.append((row, action, guide, target))

    # -- writing ----------------------------------------------------------------------------------------
    def write(self) -> None:
        try:
            self._write()
        except DatabaseError as exc:  # the checks above should make this impossible; never half-import
            self.problem("", None, "", f"写入数据库失败，未导入任何数据：{exc}")
            raise _Rollback from exc
        if self.report.problems:
            raise _Rollback

    def _write(self) -> None:
        entries = dict(self.db_entries)
        themes = {t.code: t for t in Theme.objects.all()}
        for row in self._entries_parents_first():
            code = row.values["code"]
            entry = entries.get(code) or CatalogueEntry(code=code)
            for key in ENTRY_FIELDS:
                setattr(entry, key, row.values[key])
            parent = row.values.get("parent")
            entry.parent = entries[parent] if parent else None
            entry.save()
            entry.themes.set([themes[c] for c in row.values.get("themes") or []])
            entries[code] = entry

        stored = {
            placeholder: services.store_guide_file(name, data, self.actor).pk
            for placeholder, (name, data) in self.pending_files.items()
        }
        if stored:
            for _row, _action, guide, _target in self.plans:
                for material in guide["materials"]:
                    for id_key in FILE_COLUMNS.values():
                        material[id_key] = stored.get(material.get(id_key), material.get(id_key))
        todo = [p for p in self.plans if p[1] != "unchanged"]
        for row, action, guide, target in self._iter(todo, len(todo), "导入实施清单"):
            try:
                self._write_implementation(row, action, guide, target, entries)
            except DomainError as exc:  # the checks above should have caught it; report, never half-import
                header = FIELD_HEADERS.get(exc.field or "", IMPLEMENTATION_SHEET.column("code").header)
                self.problem(IMPLEMENTATION_SHEET.name, row.number, header, exc.message)

    def _entries_parents_first(self) -> list[Row]:
        pending = {code: row for code, row in self.entry_rows.items() if row.values.get("_action") != "unchanged"}
        ordered: list[Row] = []
        placed: set[str] = set()

        def place(code: str) -> None:
            if code in placed or code not in pending:
                return
            placed.add(code)
            parent = pending[code].values.get("parent")
            if parent:
                place(parent)
            ordered.append(pending[code])

        for code in pending:
            place(code)
        return ordered

    def _write_implementation(
        self,
        row: Row,
        action: str,
        guide: dict[str, Any],
        target: ImplementationVersion | None,
        entries: dict[str, CatalogueEntry],
    ) -> None:
        content = {key: guide[key] for key in (*CONTENT_KEYS, *JSON_PARTS)}
        parts = {key: guide[key] for key in MODEL_PARTS}
        values = row.values
        if action == "create":
            version = services.create_implementation(
                entry=entries[values["entry"]],
                division=values["_division"],
                department=values["_department"],
                code=values["code"],
                content=content,
                actor=self.actor,
                note=IMPORT_NOTE,
                **parts,
            )
        elif action == "publish":
            assert target is not None
            if target.status == VersionStatus.IN_REVIEW:
                services.publish_version(target, self.actor, IMPORT_NOTE)
            else:
                services.publish_now(target, self.actor, IMPORT_NOTE)
            return
        else:
            impl = self.existing[values["code"]]
            version = target if target is not None else services.start_new_version(impl, self.actor, IMPORT_NOTE)
            version = services.update_draft(
                version, content=content, actor=self.actor, note=IMPORT_NOTE, action=VersionAction.IMPORT, **parts
            )
        if self.publish:
            services.publish_now(version, self.actor, IMPORT_NOTE)

    # -- the whole run ----------------------------------------------------------------------------------
    def run(self, source: str | IO[bytes], dry_run: bool) -> ImportReport:
        self.report.dry_run = dry_run
        try:
            return self._run(source, dry_run)
        finally:
            if self.package is not None:
                self.package.close()

    def _run(self, source: str | IO[bytes], dry_run: bool) -> ImportReport:
        self.read(source)
        try:
            with transaction.atomic():
                self.check_entries()
                self.check_implementations()
                self.group_parts()
                self.check_forms()
                self.resolve_files()
                self.plan_implementations()
                if self.report.problems:
                    self.report.changes.clear()
                    raise _Rollback
                if dry_run:
                    raise _Rollback
                self.write()
                self.report.applied = True
        except _Rollback:
            pass
        self.report.problems.sort(key=Problem.sort_key)
        return self.report


def import_catalogue(
    source: str | IO[bytes],
    *,
    publish: bool = False,
    actor: Any = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    scope: Actor | None = None,
) -> ImportReport:
    """Validate the workbook completely; unless there is a problem (or ``dry_run``), write all of it.

    ``scope``: the person importing through the admin site; rows they may not change (another jurisdiction's
    implementations, the basic catalogue below province level: catalogue.access) are problems like any other.
    Raises WorkbookError when the file is not a readable .xlsx workbook.
    """
    return _Importer(publish=publish, actor=actor, progress=progress, scope=scope).run(source, dry_run)
