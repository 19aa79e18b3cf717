"""Role groups, role assignment and division scoping of staff."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import ValidationError
from django.core.management import call_command

from tongban.accounts import permissions, services
from tongban.accounts.models import User
from tongban.accounts.roles import AccountKind, Role
from tongban.jurisdictions.models import Department, Division

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree() -> SimpleNamespace:
    zhuji = factories.DivisionFactory(code="330681")
    return SimpleNamespace(
        zhejiang=factories.DivisionFactory(code="330000"),
        shaoxing=factories.DivisionFactory(code="330600"),
        zhuji=zhuji,
        jiyang=factories.DivisionFactory(code="330681001"),
        pinghu=factories.DivisionFactory(code="330482"),
        police=factories.DepartmentFactory(division=zhuji, name="诸暨市公安局"),
        pinghu_police=factories.DepartmentFactory(
            division=factories.DivisionFactory(code="330482"), name="平湖市公安局"
        ),
    )


# --- groups ----------------------------------------------------------------------------------------------


def perms(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_groups_exist_after_migrate_with_the_right_permissions() -> None:
    catalogue_admin = Group.objects.get(name="事项管理员")
    granted = perms(catalogue_admin)
    for codename in (
        "catalogue.add_catalogueentry",
        "catalogue.change_implementationversion",
        "catalogue.view_itemimplementation",
        "bundles.add_bundle",
        "bundles.change_bundleitem",
        "search.add_searchsynonym",
        "search.change_searchsynonym",
        "search.view_searchsynonym",
        "jurisdictions.view_department",
        "jurisdictions.view_division",
    ):
        assert codename in granted
    # Guides are retired, never deleted; users, jurisdictions and other apps are out of reach.
    assert not any(p.split(".")[1].startswith("delete_") for p in granted)
    assert not any(p.startswith(("accounts.", "auth.", "admin.")) for p in granted)
    assert "jurisdictions.change_department" not in granted
    assert "search.view_searchgeneration" not in granted

    system_admin = Group.objects.get(name="系统管理员")
    from django.contrib.auth.models import Permission

    assert system_admin.permissions.count() == Permission.objects.count()


def test_ensure_role_groups_is_idempotent_and_repairs_hand_edits() -> None:
    group = Group.objects.get(name="事项管理员")
    before = perms(group)
    group.permissions.clear()
    services.ensure_role_groups()
    services.ensure_role_groups()
    assert perms(Group.objects.get(name="事项管理员")) == before
    assert Group.objects.filter(name__in=["事项管理员", "系统管理员"]).count() == 2


def test_sync_roles_command(capsys: pytest.CaptureFixture[str]) -> None:
    Group.objects.all().delete()
    user = factories.CitizenFactory()
    call_command("sync_roles")
    out = capsys.readouterr().out
    assert "事项管理员" in out and "系统管理员" in out
    assert Group.objects.filter(name="事项管理员").exists()
    assert not user.groups.exists()


# --- assigning roles -------------------------------------------------------------------------------------


def test_assign_admin_site_role_sets_staff_and_group(tree: SimpleNamespace) -> None:
    user = factories.CitizenFactory()
    services.assign_role(user, Role.CATALOGUE_ADMIN, division=tree.zhuji)
    user.refresh_from_db()
    assert user.kind == AccountKind.STAFF and user.role == Role.CATALOGUE_ADMIN and user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == ["事项管理员"]
    assert user.has_perm("catalogue.change_implementationversion")
    assert not user.has_perm("accounts.change_user")


def test_changing_role_swaps_the_group_and_keeps_other_groups(tree: SimpleNamespace) -> None:
    user = factories.StaffFactory(role=Role.CATALOGUE_ADMIN, division=tree.zhuji)
    extra = Group.objects.create(name="培训组")
    user.groups.add(extra)
    services.assign_role(user, "approver", department=tree.police)
    user = User.objects.get(pk=user.pk)
    assert set(user.groups.values_list("name", flat=True)) == {"培训组"}
    assert not user.is_staff  # approvers work in the workbench, not the admin site
    assert user.division == tree.zhuji  # taken from the department
    services.assign_role(user, "系统管理员")  # a label works too
    user = User.objects.get(pk=user.pk)
    assert set(user.groups.values_list("name", flat=True)) == {"培训组", "系统管理员"}
    assert user.is_staff and user.has_perm("accounts.change_user")


def test_binding_errors(tree: SimpleNamespace) -> None:
    user = factories.CitizenFactory()
    with pytest.raises(ValidationError) as exc:
        services.assign_role(user, Role.APPROVER)
    assert exc.value.message_dict == {
        "division": ["审批人员必须指定所属区划"],
        "department": ["审批人员必须指定所属部门"],
    }
    with pytest.raises(ValidationError) as exc:
        services.assign_role(user, Role.DEPARTMENT_HEAD, department=tree.pinghu_police, division=tree.zhuji)
    assert "不属于诸暨市" in exc.value.message_dict["department"][0]
    centre = factories.ServiceCentreFactory(division=tree.pinghu)
    with pytest.raises(ValidationError) as exc:
        services.assign_role(user, Role.WINDOW_CLERK, division=tree.zhuji, centre=centre)
    assert "不在诸暨市范围内" in exc.value.message_dict["service_centre"][0]
    with pytest.raises(ValidationError) as exc:
        services.assign_role(user, "janitor")
    assert exc.value.message_dict == {"role": ["未知的岗位角色：janitor"]}
    user.refresh_from_db()
    assert user.kind == AccountKind.CITIZEN and not user.role  # nothing changed


def test_window_clerk_in_a_township_centre(tree: SimpleNamespace) -> None:
    centre = factories.ServiceCentreFactory(division=tree.jiyang, name="暨阳街道便民服务中心")
    clerk = factories.StaffFactory(role=Role.WINDOW_CLERK, division=tree.zhuji, service_centre=centre)
    assert clerk.service_centre == centre and not clerk.is_staff


def test_create_staff_validates_everything_at_once(tree: SimpleNamespace) -> None:
    with pytest.raises(ValidationError) as exc:
        services.create_staff(username="a", password="123", real_name="", role=Role.APPROVER)
    assert set(exc.value.message_dict) == {"username", "real_name", "password", "division", "department"}
    assert not User.objects.filter(username="a").exists()


def test_createsuperuser_makes_a_system_admin() -> None:
    root = User.objects.create_superuser("root", "root@example.cn", factories.PASSWORD)
    assert root.kind == AccountKind.STAFF and root.role == Role.SYSTEM_ADMIN
    root.full_clean()  # the model's own rules hold, so the admin can edit it


# --- scoping ---------------------------------------------------------------------------------------------


def test_staff_division_paths(tree: SimpleNamespace) -> None:
    clerk = factories.StaffFactory(role=Role.WINDOW_CLERK, division=tree.zhuji)
    assert permissions.staff_division_paths(clerk) == (tree.zhuji.path,)
    assert permissions.staff_division_paths(factories.StaffFactory(role=Role.SYSTEM_ADMIN)) is None
    assert permissions.staff_division_paths(factories.CitizenFactory()) == ()
    assert permissions.staff_division_paths(AnonymousUser()) == ()
    clerk.is_active = False
    assert permissions.staff_division_paths(clerk) == ()


def test_can_manage_division_is_the_subtree(tree: SimpleNamespace) -> None:
    admin = factories.StaffFactory(role=Role.CATALOGUE_ADMIN, division=tree.zhuji)
    assert permissions.can_manage_division(admin, tree.zhuji)
    assert permissions.can_manage_division(admin, tree.jiyang)
    assert not permissions.can_manage_division(admin, tree.shaoxing)  # above
    assert not permissions.can_manage_division(admin, tree.pinghu)  # beside
    assert not permissions.can_manage_division(admin, None)
    assert permissions.can_manage_department(admin, tree.police)
    assert not permissions.can_manage_department(admin, tree.pinghu_police)

    city = factories.StaffFactory(role=Role.SUPERVISOR, division=tree.shaoxing)
    assert permissions.can_manage_division(city, tree.jiyang)
    assert not permissions.can_manage_division(city, tree.pinghu)

    root = factories.StaffFactory(role=Role.SYSTEM_ADMIN)
    assert permissions.can_manage_division(root, tree.pinghu) and permissions.can_manage_division(root, None)
    assert not permissions.can_manage_division(factories.CitizenFactory(), tree.zhuji)


def test_a_sibling_township_is_out_of_reach(tree: SimpleNamespace) -> None:
    other = Division.objects.create(code="330681100000", name="某镇", level=4, parent=tree.zhuji)
    admin = factories.StaffFactory(role=Role.CATALOGUE_ADMIN, division=other)
    assert not permissions.can_manage_division(admin, tree.jiyang)


def test_filter_by_division(tree: SimpleNamespace) -> None:
    admin = factories.StaffFactory(role=Role.CATALOGUE_ADMIN, division=tree.zhuji)
    names = set(permissions.filter_by_division(Department.objects.all(), admin).values_list("name", flat=True))
    assert names == {"诸暨市公安局"}
    divisions = permissions.filter_by_division(Division.objects.all(), admin, "path")
    assert set(divisions) == {tree.zhuji, tree.jiyang}
    root = factories.StaffFactory(role=Role.SYSTEM_ADMIN)
    assert permissions.filter_by_division(Department.objects.all(), root).count() == 2
    assert not permissions.filter_by_division(Department.objects.all(), factories.CitizenFactory()).exists()


def test_is_catalogue_editor(tree: SimpleNamespace) -> None:
    assert permissions.is_catalogue_editor(factories.StaffFactory(role=Role.CATALOGUE_ADMIN, division=tree.zhuji))
    assert permissions.is_catalogue_editor(factories.StaffFactory(role=Role.SYSTEM_ADMIN))
    assert permissions.is_catalogue_editor(User.objects.create_superuser("root", "", factories.PASSWORD))
    for role in (Role.WINDOW_CLERK, Role.APPROVER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR):
        assert not permissions.is_catalogue_editor(factories.StaffFactory(role=role, department=tree.police))
    assert not permissions.is_catalogue_editor(factories.CitizenFactory())
    assert not permissions.is_catalogue_editor(AnonymousUser())
    editor = factories.StaffFactory(role=Role.CATALOGUE_ADMIN, division=tree.zhuji)
    editor.is_active = False
    assert not permissions.is_catalogue_editor(editor)
