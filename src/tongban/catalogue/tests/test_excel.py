"""Excel import and export of the catalogue: round trip, idempotency, complete error reports, the command and
the admin pages."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from tongban.catalogue import services
from tongban.catalogue.excel import WorkbookError, export_catalogue, import_catalogue
from tongban.catalogue.excel.layout import FILE_COLUMNS, MATERIAL_SHEET, SHEETS, covered_version_fields
from tongban.catalogue.models import (
    CatalogueEntry,
    ImplementationVersion,
    ItemImplementation,
    MaterialRequirement,
    VersionEvent,
)
from tongban.catalogue.tests import factories as f
from tongban.catalogue.tests.factories import wipe_catalogue

pytestmark = pytest.mark.django_db


# -- a catalogue that uses every kind of cell ------------------------------------------------------------


def _code(entry: CatalogueEntry, dept: Any) -> str:
    return f"{entry.code}-{dept.division.code}-000-{dept.uscc}-1-00"


def build_catalogue() -> dict[str, Any]:
    zhuji = f.DivisionFactory(code="330681", name="诸暨市")
    pinghu = f.DivisionFactory(code="330482", name="平湖市")
    police = f.DepartmentFactory(division=zhuji, name="诸暨市公安局", kind="police")
    market = f.DepartmentFactory(division=zhuji, name="诸暨市市场监督管理局", kind="market_regulation")
    pinghu_police = f.DepartmentFactory(division=pinghu, name="平湖市公安局", kind="police")
    f.ThemeFactory(code="N01", name="户籍办理")
    f.ThemeFactory(code="L01", name="设立变更", audience="legal")

    birth = f.CatalogueEntryFactory(name="新生儿入户", cross_region=True, description="婴儿出生后办理户口登记。")
    birth.themes.set([f.ThemeFactory(code="N01")])
    v1 = services.create_implementation(
        entry=birth,
        division=zhuji,
        department=police,
        code=_code(birth, police),
        content=f.guide_content(),
        materials=f.materials(),
        steps=f.steps(),
        special_steps=[],
    )
    services.publish_now(v1)

    # A second jurisdiction whose published guide is the second version.
    v2 = services.create_implementation(
        entry=birth,
        division=pinghu,
        department=pinghu_police,
        code=_code(birth, pinghu_police),
        content=f.guide_content(location="平湖市行政服务中心"),
        materials=f.materials(),
        steps=f.steps(),
        special_steps=[],
    )
    services.publish_now(v2)
    draft = services.start_new_version(v2.implementation)
    services.update_draft(draft, content={"promised_days": 3, "change_note": "压缩时限"})
    services.publish_now(draft)

    # A licensing item with fees, special steps, a rich form and awkward text.
    main = f.CatalogueEntryFactory(
        name="食品经营许可",
        item_type="01",
        competent_department="国家市场监督管理总局",
        department_kind="market_regulation",
        service_objects=["natural", "legal"],
        standard_materials=["食品经营许可申请书", "营业执照"],
        standard_steps=["受理", "审查", "决定"],
        standard_fees=[{"item": "工本费", "amount": "0.00"}],
        statutory_days=20,
    )
    main.themes.set([f.ThemeFactory(code="L01")])
    sub = f.CatalogueEntryFactory(
        name="食品经营许可（新办）",
        item_type="01",
        parent=main,
        business_type="new",
        competent_department="国家市场监督管理总局",
        department_kind="market_regulation",
        service_objects=["legal"],
        defining_level="province",
        power_source="上级下放",
        is_active=True,
        keywords="开饭店 开超市",
        aliases="食品许可证",
    )
    content = f.guide_content(
        name="食品经营许可（新办）",
        legal_basis="《中华人民共和国食品安全法》第三十五条\n国家对食品生产经营实行许可制度。",
        service_objects=["legal", "natural"],
        statutory_days=20,
        promised_days=10,
        online_depth=4,
        visits=0,
        onsite_reason="",
        handling_forms=["online", "post", "window"],
        scope="province",
        nearby=True,
        intermediary=False,
        result_name="食品经营许可证",
        result_type="licence",
        result_sample="许可证样本.pdf",
        result_licence_type=f.food_licence_type(),
        delivery_methods=["electronic", "post"],
        delivery_days=2,
        charged=True,
        fee_basis="财政部 国家发展改革委关于收费的通知（示例）",
        online_payment=True,
        fees=[{"item": "工本费", "amount": "20.00"}, {"item": "加急费", "amount": "5.5"}],
        faq=[{"q": "=需要到现场吗？", "a": "不需要。\n全程网办。"}, {"q": "多久办结？", "a": "10个工作日。"}],
        conditions="  前导空格与行尾空格  ",
        keywords="食品 餐饮",
        aliases="吃的许可",
        form_schema=[
            {
                "key": "enterprise_name",
                "label": "企业名称",
                "type": "text",
                "required": True,
                "max_length": 100,
                "help": "与营业执照一致",
            },
            {"key": "enterprise_uscc", "label": "统一社会信用代码", "type": "uscc", "required": True},
            {
                "key": "business_kind",
                "label": "经营类型",
                "type": "select",
                "required": True,
                "options": ["食品销售", "餐饮服务", "单位食堂"],
            },
            {
                "key": "area",
                "label": "经营面积（平方米）",
                "type": "number",
                "required": False,
                "min": 0,
                "max": 99999.5,
            },
            {
                "key": "contact_phone",
                "label": "联系电话",
                "type": "phone",
                "required": True,
                "pattern": r"^1[3-9]\d{9}$",
            },
            {"key": "takeaway", "label": "是否网络经营", "type": "boolean", "required": False},
        ],
    )
    v3 = services.create_implementation(
        entry=sub,
        division=zhuji,
        department=market,
        code=_code(sub, market),
        content=content,
        materials=[
            {
                "name": "食品经营许可申请书",
                "source": "applicant",
                "material_type": "original",
                "form": "electronic",
                "copies": 1,
                "necessity": "required",
                "blank_form": "申请书.docx",
                "sample": "申请书样表.pdf",
                "instructions": "法定代表人签字",
                "acceptance_standard": "内容完整",
                "licence_replaceable": False,
            },
            {
                "name": "营业执照",
                "source": "government",
                "material_type": "copy",
                "form": "either",
                "copies": 2,
                "necessity": "deferrable",
                "licence_replaceable": True,
                "licence_type": "营业执照",
            },
        ],
        steps=[
            {"name": "受理", "days": 1, "handler": "窗口人员", "criteria": "材料齐全"},
            {"name": "审查", "days": 6, "handler": "审批科"},
            {"name": "决定", "days": 3},
        ],
        special_steps=[
            {
                "name": "现场勘验",
                "max_days": 10,
                "counted_in_limit": False,
                "legal_basis": "《某省食品经营许可实施办法》第十二条",
                "description": "必要时",
            },
            {"name": "公示", "max_days": 5, "counted_in_limit": True},
        ],
    )
    services.publish_now(v3)

    # A draft only: not in a "published" export, in an "all" export.
    draft_only = services.create_implementation(
        entry=f.CatalogueEntryFactory(name="户口迁移"),
        division=zhuji,
        department=police,
        code="DRAFT-ONLY-1",
        content=f.guide_content(name="户口迁移"),
        materials=[],
        steps=f.steps(),
        special_steps=[],
    )
    return {"zhuji": zhuji, "pinghu": pinghu, "police": police, "market": market, "draft": draft_only}


def workbook_cells(path: Path | BytesIO) -> dict[str, list[tuple]]:
    wb = load_workbook(path, read_only=True)
    try:
        sheets = {}
        for ws in wb.worksheets:
            rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
            width = len(rows[0]) if rows else 0  # read-only rows stop at their last filled cell
            sheets[ws.title] = [r + (None,) * (width - len(r)) for r in rows]
        return sheets
    finally:
        wb.close()


def edit_cell(path: Path, sheet: str, row: int, header: str, value: Any) -> None:
    wb = load_workbook(path)
    ws = wb[sheet]
    column = [c.value for c in ws[1]].index(header) + 1
    ws.cell(row=row, column=column).value = value  # cell(value=None) would leave the old value
    wb.save(path)


def row_of(cells: dict[str, list[tuple]], sheet: str, code: str) -> int:
    """Excel row number of the first row whose first cell is ``code``."""
    return next(i for i, r in enumerate(cells[sheet], start=1) if r[0] == code)


def counts() -> tuple[int, ...]:
    return (
        CatalogueEntry.objects.count(),
        ItemImplementation.objects.count(),
        ImplementationVersion.objects.count(),
        VersionEvent.objects.count(),
        MaterialRequirement.objects.count(),
    )


# -- layout ---------------------------------------------------------------------------------------------


def test_layout_covers_every_guide_field():
    version = f.DraftVersionFactory()
    assert covered_version_fields() == set(version.content_fields())
    part_fields = {f.attname for f in MaterialRequirement._meta.concrete_fields} - {"id", "version_id", "order"}
    # The 空白表格 and 示例样表 columns carry the material's files too (附件/…).
    assert {c.key for c in MATERIAL_SHEET.columns[2:]} | set(FILE_COLUMNS.values()) == part_fields
    headers = [c.header for s in SHEETS for c in s.columns]
    assert all(headers) and all(len(set(c.header for c in s.columns)) == len(s.columns) for s in SHEETS)


def test_documentation_lists_every_sheet_and_column():
    doc = (Path(__file__).resolve().parents[4] / "docs" / "catalogue-excel.md").read_text(encoding="utf-8")
    for sheet in SHEETS:
        section = doc.split(f"### {sheet.name}\n", 1)[1].split("\n### ", 1)[0]
        for column in sheet.columns:
            assert f"| {column.header} | `{column.key}` |" in section, (sheet.name, column.header)


def test_export_layout_and_cells(tmp_path):
    build_catalogue()
    path = tmp_path / "catalogue.xlsx"
    result = export_catalogue(str(path))
    assert (result.entries, result.implementations) == (4, 3)
    cells = workbook_cells(path)
    assert list(cells) == [
        "基本目录",
        "实施清单",
        "申请材料",
        "办理环节",
        "特殊环节",
        "收费项目",
        "常见问题",
        "申请表单",
    ]
    impl = cells["实施清单"]
    header = impl[0]
    food = dict(zip(header, next(r for r in impl if r[4] == "食品经营许可（新办）"), strict=True))
    assert food["服务对象"] == "法人、自然人"
    assert food["办理形式"] == "网上办理、邮寄申请、窗口办理"
    assert food["网上办理深度"] == "Ⅳ级 全程网办"
    assert food["是否收费"] == "是" and food["是否网办"] == "是" and food["是否有中介服务"] == "否"
    assert food["承诺办结时限（工作日）"] == 10
    assert food["实施区划代码"] == "330681000000"
    forms = [dict(zip(cells["申请表单"][0], r, strict=True)) for r in cells["申请表单"][1:]]
    select = next(r for r in forms if r["字段键名"] == "business_kind")
    assert (
        select["字段类型"] == "单选" and select["选项"] == "食品销售、餐饮服务、单位食堂" and select["是否必填"] == "是"
    )
    faq = [dict(zip(cells["常见问题"][0], r, strict=True)) for r in cells["常见问题"][1:]]
    tricky = next(i for i, r in enumerate(faq, start=2) if r["问题"] == "=需要到现场吗？")
    assert load_workbook(path)["常见问题"][f"C{tricky}"].data_type == "s"  # a string, never a formula
    entries = [dict(zip(cells["基本目录"][0], r, strict=True)) for r in cells["基本目录"][1:]]
    sub = next(e for e in entries if e["事项名称"] == "食品经营许可（新办）")
    assert sub["业务办理项类型"] == "新设" and sub["设立层级"] == "省级" and sub["主项编码"]
    main = next(e for e in entries if e["事项名称"] == "食品经营许可")
    assert main["标准申请材料"] == "食品经营许可申请书\n营业执照" and main["标准收费项目"] == "工本费：0.00"


def test_export_by_region_and_status(tmp_path):
    build_catalogue()
    path = tmp_path / "pinghu.xlsx"
    result = export_catalogue(str(path), region="330482")
    assert result.implementations == 1
    cells = workbook_cells(path)
    assert [r[0] for r in cells["实施清单"][1:]] == [ItemImplementation.objects.get(division="330482000000").code]
    assert len(cells["基本目录"]) == 2  # header and the one entry it uses
    result = export_catalogue(str(tmp_path / "all.xlsx"), status="all")
    assert result.implementations == 4
    with pytest.raises(Exception, match="不存在"):
        export_catalogue(str(tmp_path / "x.xlsx"), region="999999")


# -- round trip and idempotency -------------------------------------------------------------------------


def test_round_trip_into_an_empty_database_is_lossless(tmp_path):
    build_catalogue()
    first = tmp_path / "first.xlsx"
    export_catalogue(str(first))
    wipe_catalogue()
    assert ItemImplementation.objects.count() == 0

    report = import_catalogue(str(first), publish=True)
    assert report.ok, [str(p) for p in report.problems]
    assert (report.entries.created, report.implementations.created, report.published) == (4, 3, 3)
    second = tmp_path / "second.xlsx"
    export_catalogue(str(second))
    assert workbook_cells(second) == workbook_cells(first)
    food = ItemImplementation.objects.get(entry__name="食品经营许可（新办）").published_version
    assert food is not None
    assert food.fees == [{"item": "工本费", "amount": "20.00"}, {"item": "加急费", "amount": "5.5"}]
    assert food.conditions == "  前导空格与行尾空格  "
    assert food.form_schema[3] == {
        "key": "area",
        "label": "经营面积（平方米）",
        "type": "number",
        "required": False,
        "min": 0,
        "max": 99999.5,
    }
    assert [s.name for s in food.special_steps.all()] == ["现场勘验", "公示"]
    sub = CatalogueEntry.objects.get(name="食品经营许可（新办）")
    assert sub.parent is not None and sub.parent.name == "食品经营许可" and sub.business_type == "new"


def test_the_time_limit_columns_travel_and_an_older_workbook_without_them_still_imports(tmp_path):
    build_catalogue()
    food = ItemImplementation.objects.get(entry__name="食品经营许可（新办）")
    path = tmp_path / "catalogue.xlsx"
    export_catalogue(str(path))
    cells = workbook_cells(path)
    header = list(cells["实施清单"][0])
    row = cells["实施清单"][row_of(cells, "实施清单", food.code) - 1]
    assert (row[header.index("时限单位")], row[header.index("补正期间是否计入办理时限")]) == ("工作日", "否")
    special = list(cells["特殊环节"][0])
    assert "《某省食品经营许可实施办法》第十二条" in [r[special.index("法律依据")] for r in cells["特殊环节"][1:]]
    # A workbook made before these columns existed: the same rows without them import with their defaults.
    book = load_workbook(path)
    for sheet, header_name in (
        ("实施清单", "时限单位"),
        ("实施清单", "补正期间是否计入办理时限"),
        ("特殊环节", "法律依据"),
    ):
        ws = book[sheet]
        column = [c.value for c in ws[1]].index(header_name) + 1
        ws.delete_cols(column)
    older = tmp_path / "older.xlsx"
    book.save(older)
    wipe_catalogue()
    report = import_catalogue(str(older), publish=False)
    assert report.ok, [str(p) for p in report.problems]
    version = ItemImplementation.objects.get(entry__name="食品经营许可（新办）").versions.get()
    assert (version.limit_unit, version.correction_counted) == ("working", False)
    assert {s.name: s.legal_basis for s in version.special_steps.all()} == {"现场勘验": "", "公示": ""}


def test_importing_the_export_into_the_same_database_changes_nothing(tmp_path):
    env = build_catalogue()
    path = tmp_path / "catalogue.xlsx"
    export_catalogue(str(path), status="all")  # includes the draft-only implementation
    before = counts()

    report = import_catalogue(str(path))
    assert report.ok, [str(p) for p in report.problems]
    assert (report.implementations.created, report.implementations.updated, report.implementations.unchanged) == (
        0,
        0,
        4,
    )
    assert (report.entries.created, report.entries.updated, report.entries.unchanged) == (0, 0, 4)
    assert counts() == before

    # --publish publishes the pending draft as it is (no new version); everything else stays.
    report = import_catalogue(str(path), publish=True)
    assert (report.implementations.updated, report.implementations.unchanged, report.published) == (1, 3, 1)
    assert counts()[:3] == before[:3]
    env["draft"].refresh_from_db()
    assert env["draft"].status == "published"

    report = import_catalogue(str(path), publish=True)
    assert (report.implementations.created, report.implementations.updated, report.implementations.unchanged) == (
        0,
        0,
        4,
    )
    assert report.published == 0


def test_import_without_publish_twice_is_a_no_op(tmp_path):
    build_catalogue()
    path = tmp_path / "catalogue.xlsx"
    export_catalogue(str(path))
    before = counts()
    report = import_catalogue(str(path))
    assert report.ok and report.implementations.unchanged == 3 and report.entries.unchanged == 4
    assert counts() == before


def test_changed_row_makes_a_new_version_once(tmp_path):
    build_catalogue()
    path = tmp_path / "catalogue.xlsx"
    export_catalogue(str(path))
    cells = workbook_cells(path)
    food = ItemImplementation.objects.get(entry__name="食品经营许可（新办）")
    row = row_of(cells, "实施清单", food.code)
    edit_cell(path, "实施清单", row, "咨询电话", "0575-80000000")
    edit_cell(path, "申请材料", row_of(cells, "申请材料", food.code), "份数", 3)

    report = import_catalogue(str(path))  # a draft, not yet published
    assert report.ok and report.implementations.updated == 1 and report.implementations.unchanged == 2
    draft = food.versions.get(number=2)
    first_material = draft.materials.first()
    assert first_material is not None and first_material.copies == 3
    assert draft.status == "draft" and draft.phone == "0575-80000000"
    assert VersionEvent.objects.filter(version=draft, action="import").exists()
    assert import_catalogue(str(path)).implementations.unchanged == 3  # equal to the pending draft

    report = import_catalogue(str(path), publish=True)  # publishes the pending draft, no third version
    assert report.ok and report.implementations.updated == 1 and report.published == 1
    food.refresh_from_db()
    assert food.published_version is not None
    assert food.published_version.number == 2 and food.versions.count() == 2
    assert import_catalogue(str(path), publish=True).implementations.unchanged == 3


def test_version_in_review_refuses_new_content(tmp_path):
    build_catalogue()
    path = tmp_path / "catalogue.xlsx"
    export_catalogue(str(path))
    food = ItemImplementation.objects.get(entry__name="食品经营许可（新办）")
    services.submit_version(services.update_draft(services.start_new_version(food), content={"visits": 0}))
    edit_cell(path, "实施清单", row_of(workbook_cells(path), "实施清单", food.code), "办理时间", "全天")
    report = import_catalogue(str(path))
    assert not report.ok
    assert any("正在审核中" in str(p) for p in report.problems)


# -- errors ---------------------------------------------------------------------------------------------


def test_errors_in_several_sheets_are_all_reported_and_nothing_is_written(tmp_path):
    build_catalogue()
    path = tmp_path / "catalogue.xlsx"
    export_catalogue(str(path))
    wipe_catalogue()
    cells = workbook_cells(path)
    food_code = next(r[0] for r in cells["实施清单"][1:] if r[4] == "食品经营许可（新办）")
    impl_row = row_of(cells, "实施清单", food_code)
    other_row = next(i for i, r in enumerate(cells["实施清单"], start=1) if i > 1 and r[0] != food_code)
    edit_cell(path, "实施清单", impl_row, "承诺办结时限（工作日）", "五天")
    edit_cell(path, "实施清单", impl_row, "通办范围", "全球通办")
    edit_cell(path, "实施清单", other_row, "实施区划代码", "330699")
    edit_cell(path, "实施清单", other_row, "实施机关统一社会信用代码", "91330681MA2BXXXXXX")
    edit_cell(path, "实施清单", other_row, "服务对象", "自然人、外星人")
    edit_cell(path, "申请材料", row_of(cells, "申请材料", food_code), "来源渠道", "自己带")
    edit_cell(path, "特殊环节", 2, "是否计算在法定办结时限内", "可能")
    edit_cell(path, "收费项目", 2, "收费标准（元）", "二十元")
    edit_cell(path, "申请表单", 2, "字段类型", "下拉框")
    edit_cell(path, "常见问题", 2, "实施编码", "NO-SUCH-CODE")
    edit_cell(path, "基本目录", 2, "主题分类", "X99")
    edit_cell(path, "基本目录", 3, "法定办结时限（工作日）", -1)

    report = import_catalogue(str(path))
    messages = [str(p) for p in report.problems]
    expected = [
        f"实施清单 第{impl_row}行 承诺办结时限（工作日）：应为整数，不能是“五天”",
        f"实施清单 第{impl_row}行 通办范围：“全球通办”不是有效选项（可选：县域通办、全市通办、全省通办、跨省通办）",
        f"实施清单 第{other_row}行 实施区划代码：行政区划代码“330699”不存在",
        f"实施清单 第{other_row}行 实施机关统一社会信用代码：统一社会信用代码为“91330681MA2BXXXXXX”的实施机关不存在",
        f"实施清单 第{other_row}行 服务对象：“外星人”不是有效选项",
        "申请材料 第",
        "来源渠道：“自己带”不是有效选项",
        "特殊环节 第2行 是否计算在法定办结时限内：应填写“是”或“否”，不能是“可能”",
        "收费项目 第2行 收费标准（元）：“二十元”不是有效的金额",
        "申请表单 第2行 字段类型：“下拉框”不是有效选项",
        "常见问题 第2行 实施编码：实施编码“NO-SUCH-CODE”不在“实施清单”工作表中",
        "基本目录 第2行 主题分类：主题分类“X99”不存在",
        "基本目录 第3行 法定办结时限（工作日）：不能为负数",
    ]
    for text in expected:
        assert any(text in m for m in messages), (text, messages)
    assert [p.sheet for p in report.problems] == sorted(
        (p.sheet for p in report.problems), key=[s.name for s in SHEETS].index
    )  # listed sheet by sheet
    assert report.summary() == f"发现 {len(report.problems)} 处错误，未导入任何数据。"
    assert CatalogueEntry.objects.count() == 0 and ItemImplementation.objects.count() == 0


def test_publish_checks_consistency_rules_per_implementation(tmp_path):
    build_catalogue()
    path = tmp_path / "catalogue.xlsx"
    export_catalogue(str(path))
    before = counts()
    cells = workbook_cells(path)
    food = ItemImplementation.objects.get(entry__name="食品经营许可（新办）")
    row = row_of(cells, "实施清单", food.code)
    edit_cell(path, "实施清单", row, "承诺办结时限（工作日）", 30)  # beyond the statutory 20 days
    edit_cell(path, "实施清单", row, "到办事现场次数", 2)  # fully online yet two visits
    report = import_catalogue(str(path), publish=True)
    messages = [str(p) for p in report.problems]
    assert (
        f"实施清单 第{row}行 承诺办结时限（工作日）：承诺办结时限（30个工作日）不能超过法定办结时限（20个工作日）"
        in messages
    )
    assert any(m.startswith(f"实施清单 第{row}行 到办事现场次数：") for m in messages)
    assert counts() == before
    # Without --publish the same file is a valid draft.
    assert import_catalogue(str(path)).ok


def test_entries_are_upserted_by_code_and_parent_cycles_refused(tmp_path):
    build_catalogue()
    path = tmp_path / "catalogue.xlsx"
    export_catalogue(str(path))
    cells = workbook_cells(path)
    main = CatalogueEntry.objects.get(name="食品经营许可")
    sub = CatalogueEntry.objects.get(name="食品经营许可（新办）")
    edit_cell(path, "基本目录", row_of(cells, "基本目录", main.code), "检索关键词", "开餐馆 开小卖部")
    report = import_catalogue(str(path))
    assert report.ok and (report.entries.updated, report.entries.unchanged) == (1, 3)
    main.refresh_from_db()
    assert main.keywords == "开餐馆 开小卖部" and main.themes.get().code == "L01"

    edit_cell(path, "基本目录", row_of(cells, "基本目录", main.code), "主项编码", sub.code)
    messages = [str(p) for p in import_catalogue(str(path)).problems]
    assert f"基本目录 第{row_of(cells, '基本目录', main.code)}行 主项编码：主项关系形成循环" in messages
    edit_cell(path, "基本目录", row_of(cells, "基本目录", main.code), "主项编码", main.code)
    messages = [str(p) for p in import_catalogue(str(path)).problems]
    assert any(m.endswith("主项编码：主项编码不能是事项自身") for m in messages)


def test_header_and_sheet_problems(tmp_path):
    path = tmp_path / "bad.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "实施清单"
    ws.append(["实施编码", "基本编码", "奇怪的列"])
    wb.create_sheet("随便").append(["有内容"])
    wb.save(path)
    messages = [str(p) for p in import_catalogue(str(path)).problems]
    assert "实施清单 第1行 奇怪的列：无法识别的列（列名须与文档一致）" in messages
    assert "实施清单 第1行 事项名称：缺少此列" in messages
    assert "申请材料：缺少此工作表（导入实施清单时，申请材料、办理环节等工作表都必须有，可以只有表头）" in messages
    assert any(m.startswith("随便：无法识别的工作表") for m in messages)


def test_form_schema_rules_point_at_the_row(tmp_path):
    build_catalogue()
    path = tmp_path / "catalogue.xlsx"
    export_catalogue(str(path))
    cells = workbook_cells(path)
    rows = [i for i, r in enumerate(cells["申请表单"], start=1) if r[2] == "business_kind"]
    edit_cell(path, "申请表单", rows[0], "选项", None)
    edit_cell(path, "申请表单", rows[0] + 1, "字段键名", "Bad Key")
    messages = [str(p) for p in import_catalogue(str(path)).problems]
    assert f"申请表单 第{rows[0]}行：字段“经营类型”为选择题，必须提供选项" in messages
    assert any(m.startswith(f"申请表单 第{rows[0] + 1}行：") and "Bad Key" in m for m in messages)


def test_not_an_xlsx_file_gives_a_clear_message(tmp_path):
    path = tmp_path / "catalogue.xlsx"
    path.write_text("姓名,电话\n张三,123\n", encoding="utf-8")
    with pytest.raises(WorkbookError, match="不是有效的 Excel 工作簿"):
        import_catalogue(str(path))
    with pytest.raises(WorkbookError, match="找不到文件"):
        import_catalogue(str(tmp_path / "missing.xlsx"))


# -- the command ----------------------------------------------------------------------------------------


def _run(*args: str) -> tuple[int, str, str]:
    """Run the command as the CLI would: (exit code, stdout, stderr)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("catalogue", *args, "--no-progress", stdout=stdout, stderr=stderr)
    except CommandError as exc:
        return exc.returncode, stdout.getvalue(), stderr.getvalue() + str(exc)
    return 0, stdout.getvalue(), stderr.getvalue()


