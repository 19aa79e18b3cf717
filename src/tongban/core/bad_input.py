"""Input that no view can handle, recognised once for the pages and the API alike (core/middleware.py).

Some input never reaches a view intact: a NUL character (PostgreSQL refuses it in text and JSON, SQLite
would store it), a multipart body without its boundary or with part headers beyond Django's limit (a file
name of thousands of characters), a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``, more fields or files than
Django parses. Django raises when a view first reads such a request; under the API that was a 500, on the
pages an English error page. ``inspect`` reads the request first and names the problem in Chinese.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})
MAX_FILE_NAME = 255


class Refusal(Exception):
    """A 4xx answer: status, machine code, Chinese message, the field (parameter) concerned."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def _check_pairs(pairs: Iterable[tuple[str, list[str]]], where: str) -> None:
    for key, values in pairs:
        if "\x00" in key or any(isinstance(v, str) and "\x00" in v for v in values):
            shown = key.replace("\x00", "")[:40]
            raise Refusal(400, "invalid_characters", f"{where}“{shown}”含有空字符（\\0），请删除后重新提交", shown)


def refusal_for(exc: BaseException) -> Refusal | None:
    """The 4xx answer to an exception Django raises while reading a request, or None for anything else."""
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        return Refusal(413, "too_large", f"提交的内容超过{limit}MB的上限，请减少内容后重试")
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return Refusal(400, "too_many_fields", "提交的字段或文件过多")
    if isinstance(exc, MultiPartParserError):
        if "header size" in str(exc):
            return Refusal(400, "invalid_file_name", "表单的分段头过长（例如文件名过长），请改短文件名后重试")
        return Refusal(400, "malformed_body", "提交的表单格式不正确（multipart 分隔符缺失或损坏）")
    if isinstance(exc, SuspiciousOperation):
        return Refusal(400, "bad_request", "请求格式不正确")
    return None


def inspect(request: HttpRequest) -> None:
    """Raise Refusal for input that no view can handle."""
    if "\x00" in request.path_info:
        raise Refusal(400, "invalid_characters", "网址含有空字符（\\0）")
    _check_pairs(request.GET.lists(), "参数")
    if request.method not in BODY_METHODS:
        return
    try:
        if (request.content_type or "") in FORM_TYPES:
            _check_pairs(request.POST.lists(), "字段")
            for field, uploads in request.FILES.lists():
                for upload in uploads:
                    name = upload.name or ""
                    if len(name) > MAX_FILE_NAME or "\x00" in name:
                        raise Refusal(400, "invalid_file_name", "文件名过长或含有无效字符，请改短文件名后重试", field)
        else:
            request.body  # noqa: B018  (read once: Django refuses a body above the limit here)
    except Refusal:
        raise
    except Exception as exc:
        refusal = refusal_for(exc)
        if refusal is None:
            raise
        raise refusal from exc
