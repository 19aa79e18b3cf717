"""信用联合惩戒 at the front desk: an applicant the credit base lists as 失信 gets no 容缺受理 where the list of
measures says so, and the check is an access on the applicant's record; a good record changes the answer."""

from __future__ import annotations

import datetime as dt

import pytest

from tongban.cases import services as s
from tongban.cases.models import Case
from tongban.core.errors import DomainError

from ..models import AccessRecord, CreditRecord
from .factories import SharingWorld, sharing_world

pytestmark = pytest.mark.django_db


def _defer_marriage_certificate() -> list[s.Deferral]:
    return [s.Deferral("结婚证", s.today() + dt.timedelta(days=10), "本人承诺10日内补交结婚证")]


def test_a_dishonest_applicant_gets_no_deferred_acceptance_and_the_check_is_on_their_record() -> None:
    sw: SharingWorld = sharing_world()
    desk = s.Ctx(sw.w.clerk, "window", sw.w.window)
    with pytest.raises(DomainError) as refused:
        s.accept(desk, sw.case, sw.case.revision, _defer_marriage_certificate())
    assert refused.value.code == "credit_no_deferral" and refused.value.field == "deferrals"
    assert Case.objects.get(pk=sw.case.pk).status == sw.case.status  # nothing half-written
    check = AccessRecord.objects.filter(subject_code=sw.subject, resource_code="credit-standing").latest("pk")
    assert check.case_number == sw.case.number and check.outcome == "given" and check.fields_given == ["standing"]

    CreditRecord.objects.filter(subject_code=sw.subject).update(standing="good", list_name="")
    accepted = s.accept(desk, Case.objects.get(pk=sw.case.pk), sw.case.revision, _defer_marriage_certificate())
    assert accepted.status == "in_progress"
    assert AccessRecord.objects.filter(subject_code=sw.subject, resource_code="credit-standing").count() == 2
