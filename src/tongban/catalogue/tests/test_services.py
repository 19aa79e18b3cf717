from __future__ import annotations

import pytest

from tongban.catalogue import services
from tongban.catalogue.models import (
    CatalogueGeneration,
    ImmutableVersionError,
    MaterialRequirement,
    VersionEvent,
)
from tongban.catalogue.tests import factories as f
from tongban.core.errors import ConflictError
from tongban.core.models import AppendOnlyError

pytestmark = pytest.mark.django_db


def test_publish_sets_current_version_and_bumps_generation():
    version = f.DraftVersionFactory()
    assert version.status == "draft"
    published = services.publish_now(version)
    assert published.status == "published"
    assert published.implementation.published_version_id == published.pk
    assert CatalogueGeneration.objects.get(pk=1).value == 1
    actions = list(VersionEvent.objects.filter(version=published).values_list("action", flat=True))
    assert actions == ["create", "submit", "publish"]


def test_publish_reports_every_violation_at_once_and_changes_nothing():
    version = f.DraftVersionFactory(promised_days=0, online_depth=4, visits=2, charged=False, online_payment=True)
    services.submit_version(version)
    with pytest.raises(services.PublishRejected) as caught:
        services.publish_version(version)
    fields = {v.field for v in caught.value.violations}
    assert {"handling_type", "review_type", "visits", "online_payment"} <= fields
    version.refresh_from_db()
    assert version.status == "in_review"
    assert version.implementation.published_version_id is None


def test_published_version_is_immutable_and_edit_makes_new_version():
    published = f.PublishedVersionFactory()
    published.name = "改名"
    with pytest.raises(ImmutableVersionError):
        published.save()
    with pytest.raises(ImmutableVersionError):
        MaterialRequirement.objects.create(version=published, name="新增材料")
    with pytest.raises(ConflictError):
        services.update_draft(published, content={"name": "改名"})

    draft = services.start_new_version(published.implementation)
    assert draft.number == 2 and draft.status == "draft"
    assert [m.name for m in draft.materials.all()] == [m.name for m in published.materials.all()]
    assert services.start_new_version(published.implementation).pk == draft.pk  # idempotent
    services.update_draft(draft, content={"promised_days": 3}, note="压缩承诺时限")
    services.publish_now(draft)
    published.refresh_from_db()
    assert published.status == "retired"
    current = published.implementation.published_version
    assert current is not None and current.number == 2
    edit = VersionEvent.objects.get(version=draft, action="edit")
    assert edit.changes == {"promised_days": ["5", "3"]}


def test_history_is_append_only():
    version = f.DraftVersionFactory()
    event = VersionEvent.objects.get(version=version)
    event.note = "篡改"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_transitions_outside_the_table_are_refused():
    version = f.DraftVersionFactory()
    with pytest.raises(ConflictError):
        services.publish_version(version)  # a draft must be reviewed first
    services.submit_version(version)
    with pytest.raises(Exception, match="原因"):
        services.reject_version(version, note="")
    back = services.reject_version(version, note="材料清单不全")
    assert back.status == "draft"


def test_retire_removes_current_version():
    published = f.PublishedVersionFactory()
    services.retire_version(published, note="事项取消")
    published.implementation.refresh_from_db()
    assert published.implementation.published_version is None
