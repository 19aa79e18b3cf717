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


def test_only_the_laws_special_steps_or_one_with_its_own_basis_stop_the_clock():
    from tongban.catalogue.rules import stops_clock

    assert stops_clock("检验", "", False) and stops_clock("专家评审", "", False)
    assert not stops_clock("领导研究", "", False)  # a free-text name
    assert stops_clock("领导研究", "《某省某条例》第九条", False)
    assert not stops_clock("检验", "", True)  # the guide counts it: the clock runs

    def special(**step):
        g = guide()
        g["special_steps"] = [{"name": "领导研究", "max_days": 5, "counted_in_limit": False, **step}]
        return [v.message for v in guide_violations(g) if v.field == "special_steps"]

    refused = special()
    assert len(refused) == 1 and "领导研究" in refused[0] and "第四十五条" in refused[0] and "法律依据" in refused[0]
    assert special(legal_basis="《某省某条例》第九条") == []
    assert special(counted_in_limit=True) == []
    assert special(name="检验") == []
    assert special(name="检验", max_days=0) == ["特殊环节“检验”须填写最长时限（工作日）"]


def test_the_result_goes_out_within_ten_working_days_at_most():
    assert "delivery_days" in fields(guide(delivery_days=11))
    assert fields(guide(delivery_days=10)) == [] and fields(guide(delivery_days=0)) == []


def test_limits_in_calendar_days_say_so():
    messages = [v.message for v in guide_violations(guide(limit_unit="calendar", promised_days=70, statutory_days=60))]
    assert "承诺办结时限（70日）不能超过法定办结时限（60日）" in messages
    assert "limit_unit" in fields(guide(limit_unit="weeks"))


FORM: list[dict[str, Any]] = [
    {"key": "name", "label": "姓名", "type": "text", "required": True},
    {"key": "note", "label": "说明", "type": "textarea"},
    {"key": "agree", "label": "同意", "type": "boolean"},
    {"key": "kind", "label": "类别", "type": "select", "options": ["甲", "乙"]},
    {"key": "tags", "label": "标签", "type": "multiselect", "options": ["a", "b"]},
    {"key": "count", "label": "人数", "type": "number", "min": 0, "max": 10},
    {"key": "born", "label": "出生日期", "type": "date"},
    {"key": "phone", "label": "手机号码", "type": "phone"},
]


def test_answers_of_the_wrong_json_type_are_refused_not_coerced():
    """Issue 8: 12345 for a text was stored as "12345", "yes" for a boolean as true, a list for one value."""
    cleaned, errors = validate_submission(
        FORM,
        {
            "name": 12345,
            "note": ["a", "b"],
            "agree": "yes",
            "kind": ["甲"],
            "tags": "a,b",
            "count": True,
            "born": 20260101,
            "phone": 13800000000,
        },
    )
    assert cleaned == {}
    assert set(errors) == {f["key"] for f in FORM}
    assert "应填写文字" in errors["name"] and "只能填写一个值" in errors["note"] and "只能填写一个值" in errors["kind"]
    assert "true 或 false" in errors["agree"] and "选项列表" in errors["tags"] and "数字" in errors["count"]
    for agree in (1, "true", "是", "on"):
        assert "agree" in validate_submission(FORM[2:3], {"agree": agree})[1]


def test_answers_of_the_right_type_are_taken():
    good = {"agree": False, "kind": "乙", "tags": ["a"], "count": 3, "born": "2026-01-01", "phone": "13800000000"}
    cleaned, errors = validate_submission(FORM, {"name": " 张三 ", "note": "", **good})
    assert errors == {} and cleaned == {"name": "张三", **good}
    # A page posts a number's digits as text: that is the number.
    assert validate_submission(FORM[5:6], {"count": "7"}) == ({"count": 7}, {})
    assert validate_submission(FORM[5:6], {"count": 2.5}) == ({"count": 2.5}, {})
    assert "不能大于10" in validate_submission(FORM[5:6], {"count": 11})[1]["count"]
