"""The demo data itself, checked without a database: identifiers, codes, guides, bundles, accounts."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from tongban.accounts.roles import Role
from tongban.bundles.savings import ItemSpec, critical_path_days, normalise_material, stages
from tongban.catalogue.rules import guide_violations
from tongban.catalogue.vocab import STATUTORY_SPECIAL_STEPS
from tongban.core.identifiers import division_code_error, resident_id_error, uscc_error
from tongban.demo.data import accounts, bundles, regions, synonyms, themes
from tongban.demo.data import catalogue as cat
from tongban.demo.data.common import Item, MainItem, entry_fields

IMPL_CODE = re.compile(r"^\d{12}-\d{12}-000-[0-9A-HJ-NPQRTUWXY]{18}-[1-4]-00$")


def _snapshot(impl: cat.Implementation) -> dict:
    content, materials, steps, specials = impl.guide()
    return {
        **content,
        "item_type": impl.item.item_type,
        "materials": materials,
        "steps": steps,
        "special_steps": specials,
    }


@pytest.mark.parametrize("impl", cat.IMPLEMENTATIONS, ids=lambda i: f"{i.item.key}@{i.division}")
def test_every_guide_meets_the_publish_rules(impl):
    assert guide_violations(_snapshot(impl)) == []


def test_divisions_are_real_codes_in_a_tree():
    codes = {code for code, _, _ in regions.DIVISIONS}
    assert len(codes) == len(regions.DIVISIONS)
    for code, _name, parent in regions.DIVISIONS:
        assert division_code_error(code) is None
        if parent is None:
            assert regions.level_of(code) == 1
        else:
            assert parent in codes
            assert regions.code12(code).startswith(regions.code12(parent).rstrip("0")[:2])
            assert regions.level_of(code) > regions.level_of(parent)
    names = {code: name for code, name, _ in regions.DIVISIONS}
    assert names["330681"] == "诸暨市" and names["419001"] == "济源市" and names["370402"] == "市中区"
    assert names["330681001"] == "暨阳街道"


def test_departments_have_valid_unique_usccs():
    usccs = [d.uscc for d in regions.DEPARTMENTS]
    assert len(set(usccs)) == len(usccs)
    for dept in regions.DEPARTMENTS:
        assert uscc_error(dept.uscc) is None, dept.name
        assert dept.uscc[2:8] == dept.division  # area code = the department's division
        assert dept.kind in regions.DEPARTMENT_KINDS
    pairs = Counter((d.division, d.kind) for d in regions.DEPARTMENTS)
    assert max(pairs.values()) == 1
    police = regions.department("330681", "police")
    assert police.uscc.startswith("11")  # 机关
    assert regions.department("330681", "utility_power").uscc.startswith("91")  # 企业


def test_department_uscc_is_deterministic():
    assert regions.department_uscc("330681", "police") == regions.department_uscc("330681", "police")
    assert regions.department_uscc("330681", "police") != regions.department_uscc("330482", "police")


def test_zhuji_centre_has_the_windows_the_issue_names():
    centre = regions.centre_for("330681")
    assert centre is not None and centre.name == "诸暨市政务服务中心"
    kinds = Counter(w.kind for w in centre.windows)
    assert kinds["general"] == 6 and kinds["cross_region"] == 1 and kinds["result"] == 1
    dedicated = {k for w in centre.windows if w.kind == "dedicated" for k in w.departments}
    assert {"police", "real_estate"} <= dedicated
    assert len({w.number for w in centre.windows}) == len(centre.windows)
    for c in regions.CENTRES:
        assert "8:30" in c.opening_hours


def test_entry_codes_are_structured_and_unique():
    all_items: list[MainItem | Item] = [*cat.MAIN_ITEMS, *cat.ITEMS]
    codes = [i.code for i in all_items]
    assert len(set(codes)) == len(codes)
    for item in all_items:
        assert re.fullmatch(r"\d{12}", item.code)
        assert item.code[:2] == item.item_type
        assert item.code[2:5] == regions.DEPARTMENT_KINDS[item.dept][0]
    keys = [i.key for i in cat.ITEMS]
    assert len(set(keys)) == len(keys)
    for item in cat.ITEMS:
        if item.parent:
            assert item.parent in cat.MAIN_BY_KEY
            assert item.code[:9] == cat.MAIN_BY_KEY[item.parent].code[:9]


def test_implementation_codes_follow_the_national_pattern():
    codes = [i.code for i in cat.IMPLEMENTATIONS]
    assert len(set(codes)) == len(codes)
    for impl in cat.IMPLEMENTATIONS:
        assert IMPL_CODE.match(impl.code), impl.code
        assert impl.code.startswith(impl.item.code + "-" + regions.code12(impl.division))
        assert impl.department.uscc in impl.code
        assert impl.department.kind == impl.item.dept


def test_catalogue_size_and_cross_province_items():
    assert len(cat.ITEMS) >= 60
    zhuji = [i for i in cat.IMPLEMENTATIONS if i.division == "330681"]
    assert len(zhuji) >= 60
    names = {i.name: i for i in cat.ITEMS}
    for name in cat.CROSS_PROVINCE_NAMES:
        assert name in names, name
        assert names[name].cross_region, name
    elsewhere = {i.division for i in cat.IMPLEMENTATIONS if i.item.cross_region and i.division != "330681"}
    assert {"330482", "419001", "370402"} <= elsewhere


@pytest.mark.parametrize("item", cat.ITEMS, ids=lambda i: i.key)
def test_every_guide_is_complete(item):
    assert "《" in item.legal_basis and "》" in item.legal_basis
    assert item.materials and item.form and item.keywords and item.aliases and item.description
    assert 2 <= len(item.faq) <= 3
    assert item.promised <= item.statutory
    assert item.themes and all(code in {c for c, _, _, _ in themes.THEMES} for code in item.themes)
    names = [m["name"] for m in item.materials]
    assert len(set(names)) == len(names)
    for m in item.materials:
        if m["licence_replaceable"]:
            assert m["source"] == "government" and m["licence_type"]
    if item.fees:
        assert item.fee_basis and all(float(f["amount"]) > 0 for f in item.fees)
    keys = [f["key"] for f in item.form]
    assert len(set(keys)) == len(keys)
    # Step times (and clock-counted special steps) fit the promised limit of every item, not only licences.
    counted = sum(s["max_days"] for s in item.special_steps if s["counted_in_limit"])
    total = sum(s["days"] for s in item.guide_steps) + counted
    assert total <= item.promised and (item.promised == 0) == (total == 0)
    fields = entry_fields(item)
    assert fields["standard_materials"] == names


def test_guides_name_the_provinces_own_channels():
    henan = cat.implementation_of("no_crime_certificate", "419001")
    content, materials, _, _ = henan.guide()
    text = str(content) + str(materials)
    assert "豫事办" in text and "浙里办" not in text and "{app}" not in text
    zhuji = cat.implementation_of("no_crime_certificate")
    assert "浙里办" in str(zhuji.guide()[0]["faq"])
    assert zhuji.guide()[0]["exercise_level"] == "county"
    assert cat.implementation_of("industrial_product_licence", "330000").guide()[0]["exercise_level"] == "province"


def test_id_card_fee_and_immediate_items():
    card = cat.ITEMS_BY_KEY["first_id_card"]
    assert card.fees == [{"item": "居民身份证工本费", "amount": "20.00"}]
    content = cat.implementation_of("first_id_card").guide()[0]
    assert content["charged"] and not content["online_payment"]  # paid at the window: not online
    newborn = cat.implementation_of("newborn_hukou").guide()[0]
    assert newborn["handling_type"] == "immediate" and newborn["review_type"] == "instant"


def _specs(bundle: bundles.BundleSpec) -> list[ItemSpec]:
    out = []
    for b in bundle.items:
        item = cat.ITEMS_BY_KEY[b.item]
        out.append(
            ItemSpec(
                key=b.item,
                name=item.name,
                visits=item.visit_count,
                promised_days=item.promised,
                materials=[m["name"] for m in item.materials],
                form_fields=[f["key"] for f in item.form],
                depends_on=list(b.depends_on),
                result_material=b.result_as_material,
            )
        )
    return out


def test_all_first_batch_bundles_plus_enterprise_opening():
    names = {b.name for b in bundles.BUNDLES}
    expected = {
        "企业信息变更一件事",
        "开办运输企业一件事",
        "开办餐饮店一件事",
        "水电气网联合报装一件事",
        "信用修复一件事",
        "企业破产信息核查一件事",
        "新生儿出生一件事",
        "教育入学一件事",
        "社会保障卡居民服务一件事",
        "残疾人服务一件事",
        "退休一件事",
        "二手房转移登记及水电气网联动过户一件事",
        "身后事一件事",
        "企业开办一件事",
    }
    assert names == expected
    assert len({b.code for b in bundles.BUNDLES}) == len(bundles.BUNDLES)


@pytest.mark.parametrize("bundle", bundles.BUNDLES, ids=lambda b: b.code)
def test_bundle_definition_is_consistent(bundle):
    implemented = {i.item.key for i in cat.IMPLEMENTATIONS if i.division == bundle.division}
    keys = [b.item for b in bundle.items]
    assert len(keys) >= 2 and len(set(keys)) == len(keys)
    assert set(keys) <= implemented
    assert regions.department(bundle.division, bundle.lead)
    specs = _specs(bundle)
    stages(specs)  # no cycle, no unknown prerequisite
    assert critical_path_days(specs) <= bundle.promised_days <= bundle.statutory_days
    for b in bundle.items:
        if b.result_as_material:
            assert b.depends_on
            own = {normalise_material(m["name"]) for m in cat.ITEMS_BY_KEY[b.item].materials}
            assert normalise_material(b.result_as_material) in own, (b.item, b.result_as_material)
            results = {normalise_material(cat.ITEMS_BY_KEY[d].result_name) for d in b.depends_on}
            assert normalise_material(b.result_as_material) in results, (b.item, b.result_as_material)
    forms = [{f["key"] for f in cat.ITEMS_BY_KEY[k].form} for k in keys]
    for key in bundle.shared_fields:
        assert sum(key in form for form in forms) >= 2, key
    assert bundle.keywords and bundle.description


def test_life_event_bundles_run_in_the_real_order():
    newborn = next(b for b in bundles.BUNDLES if b.name == "新生儿出生一件事")
    waves = stages(_specs(newborn))
    assert waves[0] == sorted(["birth_medical_certificate", "vaccination_certificate"])
    assert waves[1] == ["newborn_hukou"]
    opening = next(b for b in bundles.BUNDLES if b.name == "企业开办一件事")
    waves = stages(_specs(opening))
    assert waves[0] == ["company_registration"] and len(waves[1]) == 4
    death = next(b for b in bundles.BUNDLES if b.name == "身后事一件事")
    assert stages(_specs(death))[:2] == [["death_medical_certificate"], ["hukou_cancel"]]


def test_synonyms():
    phrases = [p for p, _ in synonyms.SYNONYMS]
    assert len(phrases) >= 40 and len(set(phrases)) == len(phrases)
    mapping = dict(synonyms.SYNONYMS)
    assert "新生儿" in mapping["孩子"] and "转移接续" in mapping["换城市工作"]
    assert "身后事" in mapping["去世"] and "企业开办" in mapping["开公司"]
    assert all(len(p) <= 50 and 0 < len(e) <= 200 for p, e in synonyms.SYNONYMS)


def test_demo_accounts():
    roles = {a.role for a in accounts.ACCOUNTS if a.kind == "staff"}
    assert roles == {r.value for r in Role}
    citizens = [a for a in accounts.ACCOUNTS if a.kind == "citizen"]
    assert len(citizens) >= 2
    for a in citizens:
        assert a.id_number is not None
        assert resident_id_error(a.id_number) is None and a.id_number.startswith("330681")
    enterprise = next(a for a in accounts.ACCOUNTS if a.kind == "enterprise")
    assert enterprise.uscc is not None
    assert uscc_error(enterprise.uscc) is None and enterprise.uscc[2:8] == "330681"
    usernames = [a.username for a in accounts.ACCOUNTS]
    assert len(usernames) == len(set(usernames))
    for a in accounts.ACCOUNTS:
        assert len(a.password) >= 8 and not a.password.isdigit()
        assert a.real_name and a.phone
    window = next(a for a in accounts.ACCOUNTS if a.role == "window_clerk")
    assert window.service_centre == "诸暨市政务服务中心" and window.main


def test_every_department_with_an_item_has_its_staff_and_every_centre_a_clerk():
    """With the demo accounts alone every journey finishes: each department deciding a demo item has an approver
    (and a head where an item may be extended or has a special step), in every region; each centre a clerk."""
    staff = {(a.division, a.department, a.role) for a in accounts.ACCOUNTS if a.kind == "staff"}
    for impl in cat.IMPLEMENTATIONS:
        department = (impl.division, impl.department.kind)
        assert (*department, "approver") in staff, impl.code
        if impl.item.promised > 0 or impl.item.special_steps:
            assert (*department, "department_head") in staff, impl.code
    deciding = {(i.division, i.department.kind) for i in cat.IMPLEMENTATIONS}
    assert {(d, k) for d, k, r in staff if r == "approver"} == deciding  # no approver without work
    clerks = {a.service_centre for a in accounts.ACCOUNTS if a.role == "window_clerk"}
    assert clerks == {c.name for c in regions.CENTRES}
    assert {a.division for a in accounts.ACCOUNTS if a.role == "approver"} >= {"330681", "330482", "419001", "370402"}


def test_some_guides_defer_a_material_and_declare_a_statutory_special_step():
    """容缺受理 and the law's special steps (行政许可法 Art. 45: their time stops the clock, each within its
    maximum) can be tried on several demo items, some with both."""
    deferring = {i.key for i in cat.ITEMS if any(m["necessity"] == "deferrable" for m in i.materials)}
    statutory = {
        i.key
        for i in cat.ITEMS
        for s in i.special_steps
        if (s["name"] in STATUTORY_SPECIAL_STEPS or s["legal_basis"]) and not s["counted_in_limit"] and s["max_days"]
    }
    assert len(deferring) >= 5 and len(statutory) >= 4
    assert len(deferring & statutory) >= 3, deferring & statutory
    for key in deferring:  # 容缺 is for a secondary material, never the application form itself
        item = cat.ITEMS_BY_KEY[key]
        assert all(not m["blank_form"] for m in item.materials if m["necessity"] == "deferrable"), key
