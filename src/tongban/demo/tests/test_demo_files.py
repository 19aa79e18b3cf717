"""The demo guides' blank forms and samples are real files people download: an Excel sheet to fill in and a
PDF filled in with made-up values, generated once from the item's form and kept by the catalogue."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

import pytest
from django.test import Client, override_settings
from openpyxl import load_workbook
from pypdf import PdfReader

from tongban.catalogue.models import GuideFile, MaterialRequirement
from tongban.demo import files, loader

FORM: list[dict[str, Any]] = [
    {"key": "applicant_name", "label": "申请人姓名", "type": "text"},
    {"key": "applicant_id_number", "label": "申请人公民身份号码", "type": "id_number"},
    {"key": "receive_method", "label": "领取方式", "type": "select", "options": ["窗口领取", "邮寄送达"]},
]


def test_a_blank_form_is_a_sheet_with_a_row_per_field():
    ws = load_workbook(BytesIO(files.blank_form_xlsx("居民身份证申领登记表", FORM))).active
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value]
    assert cells[0] == "居民身份证申领登记表"
    assert "申请人公民身份号码（18位公民身份号码）" in cells and "领取方式（选择：窗口领取 / 邮寄送达）" in cells
    assert "申请人（签名或盖章）：" in cells


def test_a_sample_is_a_pdf_marked_as_a_sample_with_made_up_values():
    text = PdfReader(BytesIO(files.sample_pdf("居民身份证申领登记表", FORM))).pages[0].extract_text()
    assert "居民身份证申领登记表" in text and "示例样表" in text and "张三" in text and "窗口领取" in text
    assert re.search(r"\d{18}", text) is None  # no number that could be a real person's


def test_a_proxy_letter_asks_what_a_proxy_letter_asks():
    assert files.fields_for("授权委托书及代理人居民身份证", FORM) == files.PROXY_FIELDS
    assert files.fields_for("出生登记申报表", FORM) == FORM


@pytest.mark.django_db
@override_settings(DEMO_MODE=True)
def test_every_demo_guide_offers_its_named_forms_as_files():
    loader.load_demo(cases=False)
    named = MaterialRequirement.objects.exclude(blank_form="").select_related("blank_form_file")
    assert named.exists() and not named.filter(blank_form_file__isnull=True).exists()
    assert not MaterialRequirement.objects.exclude(sample="").filter(sample_file__isnull=True).exists()
    kinds = set(GuideFile.objects.values_list("content_type", flat=True))
    assert kinds == {"application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    count = GuideFile.objects.count()
    assert (
        not loader.load_demo(cases=False).changed and GuideFile.objects.count() == count
    )  # a second load changes nothing

    material = named.filter(version__status="published").first()
    assert material is not None and material.blank_form_file is not None
    client = Client()
    page = client.get(f"/items/{material.version.implementation.code}/").content.decode()
    assert f'href="{material.blank_form_file.get_absolute_url()}" download>下载空白表格</a>' in page
    download = client.get(material.blank_form_file.get_absolute_url())
    assert download.status_code == 200 and load_workbook(BytesIO(download.getvalue()))
