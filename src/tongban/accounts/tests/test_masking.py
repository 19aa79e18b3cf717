"""Masking keeps only the ends of personal numbers."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from tongban.accounts.masking import mask_middle, mask_name, mask_phone, mask_resident_id, mask_uscc


def test_resident_id_keeps_area_prefix_and_last_four() -> None:
    assert mask_resident_id("330481199001010071") == "3304**********0071"
    assert mask_resident_id("33048119900101007X") == "3304**********007X"


def test_phone_keeps_prefix_and_last_four() -> None:
    assert mask_phone("13812345678") == "138****5678"


def test_uscc() -> None:
    assert mask_uscc("91110000600037341L") == "9111**********341L"


@pytest.mark.parametrize("value", [None, "", "   "])
def test_empty_values_mask_to_empty(value: str | None) -> None:
    assert mask_resident_id(value) == ""
    assert mask_phone(value) == ""
    assert mask_uscc(value) == ""


@pytest.mark.parametrize("value", ["1234", "12345678", "1381234"])
def test_short_values_are_hidden_entirely(value: str) -> None:
    # A malformed short number must not leak whole.
    assert set(mask_resident_id(value)) == {"*"}
    assert set(mask_phone(value[:7])) == {"*"}


def test_names() -> None:
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳小明") == "欧***"
    assert mask_name("王") == "王"


@given(st.text(alphabet="0123456789X", min_size=9, max_size=30))
def test_mask_never_reveals_more_than_the_kept_ends(value: str) -> None:
    masked = mask_middle(value, 4, 4)
    assert len(masked) == len(value)
    assert masked[:4] == value[:4] and masked[-4:] == value[-4:]
    assert set(masked[4:-4]) <= {"*"}


def test_template_filters() -> None:
    html = Template(
        "{% load accounts_tags %}{{ i|mask_resident_id }} {{ p|mask_phone }} {{ u|mask_uscc }} {{ d|duration_zh }}"
    ).render(
        Context(
            {
                "i": "360426199101010071",
                "p": "13812345678",
                "u": "91110000600037341L",
                "d": __import__("datetime").timedelta(hours=1, minutes=30),
            }
        )
    )
    assert html == "3604**********0071 138****5678 9111**********341L 1小时30分钟"
