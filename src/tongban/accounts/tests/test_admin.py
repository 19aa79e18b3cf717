"""The user admin: Chinese, identifiers masked in the list, roles editable by system administrators only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from tongban.accounts.models import User
from tongban.accounts.roles import AccountKind, Role
from tongban.audit.models import AuditEntry

from . import factories
from .factories import CitizenFactory, StaffFactory

pytestmark = pytest.mark.django_db

VALID_ID = "360426199101010071"


@pytest.fixture
def root_client(client: Client) -> Client:
    client.force_login(StaffFactory(role=Role.SYSTEM_ADMIN))
    return client


def change_data(user: User, **overrides) -> dict:
    data = {
        "username": user.username,
        "kind": user.kind,
        "real_name": user.real_name,
        "id_number": user.id_number or "",
        "uscc": user.uscc or "",
        "legal_representative": user.legal_representative,
        "phone": user.phone,
        "email": user.email,
        "address": user.address,
        "role": user.role,
        "division": user.division_id or "",
        "department": user.department_id or "",
        "service_centre": user.service_centre_id or "",
        "is_active": "on",
        "date_joined_0": "2025-01-01",
        "date_joined_1": "08:00:00",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_list_masks_identifiers(root_client: Client) -> None:
    factories.CitizenFactory(id_number=VALID_ID, phone="13812345678")
    factories.EnterpriseFactory(uscc="91110000600037341L")
    html = root_client.get("/admin/accounts/user/").content.decode()
    assert "3604**********0071" in html and "138****5678" in html and "9111**********341L" in html
    assert VALID_ID not in html and "13812345678" not in html and "91110000600037341L" not in html
    assert "公民身份号码" in html and "账号类型" in html and "岗位角色" in html


def test_search_by_name_and_exact_id(root_client: Client) -> None:
    factories.CitizenFactory(real_name="赵六", id_number=VALID_ID)
    factories.CitizenFactory(real_name="钱七")
    html = root_client.get("/admin/accounts/user/", {"q": "赵六"}).content.decode()
    assert "赵六" in html and "钱七" not in html
    html = root_client.get("/admin/accounts/user/", {"q": VALID_ID}).content.decode()
    assert "赵六" in html and "钱七" not in html
    # A fragment of a number finds nothing: browsing by partial numbers is not a way to collect them.
    html = root_client.get("/admin/accounts/user/", {"q": "3604261991"}).content.decode()
    assert "赵六" not in html


def test_filters_by_kind_role_and_division(root_client: Client) -> None:
    zhuji = factories.DivisionFactory(code="330681")
    StaffFactory(role=Role.APPROVER, department=factories.DepartmentFactory(division=zhuji), real_name="审批甲")
    factories.CitizenFactory(real_name="市民乙")
    html = root_client.get("/admin/accounts/user/", {"role__exact": "approver"}).content.decode()
    assert "审批甲" in html and "市民乙" not in html
    html = root_client.get("/admin/accounts/user/", {"kind__exact": "citizen"}).content.decode()
    assert "市民乙" in html and "审批甲" not in html
    html = root_client.get("/admin/accounts/user/", {"division__code__exact": zhuji.code}).content.decode()
    assert "审批甲" in html and "市民乙" not in html


def test_system_admin_assigns_a_role_and_the_group_follows(root_client: Client) -> None:
    zhuji = factories.DivisionFactory(code="330681")
    user = CitizenFactory()
    response = root_client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        change_data(user, kind="staff", role="catalogue_admin", division=zhuji.code),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(pk=user.pk)
    assert user.role == Role.CATALOGUE_ADMIN and user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == ["事项管理员"]


def test_admin_form_reports_binding_errors_in_chinese(root_client: Client) -> None:
    user = CitizenFactory()
    response = root_client.post(f"/admin/accounts/user/{user.pk}/change/", change_data(user, role="approver"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["role"] == ["只有工作人员账号可以设置岗位角色"]
    response = root_client.post(
        f"/admin/accounts/user/{user.pk}/change/", change_data(user, kind="staff", role="approver")
    )
    errors = response.context["adminform"].form.errors
    assert errors["department"] == ["审批人员必须指定所属部门"]
    response = root_client.post(
        f"/admin/accounts/user/{user.pk}/change/", change_data(user, id_number="360426199101010072")
    )
    assert "校验位" in response.context["adminform"].form.errors["id_number"][0]
    assert User.objects.get(pk=user.pk).kind == AccountKind.CITIZEN


def test_duplicate_id_in_admin_uses_the_platform_message(root_client: Client) -> None:
    factories.CitizenFactory(id_number=VALID_ID)
    user = CitizenFactory()
    response = root_client.post(f"/admin/accounts/user/{user.pk}/change/", change_data(user, id_number=VALID_ID))
    assert response.context["adminform"].form.errors["id_number"] == ["该公民身份号码已注册，请直接登录或找回密码"]


def test_system_admin_adds_a_staff_account(root_client: Client) -> None:
    department = factories.DepartmentFactory()
    response = root_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "clerk01",
            "usable_password": "true",
            "password1": factories.PASSWORD,
            "password2": factories.PASSWORD,
            "kind": "staff",
            "real_name": "孙八",
            "role": "department_head",
            "department": department.pk,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="clerk01")
    assert user.division == department.division and user.role == Role.DEPARTMENT_HEAD and not user.is_staff


def test_role_fields_are_read_only_for_other_staff(client: Client) -> None:
    # A catalogue administrator given the right to change users still cannot hand out roles.
    editor = StaffFactory(role=Role.CATALOGUE_ADMIN, division=factories.DivisionFactory(code="330681"))
    editor.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    client.force_login(editor)
    target = CitizenFactory()
    form = client.get(f"/admin/accounts/user/{target.pk}/change/").context["adminform"].form
    assert "real_name" in form.fields
    assert not {"role", "kind", "division", "department", "is_superuser", "groups"} & set(form.fields)
    response = client.post(
        f"/admin/accounts/user/{target.pk}/change/",
        change_data(target, real_name="张三丰", kind="staff", role="system_admin"),
    )
    assert response.status_code == 302
    target = User.objects.get(pk=target.pk)
    assert target.real_name == "张三丰" and target.kind == AccountKind.CITIZEN and not target.role
    assert client.get("/admin/accounts/user/add/").status_code == 403


def test_catalogue_admin_does_not_see_users(client: Client) -> None:
    client.force_login(StaffFactory(role=Role.CATALOGUE_ADMIN, division=factories.DivisionFactory(code="330681")))
    assert client.get("/admin/accounts/user/").status_code == 403


def test_unlock_action(root_client: Client) -> None:
    user = CitizenFactory()
    other = Client()
    for _ in range(5):
        other.post("/accounts/login/", {"username": user.username, "password": "Wrong#password1"})
    assert (
        other.post("/accounts/login/", {"username": user.username, "password": factories.PASSWORD}).status_code == 429
    )
    response = root_client.post(
        "/admin/accounts/user/", {"action": "unlock_logins", "_selected_action": [user.pk]}, follow=True
    )
    assert "可以重新登录" in response.content.decode()
    assert (
        other.post("/accounts/login/", {"username": user.username, "password": factories.PASSWORD}).status_code == 302
    )


def test_opening_a_users_full_identifiers_is_audited(root_client: Client) -> None:
    """Issue 8: the change page shows the resident ID in full; the list masks it. Each look is on the record."""
    user = CitizenFactory()
    assert user.id_number and not AuditEntry.objects.filter(action="user.view").exists()
    listing = root_client.get("/admin/accounts/user/").content.decode()
    assert user.id_number not in listing and not AuditEntry.objects.filter(action="user.view").exists()
    page = root_client.get(f"/admin/accounts/user/{user.pk}/change/")
    assert page.status_code == 200 and user.id_number in page.content.decode()
    entry = AuditEntry.objects.get(action="user.view", object_id=str(user.pk))
    assert entry.actor_id is not None and "id_number" in entry.detail["fields"]
    assert entry.detail["surface"] == "admin"
