"""Registration and login forms. Validation lives in services (one source of truth for the API and the
pages); these forms collect the fields, check what only a form knows (the repeated password) and show the
services' Chinese messages next to the right field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from . import services
from .models import User
from .validation import USERNAME_MAX, USERNAME_MIN

DEMO_REFUSED = "演示账号仅在演示模式下可以登录；本平台未开启演示模式，请使用您自己的账号。"


def _text(
    label: str, required_message: str, *, help_text: str = "", max_length: int = 100, **attrs: Any
) -> forms.CharField:
    # max_length only bounds garbage: length rules with their own messages are checked by the services.
    return forms.CharField(
        label=label,
        max_length=max_length,
        help_text=help_text,
        strip=True,
        error_messages={"required": required_message, "max_length": f"{label}过长，请检查后重新输入"},
        widget=forms.TextInput(attrs=attrs),
    )


class RegistrationForm(forms.Form):
    username = _text(
        "用户名",
        "请填写用户名",
        max_length=60,
        autocomplete="username",
        help_text=f"登录时使用，{USERNAME_MIN}至{USERNAME_MAX}个字符，可用英文字母、数字和 _ . @ + -",
    )
    password = forms.CharField(
        label="密码",
        strip=False,
        error_messages={"required": "请设置密码"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirm = forms.CharField(
        label="确认密码",
        strip=False,
        error_messages={"required": "请再次输入密码"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    service_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The rules of AUTH_PASSWORD_VALIDATORS, worded by Django's own translations.
        self.fields["password"].help_text = " ".join(password_help())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password, confirm = cleaned.get("password"), cleaned.get("password_confirm")
        if password and confirm and password != confirm:
            self.add_error("password_confirm", "两次输入的密码不一致，请重新输入")
        return cleaned

    def register(self, **kwargs: Any) -> User:
        """The registration service of the account kind; each concrete form names its own."""
        raise NotImplementedError

    def save(self) -> User | None:
        """Create the account through the services; on failure their messages are added to the form."""
        kwargs = {name: self.cleaned_data.get(name, "") for name in ("username", "password", *self.service_fields)}
        try:
            return self.register(**kwargs)
        except ValidationError as exc:
            self.add_error(None, exc)
            return None


class CitizenRegistrationForm(RegistrationForm):
    real_name = _text("姓名", "请填写姓名", max_length=60, autocomplete="name", help_text="与居民身份证一致")
    id_number = _text(
        "公民身份号码",
        "请填写公民身份号码",
        max_length=40,
        autocomplete="off",
        help_text="18位居民身份证号码，末位可以是X",
        spellcheck="false",
    )
    phone = _text(
        "手机号码",
        "请填写手机号码",
        max_length=30,
        autocomplete="tel",
        inputmode="tel",
        help_text="11位手机号码，用于接收办件通知",
    )

    field_order = ["real_name", "id_number", "phone", "username", "password", "password_confirm"]
    service_fields = ("real_name", "id_number", "phone")

    def register(self, **kwargs: Any) -> User:
        return services.register_citizen(**kwargs)


class EnterpriseRegistrationForm(RegistrationForm):
    real_name = _text(
        "单位名称",
        "请填写单位名称",
        max_length=120,
        autocomplete="organization",
        help_text="与营业执照或登记证书上的名称一致",
    )
    uscc = _text(
        "统一社会信用代码",
        "请填写统一社会信用代码",
        max_length=40,
        autocomplete="off",
        help_text="18位，由数字和大写字母组成，见营业执照",
        spellcheck="false",
    )
    legal_representative = _text("法定代表人", "请填写法定代表人姓名", max_length=60)
    phone = _text(
        "联系人手机号码",
        "请填写联系人手机号码",
        max_length=30,
        autocomplete="tel",
        inputmode="tel",
        help_text="11位手机号码，用于接收办件通知",
    )

    field_order = ["real_name", "uscc", "legal_representative", "phone", "username", "password", "password_confirm"]
    service_fields = ("real_name", "uscc", "legal_representative", "phone")

    def register(self, **kwargs: Any) -> User:
        return services.register_enterprise(**kwargs)


def password_help() -> list[str]:
    """The configured password rules, in the active language (Chinese from Django's translations)."""
    return list(password_validation.password_validators_help_texts())


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "用户名或密码不正确，请注意密码区分大小写。连续输错%(limit)s次，账号将被暂时锁定。",
        "inactive": "该账号已停用，请联系平台管理员。",
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["username"].error_messages["required"] = "请填写用户名"
        self.fields["password"].label = "密码"
        self.fields["password"].error_messages["required"] = "请填写密码"

    def get_invalid_login_error(self) -> ValidationError:
        return ValidationError(
            self.error_messages["invalid_login"], code="invalid_login", params={"limit": settings.AXES_FAILURE_LIMIT}
        )

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError as exc:
            # Demo accounts are public, so saying why one is refused reveals nothing.
            username = self.cleaned_data.get("username")
            if (
                exc.code == "invalid_login"
                and username
                and not settings.DEMO_MODE
                and User.objects.filter(username=username, is_demo=True).exists()
            ):
                raise ValidationError(DEMO_REFUSED, code="demo_account") from exc
            raise
