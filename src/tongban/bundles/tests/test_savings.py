import pytest

from tongban.bundles.savings import DependencyError, ItemSpec, compute_savings, critical_path_days, stages


def spec(key, days=5, visits=1, materials=("居民身份证",), fields=("applicant_name",), deps=(), result=""):
    return ItemSpec(key, f"事项{key}", visits, days, list(materials), list(fields), list(deps), result)


def test_parallel_and_dependent_stages():
    items = [spec("a"), spec("b"), spec("c", deps=["a"]), spec("d", deps=["c", "b"])]
    assert stages(items) == [["a", "b"], ["c"], ["d"]]
    assert critical_path_days(items) == 15


def test_cycles_and_unknown_prerequisites_are_refused():
    with pytest.raises(DependencyError, match="循环"):
        stages([spec("a", deps=["b"]), spec("b", deps=["a"])])
    with pytest.raises(DependencyError):
        stages([spec("a", deps=["zz"])])


def test_savings_count_shared_and_result_materials_once():
    items = [
        spec("cert", days=1, materials=["居民身份证", "医学出生证明存根"], fields=["applicant_name", "child_name"]),
        spec("vacc", days=1, visits=0, materials=["居民身份证（原件）"], fields=["applicant_name"]),
        spec(
            "reg",
            days=3,
            materials=["居民身份证", "户口簿", "出生医学证明"],
            fields=["applicant_name", "child_name", "address"],
            deps=["cert"],
            result="出生医学证明",
        ),
    ]
    s = compute_savings(items, promised_days=5)
    assert (s.forms_separate, s.forms_together) == (3, 1)
    assert (s.fields_separate, s.fields_together) == (6, 3)
    assert (s.materials_separate, s.materials_together) == (6, 3)  # 身份证 once; 出生医学证明 from the result
    assert (s.trips_separate, s.trips_together) == (2, 1)
    assert (s.days_separate, s.days_together) == (5, 4)
    assert s.shared_materials == ["居民身份证"]
    assert s.materials_saved == 3
