"""within_divisions: the Actor's division scoping as a queryset filter."""

from __future__ import annotations

import pytest

from tongban.core.actor import ANONYMOUS, AccountKind, Actor, Role
from tongban.jurisdictions.models import Department, Division
from tongban.jurisdictions.scoping import within_divisions
from tongban.jurisdictions.tests import factories as f

pytestmark = pytest.mark.django_db


def test_rows_of_the_actor_subtree_only() -> None:
    zhuji = f.DivisionFactory(code="330681", name="诸暨市")
    town = Division.objects.create(code="330681001000", name="暨阳街道", level=4, parent=zhuji)
    province = Division.objects.get(code="330000000000")  # the ancestor f.division() created
    pinghu = f.DivisionFactory(
        code="330482", name="平湖市", parent=f.DivisionFactory(code="330400", name="嘉兴市", parent=province)
    )
    f.DepartmentFactory(division=zhuji, name="诸暨市公安局")
    f.DepartmentFactory(division=pinghu, name="平湖市公安局")
    clerk = Actor(user_id=1, kind=AccountKind.STAFF, role=Role.WINDOW_CLERK, division_path=zhuji.path)

    assert set(within_divisions(Division.objects.all(), clerk, "path")) == {zhuji, town}
    names = within_divisions(Department.objects.all(), clerk).values_list("name", flat=True)
    assert list(names) == ["诸暨市公安局"]
    admin = Actor(user_id=2, kind=AccountKind.STAFF, role=Role.SYSTEM_ADMIN)
    assert within_divisions(Department.objects.all(), admin).count() == 2
    assert not within_divisions(Department.objects.all(), ANONYMOUS).exists()
