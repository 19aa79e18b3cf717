"""Helpers for tests of the Django admin (any app's): a signed-in client, messages, URLs, a change form's data."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def change_url(obj: Any) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def post_data(response: Any) -> dict[str, Any]:
    """The change form as the browser would submit it unchanged (main form, inlines, management forms)."""
    data: dict[str, Any] = {}

    def add_form(form: Any) -> None:
        for bound in form:
            value = bound.value()
            if isinstance(bound.field.widget, forms.CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = "" if value is None else str(value)

    add_form(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add_form(formset.management_form)
        for form in formset.forms:
            add_form(form)
    return data
