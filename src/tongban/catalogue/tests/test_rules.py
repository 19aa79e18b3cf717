from __future__ import annotations

from typing import Any

from tongban.catalogue.formschema import merge_forms, schema_errors, validate_submission
from tongban.catalogue.rules import guide_violations, uniformity_differences
from tongban.catalogue.tests.factories import guide_content, materials, steps


def guide(**overrides):
    g = guide_content(**overrides)
    g.update(item_type=overrides.pop("item_type", "07"), materials=materials(), steps=steps(), special_steps=[])
    return g


def fields(g):
    return [v.field for v in guide_violations(g)]


def test_valid_guide_has_no_violation():
    assert guide_violations(guide()) == []


def test_immediate_iff_instant():
    assert {"handling_type", "review_type"} <= set(fields(guide(promised_days=0)))
    ok = guide(promised_days=0, handling_type="immediate", review_type="instant")
    assert fields(ok) == []
    assert "handling_type" in fields(guide(handling_type="immediate"))


def test_fully_online_means_no_visit():
    assert "visits" in fields(guide(online_depth=4, visits=1))
    assert fields(guide(online_depth=4, visits=0)) == []


def test_no_visit_and_offline_requires_post():
    g = guide(online=False, online_depth=2, visits=0, handling_forms=["window"])
    assert "handling_forms" in fields(g)
    assert fields(guide(online=False, online_depth=2, visits=0, handling_forms=["window", "post"])) == []


def test_fees_rules():
    assert "online_payment" in fields(guide(online_payment=True))
    assert {"fees", "fee_basis"} <= set(fields(guide(charged=True)))


def test_promised_not_above_statutory_and_licensing_step_sum():
    assert "promised_days" in fields(guide(promised_days=25))
    g = guide(promised_days=4)
    g["item_type"] = "01"
    assert "steps" in fields(g)  # 1 + 3 + 1 > 4


def test_messages_are_chinese_and_name_the_field():
    v = guide_violations(guide(promised_days=25))[0]
    assert v.field == "promised_days" and "承诺办结时限" in v.message


def test_uniformity_report():
    entry = {
        "standard_materials": ["居民身份证", "户口簿"],
        "statutory_days": 30,
        "standard_fees": [],
        "standard_steps": ["受理", "审核", "办结"],
    }
    diffs = uniformity_differences(entry, guide())
    messages = " ".join(d.message for d in diffs)
    assert "户口簿" in messages and "出生医学证明" in messages and "30" in messages
    assert all(d.field != "steps" for d in diffs)


def test_form_schema_and_submission():
    schema = guide()["form_schema"]
    assert schema_errors(schema) == []
    assert schema_errors([{"key": "Bad Key", "label": "", "type": "nope"}])
    cleaned, errors = validate_submission(
        schema,
        {"applicant_name": "张三", "applicant_id_number": "360426199101010072", "child_birth_date": "2026-02-30"},
    )
    assert set(errors) == {"applicant_id_number", "child_name", "child_birth_date"}
    assert "校验位" in errors["applicant_id_number"]
    assert cleaned == {"applicant_name": "张三"}


def test_merge_forms_asks_shared_key_once():
    a = [{"key": "applicant_name", "label": "姓名", "type": "text", "required": False}]
    b: list[dict[str, Any]] = [
        {"key": "applicant_name", "label": "姓名", "type": "text", "required": True},
        {"key": "child_name", "label": "新生儿姓名", "type": "text"},
    ]
    merged = merge_forms([a, b])
    assert [f["key"] for f in merged] == ["applicant_name", "child_name"]
    assert merged[0]["required"] is True
