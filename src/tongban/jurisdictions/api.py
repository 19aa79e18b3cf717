"""API: administrative divisions (regions) and departments.

``GET /regions/tree`` counts published catalogue items per region, so the catalogue's API serves it."""

from __future__ import annotations

from typing import Annotated, Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema

from tongban.core.api_errors import (
    ERRORS,
    ApiError,
    DivisionCode,
    Limit,
    NotFound,
    Offset,
    Token,
    lookup_key,
    paged,
    shown,
)
from tongban.core.identifiers import division_code_error

from .kinds import department_kind_label
from .models import Department, Division, ServiceCentre, Window
from .selectors import departments_in, normalize_code

TAG = "区划与部门"
router = Router()

LevelParam = Annotated[int, Field(ge=1, le=5, description="层级：1 省级 … 5 村（社区）级")]


# --- schemas ---------------------------------------------------------------------------------------------


class RegionRef(Schema):
    code: str = Field(..., description="12位行政区划代码", examples=["330681000000"])
    name: str = Field(..., examples=["诸暨市"])


class RegionOut(Schema):
    code: str = Field(..., description="12位行政区划代码", examples=["330681000000"])
    short_code: str = Field(..., description="县级及以上为6位代码")
    name: str = Field(..., examples=["诸暨市"])
    full_name: str = Field(..., description="含上级区划的全称", examples=["浙江省绍兴市诸暨市"])
    level: int = Field(..., description="1 省级，2 市级，3 县级，4 乡镇（街道）级，5 村（社区）级")
    level_label: str
    parent: str | None = Field(None, description="上级区划代码，省级为 null")
    children_count: int = Field(..., description="下一级区划数")


class RegionDetail(RegionOut):
    ancestors: list[RegionRef] = Field(..., description="上级区划，从省级起")
    children: list[RegionOut]


class DepartmentOut(Schema):
    uscc: str = Field(..., description="统一社会信用代码")
    name: str
    short_name: str
    kind: str = Field(..., description="部门类别（各地同类部门相同）", examples=["police"])
    kind_label: str = Field(..., examples=["公安"])
    region: RegionRef
    phone: str
    address: str


class DepartmentPage(Schema):
    total: int
    limit: int
    offset: int
    results: list[DepartmentOut]


class WindowOut(Schema):
    number: str
    name: str
    kind: str
    kind_label: str


class ServiceCentreOut(Schema):
    name: str
    kind: str
    kind_label: str
    region: RegionRef
    address: str
    phone: str
    opening_hours: str
    windows: list[WindowOut] = Field(..., description="受理本部门事项的窗口（综合窗口及本部门专窗）")


class DepartmentDetail(DepartmentOut):
    region_full_name: str
    service_centres: list[ServiceCentreOut]


# --- helpers other routers use ---------------------------------------------------------------------------


def resolve_region(code: str | None, field: str = "region") -> Division | None:
    """The division a (validated, 12-digit) region parameter names; 400 naming ``field`` if it is unknown."""
    if code is None:
        return None
    division = Division.objects.filter(code=code).first()
    if division is None:
        raise ApiError("invalid", f"参数“{field}”无效：行政区划“{code}”不存在", field)
    return division


def region_ref(division: Division) -> dict[str, str]:
    return {"code": division.code, "name": division.name}


def path_names(divisions: list[Division]) -> dict[str, str]:
    """Names of ``divisions`` and of all their ancestors (from the materialised paths), in at most one query."""
    names = {d.code: d.name for d in divisions}
    missing = {c for d in divisions for c in d.path.split("/") if c and c not in names}
    if missing:
        names.update(Division.objects.filter(code__in=missing).values_list("code", "name"))
    return names


def full_names(divisions: list[Division], names: dict[str, str] | None = None) -> dict[str, str]:
    """Full names ("浙江省绍兴市诸暨市") of ``divisions``."""
    names = names if names is not None else path_names(divisions)
    return {d.code: "".join(names.get(c, "") for c in d.path.split("/") if c) for d in divisions}


def _region_rows(divisions: list[Division], names: dict[str, str] | None = None) -> list[dict[str, Any]]:
    full = full_names(divisions, names)
    return [
        {
            "code": d.code,
            "short_code": d.short_code,
            "name": d.name,
            "full_name": full[d.code],
            "level": d.level,
            "level_label": d.get_level_display(),
            "parent": d.parent_id,
            "children_count": getattr(d, "children_count", 0),
        }
        for d in divisions
    ]


