"""factory_boy factories of bundle definitions (一件事): ``BundleFactory`` and ``BundleItemFactory``;
``newborn_bundle()`` is the small 新生儿出生 bundle many tests share. (Applications for a bundle are the case
domain's: cases.tests.factories.)"""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from tongban.bundles.models import Bundle, BundleItem
from tongban.bundles.services import publish_bundle
from tongban.catalogue.tests.factories import PublishedVersionFactory
from tongban.jurisdictions.tests.factories import DepartmentFactory, DivisionFactory


class BundleFactory(DjangoModelFactory[Bundle]):
    """A bundle definition, a draft: publish it with bundles.services.publish_bundle (which checks it) once its
    items are in."""

    class Meta:
        model = Bundle

    code = factory.Sequence(lambda n: f"B-{n + 1:04d}")
    name = "新生儿出生一件事"
    division = factory.SubFactory(DivisionFactory)
    lead_department = factory.SubFactory(DepartmentFactory, division=factory.SelfAttribute("..division"))
    audience = "natural"
    life_stage = "出生"
    description = "新生儿出生后相关事项一次办"
    promised_days = 5
    shared_fields = factory.LazyFunction(lambda: ["applicant_name", "child_name"])
    status = Bundle.Status.DRAFT


class BundleItemFactory(DjangoModelFactory[BundleItem]):
    """One item of a bundle; ``depends_on`` (items of the same bundle) are its prerequisites."""

    class Meta:
        model = BundleItem
        skip_postgeneration_save = True

    bundle = factory.SubFactory(BundleFactory)
    implementation = factory.LazyAttribute(
        lambda o: (
            PublishedVersionFactory(division=o.bundle.division, department=o.bundle.lead_department).implementation
        )
    )
    order = factory.Sequence(lambda n: n + 1)

    @factory.post_generation
    def depends_on(self, create: bool, extracted: list[BundleItem] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.depends_on.add(*extracted)


def newborn_bundle(publish: bool = True) -> Bundle:
    """A small 新生儿出生 bundle: birth certificate and vaccination in parallel, registration after the first."""
    div = DivisionFactory(code="330681")
    health = DepartmentFactory(division=div, name="诸暨市卫生健康局", kind="health")
    police = DepartmentFactory(division=div, name="诸暨市公安局", kind="police")
    cert = PublishedVersionFactory(name="出生医学证明", division=div, department=health)
    vacc = PublishedVersionFactory(
        name="预防接种证", division=div, department=health, visits=0, online_depth=4, onsite_reason="", promised_days=3
    )
    reg = PublishedVersionFactory(name="新生儿入户", division=div, department=police)
    bundle = BundleFactory(code="B-NEWBORN", division=div, lead_department=health, keywords="孩子刚出生 生娃")
    first = BundleItemFactory(bundle=bundle, implementation=cert.implementation, order=1)
    BundleItemFactory(bundle=bundle, implementation=vacc.implementation, order=2)
    BundleItemFactory(
        bundle=bundle, implementation=reg.implementation, order=3, result_as_material="出生医学证明", depends_on=[first]
    )
    return publish_bundle(bundle) if publish else bundle
