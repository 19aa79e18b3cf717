"""The test processes' row snapshots (core/testing/snapshot.py): captured without a trace, put back whole."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission

from tongban.core.testing.snapshot import RowSnapshot, SnapshotError

pytestmark = pytest.mark.django_db


def make_group() -> None:
    group = Group.objects.create(name="快照组")
    group.permissions.add(*Permission.objects.order_by("id")[:3])


def test_a_capture_leaves_the_database_as_it_was_and_a_restore_puts_the_rows_back_with_their_keys() -> None:
    groups, links = Group.objects.count(), Group.permissions.through.objects.count()
    snapshot = RowSnapshot.capture(make_group)
    assert Group.objects.count() == groups and Group.permissions.through.objects.count() == links
    assert snapshot.restore() == 4  # the group and its three permissions
    group = Group.objects.get(name="快照组")
    assert list(group.permissions.order_by("id")) == list(Permission.objects.order_by("id")[:3])
    names, rows = snapshot.rows[Group]
    assert [group.pk] == [values[names.index("id")] for values in rows]


def test_a_change_to_rows_that_were_there_before_is_refused_and_undone() -> None:
    Group.objects.create(name="原有的组")
    with pytest.raises(SnapshotError, match=r"auth\.Group"):
        RowSnapshot.capture(lambda: Group.objects.filter(name="原有的组").update(name="改过的组"))
    assert Group.objects.filter(name="原有的组").exists()
