"""Writes to bundle definitions, with their rules. Applications for a bundle are the case domain's
(cases.services.bundle_applications)."""

from __future__ import annotations

from django.db import transaction

from tongban.catalogue.services import bump_catalogue_generation
from tongban.core.errors import DomainError

from .limits import JOINT_HANDLING_DAYS
from .models import Bundle
from .savings import DependencyError, stages
from .selectors import item_specs


def bundle_problems(bundle: Bundle) -> list[tuple[str, str]]:
    """Every reason a bundle cannot be published, as (field, Chinese message)."""
    problems: list[tuple[str, str]] = []
    items = list(
        bundle.items.select_related("implementation__published_version", "implementation__entry").prefetch_related(
            "depends_on"
        )
    )
    if len(items) < 2:
        problems.append(("items", "一件事至少应包含两个事项"))
    for item in items:
        if item.implementation.published_version_id is None:
            problems.append(("items", f"事项“{item.implementation.entry.name}”没有已发布的办事指南"))
        if item.result_as_material and not item.depends_on.exists():
            problems.append(("items", f"事项“{item.implementation.entry.name}”填写了前置结果材料，但未指定前置事项"))
    try:
        stages(item_specs(bundle))
    except DependencyError as exc:
        problems.append(("items", str(exc)))
    if bundle.statutory_days > JOINT_HANDLING_DAYS:
        problems.append(
            (
                "statutory_days",
                f"联合办理的法定办结时限不能超过{JOINT_HANDLING_DAYS}个工作日（行政许可法第四十二条第二款；"
                "确需延长的，经本级人民政府负责人批准，在办件中延长15个工作日）",
            )
        )
    if bundle.promised_days > bundle.statutory_days:
        problems.append(
            (
                "promised_days",
                f"承诺办结时限（{bundle.promised_days}个工作日）不能超过法定办结时限"
                f"（{bundle.statutory_days}个工作日）",
            )
        )
    keys = {
        f["key"]
        for item in items
        if item.implementation.published_version
        for f in item.implementation.published_version.form_schema
    }
    for key in bundle.shared_fields:
        if key not in keys:
            problems.append(("shared_fields", f"共享字段“{key}”不在任何事项的申请表单中"))
    return problems


@transaction.atomic
def publish_bundle(bundle: Bundle) -> Bundle:
    problems = bundle_problems(bundle)
    if problems:
        raise DomainError("publish_rejected", "；".join(m for _, m in problems), problems[0][0], status=422)
    bundle.status = Bundle.Status.PUBLISHED
    bundle.save(update_fields=["status", "updated_at"])
    bump_catalogue_generation()  # search indexes rebuild when the generation moves
    return bundle


@transaction.atomic
def retire_bundle(bundle: Bundle) -> Bundle:
    bundle.status = Bundle.Status.RETIRED
    bundle.save(update_fields=["status", "updated_at"])
    bump_catalogue_generation()
    return bundle