def test_command_export_import_and_exit_codes(tmp_path):
    build_catalogue()
    path = tmp_path / "catalogue.xlsx"
    code, out, _ = _run("export", str(path), "--region", "330681")
    assert code == 0 and "实施清单 2 项" in out and path.exists()

    code, out, _ = _run("import", str(path))
    assert code == 0 and "实施清单：新增 0，更新 0，未变化 2" in out

    user = get_user_model().objects.create_user("editor", password="x")
    edit_cell(path, "实施清单", 2, "办理时间", "工作日全天")
    code, out, _ = _run("import", str(path), "--publish", "--actor", "editor")
    assert code == 0 and "更新 1" in out and "已发布 1 项" in out
    assert VersionEvent.objects.filter(action="publish", actor=user).count() == 1

    edit_cell(path, "实施清单", 2, "法定办结时限（工作日）", "二十")
    code, _, err = _run("import", str(path))
    assert code == 1
    assert "实施清单 第2行 法定办结时限（工作日）：应为整数，不能是“二十”" in err and "未导入任何数据" in err

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    code, _, err = _run("import", str(bad))
    assert code == 2 and "不是有效的 Excel 工作簿" in err
    assert _run("import", str(path), "--actor", "nobody")[0] == 2
    assert _run("export", str(tmp_path / "x.xlsx"), "--region", "999999")[0] == 2


