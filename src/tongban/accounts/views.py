from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.messages.views import SuccessMessageMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters

from . import selectors
from .forms import CitizenRegistrationForm, EnterpriseRegistrationForm, LoginForm, RegistrationForm
from .models import User

# Registration logs the new user in through the model backend (axes has nothing to check on a new account).
MODEL_BACKEND = "tongban.accounts.backends.DemoAwareModelBackend"


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="登录", failure_limit=settings.AXES_FAILURE_LIMIT, **kwargs)


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): a link cannot log anyone out behind their back."""


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:me")
    success_message = "密码已修改。"


def register(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register.html", {"title": "注册"})


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _register(request: HttpRequest, form_class: type[RegistrationForm], template: str, title: str) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:me")
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        if user is not None:
            login(request, user, backend=MODEL_BACKEND)
            messages.success(request, "注册成功，欢迎使用。")
            return redirect(_safe_next(request) or "accounts:me")
    return render(request, template, {"form": form, "title": title, "next": _safe_next(request) or ""})


@sensitive_post_parameters("password", "password_confirm", "id_number")
def register_citizen(request: HttpRequest) -> HttpResponse:
    return _register(request, CitizenRegistrationForm, "accounts/register_citizen.html", "个人用户注册")


@sensitive_post_parameters("password", "password_confirm")
def register_enterprise(request: HttpRequest) -> HttpResponse:
    return _register(request, EnterpriseRegistrationForm, "accounts/register_enterprise.html", "法人用户注册")


@login_required
def me(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/me.html",
        {
            "title": "我的账号",
            "profile": selectors.profile_rows(cast(User, request.user)),
        },
    )