def _with_children_count(qs: QuerySet[Division]) -> QuerySet[Division]:
    return qs.annotate(children_count=Count("children"))


def _department_row(d: Department) -> dict[str, Any]:
    return {
        "uscc": d.uscc,
        "name": d.name,
        "short_name": d.short_name,
        "kind": d.kind,
        "kind_label": department_kind_label(d.kind),
        "region": region_ref(d.division),
        "phone": d.phone,
        "address": d.address,
    }


# --- regions ---------------------------------------------------------------------------------------------


@router.get(
    "/regions",
    response={200: list[RegionOut], **ERRORS},
    summary="行政区划列表",
    description="按区划代码排序的平铺列表；每项带上级代码与层级，可据此构建树。"
    "`parent` 只列出该区划的下一级，`level` 只列出某一层级。",
)
def list_regions(request: HttpRequest, parent: DivisionCode | None = None, level: LevelParam | None = None):
    qs = Division.objects.all()
    if parent is not None:
        qs = qs.filter(parent=resolve_region(parent, "parent"))
    if level is not None:
        qs = qs.filter(level=level)
    return _region_rows(list(_with_children_count(qs).order_by("code")))


@router.get("/regions/{code}", response={200: RegionDetail, **ERRORS}, summary="行政区划详情")
def get_region(request: HttpRequest, code: str):
    key = lookup_key(code)
    if key is None or division_code_error(key):
        raise NotFound(f"未找到代码为“{shown(code)}”的行政区划", "code")
    division = _with_children_count(Division.objects.filter(code=normalize_code(key))).first()
    if division is None:
        raise NotFound(f"未找到代码为“{shown(code)}”的行政区划", "code")
    children = list(_with_children_count(division.children.all()).order_by("code"))
    names = path_names([division, *children])
    row, *child_rows = _region_rows([division, *children], names)
    ancestor_codes = [c for c in division.path.split("/") if c and c != division.code]
    row["ancestors"] = [{"code": c, "name": names[c]} for c in ancestor_codes if c in names]
    row["children"] = child_rows
    return row


# --- departments -----------------------------------------------------------------------------------------


@router.get(
    "/departments",
    response={200: DepartmentPage, **ERRORS},
    summary="部门列表",
    description="`region` 列出该区划及其下级区划的部门；`kind` 按部门类别筛选（如 police）。",
)
def list_departments(
    request: HttpRequest,
    region: DivisionCode | None = None,
    kind: Token | None = None,
    limit: Limit = 20,
    offset: Offset = 0,
):
    division = resolve_region(region)
    qs = departments_in(division) if division else Department.objects.select_related("division")
    if kind:
        qs = qs.filter(kind=kind)
    qs = qs.order_by("division__path", "name")
    return paged((_department_row(d) for d in qs[offset : offset + limit]), qs.count(), limit, offset)


@router.get(
    "/departments/{uscc}",
    response={200: DepartmentDetail, **ERRORS},
    summary="部门详情",
    description="含部门进驻的服务中心及受理其事项的窗口。",
)
def get_department(request: HttpRequest, uscc: str):
    key = lookup_key(uscc)
    windows = Window.objects.prefetch_related("departments").order_by("number")
    centres = (
        ServiceCentre.objects.select_related("division")
        .prefetch_related(Prefetch("windows", queryset=windows))
        .order_by("division__path", "name")
    )
    department = (
        (
            Department.objects.select_related("division")
            .prefetch_related(Prefetch("service_centres", queryset=centres))
            .filter(uscc=key.upper())
            .first()
        )
        if key
        else None
    )
    if department is None:
        raise NotFound(f"未找到统一社会信用代码为“{shown(uscc)}”的部门", "uscc")
    row = _department_row(department)
    row["region_full_name"] = full_names([department.division])[department.division_id]
    row["service_centres"] = [
        {
            "name": c.name,
            "kind": c.kind,
            "kind_label": c.get_kind_display(),
            "region": region_ref(c.division),
            "address": c.address,
            "phone": c.phone,
            "opening_hours": c.opening_hours,
            "windows": [
                {"number": w.number, "name": w.name, "kind": w.kind, "kind_label": w.get_kind_display()}
                for w in c.windows.all()
                if w.kind != Window.Kind.DEDICATED or department in w.departments.all()
            ],
        }
        for c in department.service_centres.all()
    ]
    return row