def test_cli_exit_code_for_a_bad_file(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("这不是 Excel", encoding="utf-8")
    env = {
        **os.environ,
        "TONGBAN_TESTING": "1",
        "DJANGO_SETTINGS_MODULE": "tongban.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "tongban.cli", "catalogue", "import", str(bad)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert "不是有效的 Excel 工作簿" in proc.stderr


# -- the admin pages ------------------------------------------------------------------------------------


@pytest.fixture
def editor(client):
    user = get_user_model().objects.create_user("catalogue_admin", password="pw-123456", is_staff=True)
    perms = Permission.objects.filter(
        content_type__app_label="catalogue",
        codename__in=[
            "change_catalogueentry",
            "add_catalogueentry",
            "add_itemimplementation",
            "change_implementationversion",
            "view_implementationversion",
        ],
    )
    user.user_permissions.set(perms)
    client.force_login(user)
    return user


def test_admin_export_download(client, editor):
    build_catalogue()
    response = client.get("/admin/catalogue/excel/export/", {"region": "330681"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    cells = workbook_cells(BytesIO(response.content))
    assert len(cells["实施清单"]) == 3
    response = client.get("/admin/catalogue/excel/export/", {"region": "999999"}, follow=True)
    assert "行政区划代码“999999”不存在" in response.content.decode()


def test_admin_import_preview_then_confirm(client, editor, tmp_path):
    build_catalogue()
    path = tmp_path / "catalogue.xlsx"
    export_catalogue(str(path))
    wipe_catalogue()
    page = client.get("/admin/catalogue/excel/")
    assert page.status_code == 200 and "上传并预览" in page.content.decode()

    with open(path, "rb") as fh:
        preview = client.post("/admin/catalogue/excel/", {"file": fh, "publish": "on"})
    html = preview.content.decode()
    assert preview.status_code == 200 and "校验通过（预览，未写入）" in html and "确认导入并发布" in html
    assert ItemImplementation.objects.count() == 0  # a preview writes nothing
    token = preview.context["token"]

    done = client.post("/admin/catalogue/excel/", {"token": token}, follow=True)
    assert "导入完成" in done.content.decode()
    assert ItemImplementation.objects.filter(published_version__isnull=False).count() == 3
    assert VersionEvent.objects.filter(action="publish", actor=editor).count() == 3
    again = client.post("/admin/catalogue/excel/", {"token": token}, follow=True)
    assert "预览已过期" in again.content.decode()


def test_admin_import_lists_every_problem_and_writes_nothing(client, editor, tmp_path):
    build_catalogue()
    path = tmp_path / "catalogue.xlsx"
    export_catalogue(str(path))
    edit_cell(path, "实施清单", 2, "是否网办", "也许")
    edit_cell(path, "办理环节", 2, "环节时限（工作日）", "三天")
    before = counts()
    with open(path, "rb") as fh:
        response = client.post("/admin/catalogue/excel/", {"file": fh})
    html = response.content.decode()
    assert "应填写“是”或“否”，不能是“也许”" in html and "应为整数，不能是“三天”" in html
    assert "发现 2 处错误，未导入任何数据。" in html and 'name="token"' not in html
    assert counts() == before

    response = client.post("/admin/catalogue/excel/", {"file": BytesIO(b"plain text")})
    assert "不是有效的 Excel 工作簿" in response.content.decode()


def test_admin_pages_need_staff_and_permissions(client):
    user = get_user_model().objects.create_user("clerk", password="pw-123456", is_staff=True)
    client.force_login(user)
    assert client.get("/admin/catalogue/excel/").status_code == 403
    assert client.get("/admin/catalogue/excel/export/").status_code == 403
    user.user_permissions.set(Permission.objects.filter(codename="view_implementationversion"))
    assert client.get("/admin/catalogue/excel/").status_code == 200  # may export, not import
    assert client.post("/admin/catalogue/excel/", {}).status_code == 403
    client.logout()
    response = client.get("/admin/catalogue/excel/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
