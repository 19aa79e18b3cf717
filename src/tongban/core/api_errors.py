"""One error shape for the whole API: ``{"error": {"code", "message", "field"}}``.

Bad input answers 400 naming the parameter, an unknown resource 404, and anything unexpected is logged and
answers 500 in the same shape (never Django's HTML error page). Also the request conventions every router
shares: the error schema for OpenAPI, limit/offset paging and the division-code parameter type.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import URLPattern
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import AfterValidator, StringConstraints

from tongban.core.bad_input import refusal_for
from tongban.core.errors import DomainError
from tongban.core.identifiers import division_code_error

logger = logging.getLogger("tongban.api")


class ApiError(DomainError):
    """Raise from API handlers to answer with a structured 4xx error (services raise DomainError)."""


class NotFound(ApiError):
    status = 404

    def __init__(self, message: str, field: str | None = None):
        super().__init__("not_found", message, field)


class ErrorDetail(Schema):
    code: str = Field(..., description="机器可读的错误代码，如 invalid、not_found", examples=["invalid"])
    message: str = Field(..., description="中文错误说明", examples=["参数“limit”无效：不能小于1"])
    field: str | None = Field(None, description="出错的参数名（如有）", examples=["limit"])


class ErrorOut(Schema):
    error: ErrorDetail


# Declared on every read operation so the OpenAPI document lists the error shape.
ERRORS: dict[int, Any] = {400: ErrorOut, 404: ErrorOut, 500: ErrorOut}


def error_body(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "field": field}}


# --- request conventions ---------------------------------------------------------------------------------

MAX_LIMIT = 100
# Bounded so that a huge offset never reaches the database as an integer it cannot hold.
MAX_OFFSET = 1_000_000

Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT, description=f"每页条数（1–{MAX_LIMIT}）")]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description="跳过的条数")]


def _division_code(value: str) -> str:
    error = division_code_error(value)
    if error:
        raise ValueError(error)
    return value.strip().ljust(12, "0")


# A short free-text filter value (a department kind, a theme code …): no control characters.
Token = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40, pattern=r"^[^\x00-\x1f]*$")]

# A GB/T 2260 code of 6, 9 or 12 digits, normalised to the stored 12-digit form.
DivisionCode = Annotated[str, AfterValidator(_division_code)]


def _uscc(value: str) -> str:
    # Format only: a stored department is found by its code even if its check digit were wrong.
    v = value.strip().upper()
    if len(v) != 18 or not v.isascii() or not v.isalnum():
        raise ValueError("统一社会信用代码应为18位数字或大写字母")
    return v


Uscc = Annotated[str, AfterValidator(_uscc)]

# Codes that could never be stored (too long, control characters) are answered 404 without touching the
# database: PostgreSQL rejects NUL characters in a query outright.
_MAX_CODE_LENGTH = 100


def lookup_key(value: str) -> str | None:
    """``value`` cleaned for a lookup by code, or None when no stored row can have it."""
    value = value.strip()
    if not value or len(value) > _MAX_CODE_LENGTH or any(ord(c) < 32 for c in value):
        return None
    return value


def shown(value: str, limit: int = 40) -> str:
    """A user-supplied value as it may be echoed in a message: printable and short."""
    clean = "".join(c if c.isprintable() else "?" for c in value)
    return clean if len(clean) <= limit else clean[:limit] + "…"


def paged(items: Iterable[Any], total: int, limit: int, offset: int) -> dict[str, Any]:
    return {"total": total, "limit": limit, "offset": offset, "results": list(items)}


# --- validation messages in Chinese ----------------------------------------------------------------------

_PARAM_SOURCES = {"query", "path", "body", "header", "cookie", "form", "file"}


def _describe(error: Mapping[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    msg = str(error.get("msg", ""))
    if kind == "missing":
        return "必须填写"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "应为整数"
    if kind in ("float_parsing", "float_type", "decimal_parsing"):
        return "应为数字"
    if kind in ("bool_parsing", "bool_type"):
        return "应为 true 或 false"
    if kind == "greater_than_equal":
        return f"不能小于{ctx.get('ge')}"
    if kind == "greater_than":
        return f"应大于{ctx.get('gt')}"
    if kind == "less_than_equal":
        return f"不能大于{ctx.get('le')}"
    if kind == "less_than":
        return f"应小于{ctx.get('lt')}"
    if kind == "string_too_short":
        return f"长度不能少于{ctx.get('min_length')}个字符"
    if kind in ("string_too_long", "too_long"):
        return f"长度不能超过{ctx.get('max_length')}个字符"
    if kind == "string_pattern_mismatch":
        return "格式不正确"
    if kind in ("literal_error", "enum"):
        # pydantic says "'natural' or 'legal'" / "1, 2 or 3"
        expected = [v.strip("'\" ") for v in re.split(r",| or ", str(ctx.get("expected", ""))) if v.strip()]
        return f"应为以下值之一：{'、'.join(expected)}" if expected else "不是允许的取值"
    if kind in ("date_parsing", "date_from_datetime_parsing", "date_type"):
        return "应为日期（YYYY-MM-DD）"
    if kind == "value_error":
        return msg.removeprefix("Value error, ")
    return "格式不正确"


def _field_name(error: Mapping[str, Any]) -> str | None:
    """The parameter's name: the location without its source (and, for a body, the handler's argument
    name), so that a body field called ``query`` or ``path`` keeps its name."""
    loc = [str(p) for p in error.get("loc", ())]
    if loc and loc[0] in _PARAM_SOURCES:
        source, loc = loc[0], loc[1:]
        if source in {"body", "form"} and len(loc) > 1:
            loc = loc[1:]
    return ".".join(loc) or None


def validation_message(errors: Sequence[Mapping[str, Any]]) -> tuple[str, str | None]:
    """A Chinese message covering every invalid parameter, and the first parameter's name."""
    parts = []
    for error in errors:
        name = _field_name(error)
        parts.append(f"参数“{name}”无效：{_describe(error)}" if name else f"请求无效：{_describe(error)}")
    field = _field_name(errors[0]) if errors else None
    return ("；".join(dict.fromkeys(parts)) or "请求参数无效"), field


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "throttled",
}
_HTTP_MESSAGES = {
    400: "请求格式不正确",
    401: "请先登录或提供有效的访问令牌",
    403: "无权访问该资源",
    404: "未找到请求的资源",
    405: "不支持该请求方法",
    413: "请求内容过大",
    429: "请求过于频繁，请稍后再试",
}


