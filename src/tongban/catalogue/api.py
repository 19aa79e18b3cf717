"""API: catalogue entries (基本目录), implementations (实施清单) and their published guides (办事指南).

Reads go through catalogue.selectors, as the pages do (同源发布): citizens and API clients see the same
published versions.
"""

from __future__ import annotations

from typing import Annotated, Literal

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema

from tongban.accounts.roles import CATALOGUE_EDITOR_ROLES, AccountKind
from tongban.core.api_errors import (
    ERRORS,
    ApiError,
    DivisionCode,
    Limit,
    NotFound,
    Offset,
    Token,
    Uscc,
    lookup_key,
    paged,
    shown,
)
from tongban.jurisdictions.api import TAG as REGIONS_TAG
from tongban.jurisdictions.api import full_names, resolve_region
from tongban.jurisdictions.models import Department

from . import schemas
from .models import CatalogueEntry, ImplementationVersion, ItemImplementation, LicenceType, Theme
from .selectors import get_published_guide, public_versions, published_implementations, regions_tree
from .workflow import VersionStatus

TAG = "事项与办事指南"
router = Router()

# Spelled out for the type checker; a test keeps them equal to the vocabularies.
ItemType = Literal["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "20"]
Audience = Literal["natural", "legal"]
VersionNumber = Annotated[int, Field(ge=1, le=100_000, description="版本号；省略时为现行版本")]


def _theme(code: str | None) -> Theme | None:
    if not code:
        return None
    theme = Theme.objects.filter(code=code).first()
    if theme is None:
        raise ApiError("invalid", f"参数“theme”无效：主题分类“{shown(code)}”不存在", "theme")
    return theme


def _department(uscc: str | None) -> Department | None:
    if uscc is None:
        return None
    department = Department.objects.filter(uscc=uscc).first()
    if department is None:
        raise ApiError("invalid", f"参数“department”无效：统一社会信用代码为“{uscc}”的部门不存在", "department")
    return department


def _can_see_drafts(request: HttpRequest) -> bool:
    """Catalogue editors see every version of an implementation; everyone else only public ones."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(
        user.is_superuser
        or (getattr(user, "kind", "") == AccountKind.STAFF and getattr(user, "role", "") in CATALOGUE_EDITOR_ROLES)
    )


def _implementation(code: str) -> ItemImplementation:
    key = lookup_key(code)
    impl = ItemImplementation.objects.filter(code=key).first() if key else None
    if impl is None:
        raise NotFound(f"未找到编码为“{shown(code)}”的事项", "code")
    return impl


# --- catalogue entries -----------------------------------------------------------------------------------

_PUBLISHED = Q(implementations__published_version__status=VersionStatus.PUBLISHED.value)


def _entries() -> QuerySet[CatalogueEntry]:
    return CatalogueEntry.objects.filter(is_active=True).prefetch_related("themes")


@router.get(
    "/items",
    response={200: schemas.ItemPage, **ERRORS},
    summary="基本目录事项列表",
    description="按基本编码排序，分页。全文检索请用 /api/v1/search。",
)
def list_items(
    request: HttpRequest,
    type: ItemType | None = None,
    department_kind: Token | None = None,
    cross_region: bool | None = None,
    theme: Token | None = None,
    audience: Audience | None = None,
    limit: Limit = 20,
    offset: Offset = 0,
):
    qs = _entries()
    if type is not None:
        qs = qs.filter(item_type=type)
    if department_kind:
        qs = qs.filter(department_kind=department_kind)
    if cross_region is not None:
        qs = qs.filter(cross_region=cross_region)
    theme_obj = _theme(theme)
    if theme_obj is not None:
        qs = qs.filter(themes=theme_obj)
    if audience is not None:
        # The JSON text of the list holds the quoted code on SQLite and PostgreSQL alike.
        qs = qs.filter(service_objects__icontains=f'"{audience}"')
    total = qs.count()
    page = qs.annotate(published_count=Count("implementations", filter=_PUBLISHED, distinct=True)).order_by("code")[
        offset : offset + limit
    ]
    return paged((schemas.item_row(e) for e in page), total, limit, offset)


@router.get(
    "/items/{code}",
    response={200: schemas.ItemDetail, **ERRORS},
    summary="基本目录事项详情",
    description="含六统一基准（标准材料、环节、收费）和各地已发布的实施清单事项。",
)
def get_item(request: HttpRequest, code: str):
    key = lookup_key(code)
    entry = (
        (
            _entries()
            .select_related("parent")
            .prefetch_related("sub_items")
            .annotate(published_count=Count("implementations", filter=_PUBLISHED, distinct=True))
            .filter(code=key)
            .first()
        )
        if key
        else None
    )
    if entry is None:
        raise NotFound(f"未找到基本编码为“{shown(code)}”的事项", "code")
    implementations = published_implementations().filter(entry=entry).prefetch_related(None)
    return schemas.item_detail(entry, implementations)


# --- implementations and guides --------------------------------------------------------------------------


@router.get(
    "/implementations",
    response={200: schemas.ImplementationPage, **ERRORS},
    summary="实施清单事项列表（已发布）",
    description="只列出有已发布办事指南的事项。`region` 列出在该区划可以申请的事项（该区划及其上级区划"
    "实施的事项，与网页“按区划浏览”相同）；`department` 为实施机关的统一社会信用代码。",
)
def list_implementations(
    request: HttpRequest,
    region: DivisionCode | None = None,
    department: Uscc | None = None,
    department_kind: Token | None = None,
    theme: Token | None = None,
    audience: Audience | None = None,
    cross_region: bool | None = None,
    limit: Limit = 20,
    offset: Offset = 0,
):
    division = resolve_region(region)
    dept = _department(department)
    qs = published_implementations(
        region=division,
        theme=_theme(theme),
        department_kind=department_kind or None,
        audience=audience,
        cross_region=cross_region,
    ).prefetch_related(None)
    if dept is not None:
        qs = qs.filter(department=dept)
    total = qs.count()
    return paged((schemas.implementation_row(i) for i in qs[offset : offset + limit]), total, limit, offset)


@router.get(
    "/implementations/{code}",
    response={200: schemas.GuideOut, **ERRORS},
    summary="办事指南",
    description="现行版本的完整办事指南：申请材料（含各子项）、办理环节、特殊环节、收费、常见问题、"
    "申请表单等全部要素。`version` 可取已停用的历史版本。",
)
def get_guide(request: HttpRequest, code: str, version: VersionNumber | None = None):
    key = lookup_key(code)
    if key is None:
        raise NotFound(f"未找到编码为“{shown(code)}”的事项", "code")
    impl, found = get_published_guide(key, version)
    if found.pk == impl.published_version_id:
        current_number: int | None = found.number
    else:
        current_number = (
            (
                ImplementationVersion.objects.filter(pk=impl.published_version_id, status=VersionStatus.PUBLISHED.value)
                .values_list("number", flat=True)
                .first()
            )
            if impl.published_version_id
            else None
        )
    region_name = full_names([impl.division])[impl.division_id]
    return schemas.guide(impl, found, region_name, current_number)


@router.get(
    "/implementations/{code}/versions",
    response={200: schemas.VersionList, **ERRORS},
    summary="办事指南版本列表",
    description="匿名访问只列出已发布和已停用的版本；事项管理员登录后还可见草稿和审核中的版本。",
)
def list_versions(request: HttpRequest, code: str):
    impl = _implementation(code)
    if _can_see_drafts(request):
        versions = list(
            ImplementationVersion.objects.filter(implementation=impl)
            .only("id", "number", "status", "published_at")
            .order_by("-number")
        )
    else:
        versions = list(public_versions(impl))
        if not versions:
            raise NotFound(f"编码为“{shown(code)}”的事项暂无已发布的办事指南", "code")
    current = next(
        (v.number for v in versions if v.pk == impl.published_version_id and v.status == VersionStatus.PUBLISHED), None
    )
    return {
        "code": impl.code,
        "current_version": current,
        "versions": [schemas.version_row(v, impl.published_version_id) for v in versions],
    }


# --- the region tree with published counts -----------------------------------------------------------------
# Listed with the regions API (its tag, its operation id from when the regions app served it), but it counts
# published catalogue items, so the catalogue serves it. Registered before the regions router, so
# /regions/tree is matched before /regions/{code}.


class RegionNode(Schema):
    code: str
    name: str
    level: int
    count: int = Field(..., description="本级已发布的实施清单事项数")
    total: int = Field(..., description="本级及下级已发布的实施清单事项数")
    children: list[RegionNode]


RegionNode.model_rebuild()


@router.get(
    "/regions/tree",
    response={200: list[RegionNode], **ERRORS},
    summary="行政区划树",
    description="整棵区划树，每个节点带本级与下级已发布事项数（与网页“按区划浏览”同源）。"
    "`with_empty=false` 时省略没有已发布事项的分支。",
    tags=[REGIONS_TAG],
    operation_id="tongban_jurisdictions_api_region_tree",
)
def region_tree(request: HttpRequest, with_empty: bool = True):
    return regions_tree(with_empty=with_empty)


# --- licence types (证照类型) ----------------------------------------------------------------------------------


class LicenceFaceFieldOut(Schema):
    key: str = Field(..., description="照面字段键名")
    label: str = Field(..., description="照面字段名称")
    type: str = Field(..., description="text、date、number 或 code")
    source: str = Field(..., description="取值来源：form.<申请表字段> 或办件信息（holder_name 等）")
    required: bool = Field(False, description="是否必填")


class LicenceTypeOut(Schema):
    code: str = Field(..., description="证照类型代码：证照定义机构统一社会信用代码加3位数字")
    name: str = Field(..., description="证照类型名称")
    defining_body: str = Field(..., description="证照定义机构")
    defining_body_code: str = Field(..., description="证照定义机构统一社会信用代码")
    holder_kind: Literal["natural", "legal", "market"] = Field(
        ..., description="持证主体类型：natural 自然人，legal 法人，market 市场主体（法人或个体工商户）"
    )
    face_title: str = Field(..., description="照面标题")
    face_layout: Literal["certificate", "card"] = Field(..., description="照面版式")
    face_fields: list[LicenceFaceFieldOut]
    validity_rule: Literal["years", "until", "permanent"] = Field(..., description="有效期规则")
    validity_years: int | None = Field(None, description="固定年限（validity_rule=years）")
    valid_until: str | None = Field(None, description="统一截止日期（validity_rule=until）")


class LicenceTypePage(Schema):
    total: int
    limit: int
    offset: int
    results: list[LicenceTypeOut]


def _licence_type_out(t: LicenceType) -> dict:
    return {
        "code": t.code,
        "name": t.name,
        "defining_body": t.defining_body,
        "defining_body_code": t.defining_body_code,
        "holder_kind": t.holder_kind,
        "face_title": t.face_title,
        "face_layout": t.face_layout,
        "face_fields": [
            {
                "key": str(f.get("key", "")),
                "label": str(f.get("label", "")),
                "type": str(f.get("type", "text")),
                "source": str(f.get("source", "")),
                "required": bool(f.get("required")),
            }
            for f in t.face_fields
        ],
        "validity_rule": t.validity_rule,
        "validity_years": t.validity_years,
        "valid_until": t.valid_until.isoformat() if t.valid_until else None,
    }


@router.get(
    "/licence-types",
    response={200: LicenceTypePage, **ERRORS},
    summary="证照类型列表",
    description="平台定义的电子证照类型（启用的），按类型代码排序；实施清单的结果电子证照类型填写其中的类型代码。",
)
def list_licence_types(request: HttpRequest, limit: Limit = 50, offset: Offset = 0):
    qs = LicenceType.objects.filter(is_active=True).order_by("code")
    return paged((_licence_type_out(t) for t in qs[offset : offset + limit]), qs.count(), limit, offset)


@router.get(
    "/licence-types/{code}",
    response={200: LicenceTypeOut, **ERRORS},
    summary="证照类型",
    description="一个证照类型的定义：定义机构、照面字段及取值来源、有效期规则。",
)
def licence_type_detail(request: HttpRequest, code: str):
    found = LicenceType.objects.filter(code=code.strip().upper()[:21], is_active=True).first()
    if found is None:
        raise NotFound(f"证照类型“{shown(code)}”不存在", "code")
    return _licence_type_out(found)
