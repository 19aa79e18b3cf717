"""A guide's blank forms and samples (空白表格, 示例样表) are files people download: kept in the catalogue once
per content, a file per material requirement, versioned with the guide, uploaded in the admin, carried by the
Excel import in a .zip with the workbook, listed with download links on the guide page and in the API.

Before, the guide only printed a name ("出生登记申请表（空白表）.docx") and there was nothing to download."""

from __future__ import annotations

import zipfile
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tongban.catalogue import guide_files, services
from tongban.catalogue.excel import WorkbookError, export_catalogue, import_catalogue
from tongban.catalogue.excel.package import reference
from tongban.catalogue.models import GuideFile, ImmutableVersionError, MaterialRequirement
from tongban.core.errors import DomainError
from tongban.core.testing.admin import change_url, login, post_data
from tongban.jurisdictions.tests.factories import DivisionFactory

from . import factories as f

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a sample\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def xlsx_bytes(title: str = "出生登记申请表") -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = title
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def guide_with_files() -> tuple[Any, GuideFile, GuideFile]:
    """A published guide whose first material offers a blank form and a sample."""
    form = services.store_guide_file("出生登记申请表.xlsx", xlsx_bytes())
    sample = services.store_guide_file("出生登记申请表（示例）.pdf", PDF)
    rows = f.materials()
    rows[0].update(blank_form=form.name, blank_form_file_id=form.pk, sample=sample.name, sample_file_id=sample.pk)
    draft = f.DraftVersionFactory(name="新生儿入户", division=DivisionFactory(code="330681", name="诸暨市"))
    services.update_draft(draft, materials=rows)
    return services.publish_now(draft), form, sample


# ---- what a file may be ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("申请表.pdf", PDF, None),
        ("申请表.xlsx", xlsx_bytes(), None),
        ("样表.png", PNG, None),
        ("申请表.pdf", b"MZ\x90\x00 an executable", "内容不是PDF文件"),
        ("申请表.docx", PDF, "内容不是Word文件"),
        ("申请表.exe", b"MZ", "格式不能作为空白表格或示例样表"),
        ("申请表.html", b"<html>", "格式不能作为空白表格或示例样表"),
        ("申请表.pdf", b"", "空文件"),
        ("申请表.pdf", b"%PDF-" + b"0" * guide_files.MAX_BYTES, "过大"),
        ("", PDF, "文件名不能为空"),
    ],
)
def test_which_files_a_guide_may_offer(name: str, data: bytes, reason: str | None) -> None:
    found = guide_files.problem(name, data)
    assert found is None if reason is None else reason in (found or ""), found


def test_a_file_name_keeps_no_folder_and_no_unsafe_character() -> None:
    assert guide_files.clean_name("..\\..\\evil/申请表.pdf") == "申请表.pdf"
    assert guide_files.clean_name('a<b>:"c|?.pdf') == "a_b___c__.pdf"


def test_stored_once_per_content_and_never_changed() -> None:
    first = services.store_guide_file("申请表.pdf", PDF)
    assert services.store_guide_file("申请表.pdf", PDF).pk == first.pk  # the same file again: the same row
    renamed = services.store_guide_file("另一个名字.pdf", PDF)
    assert renamed.pk != first.pk and renamed.file.name == first.file.name  # the bytes are stored once
    assert first.file.name == f"guide-files/{first.sha256[:2]}/{first.sha256}.pdf"
    assert first.size == len(PDF) and first.content_type == "application/pdf"
    first.name = "改名.pdf"
    with pytest.raises(ImmutableVersionError):
        first.save()
    with pytest.raises(DomainError) as refused:
        services.store_guide_file("申请表.pdf", b"<script>alert(1)</script>")
    assert refused.value.code == "bad_guide_file" and "内容不是PDF文件" in refused.value.message


# ---- the guide page, the download, the API ---------------------------------------------------------------------


