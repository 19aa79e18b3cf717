"""Loading the demo data: demo mode only, idempotent, guides published through the catalogue services."""

from __future__ import annotations

import dataclasses
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from tongban.accounts.models import User
from tongban.bundles.models import Bundle, BundleItem
from tongban.bundles.services import bundle_problems
from tongban.catalogue import services
from tongban.catalogue.models import (
    CatalogueEntry,
    ImplementationVersion,
    ItemImplementation,
    MaterialRequirement,
    Theme,
    VersionEvent,
)
from tongban.core.identifiers import resident_id_error, uscc_error
from tongban.demo import loader
from tongban.demo.data import accounts as account_data
from tongban.demo.data import catalogue as cat
from tongban.jurisdictions.models import Department, Division, ServiceCentre, Window
from tongban.search.models import SearchSynonym

pytestmark = pytest.mark.django_db

MODELS: list[Any] = [
    Division,
    Department,
    ServiceCentre,
    Window,
    Theme,
    CatalogueEntry,
    ItemImplementation,
    ImplementationVersion,
    MaterialRequirement,
    VersionEvent,
    Bundle,
    BundleItem,
    SearchSynonym,
    User,
]


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def test_refused_without_demo_mode():
    with override_settings(DEMO_MODE=False):
        with pytest.raises(loader.DemoModeRequired):
            loader.load_demo()
        with pytest.raises(CommandError, match="演示模式"):
            call_command("demo", "load")
    assert Division.objects.count() == 0 and User.objects.count() == 0


@override_settings(DEMO_MODE=True)
def test_load_twice_changes_nothing_and_publishes_valid_guides():
    """Without the cases (their second load: test_demo_cases.py)."""
    first = loader.load_demo(cases=False)
    assert first.changed
    after_first = _counts()
    passwords = dict(User.objects.values_list("username", "password"))

    second = loader.load_demo(cases=False)
    assert not second.changed, second.lines()
    assert _counts() == after_first
    assert dict(User.objects.values_list("username", "password")) == passwords

    published = ItemImplementation.objects.filter(published_version__isnull=False)
    assert published.count() == len(cat.IMPLEMENTATIONS) >= 60
    assert published.filter(division__code="330681000000").count() >= 60
    assert ImplementationVersion.objects.exclude(status="published").count() == 0
    for impl in published.select_related("published_version"):
        version = impl.published_version
        assert version is not None and version.number == 1
        assert services.publish_violations(version) == []

    # Divisions form a tree with materialised paths; departments and users carry valid identifiers.
    zhuji = Division.objects.get(code="330681000000")
    assert zhuji.path == "330000000000/330600000000/330681000000/"
    assert Division.objects.get(code="330681001000").parent == zhuji
    assert all(uscc_error(u) is None for u in Department.objects.values_list("uscc", flat=True))
    for user in User.objects.filter(is_demo=True):
        if user.id_number:
            assert resident_id_error(user.id_number) is None
        if user.uscc:
            assert uscc_error(user.uscc) is None

    # Entries: sub-items under their main item, themes attached, the 六统一 baseline filled in.
    newborn = CatalogueEntry.objects.get(name="新生儿入户")
    assert newborn.parent is not None and newborn.parent.name == "户口登记" and newborn.cross_region
    assert newborn.themes.filter(name="生育收养").exists()
    assert "出生医学证明" in newborn.standard_materials

    # The centre and its windows.
    centre = ServiceCentre.objects.get(name="诸暨市政务服务中心")
    assert centre.windows.filter(kind="general").count() == 6
    assert centre.windows.get(kind="dedicated", number="09").departments.get().kind == "police"
    assert centre.departments.filter(kind="hrss").exists()


def test_bundles_are_published_with_order_and_shared_fields(demo_db):
    assert Bundle.objects.filter(status="published").count() == 14
    newborn = Bundle.objects.get(name="新生儿出生一件事")
    assert bundle_problems(newborn) == []
    hukou = newborn.items.get(implementation__entry__name="新生儿入户")
    assert [d.implementation.entry.name for d in hukou.depends_on.all()] == ["出生医学证明签发"]
    assert hukou.result_as_material == "出生医学证明"
    assert newborn.promised_days == 5 and "child_name" in newborn.shared_fields
    opening = Bundle.objects.get(name="企业开办一件事")
    seal = opening.items.get(implementation__entry__name="公章刻制备案")
    assert seal.depends_on.get().implementation.entry.name == "内资企业及分支机构设立登记"
    assert opening.lead_department.kind == "market"
    for bundle in Bundle.objects.all():
        assert bundle_problems(bundle) == [], bundle.name


