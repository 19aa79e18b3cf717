"""Excel import and export of the catalogue in the admin: upload, preview every problem, then confirm.

Wired in tongban/urls.py as ``admin/catalogue/excel/`` (before ``admin.site.urls``); URL names
``catalogue_excel:import`` and ``catalogue_excel:export``. The uploaded file waits in a private temporary
directory between preview and confirmation, under a random token kept in the uploader's session only.
"""

from __future__ import annotations

import os
import secrets
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from tongban.core.actor import Actor, actor_of
from tongban.core.errors import DomainError

from .excel import STATUS_ALL, STATUS_PUBLISHED, WorkbookError, export_catalogue, import_catalogue

app_name = "catalogue_excel"

IMPORT_PERMS = (
    "catalogue.change_catalogueentry",
    "catalogue.add_catalogueentry",
    "catalogue.add_itemimplementation",
    "catalogue.change_implementationversion",
)
EXPORT_PERMS = ("catalogue.view_implementationversion", "catalogue.change_implementationversion")
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
SESSION_KEY = "catalogue_excel_uploads"
PREVIEW_LIMIT = 500  # changes listed in the preview; the counts always cover everything
_STALE_SECONDS = 24 * 3600
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"


def _upload_dir() -> Path:
    directory = Path(tempfile.gettempdir()) / "tongban-excel-imports"
    directory.mkdir(mode=0o700, exist_ok=True)
    return directory


def _sweep(directory: Path) -> None:
    """Drop uploads nobody confirmed within a day."""
    cutoff = time.time() - _STALE_SECONDS
    for item in directory.glob("*.xlsx"):
        try:
            if item.stat().st_mtime < cutoff:
                item.unlink()
        except OSError:
            pass


def _allowed(request: HttpRequest, perms: tuple[str, ...], *, any_of: bool = False) -> bool:
    """The catalogue roles (the same rule as the catalogue's admin pages: Actor.catalogue_editor), or an
    account holding the Django permissions."""
    if actor_of(request.user).catalogue_editor:
        return True
    return any(request.user.has_perm(p) for p in perms) if any_of else request.user.has_perms(perms)


def _require(request: HttpRequest, perms: tuple[str, ...], *, any_of: bool = False) -> None:
    if not _allowed(request, perms, any_of=any_of):
        raise PermissionDenied("您没有事项目录 Excel 导入导出的权限")


def _scope(request: HttpRequest) -> Actor | None:
    """What a catalogue role may change or see (catalogue.access): its own jurisdiction, unless platform-wide.
    None (no limit) for an account working by Django permissions a system administrator granted."""
    actor = actor_of(request.user)
    return actor if actor.catalogue_editor else None


def _limited(request: HttpRequest) -> bool:
    scope = _scope(request)
    return scope is not None and scope.division_paths() is not None


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        **admin.site.each_context(request),
        "title": "事项目录 Excel 导入导出",
        "status_choices": [(STATUS_PUBLISHED, "现行发布版本"), (STATUS_ALL, "最新版本（含草稿）")],
        "can_import": _allowed(request, IMPORT_PERMS),
        "jurisdiction": getattr(request.user, "division", None) if _limited(request) else None,
        **extra,
    }


def _render(request: HttpRequest, **extra: Any) -> TemplateResponse:
    return TemplateResponse(request, "admin/catalogue/excel/import.html", _context(request, **extra))


def _uploads(request: HttpRequest) -> dict[str, dict[str, Any]]:
    return request.session.get(SESSION_KEY, {})


def _forget(request: HttpRequest, token: str) -> None:
    uploads = _uploads(request)
    uploads.pop(token, None)
    request.session[SESSION_KEY] = uploads
    (_upload_dir() / f"{token}.xlsx").unlink(missing_ok=True)


@staff_member_required
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    """GET: the page. POST with a file: preview (validate everything, write nothing). POST with a token:
    import the previewed file."""
    _require(request, EXPORT_PERMS, any_of=True)
    if request.method == "GET":
        return _render(request)
    _require(request, IMPORT_PERMS)
    if request.POST.get("token"):
        return _confirm(request, request.POST["token"])
    return _preview(request)


def _preview(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    publish = request.POST.get("publish") == "on"
    if upload is None:
        return _render(
            request, upload_error="请选择要导入的 .xlsx 工作簿（或含工作簿和附件的 .zip 压缩包）", publish=publish
        )
    if upload.size and upload.size > MAX_UPLOAD_BYTES:
        return _render(request, upload_error=f"文件过大（上限 {MAX_UPLOAD_BYTES // 1024 // 1024} MB）", publish=publish)
    directory = _upload_dir()
    _sweep(directory)
    token = secrets.token_hex(16)
    target = directory / f"{token}.xlsx"
    with open(target, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    os.chmod(target, 0o600)
    try:
        report = import_catalogue(str(target), publish=publish, actor=request.user, dry_run=True, scope=_scope(request))
    except WorkbookError as exc:
        target.unlink(missing_ok=True)
        return _render(request, upload_error=str(exc), filename=upload.name, publish=publish)
    if not report.ok:
        target.unlink(missing_ok=True)
        return _render(request, report=report, filename=upload.name, publish=publish)
    uploads = _uploads(request)
    uploads[token] = {"name": upload.name, "publish": publish}
    request.session[SESSION_KEY] = uploads
    return _render(
        request,
        report=report,
        filename=upload.name,
        publish=publish,
        token=token,
        changes=report.changes[:PREVIEW_LIMIT],
        more_changes=max(0, len(report.changes) - PREVIEW_LIMIT),
    )


def _confirm(request: HttpRequest, token: str) -> HttpResponse:
    pending = _uploads(request).get(token)
    target = _upload_dir() / f"{token}.xlsx"
    if pending is None or not target.exists():
        messages.error(request, "预览已过期或文件不存在，请重新上传。")
        return redirect("catalogue_excel:import")
    try:
        report = import_catalogue(str(target), publish=pending["publish"], actor=request.user, scope=_scope(request))
    except WorkbookError as exc:
        _forget(request, token)
        return _render(request, upload_error=str(exc), filename=pending["name"])
    if not report.ok:
        # The catalogue changed between preview and confirmation: show what is wrong now.
        _forget(request, token)
        return _render(request, report=report, filename=pending["name"], publish=pending["publish"])
    _forget(request, token)
    messages.success(request, f"“{pending['name']}”{report.summary()}")
    return redirect("catalogue_excel:import")


@staff_member_required
@require_GET
def export_view(request: HttpRequest) -> HttpResponse:
    _require(request, EXPORT_PERMS, any_of=True)
    region = request.GET.get("region", "").strip() or None
    status = request.GET.get("status") or STATUS_PUBLISHED
    with_files = request.GET.get("files") == "on"
    buffer = BytesIO()
    try:
        export_catalogue(buffer, region=region, status=status, scope=_scope(request), with_files=with_files)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("catalogue_excel:import")
    suffix = "zip" if with_files else "xlsx"
    name = f"事项目录-{region or '全部'}-{timezone.localdate():%Y%m%d}.{suffix}"
    response = HttpResponse(buffer.getvalue(), content_type=ZIP if with_files else XLSX)
    response["Content-Disposition"] = f"attachment; filename=\"catalogue.{suffix}\"; filename*=UTF-8''{quote(name)}"
    return response


urlpatterns = [
    path("", import_view, name="import"),
    path("export/", export_view, name="export"),
]
