"""Factories for bundle-definition tests: a small published 新生儿出生 bundle. (Applications for a bundle are
the case domain's: cases.tests.factories.)"""

from __future__ import annotations

from tongban.bundles.models import Bundle, BundleItem
from tongban.catalogue.tests import factories as cf


def newborn_bundle(publish: bool = True) -> Bundle:
    """A small 新生儿出生 bundle: birth certificate and vaccination in parallel, registration after the first."""
    div = cf.division()
    health = cf.department(div, "诸暨市卫生健康局", "health")
    police = cf.department(div, "诸暨市公安局", "police")
    cert = cf.published_implementation("出生医学证明", div=div, dept=health)
    vacc = cf.published_implementation(
        "预防接种证", div=div, dept=health, visits=0, online_depth=4, onsite_reason="", promised_days=3
    )
    reg = cf.published_implementation("新生儿入户", div=div, dept=police)
    bundle = Bundle.objects.create(
        code="B-NEWBORN",
        name="新生儿出生一件事",
        division=div,
        lead_department=health,
        audience="natural",
        life_stage="出生",
        description="新生儿出生后相关事项一次办",
        promised_days=5,
        shared_fields=["applicant_name", "child_name"],
        keywords="孩子刚出生 生娃",
        status=Bundle.Status.DRAFT,
    )
    i1 = BundleItem.objects.create(bundle=bundle, implementation=cert.implementation, order=1)
    BundleItem.objects.create(bundle=bundle, implementation=vacc.implementation, order=2)
    i3 = BundleItem.objects.create(
        bundle=bundle, implementation=reg.implementation, order=3, result_as_material="出生医学证明"
    )
    i3.depends_on.add(i1)
    if publish:
        from tongban.bundles.services import publish_bundle

        publish_bundle(bundle)
    return bundle