def json_method_not_allowed(patterns: list[Any]) -> list[Any]:
    """Wrap the API's URL views so ninja's plain-text 405 answers in the error shape too."""

    def wrap(view: Any) -> Any:
        @functools.wraps(view)  # keeps csrf_exempt and the other view attributes
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if isinstance(response, HttpResponseNotAllowed):
                allowed = response["Allow"]
                body = error_body("method_not_allowed", f"该接口不支持 {request.method} 请求（支持：{allowed}）")
                response = JsonResponse(body, status=405, json_dumps_params={"ensure_ascii": False})
                response["Allow"] = allowed
            return response

        return wrapper

    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = wrap(pattern.callback)
    return patterns


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, code: str, message: str, field: str | None = None) -> HttpResponse:
        return api.create_response(request, error_body(code, message, field), status=status)

    @api.exception_handler(DomainError)
    def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return respond(request, exc.status, exc.code, exc.message, exc.field)

    @api.exception_handler(NinjaValidationError)
    def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        message, field = validation_message(exc.errors)
        return respond(request, 400, "invalid", message, field)

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        # Django's own Http404 messages are English and may name models: keep the public message fixed.
        return respond(request, 404, "not_found", "未找到请求的资源")

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, "forbidden", "无权访问该资源")

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return respond(request, 401, "unauthenticated", _HTTP_MESSAGES[401])

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code
        code = _HTTP_CODES.get(status, "bad_request" if status < 500 else "server_error")
        return respond(request, status, code, _HTTP_MESSAGES.get(status, "请求无法处理"))

    @api.exception_handler(Exception)
    def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        refusal = refusal_for(exc)  # a request Django could not read (the guard middleware answers most)
        if refusal is not None:
            return respond(request, refusal.status, refusal.code, refusal.message, refusal.field)
        # A bug, not bad input: log it with the traceback and keep the answer in the API's shape.
        logger.exception("Unhandled error in API %s %s", request.method, request.get_full_path())
        return respond(request, 500, "server_error", "服务器内部错误，请稍后重试")
