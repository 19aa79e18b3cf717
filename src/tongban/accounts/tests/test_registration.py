"""Self-registration of citizens (resident ID) and enterprises (USCC) through the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tongban.accounts import services
from tongban.accounts.models import User
from tongban.accounts.roles import AccountKind

from . import factories

pytestmark = pytest.mark.django_db

VALID_ID = "360426199101010071"  # domain.md §7
VALID_USCC = "91110000600037341L"


def citizen_form(**overrides: Any) -> dict[str, str]:
    data = {
        "real_name": "张三",
        "id_number": VALID_ID,
        "phone": "13812345678",
        "username": "zhangsan",
        "password": factories.PASSWORD,
        "password_confirm": factories.PASSWORD,
    }
    data.update(overrides)
    return data


def enterprise_form(**overrides: Any) -> dict[str, str]:
    data = {
        "real_name": "北京示例有限公司",
        "uscc": VALID_USCC,
        "legal_representative": "李四",
        "phone": "13912345678",
        "username": "demo-firm",
        "password": factories.PASSWORD,
        "password_confirm": factories.PASSWORD,
    }
    data.update(overrides)
    return data


def field_errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


def test_choice_page_links_both_kinds(client: Client) -> None:
    html = client.get("/accounts/register/").content.decode()
    assert "/accounts/register/citizen/" in html and "/accounts/register/enterprise/" in html
    assert "个人用户注册" in html and "法人用户注册" in html


def test_citizen_registration_logs_in_and_shows_masked_profile(client: Client) -> None:
    response = client.post("/accounts/register/citizen/", citizen_form(), follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/me/"
    user = User.objects.get(username="zhangsan")
    assert user.kind == AccountKind.CITIZEN and user.id_number == VALID_ID and not user.is_staff
    assert user.check_password(factories.PASSWORD)
    html = response.content.decode()
    assert "注册成功" in html
    assert "3604**********0071" in html and "138****5678" in html
    assert VALID_ID not in html and "13812345678" not in html


def test_fullwidth_and_lowercase_x_are_accepted(client: Client) -> None:
    id_x = factories.resident_id(3)
    if not id_x.endswith("X"):  # find an ID whose check character is X
        id_x = next(i for i in (factories.resident_id(n) for n in range(1, 200)) if i.endswith("X"))
    fullwidth = id_x[:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "ｘ"
    response = client.post("/accounts/register/citizen/", citizen_form(id_number=fullwidth, phone="138 1234 5678"))
    assert response.status_code == 302, response.context["form"].errors
    user = User.objects.get(username="zhangsan")
    assert user.id_number == id_x and user.phone == "13812345678"


@pytest.mark.parametrize(
    ("id_number", "expected"),
    [
        ("360426199101010072", "校验位"),
        ("36042619910101007", "应为18位，当前为17位"),
        ("3604261991010100711", "应为18位，当前为19位"),
        ("360426199113010071", "出生日期无效"),
        ("36042619910101A071", "前17位应为数字"),
        ("", "请填写公民身份号码"),
    ],
)
def test_citizen_id_errors_are_clear(client: Client, id_number: str, expected: str) -> None:
    response = client.post("/accounts/register/citizen/", citizen_form(id_number=id_number))
    assert response.status_code == 200
    errors = field_errors(response, "id_number")
    assert any(expected in e for e in errors), errors
    assert expected in response.content.decode()
    assert not User.objects.exists()


def test_duplicate_id_number_is_refused(client: Client) -> None:
    factories.CitizenFactory(id_number=VALID_ID)
    response = client.post("/accounts/register/citizen/", citizen_form())
    assert field_errors(response, "id_number") == [services.DUPLICATE_ID_NUMBER]
    assert "该公民身份号码已注册" in response.content.decode()
    assert User.objects.count() == 1


def test_duplicate_username_ignores_case(client: Client) -> None:
    factories.CitizenFactory(username="ZhangSan")
    response = client.post("/accounts/register/citizen/", citizen_form())
    assert field_errors(response, "username") == [services.DUPLICATE_USERNAME]


@pytest.mark.parametrize(("phone", "expected"), [("1381234567", "应为11位数字"), ("12812345678", "格式不正确")])
def test_phone_errors(client: Client, phone: str, expected: str) -> None:
    response = client.post("/accounts/register/citizen/", citizen_form(phone=phone))
    assert any(expected in e for e in field_errors(response, "phone"))


def test_password_rules_speak_chinese(client: Client) -> None:
    response = client.post("/accounts/register/citizen/", citizen_form(password="1234567", password_confirm="1234567"))
    errors = field_errors(response, "password")
    assert "密码长度太短。密码必须包含至少 8 个字符。" in errors
    assert "这个密码太常见了。" in errors
    assert "密码只包含数字。" in errors
    assert all("password" not in e.lower() for e in errors)
    # The rules are announced before anyone gets them wrong.
    assert "你的密码必须包含至少 8 个字符。" in client.get("/accounts/register/citizen/").content.decode()


def test_password_confirmation_must_match(client: Client) -> None:
    response = client.post("/accounts/register/citizen/", citizen_form(password_confirm="Other#2025pass"))
    assert field_errors(response, "password_confirm") == ["两次输入的密码不一致，请重新输入"]
    assert not User.objects.exists()


def test_several_errors_are_reported_at_once(client: Client) -> None:
    response = client.post(
        "/accounts/register/citizen/", citizen_form(id_number="360426199101010072", phone="123", username="ab")
    )
    form = response.context["form"]
    assert {"id_number", "phone", "username"} <= set(form.errors)


def test_enterprise_registration(client: Client) -> None:
    response = client.post("/accounts/register/enterprise/", enterprise_form(), follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/me/"
    user = User.objects.get(username="demo-firm")
    assert user.kind == AccountKind.ENTERPRISE and user.uscc == VALID_USCC and user.legal_representative == "李四"
    html = response.content.decode()
    assert "9111**********341L" in html and VALID_USCC not in html


def test_letter_registration_authority_is_valid(client: Client) -> None:
    # GB 32100: some registration authorities use letters (Y 工会, N 农业 …).
    code = factories.uscc(42, authority="Y", kind="1")
    response = client.post("/accounts/register/enterprise/", enterprise_form(uscc=code.lower()))
    assert response.status_code == 302, response.context["form"].errors
    assert User.objects.get(username="demo-firm").uscc == code


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("91110000600037341M", "校验位"),
        ("91110000600037341", "应为18位，当前为17位"),
        ("9111000060003734IL", "不含 I、O、Z、S、V"),
    ],
)
def test_uscc_errors_are_clear(client: Client, code: str, expected: str) -> None:
    response = client.post("/accounts/register/enterprise/", enterprise_form(uscc=code))
    errors = field_errors(response, "uscc")
    assert any(expected in e for e in errors), errors
    assert not User.objects.exists()


def test_duplicate_uscc_is_refused(client: Client) -> None:
    factories.EnterpriseFactory(uscc=VALID_USCC)
    response = client.post("/accounts/register/enterprise/", enterprise_form())
    assert field_errors(response, "uscc") == [services.DUPLICATE_USCC]


def test_service_is_the_single_source_of_rules() -> None:
    with pytest.raises(ValidationError) as exc:
        services.register_citizen(username="x", password="1", real_name="", id_number="1", phone="1")
    assert set(exc.value.message_dict) == {"username", "real_name", "id_number", "phone", "password"}


def test_race_on_the_unique_number_is_reported_not_a_500(monkeypatch: pytest.MonkeyPatch) -> None:
    factories.CitizenFactory(id_number=VALID_ID)
    # Simulate the other request inserting between our check and our insert: the check sees nothing.
    real_filter = User.objects.filter
    blinded: list[bool] = []

    def blind_filter(*args: Any, **kwargs: Any):
        if "id_number" in kwargs and not blinded:
            blinded.append(True)
            return User.objects.none()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(User.objects, "filter", blind_filter)
    with pytest.raises(ValidationError) as exc:
        services.register_citizen(
            username="other", password=factories.PASSWORD, real_name="张三", id_number=VALID_ID, phone="13812345678"
        )
    monkeypatch.undo()
    assert exc.value.message_dict == {"id_number": [services.DUPLICATE_ID_NUMBER]}
    assert User.objects.count() == 1


def test_logged_in_user_is_sent_to_their_account(client: Client) -> None:
    client.force_login(factories.CitizenFactory())
    assert client.get("/accounts/register/citizen/")["Location"] == "/accounts/me/"
