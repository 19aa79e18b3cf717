"""The demo's e-licences: licence types named as the guides name them, items whose result is one of them
issuing it, and the demo holders' earlier licences (存量证照归集) valid and verifiable, loaded once."""

from __future__ import annotations

import pytest

from tongban.accounts.models import User
from tongban.cases import services as s
from tongban.cases.tests.factories import hold_missing
from tongban.catalogue.models import ItemImplementation, LicenceType, MaterialRequirement
from tongban.demo import licences as demo_licences
from tongban.demo import loader
from tongban.demo.data import catalogue as catalogue_data
from tongban.licences.models import Licence
from tongban.licences.services.verification import check

pytestmark = pytest.mark.django_db

REQUIRED = {
    "营业执照",
    "结婚证",
    "出生医学证明",
    "居民户口簿",
    "食品经营许可证",
    "道路运输证",
    "残疾人证",
    "社会保障卡",
}


def test_the_demo_defines_the_licence_types_under_the_names_its_guides_use(demo_db):
    types = {t.name: t for t in LicenceType.objects.all()}
    assert set(types) >= REQUIRED
    for t in types.values():
        assert t.code.startswith(t.defining_body_code) and len(t.code) == 21 and t.face_fields
    # the names are the guides' own: each is a material's e-licence (免提交) or an item's result, or both
    named = set(MaterialRequirement.objects.exclude(licence_type="").values_list("licence_type", flat=True))
    results = {spec.item.result_licence for spec in catalogue_data.IMPLEMENTATIONS}
    assert set(types) <= named | results
    assert {"营业执照", "结婚证", "出生医学证明", "居民户口簿", "残疾人证", "社会保障卡"} <= named
    # each published guide whose result is one of them names the type's code, and issues it
    issuing = 0
    for spec in catalogue_data.IMPLEMENTATIONS:
        version = ItemImplementation.objects.get(code=spec.code).published_version
        wanted = types[spec.item.result_licence].code if spec.item.result_licence in types else ""
        assert version is not None and version.result_licence_type == wanted, spec.code
        issuing += bool(wanted)
    assert issuing >= len(REQUIRED)


def test_the_demo_holders_already_hold_valid_licences_of_several_types(demo_db):
    wang = User.objects.get(username="zj_citizen_wang")
    enterprise = User.objects.get(username="zj_enterprise")
    held = Licence.objects.filter(holder_code=wang.id_number, source="existing")
    assert {licence.name for licence in held} >= {"居民户口簿", "社会保障卡", "结婚证"}
    companies = Licence.objects.filter(holder_code=enterprise.uscc, source="existing")
    assert {licence.name for licence in companies} == {"营业执照", "食品经营许可证"}
    for licence in [*held, *companies]:
        assert check(licence.identifier, channel="page").outcome.value == "valid"
        assert licence.source_system and licence.issuer.division.code.startswith("330681")


def test_a_second_load_registers_nothing_twice(demo_db):
    before = Licence.objects.count()
    report = loader.load_demo(cases=False)
    assert Licence.objects.count() == before
    assert report.created["licence"] == 0 and report.unchanged["licence"] == len(demo_licences.EXISTING)
    assert report.created["licence_type"] == 0 and report.updated["licence_type"] == 0


def test_a_granted_demo_case_yields_its_licence(demo_db):
    citizen = User.objects.get(username="zj_citizen_chen")
    desk = User.objects.get(username="zj_window")
    assert desk.service_centre is not None
    clerk = s.Ctx(desk, "window", desk.service_centre.windows.first())
    approver = s.Ctx(User.objects.get(username="zj_hrss_approver"))
    applicant = s.Ctx(citizen, "online")
    impl = ItemImplementation.objects.get(published_version__name="社会保障卡申领", division__code__startswith="330681")
    answers = {
        "applicant_name": citizen.real_name,
        "applicant_id_number": citizen.id_number,
        "applicant_phone": citizen.phone,
        "receive_method": "网点领取",
        "address": citizen.address,
    }
    case = s.submit(applicant, (draft := s.start_online(applicant, impl, answers)), draft.revision)
    hold_missing(case)
    case = s.accept(clerk, case, case.revision, [])
    while not case.awaiting_decision:
        case = s.complete_step(approver, case, "材料齐全，符合规定", case.revision)
    case = s.decide(approver, case, True, "符合社会保障卡申领条件", case.revision)
    case = s.issue_result(clerk, case, "window", case.revision)
    licence = Licence.objects.get(identifier=case.result_licence_id)
    assert licence.name == "社会保障卡" and licence.source == "platform" and licence.holder_code == citizen.id_number
    assert licence.versions.get().content["fields"]["holder_name"] == citizen.real_name
    assert check(licence.identifier, channel="page").outcome.value == "valid"
