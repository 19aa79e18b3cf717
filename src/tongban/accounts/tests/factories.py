"""factory_boy factories of accounts: citizens, enterprises and staff of every role, made through the account
services as real sign-ups and staff records are (validated, staff with the admin-site flag and role group
their role gives), so a factory-made user is one the platform could have made.

``CitizenFactory()`` has a valid resident ID, ``EnterpriseFactory()`` a valid USCC; ``StaffFactory(role=…)``
or one factory per role (``WindowClerkFactory(service_centre=…)``, ``ApproverFactory(department=…)`` …),
bound as the role requires (a department's division by default). Every password is ``PASSWORD``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from factory.django import DjangoModelFactory

from tongban.accounts import services
from tongban.accounts.models import User
from tongban.accounts.roles import Role
from tongban.core.identifiers import make_resident_id, make_uscc
from tongban.jurisdictions.tests.factories import DepartmentFactory, DivisionFactory, ServiceCentreFactory

PASSWORD = "Tongban@2026"


def resident_id(n: int, area: str = "330681") -> str:
    """A valid resident ID, different for every ``n`` (birth dates cycle through 1950–2004, however many)."""
    return make_resident_id(area, dt.date(1950, 1, 1) + dt.timedelta(days=n * 37 % 20_000), n % 999 + 1)


def uscc(n: int, authority: str = "9", kind: str = "1") -> str:
    """A valid USCC, different for every ``n``."""
    return make_uscc(authority, kind, "330681", f"{n:08d}")


class UserFactory(DjangoModelFactory[User]):
    """Common to every kind of account; use the kind's factory."""

    class Meta:
        model = User
        abstract = True

    password = PASSWORD
    is_demo = False


class CitizenFactory(UserFactory):
    """A citizen (自然人) signed up through accounts.services.register_citizen."""

    username = factory.Sequence(lambda n: f"citizen{n + 1}")
    real_name = "张三"
    id_number = factory.Sequence(lambda n: resident_id(n + 1))
    phone = factory.Sequence(lambda n: f"138{n + 1:08d}")
    address = ""

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        return services.register_citizen(**kwargs)


class EnterpriseFactory(UserFactory):
    """An enterprise (法人) signed up through accounts.services.register_enterprise."""

    username = factory.Sequence(lambda n: f"firm{n + 1}")
    real_name = "诸暨示例科技有限公司"
    uscc = factory.Sequence(lambda n: uscc(n + 1))
    legal_representative = "李四"
    phone = factory.Sequence(lambda n: f"139{n + 1:08d}")
    address = ""

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        return services.register_enterprise(**kwargs)


class StaffFactory(UserFactory):
    """A staff member with a role, made by accounts.services.create_staff: approvers and heads belong to a
    department (诸暨市公安局 unless given), every role but the system administrator to a division (the
    department's, else 诸暨市), a window clerk to a service centre if given."""

    username = factory.Sequence(lambda n: f"staff{n + 1}")
    real_name = "王五"
    role = Role.APPROVER
    department = factory.Maybe(
        factory.LazyAttribute(lambda o: o.role in (Role.APPROVER, Role.DEPARTMENT_HEAD)),
        yes_declaration=factory.SubFactory(DepartmentFactory),
        no_declaration=None,
    )
    division = factory.LazyAttribute(
        lambda o: (
            None
            if o.role == Role.SYSTEM_ADMIN
            else o.department.division
            if o.department is not None
            else o.service_centre.division
            if o.service_centre is not None
            else DivisionFactory()
        )
    )
    service_centre: object = None  # a declaration or a row (WindowClerkFactory makes a centre)
    phone = ""

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        kwargs["centre"] = kwargs.pop("service_centre")
        return services.create_staff(**kwargs)


class WindowClerkFactory(StaffFactory):
    """综合窗口受理人员 at a service centre (诸暨市政务服务中心 unless given)."""

    role = Role.WINDOW_CLERK
    service_centre = factory.SubFactory(ServiceCentreFactory)


class ApproverFactory(StaffFactory):
    role = Role.APPROVER


class DepartmentHeadFactory(StaffFactory):
    role = Role.DEPARTMENT_HEAD


class SupervisorFactory(StaffFactory):
    role = Role.SUPERVISOR


class CatalogueAdminFactory(StaffFactory):
    role = Role.CATALOGUE_ADMIN


class SystemAdminFactory(StaffFactory):
    role = Role.SYSTEM_ADMIN
