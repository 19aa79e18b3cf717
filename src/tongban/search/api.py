"""GET /api/v1/search: plain-words search over published items and bundles."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from tongban.core.api_errors import ApiError

from . import selectors

try:  # the shared error schema, for the OpenAPI document
    from tongban.core.api_errors import ErrorOut

    _ERRORS: dict[int, Any] = {400: ErrorOut}
except ImportError:  # pragma: no cover
    _ERRORS = {}

TAG = "检索"
router = Router()


class SearchPlaceOut(Schema):
    code: str = Field(..., description="实施编码或一件事编码")
    name: str = Field(..., description="事项或一件事名称（该地区的办事指南所用）")
    department: str = Field(..., description="实施机关或牵头部门")
    region: str = Field(..., description="实施区划名称")


class SearchResultOut(Schema):
    kind: Literal["item", "bundle"] = Field(..., description="item 为实施清单事项，bundle 为一件事")
    code: str = Field(..., description="实施编码或一件事编码")
    name: str = Field(..., description="事项或一件事名称")
    department: str = Field(..., description="实施机关或牵头部门")
    region: str = Field(..., description="实施区划名称")
    score: float = Field(..., description="相关度得分，越大越相关")
    others: list[SearchPlaceOut] = Field(
        ..., description="同一事项在其他地区的实施清单（检索地区的排在前面），每个事项只返回一行"
    )


class SearchOut(Schema):
    results: list[SearchResultOut]
    found: bool = Field(..., description="是否找到相关事项；为 false 时 results 为空，message 说明原因")
    message: str | None = Field(None, description="没有找到相关事项时给市民看的中文提示")


class SearchParams(Schema):
    q: str = Field("", description=f"市民的说法，如“孩子刚出生要办什么”（1–{selectors.MAX_QUERY_LENGTH}字）")
    region: str | None = Field(
        None, description="区划代码（6位或12位）：只返回服务该地区的事项，含上级和下级区划实施的事项"
    )
    near: str | None = Field(
        None,
        description="检索人所在地区的区划代码：只决定同一事项显示哪个地区的实施清单，不筛选（指定 region 时以 region 为准）",
    )
    kind: str | None = Field(None, description="item（事项）或 bundle（一件事）")
    limit: int = Field(10, description=f"返回条数（1–{selectors.MAX_LIMIT}），按事项计")
    distinct: bool = Field(False, description="已不再需要：结果总是每个事项一行，其他地区的实施清单在 others 中")


@router.get(
    "/search",
    response={200: SearchOut, **_ERRORS},
    summary="按市民说法检索事项和一件事",
    description="中文分词、别名与关键词、同义词扩展，按相关度从高到低返回，每个事项一行（检索地区的实施清单在前，"
    "其他地区的在 others 中）。与检索内容没有共同词语的事项不返回：什么也没找到时 found 为 false，并附中文提示。",
)
def search(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    try:
        results = selectors.search(
            params.q, region=params.region, kind=params.kind, limit=params.limit, fold=True, near=params.near
        )
    except selectors.InvalidSearch as exc:
        raise ApiError(exc.code, exc.message, exc.field) from exc
    return {
        "results": results,
        "found": bool(results),
        "message": None if results else selectors.no_match_message(params.q),
    }
