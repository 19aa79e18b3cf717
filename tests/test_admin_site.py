"""The whole admin site: every registered model's pages load for a superuser and for a scoped catalogue
administrator (a 403 where the role may not go, never a 5xx), with rows of every app in two regions."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from tongban.accounts.models import User
from tongban.accounts.tests.factories import CatalogueAdminFactory
from tongban.bundles.models import Bundle, BundleItem
from tongban.catalogue.tests import factories as f
from tongban.core.testing.admin import change_url, login
from tongban.jurisdictions.models import ServiceCentre, Window
from tongban.search.models import SearchSynonym

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser() -> User:
    return User.objects.create_superuser("root", "root@example.cn", "Root-pass-2024")


@pytest.fixture
def zhuji():
    return f.DivisionFactory(code="330681", name="诸暨市")


@pytest.fixture
def catalogue_admin(zhuji) -> User:
    """A 事项管理员 of 诸暨市 with the role's group and its Django permissions, as in real use (scoping must hold
    despite them)."""
    user = CatalogueAdminFactory(division=zhuji, username="zj_catalogue", real_name="诸暨事项管理员")
    assert user.is_staff and user.has_perm("catalogue.change_catalogueentry")
    return user


@pytest.fixture
def full_catalogue(zhuji):
    """At least one row of every registered model, in two regions."""
    pinghu = f.DivisionFactory(code="330482", name="平湖市")
    published = f.PublishedVersionFactory(name="新生儿入户", division=zhuji)
    draft = f.DraftVersionFactory(name="居民身份证申领", division=zhuji)
    other = f.PublishedVersionFactory(
        name="户口迁移", division=pinghu, department=f.DepartmentFactory(division=pinghu, name="平湖市公安局")
    )
    centre = ServiceCentre.objects.create(
        division=zhuji,
        name="诸暨市政务服务中心",
        kind="government",
        address="诸暨市暨阳街道",
        opening_hours="周一至周五 8:30-17:00",
    )
    window = Window.objects.create(centre=centre, number="1", name="综合受理", kind="general")
    window.departments.add(published.implementation.department)
    bundle = Bundle.objects.create(
        code="newborn",
        name="新生儿出生一件事",
        division=zhuji,
        lead_department=published.implementation.department,
        audience="natural",
        life_stage="出生",
        description="出生医学证明、户口登记、医保参保一次办。",
        promised_days=10,
        shared_fields=["applicant_name"],
    )
    first = BundleItem.objects.create(bundle=bundle, implementation=published.implementation, order=1)
    second = BundleItem.objects.create(bundle=bundle, implementation=draft.implementation, order=2)
    second.depends_on.add(first)
    SearchSynonym.objects.create(phrase="孩子刚出生", expansion="新生儿 出生")
    published.implementation.entry.themes.add(f.ThemeFactory())
    return {"published": published, "draft": draft, "other": other, "bundle": bundle}


def _admin_urls(user: User) -> list[str]:
    """Every changelist, add (if allowed), change and history page of every registered admin."""
    urls = []
    for model, model_admin in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        request = _request_for(user)
        urls.append(reverse(f"{info}_changelist"))
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"{info}_add"))
        obj = model_admin.get_queryset(request).order_by("pk").first()
        if obj is not None:
            urls.append(reverse(f"{info}_change", args=[obj.pk]))
            urls.append(reverse(f"{info}_history", args=[obj.pk]))
    return urls


def _request_for(user: User) -> Any:
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.parametrize("who", ["superuser", "catalogue_admin"])
def test_every_admin_page_loads_without_error(request, who, full_catalogue):
    user = request.getfixturevalue(who)
    client = login(user)
    assert client.get(reverse("admin:index")).status_code == 200
    failures = []
    for url in _admin_urls(user):
        response = client.get(url)
        # 403 is a correct answer for pages the role may not use (adding divisions, users …); never a 5xx.
        allowed = {200} if who == "superuser" else {200, 403}
        if response.status_code not in allowed:
            failures.append((url, response.status_code))
    assert failures == []


def test_bundle_and_synonym_pages_answer_200_for_the_scoped_catalogue_admin(catalogue_admin, full_catalogue):
    for url in (
        reverse("admin:bundles_bundle_changelist"),
        change_url(full_catalogue["bundle"]),
        reverse("admin:search_searchsynonym_changelist"),
    ):
        assert login(catalogue_admin).get(url).status_code == 200, url