def test_changed_guide_becomes_a_new_published_version(monkeypatch, demo_db):
    impl_spec = cat.implementation_of("no_crime_certificate")
    changed_item = dataclasses.replace(impl_spec.item, faq=[*impl_spec.item.faq[:2], ("新问题？", "新回答。")])
    plan = [dataclasses.replace(i, item=changed_item) if i is impl_spec else i for i in cat.IMPLEMENTATIONS]
    monkeypatch.setattr(cat, "IMPLEMENTATIONS", plan)

    report = loader.load_demo(cases=False)
    assert report.updated["implementation"] == 1
    assert report.unchanged["implementation"] == len(plan) - 1
    impl = ItemImplementation.objects.get(code=impl_spec.code)
    version = impl.published_version
    assert version is not None and version.number == 2
    assert version.faq[-1] == {"q": "新问题？", "a": "新回答。"}
    assert impl.versions.get(number=1).status == "retired"
    assert not loader.load_demo(cases=False).changed


def test_demo_accounts_roles_and_password_reset(demo_db):
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    assert len(users) == len(account_data.ACCOUNTS) > 100
    assert users["zj_catalogue"].is_staff and not users["zj_catalogue"].is_superuser
    assert users["zj_admin"].is_staff and users["zj_admin"].is_superuser
    assert not users["zj_window"].is_staff and users["zj_window"].service_centre.name == "诸暨市政务服务中心"
    assert users["zj_police_approver"].department.kind == "police"
    assert users["zj_hrss_approver"].department.kind == "hrss"
    assert users["zj_citizen_wang"].kind == "citizen" and users["zj_enterprise"].kind == "enterprise"
    assert users["pinghu_police_approver"].department.name == "平湖市公安局"
    assert users["zj_diankou_window"].service_centre.name == "诸暨市店口镇便民服务中心"
    assert all(u.check_password("Tongban@2026") for u in users.values())

    users["zj_window"].set_password("changed-by-someone")
    users["zj_window"].save()
    report = loader.load_demo(cases=False)
    assert report.updated["account"] == 1
    assert User.objects.get(username="zj_window").check_password("Tongban@2026")


def test_accounts_command_prints_json_lines_and_a_table():
    out = StringIO()
    call_command("demo", "accounts", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == len(account_data.ACCOUNTS)
    for row in rows:
        assert set(row) == {"username", "password", "role", "department", "region"}
    assert {r["region"] for r in rows if r["username"].startswith("zj_")} == {"诸暨市", "店口镇"}
    roles = {r["role"] for r in rows}
    assert {
        "window_clerk",
        "approver",
        "department_head",
        "supervisor",
        "catalogue_admin",
        "system_admin",
        "citizen",
        "enterprise",
    } == roles
    approver = next(r for r in rows if r["username"] == "zj_police_approver")
    assert approver["department"] == "诸暨市公安局"

    table = StringIO()
    call_command("demo", "accounts", "--table", stdout=table)
    text = table.getvalue()
    assert "用户名" in text and "综合窗口受理人员" in text and "zj_admin" in text


@override_settings(DEMO_MODE=True)
def test_load_command_reports_in_chinese():
    out = StringIO()
    call_command("demo", "load", stdout=out)
    assert "实施清单事项：新增" in out.getvalue() and "演示数据已加载" in out.getvalue()
    again = StringIO()
    call_command("demo", "load", stdout=again)
    assert "无需更改" in again.getvalue()


@override_settings(DEMO_MODE=True)
def test_load_is_all_or_nothing(monkeypatch):
    from tongban.core.errors import DomainError
    from tongban.demo.data import bundles as bundle_data

    broken = dataclasses.replace(bundle_data.BUNDLES[0], shared_fields=("no_such_field",))
    monkeypatch.setattr(bundle_data, "BUNDLES", [broken, *bundle_data.BUNDLES[1:]])
    with pytest.raises(DomainError, match="no_such_field"):
        loader.load_demo()
    assert all(n == 0 for n in _counts().values())
