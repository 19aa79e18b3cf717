"""A granted case's result issue makes its licence, signed and verifiable, in the same transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tongban.cases.models import CaseEvent
from tongban.cases.tests.factories import CaseFactory

from .. import sm2
from ..domain import identifier as ids
from ..domain.canonical import canonical_bytes
from ..models import Licence, LicenceEvent, LicenceVersion
from ..services.signing import seal_of
from ..sm2 import sm3
from .factories import issued, licence_world

pytestmark = pytest.mark.django_db


def test_a_granted_case_yields_its_signed_licence():
    w = licence_world()
    case, licence = issued(w)
    assert case.result_licence_id == licence.identifier
    parts = ids.parse(licence.identifier)
    assert parts.issuer_code == w.police.uscc and parts.type_code == licence.type_code and parts.version == 1
    assert parts.serial == f"{timezone.localdate().year}0000001"
    assert licence.holder_name == "张三" and licence.holder_code_type == "111"
    assert licence.issuer == w.police and licence.jurisdiction_code == w.police.division.code
    today = timezone.localdate()
    assert licence.valid_until == today.replace(year=today.year + 10) - dt.timedelta(days=1)
    version = LicenceVersion.objects.get(licence=licence)
    assert version.content["fields"] == {
        "child_name": "张小宝",
        "birth_date": "2026-11-01",
        "guardian": "张三",
        "registered_by": w.police.name,
    }
    assert sm3(canonical_bytes(version.content)).hex() == version.content_digest
    seal = seal_of(version)
    assert sm2.verify(bytes.fromhex(version.key.public_key), seal.signed_bytes(), seal.signature)
    event = CaseEvent.objects.get(case=case, action="issue_result")
    assert event.data["licence"] == licence.identifier
    assert LicenceEvent.objects.get(licence=licence).action == "issue"


def test_serials_are_unique_per_type_and_issuer():
    w = licence_world()
    _, first = issued(w)
    _, second = issued(w)
    assert ids.parse(second.identifier).serial == str(int(ids.parse(first.identifier).serial) + 1)


def test_a_denied_case_yields_no_licence():
    w = licence_world()
    case = CaseFactory(world=w, status="closed", grant=False)
    assert case.result_licence_id == "" and not Licence.objects.exists()
