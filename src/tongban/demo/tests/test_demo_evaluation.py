"""The demo's 好差评: the public page shows figures, every channel and every rectification state the journeys
need, and 王晓燕's closed case waits for her rating."""

from __future__ import annotations

import pytest

from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.evaluation import selectors
from tongban.evaluation.models import Evaluation, Rectification


@pytest.mark.django_db
def test_the_demo_publishes_figures_and_leaves_each_journey_open(demo_cases_db, client):
    assert set(Evaluation.objects.values_list("channel", flat=True)) == {"on_site", "online", "social", "supervision"}
    states = set(Rectification.objects.values_list("status", flat=True))
    assert {"closed", "rectifying", "appealed"} <= states
    overall = selectors.overall()
    assert overall.total >= 10 and overall.bad >= 3 and overall.satisfaction_rate is not None
    assert "诸暨市公安局" in client.get("/evaluation/").content.decode()
    wang = User.objects.get(username="zj_citizen_wang")
    mine = Case.objects.filter(applicant=wang, status="closed").first()
    assert mine is not None and not Evaluation.objects.filter(case=mine).exists()
    client.force_login(wang)
    assert "评价本次服务" in client.get(f"/cases/{mine.number}/").content.decode()
    appealed = Rectification.objects.get(status="appealed")
    client.force_login(User.objects.get(username="zj_supervisor"))
    page = client.get(f"/evaluation/rectifications/{appealed.pk}/").content.decode()
    assert "申诉成立" in page and "申诉不成立" in page
    assert 'id="evaluation-figures"' in client.get("/cases/supervision/").content.decode()
