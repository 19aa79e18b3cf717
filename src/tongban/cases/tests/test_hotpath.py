"""The SQL built once for the hot path (cases/services/hotpath.py) stores and reads what the ORM does."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.forms.models import model_to_dict

from tongban.cases.models import Case, CaseEvent
from tongban.cases.services import hotpath
from tongban.cases.tests.factories import form, world

pytestmark = pytest.mark.django_db


def _fields(obj: object) -> dict[str, object]:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}  # type: ignore[attr-defined]


def test_an_inserted_case_and_event_read_back_as_written():
    w = world()
    impl = w.version.implementation
    made = hotpath.insert(
        Case(
            number="330681-20261202-000009",
            query_code="ABC234",
            implementation=impl,
            version=w.version,
            status="submitted",
            applicant=w.applicant,
            applicant_kind="natural",
            applicant_name="张三",
            applicant_id_number=w.applicant.id_number or "",
            form_data={**form(w), "nested": {"a": [1, None]}},
            channel="online",
            receiving_division_id=impl.division_id,
            deciding_department_id=impl.department_id,
            deciding_division_id=impl.division_id,
            correction_items=["一", "二"],
        )
    )
    stored = Case.objects.get(pk=made.pk)
    assert _fields(stored) == _fields(made)
    assert stored.created_at is not None and stored.form_data["nested"] == {"a": [1, None]}
    event = hotpath.insert(CaseEvent(case=stored, action="submit", from_status="draft", to_status="submitted",
                                     actor=w.applicant, data={"说明": "网上提交"}))  # fmt: skip
    assert model_to_dict(CaseEvent.objects.get(pk=event.pk)) == model_to_dict(event)


def test_the_locked_read_finds_by_pk_and_number_and_leaves_bundle_items_to_their_bundle():
    w = world()
    impl = w.version.implementation
    case = Case.objects.create(
        number="330681-20261202-000010", query_code="ABC235", implementation=impl, version=w.version,
        status="submitted", applicant_kind="natural", applicant_name="张三", applicant_id_number="1",
        channel="online", receiving_division_id=impl.division_id, deciding_department_id=impl.department_id,
        deciding_division_id=impl.division_id,
    )  # fmt: skip
    with transaction.atomic():
        by_pk = hotpath.locked_case(pk=case.pk)
        by_number = hotpath.locked_case(number=case.number, alone=True)
        assert by_pk is not None and by_number is not None
        assert _fields(by_pk) == _fields(Case.objects.get(pk=case.pk)) == _fields(by_number)
        assert hotpath.locked_case(number="no-such-number") is None
        assert hotpath.locked_case(pk=case.pk + 1000) is None
