"""factory_boy factories for tests across apps: divisions with the ancestors their code implies, departments,
service centres and their windows.

``DivisionFactory(code="330602")`` is 越城区 under 绍兴市 under 浙江省, each made once (get or create by code), so
materialised paths are real; ``DepartmentFactory(division=…, name=…, kind=…)`` gets or creates by division and
name with a valid USCC; ``ServiceCentreFactory(departments=[…])`` serves the departments given.
"""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from tongban.core.identifiers import division_level, make_uscc
from tongban.jurisdictions.models import Department, Division, ServiceCentre, Window

# Real names for the codes tests use; any other code is named after itself.
DIVISION_NAMES = {
    "330000": "浙江省",
    "330600": "绍兴市",
    "330681": "诸暨市",
    "330681001": "暨阳街道",
    "330602": "越城区",
    "330400": "嘉兴市",
    "330482": "平湖市",
    "330100": "杭州市",
    "330102": "上城区",
    "410000": "河南省",
    "419001": "济源市",
}
_NAMES = {code.ljust(12, "0"): name for code, name in DIVISION_NAMES.items()}


def division_code(code: str) -> str:
    """The 12-digit code of a 2-, 4-, 6-, 9- or 12-digit GB/T 2260 code."""
    return code.ljust(12, "0")


def parent_code(code: str) -> str | None:
    """The code of the division a code implies as its parent (None for a province)."""
    code12 = division_code(code)
    level = division_level(code12)
    if level == 3 and code12[2:4] == "90":  # a county-level city under the province itself (济源)
        return code12[:2]
    return {1: None, 2: code12[:2], 3: code12[:4], 4: code12[:6], 5: code12[:9]}[level]


class DivisionFactory(DjangoModelFactory[Division]):
    class Meta:
        model = Division
        django_get_or_create = ("code",)

    code = "330681"
    name = factory.LazyAttribute(lambda o: _NAMES.get(division_code(o.code), o.code))
    level = factory.LazyAttribute(lambda o: division_level(division_code(o.code)))
    parent = factory.LazyAttribute(lambda o: DivisionFactory(code=p) if (p := parent_code(o.code)) else None)

    @classmethod
    def _adjust_kwargs(cls, **kwargs: Any) -> dict[str, Any]:
        kwargs["code"] = division_code(kwargs["code"])
        return kwargs


class DepartmentFactory(DjangoModelFactory[Department]):
    class Meta:
        model = Department
        django_get_or_create = ("division", "name")

    division = factory.SubFactory(DivisionFactory)
    name = factory.LazyAttribute(lambda o: f"{o.division.name}公安局")
    kind = "police"
    uscc = factory.LazyAttributeSequence(lambda o, n: make_uscc("1", "1", o.division.code[:6], f"{n + 1:08d}"))
    phone = "0575-87012345"


class ServiceCentreFactory(DjangoModelFactory[ServiceCentre]):
    class Meta:
        model = ServiceCentre
        django_get_or_create = ("name",)
        skip_postgeneration_save = True

    division = factory.SubFactory(DivisionFactory)
    name = factory.LazyAttribute(lambda o: f"{o.division.name}政务服务中心")
    kind = ServiceCentre.Kind.GOVERNMENT
    address = factory.LazyAttribute(lambda o: f"{o.division.name}示例路1号")
    opening_hours = "周一至周五 8:30-12:00，13:30-17:00"

    @factory.post_generation
    def departments(self, create: bool, extracted: list[Department] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.departments.add(*extracted)


class WindowFactory(DjangoModelFactory[Window]):
    class Meta:
        model = Window
        django_get_or_create = ("centre", "number")

    centre = factory.SubFactory(ServiceCentreFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    name = "综合窗口"
    kind = Window.Kind.GENERAL
