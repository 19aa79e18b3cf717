"""The demo catalogue administrator (zj_catalogue, 诸暨市) uses Excel import and export in the admin, signing in
with the published demo password: before, both pages answered 403 (the pages asked for Django permissions the
role never had, while the catalogue's admin pages follow the role). What they may change is their own
jurisdiction's implementations, never another region's nor the shared basic catalogue."""

from __future__ import annotations

import zipfile
from io import BytesIO
from typing import Any

import pytest
from django.test import Client, override_settings
from openpyxl import load_workbook

from tongban.catalogue.models import ItemImplementation
from tongban.demo import loader
from tongban.demo.data.accounts import ACCOUNTS

pytestmark = pytest.mark.django_db

CATALOGUE_ADMIN = next(a for a in ACCOUNTS if a.role == "catalogue_admin")


def sign_in(client: Client) -> str:
    response = client.post(
        "/accounts/login/", {"username": CATALOGUE_ADMIN.username, "password": CATALOGUE_ADMIN.password}, follow=True
    )
    assert response.status_code == 200
    return response.redirect_chain[-1][0]


def workbook(content: bytes) -> Any:
    return load_workbook(BytesIO(content))


def column(ws: Any, header: str) -> int:
    return next(i for i, c in enumerate(ws[1], start=1) if c.value == header)


def upload(client: Client, wb: Any) -> Any:
    buffer = BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "目录.xlsx"
    return client.post("/admin/catalogue/excel/", {"file": buffer})


@override_settings(DEMO_MODE=True)
def test_the_demo_catalogue_administrator_exports_edits_and_imports_their_catalogue():
    loader.load_demo(cases=False)
    client = Client()
    landing = sign_in(client)
    assert landing == "/admin/catalogue/"
    page = client.get(landing).content.decode()
    assert 'href="/admin/catalogue/excel/"' in page and "Excel 导入导出" in page

    assert client.get("/admin/catalogue/excel/").status_code == 200
    export = client.get("/admin/catalogue/excel/export/")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = workbook(export.content)
    impl_sheet = wb["实施清单"]
    codes = [r[0].value for r in impl_sheet.iter_rows(min_row=2)]
    own = ItemImplementation.objects.filter(division__path__startswith="330000000000/330600000000/330681000000/")
    assert sorted(codes) == sorted(own.values_list("code", flat=True))  # their jurisdiction only
    assert ItemImplementation.objects.exclude(pk__in=own).exists()  # other regions were left out

    # With the guides' blank forms and samples: a .zip the same pages import again.
    package = client.get("/admin/catalogue/excel/export/", {"files": "on"})
    with zipfile.ZipFile(BytesIO(package.content)) as archive:
        attached = [n for n in archive.namelist() if n.startswith("附件/")]
    assert package["Content-Type"] == "application/zip" and len(attached) > 10

    # Change one guide's text (咨询电话) and import it: previewed, confirmed, a new draft version.
    row = 2
    code = impl_sheet.cell(row, 1).value
    impl_sheet.cell(row, column(impl_sheet, "咨询电话")).value = "0575-80000000"
    preview = upload(client, wb)
    html = preview.content.decode()
    assert preview.status_code == 200 and "校验通过（预览，未写入）" in html, html[:2000]
    done = client.post("/admin/catalogue/excel/", {"token": preview.context["token"]}, follow=True).content.decode()
    assert "导入完成" in done
    impl = ItemImplementation.objects.get(code=code)
    draft = impl.versions.order_by("-number").first()
    assert draft is not None and draft.number == 2 and draft.phone == "0575-80000000" and draft.status == "draft"


@override_settings(DEMO_MODE=True)
def test_the_catalogue_administrator_cannot_import_outside_their_jurisdiction():
    loader.load_demo(cases=False)
    client = Client()
    sign_in(client)
    export = client.get("/admin/catalogue/excel/export/?region=330482")  # 平湖市: not theirs
    assert export.status_code == 302
    assert "不在您的管辖范围内" in client.get(export["Location"]).content.decode()

    # A workbook of another region (exported by the platform), and a changed basic-catalogue entry.
    from tongban.catalogue.excel import export_catalogue

    buffer = BytesIO()
    export_catalogue(buffer, region="330482")
    wb = workbook(buffer.getvalue())
    entries = wb["基本目录"]
    entries.cell(2, column(entries, "事项简介")).value = "改写的简介"
    response = upload(client, wb)
    html = response.content.decode()
    assert "平湖市不在您的管辖范围内" in html
    assert "基本目录由省级或平台管理员维护" in html
    assert 'name="token"' not in html  # nothing can be confirmed
