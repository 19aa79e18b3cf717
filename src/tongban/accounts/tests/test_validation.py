"""Normalising and checking what people type at registration (pure functions)."""

from __future__ import annotations

import pytest

from tongban.accounts import validation as v


def test_fullwidth_identifier_is_folded() -> None:
    assert v.normalize_identifier(" ３６０４２６１９９１０１０１００７ｘ ") == "36042619910101007X"
    assert v.normalize_identifier("9111 0000 6000 3734 1l") == "91110000600037341L"


@pytest.mark.parametrize(
    "raw",
    ["13812345678", "138 1234 5678", "138-1234-5678", "+8613812345678", "8613812345678", "１３８１２３４５６７８"],
)
def test_phone_normalisation(raw: str) -> None:
    assert v.normalize_phone(raw) == "13812345678"
    assert v.phone_error(v.normalize_phone(raw)) is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "请填写手机号码"),
        ("1381234567", "手机号码应为11位数字，当前为10位"),
        ("138123456789", "手机号码应为11位数字，当前为12位"),
        ("1381234567a", "手机号码只能包含数字"),
        ("12812345678", "手机号码格式不正确：应以1开头，第二位为3至9"),
        ("23812345678", "手机号码格式不正确：应以1开头，第二位为3至9"),
    ],
)
def test_phone_errors(raw: str, message: str) -> None:
    assert v.phone_error(v.normalize_phone(raw)) == message


@pytest.mark.parametrize(
    ("raw", "ok"),
    [
        ("zhang_san", True),
        ("abc", False),
        ("张三", False),
        ("a" * 31, False),
        ("user@example.cn", True),
        ("has space", False),
    ],
)
def test_username(raw: str, ok: bool) -> None:
    assert (v.username_error(v.normalize_username(raw)) is None) is ok


def test_person_names_keep_the_middle_dot() -> None:
    assert v.normalize_name("买买提•艾力") == "买买提·艾力"
    assert v.person_name_error("买买提·艾力") is None
    assert v.person_name_error("张3") == "姓名不能包含数字"
    assert v.person_name_error("") == "请填写姓名"
