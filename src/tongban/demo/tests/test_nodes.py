"""A node of the federation loads its own region's demo (TONGBAN_NODE_CODE); without it, everything."""

import pytest
from django.test import override_settings

from tongban.accounts.models import User
from tongban.catalogue.models import ItemImplementation
from tongban.demo.data import nodes
from tongban.demo.loader import load_demo
from tongban.jurisdictions.models import Department, ServiceCentre


def test_a_nodes_region_is_its_division_and_those_above():
    assert nodes.region("370402") == {"370402", "370400", "370000"}
    assert nodes.region("") == frozenset()
    assert nodes.on_node("330681104", nodes.region("330681"))  # a township's centre of 诸暨
    assert not nodes.on_node("330482", nodes.region("330681"))
    assert nodes.on_node("330482", frozenset())
    assert nodes.full_name("370402") == "山东省枣庄市市中区"
    with pytest.raises(ValueError):
        nodes.region("999999")


@pytest.mark.django_db
def test_the_node_of_shizhong_loads_shizhong_only():
    with override_settings(DEMO_MODE=True, TONGBAN_NODE_CODE="370402"):
        report = load_demo()
    assert report.created["scenario"] == 0  # the casebook is 诸暨市's
    divisions = set(ItemImplementation.objects.values_list("division_id", flat=True))
    assert {d[:6] for d in divisions} <= {"370402", "370400", "370000"} and divisions
    names = set(ItemImplementation.objects.values_list("entry__name", flat=True))
    assert {"无犯罪记录证明", "企业职工基本养老保险关系转移接续"} <= names
    assert not Department.objects.filter(division__code__startswith="3306").exists()
    assert list(ServiceCentre.objects.values_list("name", flat=True)) == ["枣庄市市中区政务服务中心"]
    clerk = User.objects.get(username="shizhong_window")  # the centre has the 跨省通办专窗
    assert clerk.service_centre.windows.filter(kind="cross_region").exists()
    assert not User.objects.filter(username="zj_window").exists()
