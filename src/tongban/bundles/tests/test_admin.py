"""Bundles in the Django admin: dependencies cannot form a cycle, publishing reports what is missing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tongban.accounts.models import User
from tongban.bundles.models import Bundle, BundleItem
from tongban.catalogue.tests import factories as f
from tongban.core.testing.admin import change_url, login, messages_of, post_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser() -> User:
    return User.objects.create_superuser("root", "root@example.cn", "Root-pass-2024")


@pytest.fixture
def bundle() -> Bundle:
    """Two items, the second waiting for the first; the second has no published guide."""
    zhuji = f.DivisionFactory(code="330681", name="诸暨市")
    published = f.PublishedVersionFactory(name="新生儿入户", division=zhuji)
    draft = f.DraftVersionFactory(name="居民身份证申领", division=zhuji)
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
    return bundle


def test_bundle_dependencies_cannot_form_a_cycle(superuser, bundle):
    client = login(superuser)
    data = post_data(client.get(change_url(bundle)))
    first, second = bundle.items.order_by("order")
    data["items-0-depends_on"] = [str(second.pk)]  # first waits for second, which already waits for first
    response = client.post(change_url(bundle), data)
    assert response.status_code == 200
    assert "循环依赖" in response.content.decode()
    assert not first.depends_on.exists()


def test_bundle_publish_action_reports_problems(superuser, bundle):
    response = login(superuser).post(
        reverse("admin:bundles_bundle_changelist"),
        {"action": "publish_selected", "_selected_action": [bundle.pk]},
        follow=True,
    )
    bundle.refresh_from_db()
    assert bundle.status == "draft"
    assert any("没有已发布的办事指南" in m for m in messages_of(response))
