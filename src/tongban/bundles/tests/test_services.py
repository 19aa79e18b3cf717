import pytest

from tongban.bundles import selectors, services
from tongban.bundles.models import Bundle, BundleItem
from tongban.bundles.tests.factories import newborn_bundle
from tongban.core.errors import DomainError

pytestmark = pytest.mark.django_db


def published_name(item: BundleItem) -> str:
    version = item.implementation.published_version
    assert version is not None
    return version.name


def test_publish_checks_and_overview(django_assert_max_num_queries):
    bundle = newborn_bundle()
    assert bundle.status == "published"
    fresh = selectors.get_bundle("B-NEWBORN")
    assert fresh is not None
    with django_assert_max_num_queries(2):
        overview = selectors.bundle_overview(fresh)
    assert [[published_name(i) for i in wave] for wave in overview.stages] == [
        ["出生医学证明", "预防接种证"],
        ["新生儿入户"],
    ]
    assert [f["key"] for f in overview.merged_form].count("applicant_name") == 1
    cert = next(m for m in overview.materials if m["name"] == "出生医学证明")
    assert cert["provided_by_result"] is True
    assert overview.savings.forms_saved == 2


def test_publish_refuses_bad_definitions_listing_every_problem():
    bundle = newborn_bundle(publish=False)
    bundle.promised_days = 60
    bundle.shared_fields = ["no_such_field"]
    bundle.save()
    with pytest.raises(DomainError) as caught:
        services.publish_bundle(bundle)
    assert "承诺办结时限" in caught.value.message and "no_such_field" in caught.value.message
    assert Bundle.objects.get(pk=bundle.pk).status == "draft"
