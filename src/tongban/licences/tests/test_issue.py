"""A granted case's result issue makes its licence, signed and verifiable, in the same transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tongban.cases.models import CaseEvent
from tongban.cases.tests.factories import CaseFactory
from tongban.core import sm2
from tongban.core.sm2 import sm3

from ..domain import identifier as ids
from ..domain.canonical import canonical_bytes
from ..models import Licence, LicenceEvent, LicenceVersion
from ..selectors import face_rows
from ..services.signing import seal_of
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


def test_the_case_page_links_its_licence_for_those_who_see_the_case_whole(client):
    w = licence_world()
    case, licence = issued(w)
    page = reverse("licences:detail", args=[licence.identifier])
    client.force_login(w.applicant)
    assert page in client.get(reverse("cases:detail", args=[case.number])).content.decode()
    client.force_login(w.other_citizen)
    assert page not in client.get(reverse("cases:detail", args=[case.number])).content.decode()


def test_the_face_shows_the_holder_and_issuer_once():
    w = licence_world(
        face_fields=[
            {"key": "name", "label": "姓名", "type": "text", "source": "holder_name"},
            {"key": "child_name", "label": "新生儿姓名", "type": "text", "source": "form.child_name"},
        ]
    )
    _, licence = issued(w)
    labels = [row.label for row in face_rows(licence, licence.versions.get(), masked=False)]
    assert labels.count("持证主体") == 1 and "姓名" not in labels and "新生儿姓名" in labels
