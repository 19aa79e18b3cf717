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


class SearchResultOut(Schema):
    kind: Literal["item", "bundle"] = Field(..., description="item 为实施清单事项，bundle 为一件事")
    code: str = Field(..., description="实施编码或一件事编码")
    name: str = Field(..., description="事项或一件事名称")
    department: str = Field(..., description="实施机关或牵头部门")
    region: str = Field(..., description="实施区划名称")
    score: float = Field(..., description="相关度得分，越大越相关")


class SearchOut(Schema):
    results: list[SearchResultOut]


class SearchParams(Schema):
    q: str = Field("", description=f"市民的说法，如“孩子刚出生要办什么”（1–{selectors.MAX_QUERY_LENGTH}字）")
    region: str | None = Field(
        None, description="区划代码（6位或12位）：只返回服务该地区的事项，含上级和下级区划实施的事项"
    )
    kind: str | None = Field(None, description="item（事项）或 bundle（一件事）")
    limit: int = Field(10, description=f"返回条数（1–{selectors.MAX_LIMIT}）")
    distinct: bool = Field(False, description="同名事项只保留得分最高的一条（不限地区检索时有用）")


@router.get(
    "/search",
    response={200: SearchOut, **_ERRORS},
    summary="按市民说法检索事项和一件事",
    description="中文分词、别名与关键词、同义词扩展，按相关度从高到低返回。",
)
def search(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    try:
        results = selectors.search(
            params.q, region=params.region, kind=params.kind, limit=params.limit, distinct=params.distinct
        )
    except selectors.InvalidSearch as exc:
        raise ApiError(exc.code, exc.message, exc.field) from exc
    return {"results": results}
