"""Check digits of resident ID numbers (GB 11643), USCCs (GB 32100) and division codes (GB/T 2260)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongban.core.identifiers import (
    _PROVINCE_PREFIXES,
    USCC_CHARSET,
    division_code_error,
    division_level,
    make_resident_id,
    make_uscc,
    normalize_resident_id,
    resident_id_birth_date,
    resident_id_check_char,
    resident_id_error,
    resident_id_is_male,
    uscc_check_char,
    uscc_error,
)

TODAY = dt.date(2025, 6, 1)
ID_CHECK_MESSAGE = "公民身份号码校验位不正确，请核对后重新输入"
USCC_CHECK_MESSAGE = "统一社会信用代码校验位不正确，请核对后重新输入"
# GB 32100-2015 registration-management authorities: digits and, for some authorities, letters.
USCC_AUTHORITIES = "123456789ANY"


# --- resident ID numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["360426199101010071", "11010519491231002X", "11010519491231002x", " 360426 199101010071 "]
)
def test_known_valid_resident_ids(value: str) -> None:
    assert resident_id_error(value, today=TODAY) is None


def test_resident_id_parts() -> None:
    assert resident_id_birth_date("360426199101010071") == dt.date(1991, 1, 1)
    assert resident_id_is_male("360426199101010071")  # order 007: odd
    assert not resident_id_is_male("11010519491231002X")  # order 002: even
    assert normalize_resident_id(" 11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize(
    "value", ["360426199101010072", "360426199101010070", "36042619910101007X", "110105194912310021"]
)
def test_wrong_resident_id_check_character_is_rejected_in_chinese(value: str) -> None:
    assert resident_id_error(value, today=TODAY) == ID_CHECK_MESSAGE


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("36042619910101007", "公民身份号码应为18位，当前为17位"),
        ("3604261991010100711", "公民身份号码应为18位，当前为19位"),
        ("", "公民身份号码应为18位，当前为0位"),
        ("36042619910101007A", "公民身份号码前17位应为数字，最后一位为数字或X"),
        ("3604261991X1010071", "公民身份号码前17位应为数字，最后一位为数字或X"),
        ("360426199102300071", "公民身份号码中的出生日期无效"),
        ("360426187901010071", "公民身份号码中的出生日期不在合理范围内"),
        ("360426202601010071", "公民身份号码中的出生日期不在合理范围内"),
        ("990426199101010071", "公民身份号码的地址码无效"),
    ],
)
def test_malformed_resident_ids_say_what_is_wrong(value: str, message: str) -> None:
    assert resident_id_error(value, today=TODAY) == message


def test_make_resident_id_builds_the_documented_example() -> None:
    assert make_resident_id("360426", dt.date(1991, 1, 1), 7) == "360426199101010071"


address_codes = st.builds(
    lambda p, rest: p + rest, st.sampled_from(sorted(_PROVINCE_PREFIXES)), st.text("0123456789", min_size=4, max_size=4)
)
birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)
resident_ids = st.builds(make_resident_id, address_codes, birth_dates, st.integers(0, 999))


@given(address_codes, birth_dates, st.integers(0, 999))
def test_made_resident_ids_are_valid_and_round_trip(address: str, birth: dt.date, order: int) -> None:
    value = make_resident_id(address, birth, order)
    assert resident_id_error(value, today=TODAY) is None
    assert resident_id_birth_date(value) == birth
    assert resident_id_is_male(value) == (order % 2 == 1)
    assert value[:6] == address


@given(resident_ids, st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_character_change_of_a_resident_id_is_detected(value: str, position: int, new: str) -> None:
    if value[position] == new:
        new = "X" if new != "X" else "0"
    changed = value[:position] + new + value[position + 1 :]
    assert changed != value
    assert resident_id_error(changed, today=TODAY) is not None


@given(resident_ids, st.integers(0, 15))
def test_swapping_two_neighbouring_digits_of_a_resident_id_is_detected(value: str, position: int) -> None:
    a, b = value[position], value[position + 1]
    if a == b:
        return
    swapped = value[:position] + b + a + value[position + 2 :]
    assert resident_id_error(swapped, today=TODAY) is not None


def test_resident_id_check_character_follows_gb_11643() -> None:
    # Σ(a_i × w_i) mod 11 indexes "10X98765432"; this one sums to 2 mod 11, hence X.
    assert resident_id_check_char("11010519491231002") == "X"


# --- unified social credit codes ------------------------------------------------------------------------


def test_known_valid_uscc() -> None:
    assert uscc_error("91110000600037341L") is None
    assert uscc_error(" 91110000600037341l ") is None  # lower case and blanks as people type them


@pytest.mark.parametrize("authority", ["Y", "A", "N", "5", "1"])
def test_uscc_with_any_registration_authority_is_valid(authority: str) -> None:
    # Letter authorities (Y = other, A = CMC organisation office, N = agriculture) are valid in GB 32100;
    # some libraries (python-stdnum) wrongly reject them.
    value = make_uscc(authority, "1", "330681", "MA2B3C4D")
    assert value[0] == authority
    assert uscc_error(value) is None


def test_a_concrete_letter_authority_code_is_valid() -> None:
    assert make_uscc("Y", "1", "330681", "MA2B3C4D") == "Y1330681MA2B3C4D1Q"
    assert uscc_error("Y1330681MA2B3C4D1Q") is None


@pytest.mark.parametrize("value", ["91110000600037341M", "911100006000373410", "Y1330681MA2B3C4D1R"])
def test_wrong_uscc_check_character_is_rejected_in_chinese(value: str) -> None:
    assert uscc_error(value) == USCC_CHECK_MESSAGE


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("91110000600037341", "统一社会信用代码应为18位，当前为17位"),
        ("91110000600O37341L", "统一社会信用代码只能由数字和大写字母组成（不含 I、O、Z、S、V）"),
        ("9111000060003734IL", "统一社会信用代码只能由数字和大写字母组成（不含 I、O、Z、S、V）"),
        ("911100-0600037341L", "统一社会信用代码只能由数字和大写字母组成（不含 I、O、Z、S、V）"),
        ("911A00006000373410", "统一社会信用代码第3至8位应为行政区划代码"),
    ],
)
def test_malformed_usccs_say_what_is_wrong(value: str, message: str) -> None:
    assert uscc_error(value) == message


org_codes = st.text("0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8)
usccs = st.builds(
    make_uscc,
    st.sampled_from(USCC_AUTHORITIES),
    st.sampled_from("123459"),
    st.text("0123456789", min_size=6, max_size=6),
    org_codes,
)


@given(usccs)
def test_made_usccs_are_valid(value: str) -> None:
    assert len(value) == 18
    assert uscc_error(value) is None
    assert uscc_check_char(value[:17]) == value[17]


@given(usccs, st.integers(0, 17), st.sampled_from(USCC_CHARSET + "IOZSV"))
def test_any_single_character_change_of_a_uscc_is_detected(value: str, position: int, new: str) -> None:
    if value[position] == new:
        new = USCC_CHARSET[(USCC_CHARSET.index(new) + 1) % len(USCC_CHARSET)]
    changed = value[:position] + new + value[position + 1 :]
    assert changed != value
    assert uscc_error(changed) is not None


@given(usccs, st.integers(0, 16))
def test_swapping_two_neighbouring_characters_of_a_uscc_is_detected(value: str, position: int) -> None:
    a, b = value[position], value[position + 1]
    if a == b:
        return
    swapped = value[:position] + b + a + value[position + 2 :]
    assert uscc_error(swapped) is not None


# --- division codes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("330000", 1),
        ("330600", 2),
        ("330681", 3),
        ("330681001000", 4),
        ("330681001201", 5),
        ("419001", 3),
        ("330000000000", 1),
    ],
)
def test_division_levels(code: str, level: int) -> None:
    assert division_code_error(code) is None
    assert division_level(code) == level


@pytest.mark.parametrize("code", ["33068", "3306810", "33068a", "990000", ""])
def test_bad_division_codes_are_rejected_in_chinese(code: str) -> None:
    message = division_code_error(code)
    assert message is not None and ("行政区划代码" in message)
