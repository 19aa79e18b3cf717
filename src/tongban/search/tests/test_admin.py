"""Search synonyms in the Django admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tongban.accounts.models import User
from tongban.core.testing.admin import login
from tongban.search.models import SearchSynonym

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser() -> User:
    return User.objects.create_superuser("root", "root@example.cn", "Root-pass-2024")


def test_search_synonym_is_normalised(superuser):
    client = login(superuser)
    client.post(
        reverse("admin:search_searchsynonym_add"), {"phrase": " 孩子  刚出生 ", "expansion": "新生儿，出生 出生"}
    )
    synonym = SearchSynonym.objects.get()
    assert (synonym.phrase, synonym.expansion) == ("孩子 刚出生", "新生儿 出生")
