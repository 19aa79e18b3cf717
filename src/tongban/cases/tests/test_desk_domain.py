"""The pure rules of the front desk (no database): which materials a case lacks and what a notice may say of the
law for each item type (the acceptance guard is in test_policy)."""

from dataclasses import dataclass

import pytest

from tongban.cases.domain import corrections
from tongban.cases.domain.legal_wording import LegalWording, Provision, acceptance_lead, cited_laws
from tongban.cases.domain.materials import missing


@dataclass(frozen=True)
class Req:
    name: str
    necessity: str = "required"
    licence_replaceable: bool = False


@dataclass(frozen=True)
class Held:
    name: str
    state: str = "received"


GUIDE = [Req("身份证", licence_replaceable=True), Req("申请表"), Req("结婚证", "deferrable"), Req("照片", "optional")]


def test_missing_counts_what_is_held_deferred_replaced_or_a_result():
    assert missing(GUIDE, []).required == ("申请表",) and missing(GUIDE, []).deferrable == ("结婚证",)
    assert not missing(GUIDE, [Held("申请表"), Held("结婚证", "deferred")])
    assert missing(GUIDE, [Held("申请表", "missing")]).all == ("申请表", "结婚证")
    assert not missing(GUIDE, [Held("申请表", "result"), Held("结婚证", "replaced")])


def test_a_licence_backed_material_is_held_only_by_the_licence_or_the_material_itself():
    # 免证办: where the platform issues the type, nothing stands in for the licence reference (or the file).
    backed = ["身份证"]
    assert missing(GUIDE, [Held("申请表"), Held("结婚证")], backed).required == ("身份证",)
    assert not missing(GUIDE, [Held("申请表"), Held("结婚证"), Held("身份证", "replaced")], backed)
    assert not missing(GUIDE, [Held("申请表"), Held("结婚证"), Held("身份证")], backed)
    assert not missing(GUIDE, [Held("申请表"), Held("结婚证")])  # not backed: the platform replaces it


def test_cited_laws_come_from_the_guide_each_once_never_the_licensing_law():
    basis = (
        "《中华人民共和国户口登记条例》第七条：……\n《中华人民共和国行政许可法》\n《户口登记条例》又一次《户口登记条例》"
    )
    assert cited_laws([basis, "《中华人民共和国户口登记条例》"]) == (
        "《中华人民共和国户口登记条例》",
        "《户口登记条例》",
    )
    assert cited_laws(["没有书名号的依据", ""]) == ()


@pytest.mark.parametrize("item_type", ["05", "07", "11", "20"])
def test_only_a_licence_cites_the_licensing_law(item_type):
    other = LegalWording(item_type, ("《社会救助暂行办法》",))
    for provision in Provision:
        assert "行政许可法" not in other.basis(provision) and "社会救助暂行办法" in other.basis(provision)
    assert other.decision_title(True) == "办结通知书" and "行政许可" not in other.decision_words(False)
    assert "行政许可法" not in other.one_list_rule
    assert LegalWording(item_type).basis(Provision.ACCEPT) == "根据本事项办事指南所列依据"
    licence = LegalWording("01", ("《食品安全法》",))
    assert licence.basis(Provision.DENY) == "根据《中华人民共和国行政许可法》第三十八条第二款的规定"
    assert licence.decision_title(False) == "不予行政许可决定书"
    assert licence.basis(Provision.SPECIAL_STEP).endswith("行政许可法》第四十五条的规定")
    assert licence.basis(Provision.EXTEND).endswith("行政许可法》第四十二条第一款的规定")


def test_public_services_point_to_complaint_not_review():
    assert "12345" in LegalWording("20").rights and "行政复议" not in LegalWording("20").rights
    assert "行政复议" in LegalWording("05").rights


def test_the_acceptance_lead_claims_complete_materials_only_when_they_are():
    w = LegalWording("01")
    assert "申请材料齐全、符合法定形式" in acceptance_lead("你于…", w, (), ())
    deferred = acceptance_lead("你于…", w, ("结婚证",), ())
    assert "申请材料齐全" not in deferred and "主要材料齐全" in deferred and "结婚证经申请人书面承诺后补" in deferred
    lacking = acceptance_lead("你于…", w, (), ("申请表",))
    assert "齐全" not in lacking and "申请表尚未提交" in lacking


def test_a_correction_changes_the_named_fields_and_no_others():
    labels = {"name": "姓名", "born": "出生日期", "id": "身份证号"}
    before = {"name": "张三", "born": "2026-11-01", "id": "330681199001010011"}
    found = corrections.changes(["born"], labels, before, {"born": "2026-10-30", "name": "张三"})
    assert [c.as_data() for c in found] == [
        {"field": "born", "label": "出生日期", "before": "2026-11-01", "after": "2026-10-30"}
    ]
    assert corrections.changes(["born"], labels, before, {"born": "2026-11-01"}) == []  # unchanged: nothing
    with pytest.raises(corrections.NotNamed) as stray:
        corrections.changes(["born"], labels, before, {"id": "110101199001010015"})
    assert stray.value.fields == ("id",)
    items = corrections.with_field_items(["结婚证", "申请表“出生日期”栏需更正"], ["born", "name"], labels)
    assert items == ["结婚证", "申请表“出生日期”栏需更正", "申请表“姓名”栏需更正"]
    assert corrections.unknown_fields(["born", "nope"], labels) == ["nope"]