def test_the_guide_page_offers_each_file_to_download(client: Client) -> None:
    version, form, sample = guide_with_files()
    html = client.get(f"/items/{version.implementation.code}/").content.decode()
    assert f'href="{form.get_absolute_url()}" download>下载空白表格</a>' in html
    assert f'href="{sample.get_absolute_url()}" download>下载示例样表</a>' in html
    assert "出生登记申请表（示例）.pdf，" in html

    response = client.get(form.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == form.file.open("rb").read()  # type: ignore[attr-defined]
    assert response["Content-Type"] == guide_files.content_type("x.xlsx")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_api_lists_each_materials_files(client: Client) -> None:
    version, form, sample = guide_with_files()
    body = client.get(f"/api/v1/implementations/{version.implementation.code}").json()
    material = body["materials"][0]
    assert material["blank_form_file"] == {
        "name": "出生登记申请表.xlsx",
        "url": form.get_absolute_url(),
        "content_type": form.content_type,
        "size": form.size,
        "sha256": form.sha256,
    }
    assert material["sample_file"]["sha256"] == guide_files.digest(PDF)
    assert body["materials"][1]["blank_form_file"] is None


def test_a_file_only_a_draft_offers_is_not_public(client: Client) -> None:
    version, form, _sample = guide_with_files()
    draft = services.start_new_version(version.implementation)
    secret = services.store_guide_file("新申请表.pdf", PDF + b"draft")
    rows = [
        {k: v for k, v in r.items() if k != "order"}
        for r in services.snapshot(draft)["materials"]
    ]  # fmt: skip
    rows[0]["blank_form_file_id"] = secret.pk
    services.update_draft(draft, materials=rows)
    assert client.get(secret.get_absolute_url()).status_code == 404
    assert client.get(reverse("catalogue:file", args=[form.pk, "别的名字.xlsx"])).status_code == 404
    client.force_login(f.catalogue_admin(DivisionFactory(code="330681", name="诸暨市")))
    assert client.get(secret.get_absolute_url()).status_code == 200  # the editors' preview


def test_a_new_version_keeps_the_files_and_its_own_change_leaves_the_published_one(client: Client) -> None:
    version, form, _sample = guide_with_files()
    draft = services.start_new_version(version.implementation)
    assert draft.materials.get(order=0).blank_form_file_id == form.pk  # versioned with the guide
    newer = services.store_guide_file("出生登记申请表.xlsx", xlsx_bytes("第二版"))
    rows = [{k: v for k, v in r.items() if k != "order"} for r in services.snapshot(draft)["materials"]]
    rows[0]["blank_form_file_id"] = newer.pk
    services.update_draft(draft, materials=rows)
    published = MaterialRequirement.objects.get(version=version, order=0)
    assert published.blank_form_file_id == form.pk
    services.publish_now(draft)
    html = client.get(f"/items/{version.implementation.code}/").content.decode()
    assert newer.get_absolute_url() in html
    old = client.get(f"/items/{version.implementation.code}/?version={version.number}").content.decode()
    assert form.get_absolute_url() in old  # the retired version still offers its own file
    assert client.get(form.get_absolute_url()).status_code == 200


# ---- the admin ------------------------------------------------------------------------------------------------


def test_the_admin_uploads_replaces_and_removes_a_file_on_a_draft() -> None:
    from tongban.accounts.models import User

    editor = User.objects.create_superuser("root", "root@example.cn", "Root-pass-2024")
    version = f.DraftVersionFactory(division=DivisionFactory(code="330681", name="诸暨市"))
    client = login(editor)
    data = post_data(client.get(change_url(version)))
    data["materials-0-blank_form_upload"] = SimpleUploadedFile("出生登记申请表.xlsx", xlsx_bytes())
    data["materials-0-sample_upload"] = SimpleUploadedFile("样表.pdf", PDF)
    response = client.post(change_url(version), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    material = version.materials.get(order=0)
    assert material.blank_form_file is not None and material.sample_file is not None
    assert material.blank_form_file.name == "出生登记申请表.xlsx" and material.blank_form == "出生登记申请表.xlsx"
    assert material.sample_file.sha256 == guide_files.digest(PDF)
    page = client.get(change_url(version)).content.decode()
    assert material.blank_form_file.get_absolute_url() in page  # shown as the material's file

    data = post_data(client.get(change_url(version)))
    data["materials-0-sample_upload"] = SimpleUploadedFile("样表.pdf", b"GIF89a not a pdf")
    refused = client.post(change_url(version), data)
    assert refused.status_code == 200 and "内容不是PDF文件" in refused.content.decode()

    data = post_data(client.get(change_url(version)))
    data["materials-0-sample_remove"] = "on"
    assert client.post(change_url(version), data).status_code == 302
    material = version.materials.get(order=0)
    assert material.sample_file is None and material.blank_form_file is not None


# ---- the Excel import and export ----------------------------------------------------------------------------


def package_of(workbook: bytes, files: dict[str, bytes], *, name: str = "目录.xlsx") -> BytesIO:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, workbook)
        for path, data in files.items():
            archive.writestr(path, data)
    out.seek(0)
    return out


def workbook_of(version_code: str) -> Any:
    out = BytesIO()
    export_catalogue(out)
    wb = load_workbook(BytesIO(out.getvalue()))
    sheet = wb["申请材料"]
    return wb, sheet, [r for r in sheet.iter_rows(min_row=2) if r[0].value == version_code]


def saved(wb: Any) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_exported_package_imports_into_an_empty_catalogue_with_its_files(tmp_path) -> None:
    version, form, sample = guide_with_files()
    code = version.implementation.code
    path = tmp_path / "目录.zip"
    result = export_catalogue(str(path), with_files=True)
    assert result.files == 2
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        assert names == {"目录.xlsx", reference(form.sha256, form.name), reference(sample.sha256, sample.name)}
        rows = load_workbook(BytesIO(archive.read("目录.xlsx")))["申请材料"]
        assert reference(form.sha256, form.name) in [c.value for c in rows[2]]

    # An empty catalogue (files and all) gets the same guide back, files included.
    f.wipe_catalogue()
    assert not GuideFile.objects.exists()
    report = import_catalogue(str(path), publish=True)
    assert report.ok, [str(p) for p in report.problems]
    material = MaterialRequirement.objects.get(version__implementation__code=code, order=0)
    assert material.blank_form_file is not None and material.sample_file is not None
    assert material.blank_form_file.sha256 == form.sha256 and material.blank_form_file.name == form.name
    assert material.sample_file.file.open("rb").read() == PDF
    again = import_catalogue(str(path), publish=True)  # the same package twice changes nothing
    assert again.ok and again.implementations.unchanged == 1 and again.implementations.updated == 0


def test_a_workbook_names_files_in_its_package_and_a_plain_workbook_names_kept_ones() -> None:
    version, form, _sample = guide_with_files()
    code = version.implementation.code
    wb, sheet, rows = workbook_of(code)
    blank_column = next(c.column - 1 for c in sheet[1] if c.value == "空白表格")
    # An exported plain workbook names the kept file (附件/<SHA-256>/<name>): importing it changes nothing.
    plain = import_catalogue(BytesIO(saved(wb)), publish=True)
    assert plain.ok and plain.implementations.unchanged == 1

    # A workbook of one's own names a new file in its package.
    rows[1][blank_column].value = "附件/出生医学证明申请表.pdf"
    package = package_of(saved(wb), {"附件/出生医学证明申请表.pdf": PDF + b"cert"})
    report = import_catalogue(package, publish=True)
    assert report.ok, [str(p) for p in report.problems]
    second = MaterialRequirement.objects.get(version__implementation__code=code, version__status="published", order=1)
    assert (
        second.blank_form_file is not None
        and second.blank_form_file.name == "出生医学证明申请表.pdf"
        and second.blank_form == "出生医学证明申请表.pdf"
    )


def test_missing_or_bad_files_are_problems_and_nothing_is_written() -> None:
    version, _form, _sample = guide_with_files()
    wb, sheet, rows = workbook_of(version.implementation.code)
    blank_column = next(c.column - 1 for c in sheet[1] if c.value == "空白表格")
    sample_column = next(c.column - 1 for c in sheet[1] if c.value == "示例样表")
    rows[1][blank_column].value = "附件/没有这个文件.pdf"
    rows[1][sample_column].value = "附件/样表.pdf"
    before = (GuideFile.objects.count(), MaterialRequirement.objects.count())
    report = import_catalogue(package_of(saved(wb), {"附件/样表.pdf": b"MZ an executable"}), publish=True)
    messages = [str(p) for p in report.problems]
    assert not report.ok and len(messages) == 2
    assert "申请材料 第3行 空白表格：找不到附件“附件/没有这个文件.pdf”" in messages[0]
    assert "申请材料 第3行 示例样表：“样表.pdf”的内容不是PDF文件" in messages[1]
    assert (GuideFile.objects.count(), MaterialRequirement.objects.count()) == before
    without_package = import_catalogue(BytesIO(saved(wb)))
    assert "没有随工作簿上传压缩包" in str(without_package.problems[0])


def test_a_package_is_read_safely() -> None:
    version, _form, _sample = guide_with_files()
    wb, _sheet, _rows = workbook_of(version.implementation.code)
    book = saved(wb)
    with pytest.raises(WorkbookError, match=r"正好有一个 \.xlsx 工作簿"):
        import_catalogue(package_of(book, {"第二个.xlsx": book}))
    with pytest.raises(WorkbookError, match=r"正好有一个 \.xlsx 工作簿"):
        import_catalogue(package_of(b"", {}, name="readme.txt"))
    # A name written in GBK without the UTF-8 flag (Chinese Windows zip tools) is read as GBK.
    sheet = wb["申请材料"]
    blank_column = next(c.column - 1 for c in sheet[1] if c.value == "空白表格")
    next(r for r in sheet.iter_rows(min_row=2))[blank_column].value = "附件/申请表.pdf"
    gbk = "附件/申请表.pdf".encode("gbk")
    stand_in = b"X" * 4 + b"/" + b"Y" * 6 + b".pdf"  # an ASCII name as long, replaced by the GBK bytes
    assert len(stand_in) == len(gbk)
    raw = package_of(saved(wb), {stand_in.decode(): PDF}).getvalue().replace(stand_in, gbk)
    assert import_catalogue(BytesIO(raw), dry_run=True).ok
    # A huge entry (a zip bomb) is refused without being inflated: at most the limit + 1 byte is read.
    bomb = BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("目录.xlsx", saved(wb))
        archive.writestr("附件/申请表.pdf", b"%PDF-" + b"\x00" * (guide_files.MAX_BYTES + 10))
    bomb.seek(0)
    report = import_catalogue(bomb, dry_run=True)
    assert not report.ok and "过大" in str(report.problems[0])


def test_the_admin_exports_and_imports_a_package(tmp_path) -> None:
    from tongban.accounts.models import User

    version, form, _sample = guide_with_files()
    client = login(User.objects.create_superuser("root", "root@example.cn", "Root-pass-2024"))
    response = client.get("/admin/catalogue/excel/export/", {"files": "on"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert ".zip" in response["Content-Disposition"]
    with zipfile.ZipFile(BytesIO(response.content)) as archive:
        assert reference(form.sha256, form.name) in archive.namelist()
    upload = SimpleUploadedFile("目录.zip", response.content, content_type="application/zip")
    preview = client.post("/admin/catalogue/excel/", {"file": upload})
    assert preview.status_code == 200 and "校验通过（预览，未写入）" in preview.content.decode()
